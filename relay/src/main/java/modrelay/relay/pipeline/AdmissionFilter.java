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
    private final boolean holdsUpstreamKeys;

    AdmissionFilter(ProxyKeyGuard guard, boolean holdsUpstreamKeys) {
        this.guard = guard;
        this.holdsUpstreamKeys = holdsUpstreamKeys;
    }

    @Override
    public Step apply(Exchange ex) {
        HttpRequest r = ex.inbound().http();
        ClientCredentials credentials = ClientCredentials.parse(header(r, "authorization"), header(r, "api-key"),
                header(r, "x-proxy-key"), guard.requiresKey(), holdsUpstreamKeys);
        Admission admission = guard.admission(credentials.proxyKey());
        if (admission instanceof Admission.Refused refused) return Step.refuse(ex, refused.error());
        return Step.next(ex.withAdmission(admission, credentials.upstreamKey()));
    }

    private static Optional<String> header(HttpRequest request, String name) {
        return request.getHeader(name).map(HttpHeader::value);
    }
}
