package modrelay.relay.observability;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import modrelay.relay.testing.MutableClock;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChatLogFilesTest {
    @TempDir
    Path dir;

    private static byte[] line(int i) {
        return ("{\"n\":" + i + ",\"pad\":\"" + "x".repeat(30) + "\"}\n").getBytes(StandardCharsets.UTF_8);
    }

    private List<String> names() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void filesRollBySizeWithoutSplittingALineAndByDay() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-22T23:59:00Z"));
        ChatLogFiles files = new ChatLogFiles(dir, 100, clock);
        int len = line(0).length; // 47 bytes: two lines fit in 100, a third does not
        assertEquals(47, len);
        for (int i = 0; i < 5; i++) files.write(line(i));
        clock.set(Instant.parse("2026-11-23T00:00:01Z"));
        files.write(line(5));
        files.close();

        assertEquals(List.of("chat-2026-11-22.1.jsonl", "chat-2026-11-22.2.jsonl", "chat-2026-11-22.jsonl",
                "chat-2026-11-23.jsonl"), names());
        assertEquals(2, Files.readAllLines(dir.resolve("chat-2026-11-22.jsonl")).size());
        assertEquals(2, Files.readAllLines(dir.resolve("chat-2026-11-22.1.jsonl")).size());
        assertEquals(1, Files.readAllLines(dir.resolve("chat-2026-11-22.2.jsonl")).size());
        assertEquals(List.of(new String(line(5), StandardCharsets.UTF_8).strip()),
                Files.readAllLines(dir.resolve("chat-2026-11-23.jsonl")));
        for (String name : names()) assertTrue(Files.size(dir.resolve(name)) <= 100, name);
    }

    @Test
    void aLineLargerThanTheLimitGetsAFileOfItsOwn() throws Exception {
        ChatLogFiles files = new ChatLogFiles(dir, 100, new MutableClock(Instant.parse("2026-11-22T12:00:00Z")));
        files.write(line(0));
        byte[] big = ("{\"big\":\"" + "y".repeat(200) + "\"}\n").getBytes(StandardCharsets.UTF_8);
        files.write(big);
        files.write(line(1));
        files.close();
        assertEquals(1, Files.readAllLines(dir.resolve("chat-2026-11-22.jsonl")).size());
        assertEquals(big.length, Files.size(dir.resolve("chat-2026-11-22.1.jsonl")));
        assertEquals(1, Files.readAllLines(dir.resolve("chat-2026-11-22.2.jsonl")).size());
    }

    @Test
    void aRestartAppendsToTheNewestFileOfTheDayAndEndsACutLine() throws Exception {
        Files.writeString(dir.resolve("chat-2026-11-22.jsonl"), "{\"old\":1}\n");
        Files.writeString(dir.resolve("chat-2026-11-22.3.jsonl"), "{\"old\":2}\n{\"cut-by-a-cra");
        ChatLogFiles files = new ChatLogFiles(dir, 1_000_000, new MutableClock(Instant.parse("2026-11-22T12:00:00Z")));
        files.write(line(7));
        files.close();
        List<String> lines = Files.readAllLines(dir.resolve("chat-2026-11-22.3.jsonl"));
        assertEquals(3, lines.size());
        assertEquals("{\"cut-by-a-cra", lines.get(1));
        assertTrue(lines.get(2).startsWith("{\"n\":7"), "the new line is whole: " + lines.get(2));
        assertEquals(List.of("{\"old\":1}"), Files.readAllLines(dir.resolve("chat-2026-11-22.jsonl")));
    }

    @Test
    void chatLogFilesAreReadableByTheOwnerOnly() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        MutableClock clock = new MutableClock(Instant.parse("2026-11-22T12:00:00Z"));
        // An older relay's file of today, created 0644: narrowed when appended to.
        Path old = dir.resolve("chat-2026-11-22.jsonl");
        Files.write(old, line(0));
        Files.setPosixFilePermissions(old, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        ChatLogFiles files = new ChatLogFiles(dir, 100, clock);
        for (int i = 1; i < 6; i++) files.write(line(i)); // rolls over into .1, .2 …
        clock.advance(java.time.Duration.ofDays(1));
        files.write(line(9));
        files.close();
        List<String> all = names();
        assertTrue(all.size() >= 3, all.toString());
        for (String name : all) {
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(dir.resolve(name))), name);
        }
    }

    @Test
    void onlyTheNewestMaxFilesStayAsTheLogRollsBySizeAndDay() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-22T12:00:00Z"));
        ChatLogFiles files = new ChatLogFiles(dir, 100, 3, clock);
        for (int i = 0; i < 8; i++) files.write(line(i)); // 2 lines a file: .jsonl, .1, .2, .3
        assertEquals(List.of("chat-2026-11-22.1.jsonl", "chat-2026-11-22.2.jsonl", "chat-2026-11-22.3.jsonl"), names());
        clock.advance(java.time.Duration.ofDays(1));
        files.write(line(8));
        files.close();
        assertEquals(List.of("chat-2026-11-22.2.jsonl", "chat-2026-11-22.3.jsonl", "chat-2026-11-23.jsonl"), names());
        assertTrue(new String(Files.readAllBytes(dir.resolve("chat-2026-11-22.3.jsonl")), StandardCharsets.UTF_8)
                .contains("\"n\":7"), "the newest lines before midnight are kept");
    }

    @Test
    void aRestartDeletesWhatAnOlderRelayLeftBeyondTheLimitButNotOtherFiles() throws Exception {
        for (String day : List.of("2026-11-18", "2026-11-19", "2026-11-20", "2026-11-21")) {
            Files.writeString(dir.resolve("chat-" + day + ".jsonl"), "{\"old\":1}\n");
        }
        Files.writeString(dir.resolve("keep-me.txt"), "not a chat log");
        ChatLogFiles files = new ChatLogFiles(dir, 1_000_000, 2, new MutableClock(Instant.parse("2026-11-22T12:00:00Z")));
        files.write(line(1));
        files.close();
        assertEquals(List.of("chat-2026-11-21.jsonl", "chat-2026-11-22.jsonl", "keep-me.txt"), names());
    }
}
