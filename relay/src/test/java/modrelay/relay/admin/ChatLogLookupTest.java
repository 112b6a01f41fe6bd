package modrelay.relay.admin;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding one exchange in the chat log's files by request id, newest file first, within bounds. */
class ChatLogLookupTest {
    @TempDir
    Path dir;

    static String line(String id, String reply) {
        return "{\"time\":\"2030-01-01T00:00:00Z\",\"request_id\":\"" + id + "\",\"client\":\"key-1\",\"reply\":\"" + reply + "\"}\n";
    }

    @Test
    void theEntryWithThatIdNotOneThatMerelyMentionsIt() throws Exception {
        Files.writeString(dir.resolve("chat-2030-01-01.jsonl"), line("req-10", "talks about req-1 a lot") + line("req-1", "the one"));
        ChatLogLookup.Result r = new ChatLogLookup(dir).find("req-1");
        assertEquals("the one", ((ChatLogLookup.Result.Found) r).entry().get("reply").asText());
        assertInstanceOf(ChatLogLookup.Result.NotFound.class, new ChatLogLookup(dir).find("req-2"));
    }

    @Test
    void newestFilesFirstByDayThenRotation() throws Exception {
        Files.writeString(dir.resolve("chat-2030-01-01.jsonl"), line("same", "oldest"));
        Files.writeString(dir.resolve("chat-2030-01-02.jsonl"), line("same", "second day"));
        Files.writeString(dir.resolve("chat-2030-01-02.1.jsonl"), line("same", "second day, rotated"));
        Files.writeString(dir.resolve("chat-2030-01-02.10.jsonl"), line("same", "second day, tenth file"));
        Files.writeString(dir.resolve("notes.jsonl"), line("same", "not a chat log file"));
        ChatLogLookup.Result r = new ChatLogLookup(dir).find("same");
        assertEquals("second day, tenth file", ((ChatLogLookup.Result.Found) r).entry().get("reply").asText());
    }

    @Test
    void longLinesAreSkippedWithoutBeingHeldAndAHugeReplyIsShortened() throws Exception {
        String big = "x".repeat(3 * 1024 * 1024);
        String huge = "y".repeat(ChatLogLookup.MAX_REPLY_CHARS + 10);
        Files.writeString(dir.resolve("chat-2030-01-01.jsonl"), line("a", big) + line("b", huge) + "not json at all\n");
        var found = (ChatLogLookup.Result.Found) new ChatLogLookup(dir).find("b");
        assertEquals(ChatLogLookup.MAX_REPLY_CHARS, found.entry().get("reply").asText().length());
        assertTrue(found.entry().get("reply_shortened_for_console").asBoolean());
    }

    @Test
    void aLineCutShortOrAMissingDirectoryIsNotFoundNotAFailure() throws Exception {
        Files.writeString(dir.resolve("chat-2030-01-01.jsonl"), "{\"time\":\"t\",\"request_id\":\"cut\",\"reply\":\"no end");
        assertInstanceOf(ChatLogLookup.Result.NotFound.class, new ChatLogLookup(dir).find("cut"));
        assertInstanceOf(ChatLogLookup.Result.NotFound.class, new ChatLogLookup(dir.resolve("none")).find("cut"));
    }

    @Test
    void requestIdsAreCheckedBeforeAnyLookup() {
        assertTrue(ChatRoutes.acceptable("chatcmpl-abc_1.2:3+4=5@6"));
        assertFalse(ChatRoutes.acceptable("../../etc/passwd"));
        assertFalse(ChatRoutes.acceptable("a\"b"));
        assertFalse(ChatRoutes.acceptable(""));
        assertFalse(ChatRoutes.acceptable("x".repeat(129)));
    }
}
