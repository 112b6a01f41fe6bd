package modrelay.relay.observability;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.LocalDate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The chat log's files, rotated by day and by size: {@code chat-YYYY-MM-DD.jsonl}, then
 * {@code chat-YYYY-MM-DD.1.jsonl}, {@code .2.jsonl}, … A line is never split across files; a file is
 * not grown past {@code maxBytes} unless a single line is larger. After a restart on the same day the
 * newest file of the day is appended to. Files are 0600. Used by the writer thread only.
 */
final class ChatLogFiles implements ChatLogWriter.Sink {
    private static final Pattern NAME = Pattern.compile("chat-(\\d{4}-\\d{2}-\\d{2})(?:\\.(\\d+))?\\.jsonl");

    private final Path dir;
    private final long maxBytes;
    private final Clock clock;
    private LocalDate day;
    private int index;
    private long size;
    private OutputStream out;

    ChatLogFiles(Path dir, long maxBytes, Clock clock) {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.clock = clock;
    }

    static String fileName(LocalDate day, int index) {
        return index == 0 ? "chat-" + day + ".jsonl" : "chat-" + day + "." + index + ".jsonl";
    }

    @Override
    public void write(byte[] line) throws IOException {
        LocalDate today = LocalDate.now(clock);
        if (out == null || !today.equals(day)) openNewest(today);
        if (size > 0 && size + line.length > maxBytes) {
            closeFile();
            index++;
            open();
        }
        out.write(line);
        size += line.length;
    }

    @Override
    public void flush() throws IOException {
        if (out != null) out.flush();
    }

    @Override
    public void close() throws IOException {
        closeFile();
    }

    private void openNewest(LocalDate today) throws IOException {
        closeFile();
        Files.createDirectories(dir);
        int newest = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "chat-" + today + "*.jsonl")) {
            for (Path f : files) {
                Matcher m = NAME.matcher(f.getFileName().toString());
                if (m.matches() && m.group(2) != null) newest = Math.max(newest, Integer.parseInt(m.group(2)));
            }
        }
        day = today;
        index = newest;
        open();
    }

    private void open() throws IOException {
        Path file = dir.resolve(fileName(day, index));
        ownerOnly(file);
        out = new BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE), 64 * 1024);
        size = Files.size(file);
        if (size > 0 && !endsWithNewline(file)) {
            // A crash cut the last line short: end it, so the next line is whole.
            out.write('\n');
            size++;
        }
    }

    /**
     * Chat logs hold every conversation: 0600 (owner read/write only), created so from the start rather
     * than created and then narrowed, and narrowed when an older relay left one wider. Where the file
     * system has no POSIX permissions (Windows), its own ACLs apply.
     */
    static void ownerOnly(Path file) throws IOException {
        if (!file.getFileSystem().supportedFileAttributeViews().contains("posix")) return;
        java.util.Set<java.nio.file.attribute.PosixFilePermission> rw = java.nio.file.attribute.PosixFilePermissions.fromString("rw-------");
        try {
            Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(rw));
        } catch (java.nio.file.FileAlreadyExistsException exists) {
            if (!Files.getPosixFilePermissions(file).equals(rw)) Files.setPosixFilePermissions(file, rw);
        }
    }

    private static boolean endsWithNewline(Path file) throws IOException {
        try (var ch = Files.newByteChannel(file, StandardOpenOption.READ)) {
            java.nio.ByteBuffer last = java.nio.ByteBuffer.allocate(1);
            ch.position(ch.size() - 1);
            ch.read(last);
            return last.get(0) == '\n';
        }
    }

    private void closeFile() throws IOException {
        if (out == null) return;
        OutputStream o = out;
        out = null;
        o.close();
    }
}
