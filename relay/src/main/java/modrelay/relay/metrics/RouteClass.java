package modrelay.relay.metrics;

/**
 * The small fixed set of routes metrics are labelled with, so a client cannot mint a time series per
 * path: chat, completions, responses, embeddings, audio, files, models, other.
 */
public final class RouteClass {
    private RouteClass() {}

    /** @param path the request path after the route prefix (a query is ignored) */
    public static String of(String path) {
        if (path == null) return "other";
        int q = path.indexOf('?');
        String p = q < 0 ? path : path.substring(0, q);
        if (p.startsWith("/v1/")) p = p.substring(3);
        while (p.endsWith("/") && p.length() > 1) p = p.substring(0, p.length() - 1);
        if (p.equals("/chat/completions") || p.startsWith("/chat/completions/")) return "chat";
        if (p.equals("/completions")) return "completions";
        String first = firstSegment(p);
        return switch (first) {
            case "responses", "embeddings", "audio", "files", "models" -> first;
            default -> "other";
        };
    }

    private static String firstSegment(String p) {
        if (!p.startsWith("/")) return "";
        int next = p.indexOf('/', 1);
        return next < 0 ? p.substring(1) : p.substring(1, next);
    }
}
