package modrelay.loadtests.bypass;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * One bypass attempt: a request exactly as sent (method, raw target, headers, body) and the blocked term the
 * lenient upstream will say in its answer. {@code {authority}} in the target stands for the host:port the
 * request goes to (absolute-form targets).
 */
record Probe(String name, String method, String target, String[] headers, byte[] body, String term) {

    RawHttp.Answer sendTo(int port) throws IOException {
        return RawHttp.send(port, method, target.replace("{authority}", "127.0.0.1:" + port), body, headers);
    }

    @Override
    public String toString() {
        return name;
    }

    static Builder post(String target, String json) {
        return new Builder("POST", target, json.getBytes(StandardCharsets.UTF_8));
    }

    static Builder get(String target) {
        return new Builder("GET", target, new byte[0]);
    }

    static final class Builder {
        private final String method;
        private final String target;
        private byte[] body;
        private String contentType = "application/json";
        private final java.util.List<String> headers = new java.util.ArrayList<>();
        private String term = Battery.TERM;

        private Builder(String method, String target, byte[] body) {
            this.method = method;
            this.target = target;
            this.body = body;
        }

        Builder contentType(String type) {
            this.contentType = type;
            return this;
        }

        Builder body(byte[] bytes) {
            this.body = bytes;
            return this;
        }

        Builder header(String name, String value) {
            headers.add(name);
            headers.add(value);
            return this;
        }

        Builder field(String wireName) {
            return header("x-leak-field", wireName);
        }

        Builder shape(String wireName) {
            return header("x-leak-shape", wireName);
        }

        Builder odd(String wireName) {
            return header("x-odd-answer", wireName);
        }

        /** The upstream says the Chinese term instead (percent-encoded in the control header). */
        Builder han() {
            term = Battery.HAN_TERM;
            return header("x-leak-phrase", java.net.URLEncoder.encode(Battery.HAN_TERM, StandardCharsets.UTF_8));
        }

        Probe named(String name) {
            java.util.List<String> all = new java.util.ArrayList<>();
            if (contentType != null && method.equals("POST")) {
                all.add("Content-Type");
                all.add(contentType);
            }
            all.addAll(headers);
            return new Probe(name, method, target, all.toArray(String[]::new), body, term);
        }
    }
}
