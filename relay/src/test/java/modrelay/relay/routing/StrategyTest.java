package modrelay.relay.routing;

import static modrelay.relay.routing.Upstreams.openai;
import static org.junit.jupiter.api.Assertions.*;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import modrelay.config.UpstreamEndpoint;
import modrelay.relay.routing.RoutingTable.Route;
import org.junit.jupiter.api.Test;

class StrategyTest {
    private final List<UpstreamEndpoint> upstreams = List.of(
            openai("a", 0, 3, "*"),
            openai("b", 0, 1, "*"),
            openai("backup", -5, 1, "*"),
            openai("primary", 10, 1, "*"));
    private final List<Route> all = List.of(new Route(0, "m"), new Route(1, "m"), new Route(2, "m"), new Route(3, "m"));

    private static List<Integer> indices(List<Route> routes) {
        return routes.stream().map(Route::upstream).toList();
    }

    @Test
    void higherPrioritiesAlwaysComeFirstAndLowerOnesAreFallbacks() {
        Random seeded = new Random(42);
        Strategy s = new Strategy(Strategy.Kind.PRIORITY, upstreams, () -> seeded);
        for (int i = 0; i < 50; i++) {
            List<Integer> order = indices(s.order(all, u -> 0));
            assertEquals(3, order.get(0), "priority 10 first");
            assertEquals(2, order.get(3), "priority -5 last");
        }
    }

    @Test
    void withinAPriorityTheWeightsShareTheTraffic() {
        Random seeded = new Random(7);
        Strategy s = new Strategy(Strategy.Kind.PRIORITY, upstreams, () -> seeded);
        List<Route> tier = List.of(new Route(0, "m"), new Route(1, "m"));
        Map<Integer, Integer> first = new HashMap<>();
        for (int i = 0; i < 4000; i++) first.merge(s.order(tier, u -> 0).get(0).upstream(), 1, Integer::sum);
        // Weight 3 against weight 1: three quarters of the first picks, give or take sampling noise.
        assertTrue(first.get(0) > 2850 && first.get(0) < 3150, "weight 3 got " + first.get(0) + " of 4000");
        // And the same seed gives the same order.
        Random r1 = new Random(99);
        Random r2 = new Random(99);
        Strategy s1 = new Strategy(Strategy.Kind.PRIORITY, upstreams, () -> r1);
        Strategy s2 = new Strategy(Strategy.Kind.PRIORITY, upstreams, () -> r2);
        for (int i = 0; i < 20; i++) assertEquals(s1.order(all, u -> 0), s2.order(all, u -> 0));
    }

    @Test
    void roundRobinRotatesByWeightAndKeepsTheOthersAsFallbacks() {
        Strategy s = new Strategy(Strategy.Kind.ROUND_ROBIN, upstreams, () -> new Random(1));
        List<Route> tier = List.of(new Route(0, "m"), new Route(1, "m"));
        StringBuilder firsts = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            List<Route> order = s.order(tier, u -> 0);
            assertEquals(2, order.size());
            firsts.append(upstreams.get(order.get(0).upstream()).name());
        }
        assertEquals("aaabaaab", firsts.toString());
        Strategy equal = new Strategy(Strategy.Kind.ROUND_ROBIN, List.of(openai("x", 0, 1, "*"), openai("y", 0, 1, "*"),
                openai("z", 0, 1, "*")), () -> new Random(1));
        List<Route> three = List.of(new Route(0, "m"), new Route(1, "m"), new Route(2, "m"));
        assertEquals(List.of(0, 1, 2), indices(equal.order(three, u -> 0)));
        assertEquals(List.of(1, 2, 0), indices(equal.order(three, u -> 0)));
        assertEquals(List.of(2, 0, 1), indices(equal.order(three, u -> 0)));
    }

    @Test
    void leastInFlightPrefersTheQuietestUpstreamOfTheTopPriority() {
        Strategy s = new Strategy(Strategy.Kind.LEAST_IN_FLIGHT, upstreams, () -> new Random(3));
        int[] inFlight = {9, 2, 0, 50};
        List<Integer> order = indices(s.order(all, u -> inFlight[u]));
        assertEquals(List.of(3, 1, 0, 2), order, "priority still wins over load; within priority 0 the quieter b first");
    }

    @Test
    void oneCandidateIsReturnedAsIs() {
        Strategy s = new Strategy(Strategy.Kind.PRIORITY, upstreams, () -> new Random(3));
        assertEquals(List.of(new Route(1, "m")), s.order(List.of(new Route(1, "m")), u -> 0));
    }
}
