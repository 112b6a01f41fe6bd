package modrelay.relay.endpoint;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/moderation.md shows the catalogue: the table there is what {@link EndpointTable} writes. */
class EndpointTableTest {
    static final String BEGIN = "<!-- endpoint-table:begin (written by EndpointTable; EndpointTableTest checks it) -->\n";
    static final String END = "<!-- endpoint-table:end -->";

    @Test
    void theDocsTableMatchesTheCatalogue() throws Exception {
        Path doc = Path.of("..", "docs", "moderation.md");
        String text = Files.readString(doc);
        int from = text.indexOf(BEGIN);
        int to = text.indexOf(END);
        assertTrue(from >= 0 && to > from, "docs/moderation.md has no endpoint table markers");
        String inDocs = text.substring(from + BEGIN.length(), to);
        assertEquals(EndpointTable.markdown(), inDocs,
                "regenerate the table in docs/moderation.md from EndpointTable.markdown()");
    }

    @Test
    void everyEndpointHasOneRow() {
        String table = EndpointTable.markdown();
        assertEquals(Endpoints.all().size() + 3, table.split("\n").length, "header, rule, one row each, unknown");
        for (Endpoint e : Endpoints.all()) assertTrue(table.contains("| `" + e.name() + "` |"), e.name());
    }
}
