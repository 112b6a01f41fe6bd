package modrelay.relay.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds one exchange's entry in the chat log ({@code LOG_DIR/chat-YYYY-MM-DD[.N].jsonl}) by request id,
 * newest files first, within fixed bounds: at most {@link #MAX_FILES} files and {@link #MAX_SCAN_BYTES}
 * read, an entry of at most {@link #MAX_ENTRY_BYTES}, and its reply cut to {@link #MAX_REPLY_CHARS}
 * characters for the page. Blocking file I/O: call it off the relay's threads.
 */
final class ChatLogLookup {
    static final int MAX_FILES = 14;
    static final long MAX_SCAN_BYTES = 512L * 1024 * 1024;
    static final int MAX_ENTRY_BYTES = 16 * 1024 * 1024;
    static final int MAX_REPLY_CHARS = 200_000;
    /** The entry's request id is its second field: it is looked for in the first bytes of each line only. */
    private static final int PREFIX_BYTES = 512;
    private static final Pattern NAME = Pattern.compile("chat-(\\d{4}-\\d{2}-\\d{2})(?:\\.(\\d+))?\\.jsonl");
    private static final ObjectMapper JSON = new ObjectMapper();

    sealed interface Result {
        record Found(JsonNode entry) implements Result {}
        record NotFound(String why) implements Result {}
    }

    private final Path dir;

    ChatLogLookup(Path dir) {
        this.dir = dir;
    }

    Result find(String requestId) throws IOException {
        byte[] needle = ("\"request_id\":" + JSON.writeValueAsString(requestId) + ",").getBytes(StandardCharsets.UTF_8);
        long budget = MAX_SCAN_BYTES;
        for (Path file : newestFirst()) {
            if (budget <= 0) return new Result.NotFound("not in the newest " + (MAX_SCAN_BYTES >> 20) + " MiB of the chat log");
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 64 * 1024)) {
                Scan scan = scan(in, needle, budget);
                budget -= scan.read;
                if (scan.tooLarge) return new Result.NotFound("its entry is larger than " + (MAX_ENTRY_BYTES >> 20) + " MiB");
                if (scan.line != null) {
                    JsonNode entry;
                    try {
                        entry = JSON.readTree(scan.line);
                    } catch (IOException bad) {
                        return new Result.NotFound("its entry is not readable JSON (a line cut short?)");
                    }
                    return new Result.Found(shortened(entry));
                }
            }
        }
        return new Result.NotFound("no chat log entry with this request id (yet: entries are written when the exchange ends)");
    }

    private record Scan(byte[] line, long read, boolean tooLarge) {}

    private static Scan scan(InputStream in, byte[] needle, long budget) throws IOException {
        long read = 0;
        byte[] prefix = new byte[PREFIX_BYTES];
        while (read < budget) {
            int n = 0;
            int b;
            while (n < PREFIX_BYTES && (b = in.read()) != -1) {
                read++;
                prefix[n++] = (byte) b;
                if (b == '\n') break;
            }
            if (n == 0) return new Scan(null, read, false);
            boolean ended = prefix[n - 1] == '\n';
            if (indexOf(prefix, n, needle) >= 0) {
                ByteArrayOutputStream line = new ByteArrayOutputStream(Math.max(n, 4096));
                line.write(prefix, 0, n);
                while (!ended && (b = in.read()) != -1) {
                    read++;
                    if (b == '\n') break;
                    if (line.size() >= MAX_ENTRY_BYTES) return new Scan(null, read, true);
                    line.write(b);
                }
                return new Scan(line.toByteArray(), read, false);
            }
            while (!ended && (b = in.read()) != -1) {
                read++;
                if (b == '\n') break;
            }
        }
        return new Scan(null, read, false);
    }

    private static int indexOf(byte[] hay, int length, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }

    private static JsonNode shortened(JsonNode entry) {
        if (entry instanceof ObjectNode o && o.path("reply").isTextual() && o.get("reply").textValue().length() > MAX_REPLY_CHARS) {
            o.put("reply", o.get("reply").textValue().substring(0, MAX_REPLY_CHARS));
            o.put("reply_shortened_for_console", true);
        }
        return entry;
    }

    /** The chat log's files, newest first: by day, then by rotation index. */
    private List<Path> newestFirst() throws IOException {
        List<Path> files = new ArrayList<>();
        if (!Files.isDirectory(dir)) return files;
        try (DirectoryStream<Path> all = Files.newDirectoryStream(dir, "chat-*.jsonl")) {
            for (Path f : all) if (NAME.matcher(f.getFileName().toString()).matches()) files.add(f);
        }
        files.sort(Comparator.comparing((Path f) -> day(f)).thenComparingInt(ChatLogLookup::index).reversed());
        return files.size() > MAX_FILES ? files.subList(0, MAX_FILES) : files;
    }

    private static String day(Path f) {
        Matcher m = NAME.matcher(f.getFileName().toString());
        return m.matches() ? m.group(1) : "";
    }

    private static int index(Path f) {
        Matcher m = NAME.matcher(f.getFileName().toString());
        return m.matches() && m.group(2) != null ? Integer.parseInt(m.group(2)) : 0;
    }
}
