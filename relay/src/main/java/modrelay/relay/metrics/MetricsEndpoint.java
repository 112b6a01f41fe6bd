package modrelay.relay.metrics;

import akka.http.javadsl.model.ContentType;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.RawHeader;
import java.util.Optional;
import modrelay.config.Secret;
import modrelay.relay.errors.OpenAiError;

/**
 * {@code GET /metrics} at the root (next to /healthz, never under the route prefix): the Prometheus
 * text format. With METRICS_TOKEN set it needs {@code Authorization: Bearer <token>}, compared in
 * constant time; without it the answer is an OpenAI-shaped 401.
 */
public final class MetricsEndpoint {
    static final ContentType PROMETHEUS_TEXT = ContentTypes.parse("text/plain; version=0.0.4; charset=utf-8");

    private final RelayMetrics metrics;
    private final Optional<Secret> token;

    public MetricsEndpoint(RelayMetrics metrics, Optional<Secret> token) {
        this.metrics = metrics;
        this.token = token;
    }

    /** The answer to {@code GET /metrics}. */
    public HttpResponse answer(HttpRequest request) {
        if (token.isPresent() && !token.get().matches(bearer(request).orElse(null))) {
            return new OpenAiError(StatusCodes.UNAUTHORIZED,
                    "Missing or incorrect metrics token. Send 'Authorization: Bearer <METRICS_TOKEN>'.",
                    "invalid_request_error", "invalid_api_key").response()
                    .addHeader(RawHeader.create("WWW-Authenticate", "Bearer realm=\"metrics\""));
        }
        return HttpResponse.create().withEntity(HttpEntities.create(PROMETHEUS_TEXT, metrics.scrape().getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .addHeader(RawHeader.create("Cache-Control", "no-store"));
    }

    private static Optional<String> bearer(HttpRequest request) {
        for (HttpHeader h : request.getHeaders()) {
            if (h.is("authorization")) {
                String v = h.value().trim();
                if (v.regionMatches(true, 0, "Bearer ", 0, 7)) return Optional.of(v.substring(7).trim());
                return Optional.empty();
            }
        }
        return Optional.empty();
    }
}
