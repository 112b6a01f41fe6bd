package modrelay.loadtests.safety;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * {@code java modrelay.relay.Main} in a process of its own, as {@code java -jar} runs it, with the
 * given environment (the relay's own variables are not inherited from the test's). Its stdout and
 * stderr are read into lines as they come.
 */
final class RelayProcess implements AutoCloseable {
    private static final List<String> RELAY_VARIABLES = List.of("PROXY_KEY", "OPENAI_KEY", "UPSTREAMS", "ADMIN_TOKEN",
            "DATABASE_URL", "ALLOW_OPEN_RELAY", "UPSTREAM_URL", "OPENAI_BASE_URL", "PORT", "HOST", "LOG_FORMAT", "LOG_CHAT");

    final Process process;
    final int port;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final List<Watch> watches = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();

    private record Watch(Predicate<String> match, CompletableFuture<String> found) {}

    private RelayProcess(Process process, int port) {
        this.process = process;
        this.port = port;
        Thread reader = new Thread(this::read, "relay-process-output");
        reader.setDaemon(true);
        reader.start();
    }

    static RelayProcess start(Map<String, String> env) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder b = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"), "modrelay.relay.Main")
                .redirectErrorStream(true);
        RELAY_VARIABLES.forEach(b.environment()::remove);
        b.environment().put("HOST", "127.0.0.1");
        b.environment().put("PORT", Integer.toString(port));
        // A directory of its own: the shared tmpdir's modrelay.db carries whatever migrations another branch's run applied.
        b.environment().put("DATA_DIR", Files.createTempDirectory("relay-process").toString());
        b.environment().put("SHUTDOWN_DEADLINE", "1s");
        b.environment().putAll(env);
        return new RelayProcess(b.start(), port);
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                lines.add(line);
                for (Watch w : watches) if (w.match().test(line)) w.found().complete(line);
            }
        } catch (IOException ignored) {
            // the process went away
        } finally {
            ended.complete(null);
            for (Watch w : watches) w.found().completeExceptionally(new AssertionError("the relay ended without printing it: " + lines));
        }
    }

    /** The first line (already printed or still to come) that matches. */
    String awaitLine(Predicate<String> match) throws Exception {
        CompletableFuture<String> found = new CompletableFuture<>();
        watches.add(new Watch(match, found));
        for (String l : lines) if (match.test(l)) found.complete(l);
        if (ended.isDone() && !found.isDone()) throw new AssertionError("the relay ended without printing it: " + lines);
        return found.get(60, TimeUnit.SECONDS);
    }

    /** Exit code once the process has ended and its output is read whole. */
    int awaitExit() throws Exception {
        if (!process.waitFor(60, TimeUnit.SECONDS)) throw new AssertionError("the relay did not exit: " + lines);
        ended.get(10, TimeUnit.SECONDS);
        return process.exitValue();
    }

    List<String> lines() {
        return List.copyOf(lines);
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            process.destroy(); // SIGTERM, as docker stop
            if (!process.waitFor(60, TimeUnit.SECONDS)) process.destroyForcibly();
        }
    }
}
