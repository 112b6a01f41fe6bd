package modrelay.relay.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntUnaryOperator;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import modrelay.config.UpstreamEndpoint;
import modrelay.relay.routing.RoutingTable.Route;

/**
 * Puts a request's candidate upstreams in the order they are tried. Priorities always come first
 * (highest first; lower ones are fallbacks); within one priority:
 * <ul>
 *   <li>{@code priority}: weighted random (an upstream of weight 3 comes first three times as often as one of weight 1);</li>
 *   <li>{@code round-robin}: weighted rotation over a shared counter, the others following in rotation order;</li>
 *   <li>{@code least-in-flight}: fewest requests in flight first, ties in weighted random order;</li>
 *   <li>{@code parallel}: weighted random as {@code priority}; the router then races the first MAX_ATTEMPTS at once.</li>
 * </ul>
 * Pure apart from the random source and the counter, both given (a seeded random in tests).
 */
public final class Strategy {
    public enum Kind { PRIORITY, ROUND_ROBIN, LEAST_IN_FLIGHT, PARALLEL }

    private final Kind kind;
    private final List<UpstreamEndpoint> upstreams;
    private final Supplier<? extends RandomGenerator> random;
    private final AtomicLong counter = new AtomicLong();

    public Strategy(Kind kind, List<UpstreamEndpoint> upstreams, Supplier<? extends RandomGenerator> random) {
        this.kind = kind;
        this.upstreams = List.copyOf(upstreams);
        this.random = random;
    }

    public static Kind kindOf(String configName) {
        return switch (configName) {
            case "round-robin" -> Kind.ROUND_ROBIN;
            case "least-in-flight" -> Kind.LEAST_IN_FLIGHT;
            case "parallel" -> Kind.PARALLEL;
            default -> Kind.PRIORITY;
        };
    }

    public Kind kind() {
        return kind;
    }

    /** @param inFlight requests in flight per upstream index (used by least-in-flight only) */
    public List<Route> order(List<Route> candidates, IntUnaryOperator inFlight) {
        if (candidates.size() <= 1) return candidates;
        TreeMap<Integer, List<Route>> tiers = new TreeMap<>(Comparator.reverseOrder());
        for (Route r : candidates) tiers.computeIfAbsent(upstreams.get(r.upstream()).priority(), p -> new ArrayList<>()).add(r);
        List<Route> out = new ArrayList<>(candidates.size());
        for (List<Route> tier : tiers.values()) {
            out.addAll(switch (kind) {
                case PRIORITY, PARALLEL -> weightedShuffle(tier);
                case ROUND_ROBIN -> rotation(tier);
                case LEAST_IN_FLIGHT -> leastInFlight(tier, inFlight);
            });
        }
        return out;
    }

    private int weight(Route r) {
        return upstreams.get(r.upstream()).weight();
    }

    /** Weighted random order without replacement. */
    private List<Route> weightedShuffle(List<Route> tier) {
        if (tier.size() == 1) return tier;
        RandomGenerator rnd = random.get();
        List<Route> left = new ArrayList<>(tier);
        List<Route> out = new ArrayList<>(tier.size());
        while (!left.isEmpty()) {
            long total = 0;
            for (Route r : left) total += weight(r);
            long pick = rnd.nextLong(total);
            int i = 0;
            while (pick >= weight(left.get(i))) pick -= weight(left.get(i++));
            out.add(left.remove(i));
        }
        return out;
    }

    /** The counter walks over the tier's weight units; the upstream owning the unit goes first, the rest follow in order. */
    private List<Route> rotation(List<Route> tier) {
        if (tier.size() == 1) return tier;
        long total = 0;
        for (Route r : tier) total += weight(r);
        long unit = Math.floorMod(counter.getAndIncrement(), total);
        int first = 0;
        while (unit >= weight(tier.get(first))) unit -= weight(tier.get(first++));
        List<Route> out = new ArrayList<>(tier.size());
        for (int k = 0; k < tier.size(); k++) out.add(tier.get((first + k) % tier.size()));
        return out;
    }

    private List<Route> leastInFlight(List<Route> tier, IntUnaryOperator inFlight) {
        List<Route> out = new ArrayList<>(weightedShuffle(tier));
        out.sort(Comparator.comparingInt(r -> inFlight.applyAsInt(r.upstream()))); // stable: ties keep the random order
        return out;
    }
}
