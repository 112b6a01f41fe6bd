package modrelay.relay.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class UsageReportTest {
    private static final LocalDate TODAY = LocalDate.parse("2026-12-01");

    private static UsageQuery q(Map<String, String> params) throws UsageQuery.Invalid {
        return UsageQuery.parse(params, TODAY);
    }

    @Test
    void jsonRowsCarryOnlyTheGroupedDimensionsAndTotalsSumThem() throws Exception {
        UsageQuery query = q(Map.of("group_by", "model,key", "from", "2026-11-01", "to", "2026-12-01"));
        List<DailyRow> rows = List.of(
                new DailyRow(null, "", "gpt-4o-mini", 2, 10, 20, 1, 0, 1, Optional.of(0.5)),
                new DailyRow(null, "key_a", "gpt-4o-mini", 3, 30, 40, 0, 5, 0, Optional.empty()));
        JsonNode root = new ObjectMapper().readTree(UsageReport.json(query, rows));
        assertEquals("list", root.get("object").asText());
        assertEquals("[\"model\",\"key\"]", root.get("group_by").toString());
        assertEquals("2026-11-01", root.get("from").asText());
        JsonNode first = root.get("data").get(0);
        assertEquals(false, first.has("day"));
        assertEquals(true, first.get("key").isNull());
        assertEquals("key_a", root.get("data").get(1).get("key").asText());
        JsonNode totals = root.get("totals");
        assertEquals(5, totals.get("requests").asLong());
        assertEquals(40, totals.get("prompt_tokens").asLong());
        assertEquals(60, totals.get("completion_tokens").asLong());
        assertEquals(1, totals.get("cached_tokens").asLong());
        assertEquals(5, totals.get("reasoning_tokens").asLong());
        assertEquals(1, totals.get("estimated_requests").asLong());
        assertEquals(0.5, totals.get("cost").asDouble());
        assertEquals(true, root.get("data").get(1).get("cost").isNull());
    }

    @Test
    void csvHasAHeaderOfTheSameNamesAndQuotesClientText() throws Exception {
        UsageQuery query = q(Map.of("group_by", "day,model", "format", "csv"));
        String csv = UsageReport.csv(query, List.of(
                new DailyRow("2026-12-01", null, "=HYPERLINK(\"x\")", 1, 2, 3, 0, 0, 0, Optional.of(0.25)),
                new DailyRow("2026-12-01", null, "a,b", 1, 2, 3, 0, 0, 1, Optional.empty())));
        String[] lines = csv.split("\r\n");
        assertEquals("day,model,requests,prompt_tokens,completion_tokens,cached_tokens,reasoning_tokens,estimated_requests,cost",
                lines[0]);
        assertEquals("2026-12-01,\"'=HYPERLINK(\"\"x\"\")\",1,2,3,0,0,0,0.25", lines[1]);
        assertEquals("2026-12-01,\"a,b\",1,2,3,0,0,1,", lines[2]);
        assertEquals(3, lines.length);
    }

    @Test
    void queryDefaultsAndRefusals() throws Exception {
        UsageQuery d = q(Map.of());
        assertEquals(List.of(UsageQuery.Dimension.DAY), d.groupBy());
        assertEquals(TODAY, d.to());
        assertEquals(TODAY.minusDays(29), d.from());
        assertEquals(false, d.csv());
        assertThrows(UsageQuery.Invalid.class, () -> q(Map.of("group_by", "upstream")));
        assertThrows(UsageQuery.Invalid.class, () -> q(Map.of("from", "2026-13-01")));
        assertThrows(UsageQuery.Invalid.class, () -> q(Map.of("from", "2026-12-02", "to", "2026-12-01")));
        assertThrows(UsageQuery.Invalid.class, () -> q(Map.of("format", "xml")));
    }
}
