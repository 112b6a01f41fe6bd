package modrelay.relay.routing;

import static modrelay.relay.routing.Upstreams.azure;
import static modrelay.relay.routing.Upstreams.openai;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Optional;
import modrelay.relay.routing.RoutingTable.Route;
import org.junit.jupiter.api.Test;

class RoutingTableTest {
    private final RoutingTable table = new RoutingTable(List.of(
            openai("openai", 0, 1, "gpt-4o*", "o3-mini", "gpt-4o-mini=gpt-4o-mini-2024-07-18"),
            openai("deepseek", 0, 1, "deepseek-chat=deepseek-v3", "deepseek-reasoner"),
            azure("az", "gpt-4o=prod-4o", "gpt-4o-mini"),
            openai("fallback", -1, 1, "*")));

    @Test
    void globsExactNamesAndTheCatchAll() {
        assertTrue(Glob.matches("gpt-4o*", "gpt-4o"));
        assertTrue(Glob.matches("gpt-4o*", "gpt-4o-2024-08-06"));
        assertFalse(Glob.matches("gpt-4o*", "gpt-4"));
        assertTrue(Glob.matches("*", ""));
        assertTrue(Glob.matches("o?-mini", "o3-mini"));
        assertFalse(Glob.matches("o?-mini", "o10-mini"));
        assertTrue(Glob.matches("*-mini*", "gpt-4.1-mini-2025"));
        assertFalse(Glob.matches("GPT-4o*", "gpt-4o"), "case matters, as it does upstream");

        assertEquals(List.of(new Route(0, "gpt-4o-2024-08-06"), new Route(3, "gpt-4o-2024-08-06")),
                table.candidates("gpt-4o-2024-08-06"));
        assertEquals(List.of(new Route(0, "o3-mini"), new Route(3, "o3-mini")), table.candidates("o3-mini"));
        assertEquals(List.of(new Route(3, "claude-3-7-sonnet")), table.candidates("claude-3-7-sonnet"), "only the catch-all");
    }

    @Test
    void anExactMappingWinsOverAGlobOfTheSameUpstream() {
        assertEquals(List.of(new Route(0, "gpt-4o-mini-2024-07-18"), new Route(2, "gpt-4o-mini"), new Route(3, "gpt-4o-mini")),
                table.candidates("gpt-4o-mini"));
        assertEquals(List.of(new Route(0, "gpt-4o"), new Route(2, "prod-4o"), new Route(3, "gpt-4o")), table.candidates("gpt-4o"),
                "Azure gets its deployment name");
        assertEquals(List.of(new Route(1, "deepseek-v3"), new Route(3, "deepseek-chat")), table.candidates("deepseek-chat"));
    }

    @Test
    void aModelNobodyServesHasNoCandidates() {
        RoutingTable noCatchAll = new RoutingTable(List.of(openai("a", 0, 1, "gpt-*"), openai("b", 0, 1, "glm-4")));
        assertEquals(List.of(), noCatchAll.candidates("claude-3"));
        assertEquals(Optional.empty(), noCatchAll.servingEverything());
        assertFalse(noCatchAll.trivial());
    }

    @Test
    void theUpstreamForUnknownModelsServesEverythingAtTheHighestPriority() {
        assertEquals(Optional.of(3), table.servingEverything());
        RoutingTable two = new RoutingTable(List.of(openai("low", 0, 1, "*"), openai("high", 5, 1, "*")));
        assertEquals(Optional.of(1), two.servingEverything());
    }

    @Test
    void onlyOneUnmappedCatchAllUpstreamIsTrivial() {
        assertTrue(new RoutingTable(List.of(openai("one", 0, 1, "*"))).trivial());
        assertFalse(new RoutingTable(List.of(openai("one", 0, 1, "*", "a=b"))).trivial(), "mapping needs the model");
        assertFalse(new RoutingTable(List.of(azure("az", "*"))).trivial(), "azure needs the deployment");
        assertFalse(table.trivial());
    }

    @Test
    void azureCallersFindTheUpstreamThatNamesTheirDeployment() {
        RoutingTable two = new RoutingTable(List.of(azure("east", "gpt-4o=prod-4o"), azure("west", "gpt-4o=west-4o"), openai("o", 0, 1, "*")));
        assertEquals(List.of(new Route(1, "west-4o")), two.azureCandidates("west-4o"));
        assertEquals(List.of(new Route(0, "other"), new Route(1, "other")), two.azureCandidates("other"), "unknown: every Azure upstream");
    }

    @Test
    void anAzureDeploymentIsTheModelMappedToItElseItsOwnName() {
        RoutingTable t = new RoutingTable(List.of(
                openai("o", 0, 1, "gpt-35=legacy-35", "*"),
                azure("east", "gpt-4o=prod-gpt4o", "gpt-35=legacy-35", "gpt-4o-mini", "gpt-4*=any-4"),
                azure("west", "gpt-4o-west=prod-gpt4o", "west-only=west-dep")));
        assertEquals("gpt-4o", t.modelOfDeployment("prod-gpt4o"), "the first Azure upstream that maps it wins");
        assertEquals("gpt-35", t.modelOfDeployment("legacy-35"));
        assertEquals("west-only", t.modelOfDeployment("west-dep"), "any Azure upstream, in configuration order");
        assertEquals("gpt-4o-mini", t.modelOfDeployment("gpt-4o-mini"), "an unmapped Azure model is its own deployment");
        assertEquals("any-4", t.modelOfDeployment("any-4"), "a glob names no one model: the deployment's own name");
        assertEquals("other", t.modelOfDeployment("other"), "unknown: its own name");
        RoutingTable openAiOnly = new RoutingTable(List.of(openai("o", 0, 1, "gpt-4o=legacy-35")));
        assertEquals("legacy-35", openAiOnly.modelOfDeployment("legacy-35"), "an OpenAI upstream's renames are no deployments");
    }

    @Test
    void listedModelsAreOfferedWhereAnUnmappedRouteAcceptsThem() {
        assertTrue(table.offersListed(0, "gpt-4o-2024-11-20"));
        assertFalse(table.offersListed(0, "dall-e-3"));
        assertFalse(table.offersListed(1, "deepseek-v3"), "offered as deepseek-chat, its configured name");
        assertEquals(List.of("deepseek-chat", "deepseek-reasoner"), table.configuredNames(1));
    }
}
