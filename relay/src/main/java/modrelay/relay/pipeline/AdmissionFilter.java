package modrelay.relay.pipeline;

import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.HttpRequest;
import java.util.Optional;
import modrelay.relay.access.Admission;
import modrelay.relay.access.ClientCredentials;
import modrelay.relay.access.ProxyKeyGuard;
import modrelay.relay.exchange.Exchange;

/** Credentials and admission: who the client is (proxy key, sub-key, open relay), or 401. */
final class AdmissionFilter implements RequestFilter {
    private final ProxyKeyGuard guard;
    private final java.util.function.BooleanSupplier holdsUpstreamKeys;

    /** @param holdsUpstreamKeys asked per request: upstreams (and their keys) may change live */
    AdmissionFilter(ProxyKeyGuard guard, java.util.function.BooleanSupplier holdsUpstreamKeys) {
        this.guard = guard;
        this.holdsUpstreamKeys = holdsUpstreamKeys;
    }

    @Override
    public Step apply(Exchange ex) {
        HttpRequest r = ex.inbound().http();
        ClientCredentials credentials = ClientCredentials.parse(header(r, "authorization"), header(r, "api-key"),
                header(r, "x-proxy-key"), guard.requiresKey(), holdsUpstreamKeys.getAsBoolean());
        Admission admission = guard.admission(credentials.proxyKey());
        if (admission instanceof Admission.Refused refused) return Step.refuse(ex, refused.error());
        return Step.next(ex.withAdmission(admission, credentials.upstreamKey()));
    }

    private static Optional<String> header(HttpRequest request, String name) {
        return request.getHeader(name).map(HttpHeader::value);
    }
}
