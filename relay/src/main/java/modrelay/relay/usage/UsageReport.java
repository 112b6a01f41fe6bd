package modrelay.relay.usage;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import modrelay.moderation.text.Json;

/**
 * The answer of {@code GET /admin/usage}: rows carry only the dimensions grouped by, then the counters;
 * {@code totals} sums every row. JSON ({@code {"object":"list",…}}) or CSV with a header row of the same
 * names. A proxy key's usage has key {@code null} (empty in CSV). Pure.
 */
public final class UsageReport {
    private static final List<String> COUNTERS = List.of("requests", "prompt_tokens", "completion_tokens", "cached_tokens",
            "reasoning_tokens", "estimated_requests", "cost");

    private UsageReport() {}

    public static String json(UsageQuery q, List<DailyRow> rows) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("object", "list");
        ArrayNode dims = root.putArray("group_by");
        for (UsageQuery.Dimension d : q.groupBy()) dims.add(d.name);
        root.put("from", q.from().toString());
        root.put("to", q.to().toString());
        ArrayNode data = root.putArray("data");
        for (DailyRow r : rows) {
            ObjectNode o = data.addObject();
            for (UsageQuery.Dimension d : q.groupBy()) {
                switch (d) {
                    case DAY -> o.put("day", r.day());
                    case MODEL -> o.put("model", r.model());
                    case KEY -> {
                        if (r.key() == null || r.key().isEmpty()) o.putNull("key");
                        else o.put("key", r.key());
                    }
                }
            }
            counters(o, r);
        }
        counters(root.putObject("totals"), total(rows));
        return Json.write(root);
    }

    public static String csv(UsageQuery q, List<DailyRow> rows) {
        StringBuilder b = new StringBuilder();
        for (UsageQuery.Dimension d : q.groupBy()) b.append(d.name).append(',');
        b.append(String.join(",", COUNTERS)).append("\r\n");
        for (DailyRow r : rows) {
            for (UsageQuery.Dimension d : q.groupBy()) {
                String v = switch (d) {
                    case DAY -> r.day();
                    case MODEL -> r.model();
                    case KEY -> r.key() == null ? "" : r.key();
                };
                b.append(cell(v)).append(',');
            }
            b.append(r.requests()).append(',').append(r.prompt()).append(',').append(r.completion()).append(',')
                    .append(r.cached()).append(',').append(r.reasoning()).append(',').append(r.estimated()).append(',')
                    .append(r.cost().map(UsageReport::number).orElse("")).append("\r\n");
        }
        return b.toString();
    }

    static DailyRow total(List<DailyRow> rows) {
        DailyRow t = new DailyRow(null, null, null, 0, 0, 0, 0, 0, 0, Optional.empty());
        for (DailyRow r : rows) t = t.plus(r);
        return t;
    }

    private static void counters(ObjectNode o, DailyRow r) {
        o.put("requests", r.requests());
        o.put("prompt_tokens", r.prompt());
        o.put("completion_tokens", r.completion());
        o.put("cached_tokens", r.cached());
        o.put("reasoning_tokens", r.reasoning());
        o.put("estimated_requests", r.estimated());
        if (r.cost().isPresent()) o.put("cost", r.cost().get());
        else o.putNull("cost");
    }

    private static String number(double d) {
        return java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }

    /**
     * RFC 4180 quoting; a cell a spreadsheet would run as a formula (= + - @ first; model names are the
     * client's) is prefixed with a quote mark.
     */
    static String cell(String v) {
        if (v == null) return "";
        String s = !v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0 ? "'" + v : v;
        if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }
}
