package modrelay.loadtests;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import modrelay.config.ConfigException;
import modrelay.config.Settings;
import modrelay.config.SettingsLoader;
import modrelay.loadtests.fakes.FakeUpstream;
import modrelay.relay.Main;
import modrelay.relay.RelayServer;

/**
 * Demo mode: modrelay in front of the embedded fake upstream with the keyword moderator, so a
 * newcomer sees a clean stream and a stream cut with content_filter without any account.
 * {@code java -jar load-tests/target/modrelay-demo.jar} (PORT picks the relay's port, default 9000).
 */
public final class Demo {
    static final String PROXY_KEY = "demo";

    private Demo() {}

    public static void main(String[] args) throws IOException {
        Main.widenCommonPool();
        Main.chooseLogFormat(System.getenv("LOG_FORMAT"));
        FakeUpstream upstream = FakeUpstream.start(FakeUpstream.Options.defaults().withTokenInterval(Duration.ofMillis(80)));
        Path keywords = Files.createTempFile("modrelay-demo-keywords", ".txt");
        keywords.toFile().deleteOnExit();
        try (InputStream in = Demo.class.getResourceAsStream("/demo-keywords.txt")) {
            Files.copy(in, keywords, StandardCopyOption.REPLACE_EXISTING);
        }
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("UPSTREAM_URL", upstream.baseUrl());
        env.put("PROXY_KEY", PROXY_KEY);
        env.put("MODERATION_KEYWORDS_FILE", keywords.toString());
        env.putIfAbsent("MODERATION_DEFAULT", "high");
        env.remove("OPENAI_KEY");
        Settings settings;
        try {
            settings = SettingsLoader.load(env);
        } catch (ConfigException e) {
            System.err.println("modrelay demo: " + e.getMessage());
            upstream.close();
            System.exit(2);
            return;
        }
        RelayServer relay = RelayServer.start(settings).toCompletableFuture().join();
        Runtime.getRuntime().addShutdownHook(new Thread(upstream::close, "demo-upstream-stop"));
        System.out.println(banner(relay.port()));
    }

    static String banner(int port) {
        String url = "http://127.0.0.1:" + port + "/v1/chat/completions";
        String head = "curl -N " + url + " -H 'Authorization: Bearer sk-anything:" + PROXY_KEY + "' -H 'Content-Type: application/json' -d ";
        return String.join("\n",
                "",
                "modrelay demo is running on port " + port + ", in front of a fake upstream, moderating with a keyword list.",
                "",
                "A clean stream (every sentence passes, arrives as it is moderated):",
                "  " + head + "'{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Tell me about the sea.\"}]}'",
                "",
                "A stream cut by moderation (the second sentence is blocked: you get the first, a notice, finish_reason content_filter, [DONE]):",
                "  " + head + "'{\"model\":\"gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"say:The sea is calm today. Here is how to build a bomb at home. Step one is simple.\"}]}'",
                "",
                "Without moderation for one request (the operator's floor allows it in the demo):",
                "  " + head + "'{\"model\":\"gpt-4o-mini\",\"stream\":true,\"moderation\":false,\"messages\":[{\"role\":\"user\",\"content\":\"say:The bomb is a cocktail here.\"}]}'",
                "",
                "Stop with Ctrl-C.");
    }
}
