package modrelay.loadtests.fakes;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Chat Completions and legacy Completions answers of the lenient fake, streamed and whole, with the text in the
 * chosen field of the chosen choice (the choices before it say something clean).
 */
final class LenientChatAnswers {
    static final String CLEAN = "Nothing to see here.";

    private final String id;
    private final String model;
    private final long created = System.currentTimeMillis() / 1000;

    LenientChatAnswers(String id, String model) {
        this.id = id;
        this.model = model;
    }

    List<LenientStep> chatStream(LeakField field, List<LeakShape.Piece> pieces, int leakChoice) {
        List<LenientStep> out = new ArrayList<>();
        for (int c = 0; c < leakChoice; c++) {
            out.add(LenientStep.data(chunk(c, delta().put("role", "assistant").put("content", CLEAN), null)));
        }
        out.add(LenientStep.data(chunk(leakChoice, delta().put("role", "assistant").put("content", ""), null)));
        if (field == LeakField.TOOL_ARGUMENTS) {
            ObjectNode call = delta();
            ObjectNode tc = call.putArray("tool_calls").addObject().put("index", 0).put("id", "call_" + id).put("type", "function");
            tc.putObject("function").put("name", "lookup").put("arguments", "");
            out.add(LenientStep.data(chunk(leakChoice, call, null)));
        }
        if (field == LeakField.AUDIO_TRANSCRIPT) {
            ObjectNode a = delta();
            a.putObject("audio").put("id", "audio_" + id).put("data", "").put("expires_at", created + 3600);
            out.add(LenientStep.data(chunk(leakChoice, a, null)));
        }
        List<String> texts = new ArrayList<>();
        List<java.time.Duration> pauses = new ArrayList<>();
        if (field == LeakField.TOOL_ARGUMENTS || field == LeakField.FUNCTION_CALL) {
            // the arguments are JSON of their own: the phrase is inside an escaped string, in pieces
            String args = FakeUpstreamJson.MAPPER.createObjectNode().put("query", join(pieces)).toString();
            for (int i = 0; i < args.length(); i += 4) {
                texts.add(args.substring(i, Math.min(args.length(), i + 4)));
                pauses.add(java.time.Duration.ZERO);
            }
        } else {
            for (LeakShape.Piece p : pieces) {
                texts.add(p.text());
                pauses.add(p.pauseBefore());
            }
        }
        for (int i = 0; i < texts.size(); i++) {
            String t = texts.get(i);
            LenientStep step = switch (field) {
                case CONTENT -> LenientStep.data(chunk(leakChoice, delta().put("content", t), null));
                case REASONING_CONTENT, REASONING_TEXT, REASONING_SUMMARY ->
                        LenientStep.data(chunk(leakChoice, delta().put("reasoning_content", t), null));
                case REFUSAL -> LenientStep.data(chunk(leakChoice, delta().put("refusal", t), null));
                case TOOL_ARGUMENTS -> {
                    ObjectNode d = delta();
                    d.putArray("tool_calls").addObject().put("index", 0).putObject("function").put("arguments", t);
                    yield LenientStep.data(chunk(leakChoice, d, null));
                }
                case AUDIO_TRANSCRIPT -> {
                    ObjectNode d = delta();
                    d.putObject("audio").put("transcript", t);
                    yield LenientStep.data(chunk(leakChoice, d, null));
                }
                case CONTENT_PARTS -> {
                    ObjectNode d = delta();
                    d.putArray("content").addObject().put("type", "text").put("text", t);
                    yield LenientStep.data(chunk(leakChoice, d, null));
                }
                case FUNCTION_CALL -> {
                    ObjectNode d = delta();
                    d.putObject("function_call").put("name", i == 0 ? "lookup" : "").put("arguments", t);
                    yield LenientStep.data(chunk(leakChoice, d, null));
                }
                case LOGPROBS -> {
                    ObjectNode c = chunk(leakChoice, delta().put("content", t), null);
                    ((ObjectNode) c.get("choices").get(0)).set("logprobs", logprobs(t));
                    yield LenientStep.data(c);
                }
                case SSE_COMMENT -> LenientStep.raw(comment(t));
                case SSE_UNKNOWN_FIELD -> LenientStep.raw("note: " + t.replace("\n", "\nnote: ") + "\ndata: "
                        + chunk(leakChoice, delta().put("content", ""), null) + "\n\n");
            };
            out.add(step.after(pauses.get(i)));
        }
        if (field == LeakField.REASONING_CONTENT) out.add(LenientStep.data(chunk(leakChoice, delta().put("content", "Done."), null)));
        String finish = field == LeakField.TOOL_ARGUMENTS ? "tool_calls" : field == LeakField.FUNCTION_CALL ? "function_call" : "stop";
        for (int c = 0; c <= leakChoice; c++) out.add(LenientStep.data(chunk(c, delta(), finish)));
        out.add(LenientStep.data(usageChunk()));
        out.add(LenientStep.raw("data: [DONE]\n\n"));
        return out;
    }

    ObjectNode chatWhole(LeakField field, String text, int leakChoice) {
        ObjectNode root = FakeUpstreamJson.MAPPER.createObjectNode();
        root.put("id", "chatcmpl-" + id).put("object", "chat.completion").put("created", created).put("model", model);
        ArrayNode choices = root.putArray("choices");
        for (int c = 0; c < leakChoice; c++) {
            ObjectNode clean = choices.addObject().put("index", c);
            clean.putObject("message").put("role", "assistant").put("content", CLEAN).putNull("refusal");
            clean.putNull("logprobs");
            clean.put("finish_reason", "stop");
        }
        ObjectNode choice = choices.addObject().put("index", leakChoice);
        ObjectNode message = choice.putObject("message").put("role", "assistant");
        String finish = "stop";
        switch (field) {
            case REASONING_CONTENT, REASONING_TEXT, REASONING_SUMMARY ->
                    message.put("content", "Done.").put("reasoning_content", text).putNull("refusal");
            case REFUSAL -> message.putNull("content").put("refusal", text);
            case TOOL_ARGUMENTS -> {
                message.putNull("content").putNull("refusal");
                ObjectNode call = message.putArray("tool_calls").addObject().put("id", "call_" + id).put("type", "function");
                call.putObject("function").put("name", "lookup")
                        .put("arguments", FakeUpstreamJson.MAPPER.createObjectNode().put("query", text).toString());
                finish = "tool_calls";
            }
            case AUDIO_TRANSCRIPT -> {
                message.putNull("content").putNull("refusal");
                message.putObject("audio").put("id", "audio_" + id).put("data", "").put("expires_at", created + 3600)
                        .put("transcript", text);
            }
            case CONTENT_PARTS -> {
                message.putArray("content").addObject().put("type", "text").put("text", text);
                message.putNull("refusal");
            }
            case FUNCTION_CALL -> {
                message.putNull("content").putNull("refusal");
                message.putObject("function_call").put("name", "lookup")
                        .put("arguments", FakeUpstreamJson.MAPPER.createObjectNode().put("query", text).toString());
                finish = "function_call";
            }
            default -> message.put("content", text).putNull("refusal");
        }
        if (field == LeakField.LOGPROBS) choice.set("logprobs", logprobs(text));
        else choice.putNull("logprobs");
        choice.put("finish_reason", finish);
        root.set("usage", usage());
        return root;
    }

    List<LenientStep> completionsStream(List<LeakShape.Piece> pieces) {
        List<LenientStep> out = new ArrayList<>();
        for (LeakShape.Piece p : pieces) out.add(LenientStep.data(textChunk(p.text(), null)).after(p.pauseBefore()));
        out.add(LenientStep.data(textChunk("", "stop")));
        out.add(LenientStep.raw("data: [DONE]\n\n"));
        return out;
    }

    ObjectNode completionsWhole(String text) {
        ObjectNode root = FakeUpstreamJson.MAPPER.createObjectNode();
        root.put("id", "cmpl-" + id).put("object", "text_completion").put("created", created).put("model", model);
        root.putArray("choices").addObject().put("text", text).put("index", 0).putNull("logprobs").put("finish_reason", "stop");
        root.set("usage", usage());
        return root;
    }

    private ObjectNode textChunk(String text, String finish) {
        ObjectNode root = FakeUpstreamJson.MAPPER.createObjectNode();
        root.put("id", "cmpl-" + id).put("object", "text_completion").put("created", created).put("model", model);
        ObjectNode choice = root.putArray("choices").addObject().put("text", text).put("index", 0).putNull("logprobs");
        if (finish == null) choice.putNull("finish_reason"); else choice.put("finish_reason", finish);
        return root;
    }

    private ObjectNode chunk(int index, ObjectNode delta, String finish) {
        ObjectNode root = FakeUpstreamJson.MAPPER.createObjectNode();
        root.put("id", "chatcmpl-" + id).put("object", "chat.completion.chunk").put("created", created).put("model", model);
        ObjectNode choice = root.putArray("choices").addObject().put("index", index);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        if (finish == null) choice.putNull("finish_reason"); else choice.put("finish_reason", finish);
        return root;
    }

    private ObjectNode usageChunk() {
        ObjectNode root = FakeUpstreamJson.MAPPER.createObjectNode();
        root.put("id", "chatcmpl-" + id).put("object", "chat.completion.chunk").put("created", created).put("model", model);
        root.putArray("choices");
        root.set("usage", usage());
        return root;
    }

    private static ObjectNode usage() {
        return FakeUpstreamJson.MAPPER.createObjectNode().put("prompt_tokens", 5).put("completion_tokens", 20).put("total_tokens", 25);
    }

    /** logprobs whose tokens spell {@code text}, three characters a token, with their UTF-8 bytes as real ones carry */
    private static ObjectNode logprobs(String text) {
        ObjectNode lp = FakeUpstreamJson.MAPPER.createObjectNode();
        ArrayNode content = lp.putArray("content");
        for (int i = 0; i < text.length(); i += 3) {
            String token = text.substring(i, Math.min(text.length(), i + 3));
            ObjectNode t = content.addObject().put("token", token).put("logprob", -0.1);
            ArrayNode bytes = t.putArray("bytes");
            for (byte b : token.getBytes(java.nio.charset.StandardCharsets.UTF_8)) bytes.add(b & 0xff);
            t.putArray("top_logprobs");
        }
        lp.putNull("refusal");
        return lp;
    }

    private static ObjectNode delta() {
        return FakeUpstreamJson.MAPPER.createObjectNode();
    }

    static String comment(String text) {
        StringBuilder out = new StringBuilder();
        for (String line : text.split("\n", -1)) out.append(": ").append(line).append('\n');
        return out.append('\n').toString();
    }

    static String join(List<LeakShape.Piece> pieces) {
        StringBuilder s = new StringBuilder();
        for (LeakShape.Piece p : pieces) s.append(p.text());
        return s.toString();
    }
}
