package modrelay.relay.live;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import modrelay.relay.live.UpstreamStore.Row;
import org.junit.jupiter.api.Test;

/** The admin API's edits as pure functions over the stored list. */
class UpstreamEditsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode obj(String json) throws Exception {
        return (ObjectNode) JSON.readTree(json);
    }

    private static List<Row> one() throws Exception {
        return UpstreamEdits.create(List.of(), obj("{\"name\":\"a\",\"url\":\"http://127.0.0.1:1\",\"keys\":\"sk-a-0123456789,sk-b-0123456789\"}"),
                "admin:1", 1).next();
    }

    @Test
    void aDefinitionIsStoredWithItsNameAndKeysAsAListAndShownWithoutThem() throws Exception {
        List<Row> rows = UpstreamEdits.create(List.of(), obj("{\"preset\":\"deepseek\",\"keys\":\"sk-d-0123456789\"}"), "admin:1", 1).next();
        assertEquals("deepseek", rows.get(0).name(), "the parser's default name");
        ObjectNode stored = (ObjectNode) JSON.readTree(rows.get(0).definition());
        assertEquals("[\"sk-d-0123456789\"]", stored.get("keys").toString());
        ObjectNode shown = UpstreamChanges.shown(stored);
        assertFalse(shown.toString().contains("sk-d-0123456789"));
        assertEquals("[\"sk-…6789\"]", shown.get("key_hints").toString());
        assertEquals("[\"…\"]", UpstreamChanges.shown(obj("{\"keys\":[\"short\"]}")).get("key_hints").toString(),
                "a short key shows nothing of itself");
    }

    @Test
    void patchMergesFieldsNullRestoresTheDefaultAndEveryResultIsParsedAgain() throws Exception {
        List<Row> rows = UpstreamEdits.patch(one(), "a", obj("{\"weight\":4,\"priority\":2}"), "admin:1", 2).next();
        assertEquals(4, UpstreamEdits.endpoints(rows).get(0).weight());
        List<Row> back = UpstreamEdits.patch(rows, "a", obj("{\"weight\":null}"), "admin:1", 3).next();
        assertEquals(1, UpstreamEdits.endpoints(back).get(0).weight());
        assertEquals(2, UpstreamEdits.endpoints(back).get(0).priority());
        UpstreamEdits.Refusal bad = assertThrows(UpstreamEdits.Refusal.class,
                () -> UpstreamEdits.patch(back, "a", obj("{\"kind\":\"azure\",\"api-version\":\"nope\"}"), "admin:1", 4));
        assertEquals(400, bad.status);
        assertEquals("api-version", bad.param);
    }

    @Test
    void keysAreRemovedByAliasPositionOrUniqueHintAndTheSummaryShowsOnlyHints() throws Exception {
        List<Row> rows = one();
        UpstreamEdits.Refusal twice = assertThrows(UpstreamEdits.Refusal.class,
                () -> UpstreamEdits.removeKey(rows, "a", "sk-…6789", "admin:1", 2));
        assertEquals("ambiguous_key", twice.code, "both keys end in 6789");
        UpstreamEdits.Change second = UpstreamEdits.removeKey(rows, "a", "key-2", "admin:1", 2);
        assertEquals(List.of("sk-a-0123456789"), UpstreamChanges.keys(JSON.readTree(second.next().get(0).definition())));
        assertEquals(List.of("sk-a-0123456789"), UpstreamChanges.keys(JSON.readTree(
                UpstreamEdits.removeKey(rows, "a", "2", "admin:1", 2).next().get(0).definition())));
        String summary = second.audit().get(0).summary();
        assertEquals("{\"keys\":{\"count\":1,\"added\":[],\"removed\":[\"sk-…6789\"]}}", summary);
        assertEquals("remove_key", second.audit().get(0).action());

        List<Row> three = UpstreamEdits.addKeys(second.next(), "a", obj("{\"keys\":[\"sk-c-0000009999\"]}"), "admin:1", 3).next();
        List<Row> left = UpstreamEdits.removeKey(three, "a", "sk-…6789", "admin:1", 4).next();
        assertEquals(List.of("sk-c-0000009999"), UpstreamChanges.keys(JSON.readTree(left.get(0).definition())));
        assertEquals(404, assertThrows(UpstreamEdits.Refusal.class,
                () -> UpstreamEdits.removeKey(left, "a", "key-2", "admin:1", 5)).status);
    }

    @Test
    void theLastUpstreamIsNotDeletedAndNamesAreNotChanged() throws Exception {
        List<Row> rows = one();
        assertEquals(409, assertThrows(UpstreamEdits.Refusal.class, () -> UpstreamEdits.delete(rows, "a", "admin:1", 2)).status);
        assertEquals("name", assertThrows(UpstreamEdits.Refusal.class,
                () -> UpstreamEdits.patch(rows, "a", obj("{\"name\":\"b\"}"), "admin:1", 2)).param);
        List<Row> two = UpstreamEdits.create(rows, obj("{\"name\":\"b\",\"url\":\"http://127.0.0.1:2\"}"), "admin:1", 2).next();
        assertEquals(List.of("b"), UpstreamEdits.delete(two, "a", "admin:1", 3).next().stream().map(Row::name).toList());
        UpstreamEdits.Change del = UpstreamEdits.delete(two, "a", "admin:1", 3);
        assertFalse(del.audit().get(0).summary().contains("sk-a-0123456789"));
    }
}
