package modrelay.relay.observability;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which chat log files go so that at most {@code LOG_CHAT_MAX_FILES} stay: the oldest by day, then by
 * rotation index ({@code chat-D.jsonl} before {@code chat-D.1.jsonl} before {@code chat-D.10.jsonl}).
 * Together with {@code LOG_CHAT_MAX_BYTES} this bounds the disk the chat log can take. Names that are not
 * chat log files are never chosen. Pure: the caller lists the directory and deletes.
 */
final class ChatLogRetention {
    private static final Pattern NAME = Pattern.compile("chat-(\\d{4}-\\d{2}-\\d{2})(?:\\.(\\d{1,9}))?\\.jsonl");

    private record Rotated(String name, String day, int index) {}

    private ChatLogRetention() {}

    /** @param maxFiles files to keep; 0 keeps every file */
    static List<String> toDelete(List<String> names, int maxFiles) {
        if (maxFiles <= 0) return List.of();
        List<Rotated> files = new ArrayList<>();
        for (String name : names) parse(name).ifPresent(files::add);
        if (files.size() <= maxFiles) return List.of();
        files.sort(Comparator.comparing(Rotated::day).thenComparingInt(Rotated::index));
        return files.subList(0, files.size() - maxFiles).stream().map(Rotated::name).toList();
    }

    private static Optional<Rotated> parse(String name) {
        Matcher m = NAME.matcher(name);
        if (!m.matches()) return Optional.empty();
        return Optional.of(new Rotated(name, m.group(1), m.group(2) == null ? 0 : Integer.parseInt(m.group(2))));
    }
}
