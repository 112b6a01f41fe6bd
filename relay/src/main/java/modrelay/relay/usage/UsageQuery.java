package modrelay.relay.usage;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A question to {@code GET /admin/usage}: which key and model, which days (UTC, both ends included), grouped
 * how, answered as JSON or CSV. Parsed from the query string with one-line errors. Pure.
 */
public record UsageQuery(Optional<String> key, Optional<String> model, LocalDate from, LocalDate to, List<Dimension> groupBy,
        boolean csv) {

    public enum Dimension {
        DAY("day", "day"), MODEL("model", "model"), KEY("key", "key_id");

        final String name;
        final String column;

        Dimension(String name, String column) {
            this.name = name;
            this.column = column;
        }
    }

    /** Why a query string is refused (400). */
    public static final class Invalid extends Exception {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    /** Without from/to: the last 30 days up to {@code today}. */
    public static UsageQuery parse(Map<String, String> q, LocalDate today) throws Invalid {
        LocalDate to = date(q, "to").orElse(today);
        LocalDate from = date(q, "from").orElse(to.minusDays(29));
        if (from.isAfter(to)) throw new Invalid("'from' must not be after 'to'");
        List<Dimension> dims = new ArrayList<>();
        for (String part : q.getOrDefault("group_by", "day").split(",")) {
            String p = part.trim();
            if (p.isEmpty()) continue;
            Dimension d = switch (p) {
                case "day" -> Dimension.DAY;
                case "model" -> Dimension.MODEL;
                case "key" -> Dimension.KEY;
                default -> throw new Invalid("'group_by' takes day, model and key (a comma list), got \"" + clip(p) + "\"");
            };
            if (!dims.contains(d)) dims.add(d);
        }
        if (dims.isEmpty()) dims.add(Dimension.DAY);
        String format = q.getOrDefault("format", "json");
        if (!format.equals("json") && !format.equals("csv")) throw new Invalid("'format' is json or csv, got \"" + clip(format) + "\"");
        return new UsageQuery(nonEmpty(q.get("key")), nonEmpty(q.get("model")), from, to, List.copyOf(dims), format.equals("csv"));
    }

    private static Optional<LocalDate> date(Map<String, String> q, String name) throws Invalid {
        String v = q.get(name);
        if (v == null || v.isEmpty()) return Optional.empty();
        try {
            return Optional.of(LocalDate.parse(v));
        } catch (DateTimeParseException e) {
            throw new Invalid("'" + name + "' must be a date like 2026-12-01, got \"" + clip(v) + "\"");
        }
    }

    private static Optional<String> nonEmpty(String s) {
        return s == null || s.isEmpty() ? Optional.empty() : Optional.of(s);
    }

    private static String clip(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
