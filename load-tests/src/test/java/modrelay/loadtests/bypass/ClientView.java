package modrelay.loadtests.bypass;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * What a determined client reads out of an answer, decoding it the way it likes: it decompresses (gzip,
 * deflate; a label it cannot decode it ignores and reads the bytes), parses SSE (comments and unknown fields
 * included, for a client that prints raw lines), JSON-unescapes every string (and the JSON inside strings, such
 * as tool-call arguments), concatenates the pieces of each field across events, and joins lines. A term
 * "leaks" when it appears in any of those readings once case, spacing and punctuation are ignored.
 */
final class ClientView {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> readings = new ArrayList<>();

    private ClientView() {}

    static ClientView of(RawHttp.Answer answer) {
        ClientView v = new ClientView();
        String text = new String(decode(answer.body(), answer.header("content-encoding")), StandardCharsets.UTF_8);
        v.readings.add(text);
        for (String line : text.split("\r\n|\r|\n")) v.readings.add(line);
        Map<String, StringBuilder> fields = new LinkedHashMap<>();
        JsonNode whole = parse(text);
        if (whole != null) v.collect(whole, "", fields);
        for (String line : text.split("\r\n|\r|\n")) {
            JsonNode jsonLine = parse(line); // JSON lines (batch files)
            if (jsonLine != null && whole == null) v.collect(jsonLine, "", fields);
        }
        for (String data : sseData(text)) {
            JsonNode json = parse(data);
            if (json != null) v.collect(json, "", fields);
            else fields.computeIfAbsent("sse-data", k -> new StringBuilder()).append(data);
        }
        for (StringBuilder joined : fields.values()) {
            v.readings.add(joined.toString());
            JsonNode inner = parse(joined.toString()); // arguments streamed in pieces are JSON once joined
            if (inner != null) {
                Map<String, StringBuilder> nested = new LinkedHashMap<>();
                v.collect(inner, "", nested);
                nested.values().forEach(s -> v.readings.add(s.toString()));
            }
        }
        return v;
    }

    /** Whether {@code term} can be read in the answer (case, blanks, line breaks and punctuation ignored). */
    boolean leaks(String term) {
        String wanted = letters(term);
        for (String r : readings) {
            if (letters(r).contains(wanted)) return true;
        }
        return false;
    }

    private void collect(JsonNode node, String path, Map<String, StringBuilder> fields) {
        if (node.isTextual()) {
            fields.computeIfAbsent(path, k -> new StringBuilder()).append(node.textValue());
            JsonNode inner = parse(node.textValue());
            if (inner != null && inner.isContainerNode()) {
                Map<String, StringBuilder> nested = new LinkedHashMap<>();
                collect(inner, "", nested);
                nested.values().forEach(s -> readings.add(s.toString()));
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) collect(node.get(i), path + "[" + indexOf(node.get(i), i) + "]", fields);
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                collect(e.getValue(), path + "." + e.getKey(), fields);
            }
        }
    }

    /** Streamed arrays name their element's position in an "index" field (choices, tool calls): that is its place. */
    private static String indexOf(JsonNode element, int position) {
        JsonNode index = element.get("index");
        return index != null && index.canConvertToInt() ? "#" + index.asInt() : Integer.toString(position);
    }

    /** The data of each SSE event (data lines joined by \n), and the text of comment and unknown-field lines. */
    static List<String> sseData(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder data = null;
        for (String line : (text + "\n\n").split("\r\n|\r|\n", -1)) {
            if (line.isEmpty()) {
                if (data != null) out.add(data.toString());
                data = null;
                continue;
            }
            int colon = line.indexOf(':');
            String name = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) value = value.substring(1);
            if (name.equals("data")) {
                data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
            } else if (!name.equals("event") && !name.equals("id") && !name.equals("retry")) {
                out.add(value); // a comment or a field nobody defined: a raw reader prints it
            }
        }
        return out;
    }

    static byte[] decode(byte[] body, String contentEncoding) {
        if (contentEncoding == null) return body;
        byte[] out = body;
        String[] layers = contentEncoding.split(",");
        for (int i = layers.length - 1; i >= 0; i--) {
            String e = layers[i].trim().toLowerCase(Locale.ROOT);
            try {
                if (e.equals("gzip") || e.equals("x-gzip")) out = drain(new GZIPInputStream(new ByteArrayInputStream(out)));
                else if (e.equals("deflate")) out = inflate(out);
                // any other label: this client cannot decode it and reads the bytes as they are
            } catch (IOException undecodable) {
                return out;
            }
        }
        return out;
    }

    private static byte[] inflate(byte[] in) {
        byte[] zlib = drain(new InflaterInputStream(new ByteArrayInputStream(in)));
        return zlib.length > 0 || in.length == 0 ? zlib : drain(new InflaterInputStream(new ByteArrayInputStream(in), new Inflater(true)));
    }

    /** Everything that decodes, even from a stream cut short. */
    private static byte[] drain(InputStream in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try (in) {
            for (int n; (n = in.read(buf)) > 0; ) out.write(buf, 0, n);
        } catch (IOException truncated) {
            // keep what was read
        }
        return out.toByteArray();
    }

    private static JsonNode parse(String s) {
        String t = s.strip();
        if (t.isEmpty() || (t.charAt(0) != '{' && t.charAt(0) != '[' && t.charAt(0) != '"')) return null;
        try {
            return JSON.readTree(t);
        } catch (IOException e) {
            return null;
        }
    }

    static String letters(String s) {
        String n = Normalizer.normalize(s, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        StringBuilder out = new StringBuilder(n.length());
        n.codePoints().filter(Character::isLetterOrDigit).forEach(out::appendCodePoint);
        return out.toString();
    }
}
