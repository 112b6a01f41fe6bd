package modrelay.relay.endpoint;

import java.util.List;

/** The endpoint table of docs/moderation.md, written from the catalogue so the two cannot drift apart. */
public final class EndpointTable {
    private EndpointTable() {}

    public static String markdown() {
        StringBuilder b = new StringBuilder();
        b.append("| endpoint | request | group | model | under moderation |\n");
        b.append("| --- | --- | --- | --- | --- |\n");
        List<Endpoint> rows = new java.util.ArrayList<>(Endpoints.all());
        rows.add(Endpoints.UNKNOWN);
        for (Endpoint e : rows) {
            b.append("| `").append(e.name()).append("` | ")
                    .append(e == Endpoints.UNKNOWN ? "any other method or path" : "`" + e.method() + " /v1" + e.path() + "`")
                    .append(" | `").append(e.group().id()).append("` | ")
                    .append(model(e)).append(" | ")
                    .append(coverage(e.coverage())).append(" |\n");
        }
        return b.toString();
    }

    private static String model(Endpoint e) {
        return switch (e.model()) {
            case NONE -> "—";
            case REQUIRED -> "required";
            case WHEN_PRESENT -> "if sent";
            case DEPLOYMENT -> "deployment";
            case NESTED -> "nested";
        } + (e.fansOut() ? ", fans out" : "");
    }

    private static String coverage(Coverage c) {
        String kind = c instanceof Coverage.Moderated ? "**moderated**"
                : c instanceof Coverage.NoModelText ? "passes" : "**refused** (403)";
        return kind + ": " + c.why().replace("|", "\\|");
    }
}
