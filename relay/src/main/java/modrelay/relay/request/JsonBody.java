package modrelay.relay.request;

import modrelay.relay.endpoint.RequestModel;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A JSON request body, read once with Jackson's streaming parser: no tree is built, so a body costs
 * its own bytes plus at most one rewritten copy, whatever its shape (a tree of tiny nodes costs many
 * times the bytes). What every later step needs is taken from this one reading: the model, the
 * stream flag, {@code stream_options.include_usage}, the moderation flags, the newest user message
 * (input moderation), and the bytes that go upstream (flags removed, the model renamed for an
 * upstream that knows it by another name), spliced from the original bytes.
 *
 * <p>Refused, so that the relay and a lenient upstream cannot read the body two ways: anything that
 * is not one UTF-8 JSON object, duplicate keys (which one wins differs between parsers), NaN and
 * other non-standard tokens, trailing content, nesting deeper than {@link #MAX_DEPTH}, flags of the
 * wrong type. Pure.
 */
public final class JsonBody {
    /** Deep enough for any JSON schema a client sends in {@code response_format} or tools. */
    public static final int MAX_DEPTH = 128;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .build();
    private static final List<String> FLAGS = List.of("moderation", "moderation_level", "moderation_input");

    /** One top-level member's bytes, name through value; {@code valueStart} where its value begins. */
    private record Span(String name, int start, int valueStart, int end) {}

    /**
     * Where {@code stream_options.include_usage} is: absent ({@code at} -1, {@code spliceable} when no other
     * member could clash), or the offset of its boolean token.
     */
    private record UsageField(int at, boolean spliceable) {
        static final UsageField ABSENT = new UsageField(-1, true);
    }

    /** Why a body is refused; the message is safe to show the client. {@code flag} marks a flag of the wrong type. */
    public static final class Invalid extends Exception {
        private final boolean flag;

        Invalid(String message, boolean flag) {
            super(message, null, false, false);
            this.flag = flag;
        }

        public boolean flag() {
            return flag;
        }
    }

    private final byte[] bytes;
    private final List<Span> spans;
    private final boolean hadFlags;
    private final RequestModel model;
    private final boolean stream;
    private final Optional<Boolean> includeUsage;
    private final Optional<Boolean> moderation;
    private final Optional<String> moderationLevel;
    private final Optional<Boolean> moderationInput;
    private final List<String> newestUserText;
    private final boolean audioOutput;
    private final UsageField usageField;

    private JsonBody(byte[] bytes, List<Span> spans, boolean hadFlags, RequestModel model, boolean stream,
            Optional<Boolean> includeUsage, Optional<Boolean> moderation, Optional<String> moderationLevel,
            Optional<Boolean> moderationInput, List<String> newestUserText, boolean audioOutput, UsageField usageField) {
        this.usageField = usageField;
        this.bytes = bytes;
        this.spans = spans;
        this.hadFlags = hadFlags;
        this.model = model;
        this.stream = stream;
        this.includeUsage = includeUsage;
        this.moderation = moderation;
        this.moderationLevel = moderationLevel;
        this.moderationInput = moderationInput;
        this.newestUserText = newestUserText;
        this.audioOutput = audioOutput;
    }

    /** The request asks for spoken output ({@code "modalities": ["audio"]} or chat's {@code audio} settings). */
    public boolean audioOutput() {
        return audioOutput;
    }

    public RequestModel model() {
        return model;
    }

    public boolean stream() {
        return stream;
    }

    /** {@code stream_options.include_usage}, when given as a boolean. */
    public Optional<Boolean> includeUsage() {
        return includeUsage;
    }

    public Optional<Boolean> moderation() {
        return moderation;
    }

    public Optional<String> moderationLevel() {
        return moderationLevel;
    }

    public Optional<Boolean> moderationInput() {
        return moderationInput;
    }

    /**
     * The text of the newest user turn: the last {@code messages[]} entry with role user (chat), the
     * last user item of {@code input} or {@code input} itself when it is a string (Responses), the
     * {@code prompt} strings (completions). Text parts of multimodal content included, in order.
     */
    public List<String> newestUserText() {
        return newestUserText;
    }

    /** The body exactly as the client sent it. */
    public byte[] original() {
        return bytes;
    }

    /** The body as it goes upstream: byte for byte the client's unless it carried moderation flags. */
    public byte[] upstream() {
        return hadFlags ? rebuild(Optional.empty(), BodyEdit.NONE, false) : bytes;
    }

    /** The upstream body with the top-level {@code model} set to {@code name}. */
    public byte[] upstreamWithModel(String name) {
        return rebuild(Optional.of(name), BodyEdit.NONE, false);
    }

    /**
     * Whether the relay can ask for the stream's usage itself: a stream whose client did not ask for it
     * ({@code stream_options.include_usage} absent or false), where splicing it in cannot clash with
     * anything the client wrote.
     */
    public boolean canAskUsage() {
        return stream && !includeUsage.orElse(false) && usageField.spliceable();
    }

    /**
     * The upstream body with {@code model} renamed (when given), {@code edit} applied and, when {@code askUsage},
     * {@code stream_options.include_usage} set to true (see {@link #canAskUsage}), spliced from this one reading.
     * The flags are always removed; what the relay judged (model, stream, messages) is the caller's to keep out of
     * {@code edit}.
     */
    public byte[] upstream(Optional<String> model, BodyEdit edit, boolean askUsage) {
        if (askUsage && !canAskUsage()) throw new IllegalStateException("the body cannot ask for usage");
        if (model.isEmpty() && edit.isEmpty() && !askUsage) return upstream();
        return rebuild(model, edit, askUsage);
    }

    private static final byte[] INCLUDE_USAGE = "\"include_usage\":true".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    private static final byte[] STREAM_OPTIONS = "\"stream_options\":{\"include_usage\":true}"
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);

    private byte[] rebuild(Optional<String> modelName, BodyEdit edit, boolean askUsage) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + 48);
        out.write('{');
        boolean first = true;
        boolean wroteModel = false;
        boolean wroteUsage = false;
        java.util.Set<String> present = new java.util.HashSet<>();
        for (Span s : spans) {
            present.add(s.name());
            if (FLAGS.contains(s.name()) || edit.drop().contains(s.name())) continue;
            if (!first) out.write(',');
            first = false;
            if (modelName.isPresent() && s.name().equals("model")) {
                writeModel(out, modelName.get());
                wroteModel = true;
            } else if (askUsage && s.name().equals("stream_options")) {
                writeStreamOptions(out, s);
                wroteUsage = true;
            } else if (edit.caps().containsKey(s.name())) {
                java.math.BigDecimal cap = edit.caps().get(s.name());
                java.math.BigDecimal value = number(s);
                if (value != null && value.compareTo(cap) <= 0) out.write(bytes, s.start(), s.end() - s.start());
                else writeMember(out, s.name(), cap.toPlainString()); // over the cap, or unreadable as a number: the cap holds
            } else {
                out.write(bytes, s.start(), s.end() - s.start());
            }
        }
        if (modelName.isPresent() && !wroteModel) {
            if (!first) out.write(',');
            first = false;
            writeModel(out, modelName.get());
        }
        for (java.util.Map.Entry<String, java.math.BigDecimal> c : edit.caps().entrySet()) {
            if (present.contains(c.getKey()) || edit.drop().contains(c.getKey())) continue;
            if (!first) out.write(',');
            first = false;
            writeMember(out, c.getKey(), c.getValue().toPlainString());
        }
        for (java.util.Map.Entry<String, String> d : edit.defaults().entrySet()) {
            if (present.contains(d.getKey()) || edit.caps().containsKey(d.getKey()) || edit.drop().contains(d.getKey())) continue;
            if (!first) out.write(',');
            first = false;
            writeMember(out, d.getKey(), d.getValue());
        }
        if (askUsage && !wroteUsage) {
            if (!first) out.write(',');
            out.writeBytes(STREAM_OPTIONS);
        }
        out.write('}');
        return out.toByteArray();
    }


    /** The client's stream_options with include_usage true: its false token replaced, or the field put first. */
    private void writeStreamOptions(ByteArrayOutputStream out, Span s) {
        if (usageField.at() >= 0) {
            // include_usage:false (true is never spliced): "false" becomes "true", the rest byte for byte
            out.write(bytes, s.start(), usageField.at() - s.start());
            out.writeBytes("true".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            int after = usageField.at() + "false".length();
            out.write(bytes, after, s.end() - after);
            return;
        }
        if (bytes[s.valueStart()] != '{') {
            out.writeBytes(STREAM_OPTIONS); // null: the whole member is ours
            return;
        }
        out.write(bytes, s.start(), s.valueStart() + 1 - s.start());
        out.writeBytes(INCLUDE_USAGE);
        int rest = s.valueStart() + 1;
        int i = rest;
        while (i < s.end() && (bytes[i] == ' ' || bytes[i] == '\t' || bytes[i] == '\n' || bytes[i] == '\r')) i++;
        if (bytes[i] != '}') out.write(',');
        out.write(bytes, rest, s.end() - rest);
    }

    /** The member's value when it is a JSON number, else null. */
    private java.math.BigDecimal number(Span s) {
        String v = new String(bytes, s.valueStart(), s.end() - s.valueStart(), java.nio.charset.StandardCharsets.UTF_8).trim();
        if (!v.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?")) return null;
        try {
            return new java.math.BigDecimal(v);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static void writeMember(ByteArrayOutputStream out, String name, String jsonValue) {
        out.write('"');
        out.writeBytes(JsonStringEncoder.getInstance().quoteAsUTF8(name));
        out.writeBytes("\":".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        out.writeBytes(jsonValue.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static void writeModel(ByteArrayOutputStream out, String name) {
        out.writeBytes("\"model\":\"".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        out.writeBytes(JsonStringEncoder.getInstance().quoteAsUTF8(name));
        out.write('"');
    }

    /** Reads the whole body. */
    public static JsonBody parse(byte[] bytes) throws Invalid {
        if (!utf8(bytes)) throw new Invalid("the body must be JSON encoded as UTF-8", false);
        try (JsonParser p = FACTORY.createParser(bytes)) {
            return read(p, bytes);
        } catch (StreamConstraintsException e) {
            throw new Invalid("the JSON body is nested too deeply or has a value too long", false);
        } catch (IOException e) {
            String m = e.getMessage() == null ? "unreadable" : e.getMessage();
            int nl = m.indexOf('\n');
            throw new Invalid(nl > 0 ? m.substring(0, nl) : m, false);
        }
    }

    private static JsonBody read(JsonParser p, byte[] bytes) throws IOException, Invalid {
        if (p.nextToken() != JsonToken.START_OBJECT) throw new Invalid("the body must be a JSON object", false);
        List<Span> spans = new ArrayList<>();
        RequestModel model = RequestModel.MISSING;
        boolean stream = false;
        Optional<Boolean> includeUsage = Optional.empty();
        Optional<Boolean> moderation = Optional.empty();
        Optional<String> level = Optional.empty();
        Optional<Boolean> input = Optional.empty();
        boolean hadFlags = false;
        List<String> userText = List.of();
        boolean modelTwin = false;
        boolean audioOut = false;
        UsageField usageField = UsageField.ABSENT;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            int start = (int) p.currentTokenLocation().getByteOffset();
            String name = p.currentName();
            JsonToken v = p.nextToken();
            int valueStart = (int) p.currentTokenLocation().getByteOffset();
            switch (name) {
                case "model" -> {
                    model = v == JsonToken.VALUE_STRING ? new RequestModel.Named(p.getText())
                            : v == JsonToken.VALUE_NULL ? RequestModel.MISSING : new RequestModel.NotAString(jsonType(v));
                    p.skipChildren();
                }
                case "stream" -> {
                    if (v != JsonToken.VALUE_NULL && !v.isBoolean()) throw new Invalid("'stream' must be true or false", false);
                    stream = v == JsonToken.VALUE_TRUE;
                }
                case "stream_options" -> {
                    int[] at = {-1, 1};
                    includeUsage = includeUsage(p, v, at);
                    // a null stream_options is replaced whole; an array, string or number is the client's business
                    boolean replaceable = v == JsonToken.START_OBJECT || v == JsonToken.VALUE_NULL;
                    usageField = new UsageField(at[0], replaceable && at[1] == 1);
                }
                case "moderation" -> {
                    hadFlags = true;
                    moderation = bool(p, v, "'moderation' must be true or false");
                }
                case "moderation_input" -> {
                    hadFlags = true;
                    input = bool(p, v, "'moderation_input' must be true or false");
                }
                case "moderation_level" -> {
                    hadFlags = true;
                    if (v == JsonToken.VALUE_STRING) level = Optional.of(p.getText());
                    else if (v != JsonToken.VALUE_NULL) throw new Invalid("'moderation_level' must be \"high\" or \"low\"", true);
                }
                case "modalities" -> audioOut |= UserTurns.strings(p, v).stream().anyMatch(m -> m.equalsIgnoreCase("audio"));
                case "audio" -> {
                    audioOut |= v == JsonToken.START_OBJECT; // chat's audio output settings
                    p.skipChildren();
                }
                case "messages" -> userText = UserTurns.newestOf(p, v);
                case "input" -> userText = UserTurns.newestOf(p, v);
                case "prompt" -> userText = UserTurns.strings(p, v);
                default -> {
                    // Go's encoding/json reads "MODEL" as model (the last one wins): such a twin makes the model unreadable.
                    if (name.equalsIgnoreCase("model")) modelTwin = true;
                    p.skipChildren();
                }
            }
            if (v == JsonToken.VALUE_STRING) p.finishToken();
            spans.add(new Span(name, start, valueStart, (int) p.currentLocation().getByteOffset()));
        }
        if (t != JsonToken.END_OBJECT) throw new Invalid("the body is not a complete JSON object", false);
        if (p.nextToken() != null) throw new Invalid("the body has content after its JSON object", false);
        if (modelTwin) model = new RequestModel.Unreadable("the body names 'model' twice, in different case");
        return new JsonBody(bytes, List.copyOf(spans), hadFlags, model, stream, includeUsage, moderation, level, input, userText,
                audioOut, usageField);
    }

    private static String jsonType(JsonToken v) {
        if (v == JsonToken.START_ARRAY) return "array";
        if (v == JsonToken.START_OBJECT) return "object";
        return v.isBoolean() ? "boolean" : "number";
    }

    private static Optional<Boolean> bool(JsonParser p, JsonToken v, String message) throws Invalid {
        if (v == JsonToken.VALUE_NULL) return Optional.empty();
        if (!v.isBoolean()) throw new Invalid(message, true);
        return Optional.of(v == JsonToken.VALUE_TRUE);
    }

    /**
     * @param at set to {offset of a false include_usage token or -1, 0 when an include_usage of another type
     *           (or in another case) means the relay must not add its own}
     */
    private static Optional<Boolean> includeUsage(JsonParser p, JsonToken v, int[] at) throws IOException {
        if (v != JsonToken.START_OBJECT) {
            p.skipChildren();
            return Optional.empty();
        }
        Optional<Boolean> found = Optional.empty();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (name.equals("include_usage") && value.isBoolean()) {
                found = Optional.of(value == JsonToken.VALUE_TRUE);
                if (value == JsonToken.VALUE_FALSE) at[0] = (int) p.currentTokenLocation().getByteOffset();
            } else {
                if (name.equalsIgnoreCase("include_usage")) at[1] = 0;
                p.skipChildren();
            }
        }
        return found;
    }

    /**
     * RFC 8259: JSON between systems is UTF-8. A UTF-16/32 body (a NUL among the first bytes, or its
     * byte-order mark) is refused, since Jackson and the upstream could decode it differently.
     */
    private static boolean utf8(byte[] b) {
        int n = Math.min(4, b.length);
        for (int i = 0; i < n; i++) if (b[i] == 0) return false;
        return !(b.length >= 2 && ((b[0] & 0xff) == 0xfe || (b[0] & 0xff) == 0xff));
    }
}
