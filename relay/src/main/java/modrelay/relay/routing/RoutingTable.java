package modrelay.relay.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import modrelay.config.ModelRoute;
import modrelay.config.UpstreamEndpoint;
import modrelay.config.UpstreamKind;

/**
 * Which upstreams serve a model, and under which name. Pure: built once from the configuration.
 * Each upstream's routes are checked in their configured order (exact names first, then the most
 * specific globs); the first match decides the name sent upstream.
 */
public final class RoutingTable {

    /** An upstream that serves the requested model, and the model (or Azure deployment) name to send it. */
    public record Route(int upstream, String upstreamModel) {}

    private final List<UpstreamEndpoint> upstreams;
    private final boolean trivial;

    public RoutingTable(List<UpstreamEndpoint> upstreams) {
        this.upstreams = List.copyOf(upstreams);
        UpstreamEndpoint first = this.upstreams.get(0);
        this.trivial = this.upstreams.size() == 1 && first.kind() == UpstreamKind.OPENAI
                && first.models().stream().anyMatch(r -> r.pattern().equals("*") && r.upstreamName().isEmpty())
                && first.models().stream().allMatch(r -> r.upstreamName().isEmpty());
    }

    public List<UpstreamEndpoint> upstreams() {
        return upstreams;
    }

    /**
     * One OpenAI-compatible upstream that serves every model under its own name: the relay need not
     * know a request's model to route it, nor rewrite it.
     */
    public boolean trivial() {
        return trivial;
    }

    /** The upstreams serving {@code model}, in configuration order. */
    public List<Route> candidates(String model) {
        List<Route> out = new ArrayList<>();
        for (int i = 0; i < upstreams.size(); i++) {
            route(i, model).ifPresent(out::add);
        }
        return out;
    }

    /** How upstream {@code i} serves {@code model}, if it does. */
    public Optional<Route> route(int i, String model) {
        for (ModelRoute r : upstreams.get(i).models()) {
            if (r.isGlob() ? Glob.matches(r.pattern(), model) : r.pattern().equals(model)) {
                return Optional.of(new Route(i, r.upstreamName().orElse(model)));
            }
        }
        return Optional.empty();
    }

    /** The upstream for a request whose model is unknown: the highest priority one that serves "*", first declared first. */
    public Optional<Integer> servingEverything() {
        return indices().stream()
                .filter(i -> upstreams.get(i).models().stream().anyMatch(r -> r.pattern().equals("*")))
                .min(Comparator.comparingInt((Integer i) -> -upstreams.get(i).priority()).thenComparingInt(i -> i));
    }

    /**
     * The Azure upstreams a client speaking Azure paths may mean by {@code deployment}: those that name it
     * (as a deployment a model maps to, or as a model they serve), else every Azure upstream; in configuration order.
     */
    public List<Route> azureCandidates(String deployment) {
        List<Route> named = new ArrayList<>();
        List<Route> all = new ArrayList<>();
        for (int i = 0; i < upstreams.size(); i++) {
            UpstreamEndpoint u = upstreams.get(i);
            if (u.kind() != UpstreamKind.AZURE) continue;
            Route r = new Route(i, deployment);
            all.add(r);
            boolean names = u.models().stream().anyMatch(m -> m.upstreamName().map(deployment::equals).orElse(false)
                    || (!m.isGlob() && m.pattern().equals(deployment)));
            if (names) named.add(r);
        }
        return named.isEmpty() ? all : named;
    }

    /**
     * The model a client calling Azure deployment {@code deployment} directly (an {@code /openai/deployments/<d>/...}
     * path, no model in the body) is using, by the name clients know it: the model an Azure upstream maps to that
     * deployment by name (not by glob; the first in configuration order), else the deployment's own name. Sub-key
     * model rules are checked against it, so the path cannot reach a deployment the key's models would not.
     */
    public String modelOfDeployment(String deployment) {
        for (UpstreamEndpoint u : upstreams) {
            if (u.kind() != UpstreamKind.AZURE) continue;
            for (ModelRoute r : u.models()) {
                if (!r.isGlob() && r.upstreamName().map(deployment::equals).orElse(false)) return r.pattern();
            }
        }
        return deployment;
    }

    /**
     * The name under which a model that upstream {@code i} lists itself is offered to clients: its own
     * name when one of the upstream's unmapped routes matches it.
     */
    public boolean offersListed(int i, String listedId) {
        for (ModelRoute r : upstreams.get(i).models()) {
            if (r.upstreamName().isPresent()) continue;
            if (r.isGlob() ? Glob.matches(r.pattern(), listedId) : r.pattern().equals(listedId)) return true;
        }
        return false;
    }

    /** The exact model names the configuration names for upstream {@code i} (what clients may ask for). */
    public List<String> configuredNames(int i) {
        return upstreams.get(i).models().stream().filter(r -> !r.isGlob()).map(ModelRoute::pattern).toList();
    }

    private List<Integer> indices() {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < upstreams.size(); i++) out.add(i);
        return out;
    }
}
