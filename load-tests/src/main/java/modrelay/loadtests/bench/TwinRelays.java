package modrelay.loadtests.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import modrelay.config.Settings;
import modrelay.config.SettingsLoader;
import modrelay.relay.Main;
import modrelay.relay.RelayServer;
import modrelay.relay.access.AccessOptions;

/**
 * Two relays in one JVM, the same settings but USAGE: "on" on {@code PORT_ON} (DATA_DIR {@code DATA_DIR/on}) and
 * "off" on {@code PORT_OFF} ({@code DATA_DIR/off}), for measuring usage accounting side by side. Two JVMs of the
 * same jar differed by up to 25% in req/s here (each JVM's JIT compiles its own way), so an A/B of two processes
 * measures their compilers; in one JVM both relays run the same compiled code and differ only in the work usage
 * adds. Their actor systems are named "on" and "off", so a third port ({@code PORT_CPU}) can answer
 * {@code GET /cpu} with each relay's thread CPU time (dispatcher threads by system name; the usage writer counts as
 * on's), the rest of the process (GC, JIT, shared store threads) as {@code other}, in nanoseconds.
 */
public final class TwinRelays {
    private TwinRelays() {}

    public static void main(String[] args) throws IOException {
        Main.widenCommonPool();
        Map<String, String> env = System.getenv();
        String dataDir = env.getOrDefault("DATA_DIR", System.getProperty("java.io.tmpdir") + "/modrelay-twins");
        start(env, "on", env.getOrDefault("PORT_ON", "19412"), dataDir + "/on");
        start(env, "off", env.getOrDefault("PORT_OFF", "19413"), dataDir + "/off");
        HttpServer cpu = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(env.getOrDefault("PORT_CPU", "19414"))), 0);
        cpu.createContext("/cpu", exchange -> {
            byte[] body = cpuJson().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        cpu.start();
        System.out.println("twin relays up: usage on " + env.getOrDefault("PORT_ON", "19412") + ", off "
                + env.getOrDefault("PORT_OFF", "19413"));
    }

    private static void start(Map<String, String> processEnv, String usage, String port, String dataDir) {
        Map<String, String> env = new HashMap<>(processEnv);
        env.put("USAGE", usage);
        env.put("PORT", port);
        env.put("DATA_DIR", dataDir);
        Settings settings = SettingsLoader.load(env);
        RelayServer.start(settings, AccessOptions.fromProcess(), usage).toCompletableFuture().join();
    }

    /** Thread CPU by owner: {"on":ns,"off":ns,"other":ns}. */
    static String cpuJson() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long on = 0, off = 0, other = 0;
        for (long id : threads.getAllThreadIds()) {
            ThreadInfo info = threads.getThreadInfo(id);
            long ns = threads.getThreadCpuTime(id);
            if (info == null || ns < 0) continue;
            String name = info.getThreadName();
            if (name.startsWith("on-") || name.equals("modrelay-usage-writer")) on += ns;
            else if (name.startsWith("off-")) off += ns;
            else other += ns;
        }
        return String.format(Locale.ROOT, "{\"on\":%d,\"off\":%d,\"other\":%d}", on, off, other);
    }
}
