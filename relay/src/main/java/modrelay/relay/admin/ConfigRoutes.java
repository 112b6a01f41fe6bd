package modrelay.relay.admin;

import akka.http.javadsl.server.AllDirectives;
import akka.http.javadsl.server.Route;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code GET /admin/config}: the settings the relay runs with (after defaults, the config file and the
 * environment), every secret redacted ({@link ConfigView}). Built once: settings do not change while
 * the relay runs (IP rules and sub-keys reload through POST /admin/reload, which this does not show).
 */
final class ConfigRoutes extends AllDirectives {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String body;

    ConfigRoutes(AdminSources sources) {
        ObjectNode o = JSON.createObjectNode();
        o.put("object", "relay.config");
        o.put("redacted", ConfigView.REDACTED);
        o.set("settings", ConfigView.of(sources.settings()));
        this.body = o.toString();
    }

    Route route() {
        return path("config", () -> get(() -> complete(Answers.ok(body))));
    }
}
