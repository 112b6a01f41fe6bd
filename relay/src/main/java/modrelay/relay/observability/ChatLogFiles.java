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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat log's files, rotated by day and by size: {@code chat-YYYY-MM-DD.jsonl}, then
 * {@code chat-YYYY-MM-DD.1.jsonl}, {@code .2.jsonl}, … A line is never split across files; a file is
 * not grown past {@code maxBytes} unless a single line is larger. After a restart on the same day the
 * newest file of the day is appended to. Files are 0600. Whenever a file is opened, the oldest files beyond
 * {@code maxFiles} are deleted ({@link ChatLogRetention}), so the directory holds at most about
 * {@code maxFiles × maxBytes}. Used by the writer thread only.
 */
final class ChatLogFiles implements ChatLogWriter.Sink {
    private static final Logger LOG = LoggerFactory.getLogger(ChatLogFiles.class);
    private static final Pattern NAME = Pattern.compile("chat-(\\d{4}-\\d{2}-\\d{2})(?:\\.(\\d+))?\\.jsonl");

    private final Path dir;
    private final long maxBytes;
    private final int maxFiles;
    private final Clock clock;
    private long nextPruneWarning = System.nanoTime();
    private LocalDate day;
    private int index;
    private long size;
    private OutputStream out;

    /** Keeps every file. */
    ChatLogFiles(Path dir, long maxBytes, Clock clock) {
        this(dir, maxBytes, 0, clock);
    }

    /** @param maxFiles chat log files kept, the one being written included (0 = every file) */
    ChatLogFiles(Path dir, long maxBytes, int maxFiles, Clock clock) {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.maxFiles = maxFiles;
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
        prune();
    }

    /**
     * Deletes the oldest files beyond maxFiles. A failure here must not cost the entry being written, so it
     * is warned about (at most once a minute) and retried at the next file.
     */
    private void prune() {
        if (maxFiles <= 0) return;
        try {
            List<String> names = new ArrayList<>();
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "chat-*.jsonl")) {
                for (Path f : files) names.add(f.getFileName().toString());
            }
            for (String name : ChatLogRetention.toDelete(names, maxFiles)) Files.deleteIfExists(dir.resolve(name));
        } catch (IOException | RuntimeException e) {
            long now = System.nanoTime();
            if (now - nextPruneWarning >= 0) {
                nextPruneWarning = now + TimeUnit.MINUTES.toNanos(1);
                LOG.warn("chat log: deleting files beyond LOG_CHAT_MAX_FILES={} failed: {}", maxFiles, e.toString());
            }
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
