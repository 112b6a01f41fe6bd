package modrelay.relay.access;

import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** The IP rules at the edge: who the client is (X-Forwarded-For from trusted proxies only) and whether it may come in. */
public final class IpGate {
    private final Supplier<IpRules> rules;

    public IpGate(Supplier<IpRules> rules) {
        this.rules = rules;
    }

    public static IpGate open() {
        IpRules none = IpRules.none();
        return new IpGate(() -> none);
    }

    public String clientAddress(HttpRequest request, String socketPeer) {
        List<String> forwarded = new ArrayList<>();
        for (HttpHeader h : request.getHeaders()) {
            if (h.is("x-forwarded-for")) forwarded.add(h.value());
        }
        return rules.get().clientAddress(socketPeer, forwarded);
    }

    /** A 403 for a client the rules keep out. */
    public Optional<HttpResponse> refusal(String client) {
        IpRules.Verdict v = rules.get().check(client);
        return v == IpRules.Verdict.ALLOWED ? Optional.empty() : Optional.of(AccessErrors.ipDenied(client, v).response());
    }
}
