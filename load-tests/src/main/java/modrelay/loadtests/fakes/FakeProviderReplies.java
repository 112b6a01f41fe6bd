package modrelay.loadtests.fakes;

import static modrelay.loadtests.fakes.FakeUpstreamHttp.utf8;

import akka.http.javadsl.model.HttpResponse;
import akka.util.ByteString;
import java.util.ArrayList;
import java.util.List;

/**
 * A chat stream in one provider's shape. OpenAI's own shape is {@link FakeChatReplies}; the others differ in
 * what the relay's stream reading must not trip over (see {@link FakeProvider}). Non-streamed answers are
 * OpenAI's shape for every provider.
 */
final class FakeProviderReplies {
    private FakeProviderReplies() {}

    static HttpResponse reply(FakeProvider p, FakeUpstreamCall call, FakeUpstreamConnection connection) {
        if (p.shape() == FakeProvider.Shape.OPENAI || !call.stream()) return FakeChatReplies.reply(call, connection);
        List<String> pieces = p.shape() == FakeProvider.Shape.GEMINI ? sentences(call.reply().tokens()) : call.reply().tokens();
        String prefix = p.shape() == FakeProvider.Shape.SPARK ? "data:" : "data: ";
        List<ByteString> opening = new ArrayList<>();
        if (p.shape() == FakeProvider.Shape.DEEPSEEK) {
            // DeepSeek sends SSE keep-alive comments while a busy server has not started the answer.
            opening.add(utf8(": keep-alive\n\n"));
            opening.add(utf8(": keep-alive\n\n"));
        }
        List<String> reasoning = p.shape() == FakeProvider.Shape.DEEPSEEK && call.reasoning()
                ? FakeChatReplies.REASONING.tokens() : List.of();
        int total = reasoning.size() + pieces.size();
        return FakeUpstreamHttp.sse(connection.stream(FakeUpstreamPacing.paced(
                opening,
                total,
                i -> {
                    boolean thinking = i < reasoning.size();
                    String text = thinking ? reasoning.get(i) : pieces.get(i - reasoning.size());
                    boolean lastContent = i == total - 1;
                    return utf8(prefix + chunk(p.shape(), call, text, thinking, i == 0, lastContent) + "\n\n");
                },
                () -> closing(p.shape(), call, prefix),
                call.pace())));
    }

    private static String q(String s) {
        return FakeUpstreamJson.quote(s);
    }

    private static String chunk(FakeProvider.Shape shape, FakeUpstreamCall c, String text, boolean thinking, boolean first,
            boolean lastContent) {
        String id = "\"" + c.id() + "\"";
        return switch (shape) {
            case ANTHROPIC -> "{\"id\":\"msg_" + c.id() + "\",\"object\":\"chat.completion.chunk\",\"created\":"
                    + c.createdEpochSeconds() + ",\"model\":" + c.quotedModel() + ",\"choices\":[{\"index\":0,\"delta\":{"
                    + "\"role\":\"assistant\",\"content\":" + q(text) + "},\"finish_reason\":null}]}";
            // Sentence-sized deltas; the last content chunk carries the finish reason itself.
            case GEMINI -> "{\"choices\":[{\"delta\":{\"content\":" + q(text) + ",\"role\":\"assistant\"},"
                    + (lastContent ? "\"finish_reason\":\"stop\"," : "") + "\"index\":0}],\"created\":" + c.createdEpochSeconds()
                    + ",\"id\":" + id + ",\"model\":" + c.quotedModel() + ",\"object\":\"chat.completion.chunk\"}";
            // No "object" member at all.
            case ZHIPU -> "{\"id\":" + id + ",\"created\":" + c.createdEpochSeconds() + ",\"model\":" + c.quotedModel()
                    + ",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":" + q(text) + "}}]}";
            // code/message/sid beside the choices, no "object", no finish_reason until the end.
            case SPARK -> "{\"code\":0,\"message\":\"Success\",\"sid\":" + id + ",\"id\":" + id + ",\"created\":"
                    + c.createdEpochSeconds() + ",\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":" + q(text)
                    + "},\"index\":0}]}";
            case DEEPSEEK -> "{\"id\":" + id + ",\"object\":\"chat.completion.chunk\",\"created\":" + c.createdEpochSeconds()
                    + ",\"model\":" + c.quotedModel() + ",\"system_fingerprint\":\"fp_fake\",\"choices\":[{\"index\":0,\"delta\":"
                    + (thinking ? "{\"content\":null,\"reasoning_content\":" + q(text) + "}" : "{\"content\":" + q(text) + "}")
                    + ",\"logprobs\":null,\"finish_reason\":null}]}";
            case DASHSCOPE -> "{\"choices\":[{\"delta\":{\"content\":" + q(text) + (first ? ",\"role\":\"assistant\"" : "")
                    + "},\"finish_reason\":null,\"index\":0,\"logprobs\":null}],\"object\":\"chat.completion.chunk\","
                    + (c.includeUsage() ? "\"usage\":null," : "") + "\"created\":" + c.createdEpochSeconds()
                    + ",\"system_fingerprint\":null,\"model\":" + c.quotedModel() + ",\"id\":\"chatcmpl-" + c.id() + "\"}";
            case MOONSHOT -> "{\"id\":\"chatcmpl-" + c.id() + "\",\"object\":\"chat.completion.chunk\",\"created\":"
                    + c.createdEpochSeconds() + ",\"model\":" + c.quotedModel() + ",\"choices\":[{\"index\":0,\"delta\":{"
                    + (first ? "\"role\":\"assistant\"," : "") + "\"content\":" + q(text) + "},\"finish_reason\":null}]}";
            case OPENAI -> throw new IllegalStateException("OpenAI's shape is FakeChatReplies'");
        };
    }

    private static List<ByteString> closing(FakeProvider.Shape shape, FakeUpstreamCall c, String prefix) {
        String id = "\"" + c.id() + "\"";
        String usage = usage(c);
        List<String> events = new ArrayList<>();
        switch (shape) {
            case ANTHROPIC -> events.add("{\"id\":\"msg_" + c.id() + "\",\"object\":\"chat.completion.chunk\",\"created\":"
                    + c.createdEpochSeconds() + ",\"model\":" + c.quotedModel()
                    + ",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]"
                    + (c.includeUsage() ? ",\"usage\":" + usage : "") + "}");
            case GEMINI -> {
                if (c.includeUsage()) {
                    events.add("{\"choices\":[],\"created\":" + c.createdEpochSeconds() + ",\"id\":" + id + ",\"model\":"
                            + c.quotedModel() + ",\"object\":\"chat.completion.chunk\",\"usage\":" + usage + "}");
                }
            }
            case ZHIPU -> events.add("{\"id\":" + id + ",\"created\":" + c.createdEpochSeconds() + ",\"model\":" + c.quotedModel()
                    + ",\"choices\":[{\"index\":0,\"finish_reason\":\"stop\",\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}],"
                    + "\"usage\":" + usage + "}");
            case SPARK -> events.add("{\"code\":0,\"message\":\"Success\",\"sid\":" + id + ",\"id\":" + id + ",\"created\":"
                    + c.createdEpochSeconds() + ",\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"index\":0,"
                    + "\"finish_reason\":\"stop\"}],\"usage\":" + usage + "}");
            case DEEPSEEK -> events.add("{\"id\":" + id + ",\"object\":\"chat.completion.chunk\",\"created\":"
                    + c.createdEpochSeconds() + ",\"model\":" + c.quotedModel() + ",\"system_fingerprint\":\"fp_fake\","
                    + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
                    + "\"usage\":" + usage + "}");
            case DASHSCOPE -> {
                events.add("{\"choices\":[{\"finish_reason\":\"stop\",\"delta\":{\"content\":\"\"},\"index\":0,\"logprobs\":null}],"
                        + "\"object\":\"chat.completion.chunk\"," + (c.includeUsage() ? "\"usage\":null," : "") + "\"created\":"
                        + c.createdEpochSeconds() + ",\"system_fingerprint\":null,\"model\":" + c.quotedModel()
                        + ",\"id\":\"chatcmpl-" + c.id() + "\"}");
                if (c.includeUsage()) {
                    events.add("{\"choices\":[],\"object\":\"chat.completion.chunk\",\"usage\":" + usage + ",\"created\":"
                            + c.createdEpochSeconds() + ",\"system_fingerprint\":null,\"model\":" + c.quotedModel()
                            + ",\"id\":\"chatcmpl-" + c.id() + "\"}");
                }
            }
            // The usage inside the final choice rather than beside it.
            case MOONSHOT -> events.add("{\"id\":\"chatcmpl-" + c.id() + "\",\"object\":\"chat.completion.chunk\",\"created\":"
                    + c.createdEpochSeconds() + ",\"model\":" + c.quotedModel()
                    + ",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\",\"usage\":" + usage + "}]}");
            case OPENAI -> throw new IllegalStateException("OpenAI's shape is FakeChatReplies'");
        }
        List<ByteString> out = new ArrayList<>();
        for (String e : events) out.add(utf8(prefix + e + "\n\n"));
        out.add(utf8(prefix + "[DONE]\n\n"));
        return out;
    }

    private static String usage(FakeUpstreamCall c) {
        int completion = c.reply().tokenCount();
        return "{\"prompt_tokens\":" + c.promptTokens() + ",\"completion_tokens\":" + completion + ",\"total_tokens\":"
                + (c.promptTokens() + completion) + "}";
    }

    /** Tokens joined into sentence-sized pieces (a piece ends after '.', '!', '?', '。', '！', '？'). */
    static List<String> sentences(List<String> tokens) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String t : tokens) {
            cur.append(t);
            String s = t.strip();
            if (!s.isEmpty() && ".!?。！？".indexOf(s.charAt(s.length() - 1)) >= 0) {
                out.add(cur.toString());
                cur.setLength(0);
            }
        }
        if (cur.length() > 0) out.add(cur.toString());
        return out;
    }
}
