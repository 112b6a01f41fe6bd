package modrelay.loadtests.fakes;

import static modrelay.loadtests.fakes.FakeUpstreamHttp.utf8;

import akka.http.javadsl.model.HttpResponse;
import akka.util.ByteString;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /v1/chat/completions}: a {@code chat.completion} object, or a stream of
 * {@code chat.completion.chunk} events shaped exactly like OpenAI's: role chunk, one chunk per
 * token, a final chunk with {@code finish_reason:"stop"}, the usage chunk when asked, {@code [DONE]}.
 */
final class FakeChatReplies {
    /** Streamed as {@code reasoning_content} before the answer when the request has {@code x-fake-reasoning}. */
    static final FakeUpstreamReply REASONING =
            FakeUpstreamReply.of("The user wants a short answer. I will keep it brief and friendly.");
    private static final ByteString REASONING_FIELD = utf8(",\"reasoning_content\":").concat(REASONING.quotedText());

    private FakeChatReplies() {}

    static HttpResponse reply(FakeUpstreamCall call, FakeUpstreamConnection connection) {
        return call.stream() ? stream(call, connection) : FakeUpstreamHttp.json(completion(call));
    }

    private static ByteString completion(FakeUpstreamCall call) {
        return utf8("{\"id\":\"chatcmpl-" + call.id() + "\",\"object\":\"chat.completion\",\"created\":"
                        + call.createdEpochSeconds() + ",\"model\":" + call.quotedModel()
                        + ",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":")
                .concat(call.reply().quotedText())
                .concat(call.reasoning() ? REASONING_FIELD : ByteString.emptyByteString())
                .concat(utf8(",\"refusal\":null,\"annotations\":[]},\"logprobs\":null,\"finish_reason\":\"stop\"}]"
                        + ",\"usage\":" + usage(call) + ",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_fake\"}"));
    }

    private static HttpResponse stream(FakeUpstreamCall call, FakeUpstreamConnection connection) {
        // Every chunk shares this prefix and suffix; only the delta differs.
        String head = "{\"id\":\"chatcmpl-" + call.id() + "\",\"object\":\"chat.completion.chunk\",\"created\":"
                + call.createdEpochSeconds() + ",\"model\":" + call.quotedModel()
                + ",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_fake\",\"choices\":";
        // With include_usage OpenAI sends "usage":null on every chunk but the last.
        String usageNull = call.includeUsage() ? ",\"usage\":null}" : "}";
        String choiceHead = head + "[{\"index\":0,\"delta\":";
        String choiceTail = ",\"logprobs\":null,\"finish_reason\":null}]" + usageNull;
        ByteString contentOpen = utf8("data: " + choiceHead + "{\"content\":");
        ByteString reasoningOpen = utf8("data: " + choiceHead + "{\"content\":null,\"reasoning_content\":");
        ByteString deltaClose = utf8("}" + choiceTail + "\n\n");

        List<ByteString> content = call.reply().quotedTokens();
        List<ByteString> reasoning = call.reasoning() ? REASONING.quotedTokens() : List.of();
        int reasoningCount = reasoning.size();

        List<ByteString> opening = List.of(FakeUpstreamHttp.data(
                choiceHead + "{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}" + choiceTail));
        return FakeUpstreamHttp.sse(connection.stream(FakeUpstreamPacing.paced(
                opening,
                reasoningCount + content.size(),
                i -> (i < reasoningCount
                        ? reasoningOpen.concat(reasoning.get(i))
                        : contentOpen.concat(content.get(i - reasoningCount))).concat(deltaClose),
                () -> {
                    List<ByteString> closing = new ArrayList<>(3);
                    closing.add(FakeUpstreamHttp.data(
                            choiceHead + "{},\"logprobs\":null,\"finish_reason\":\"stop\"}]" + usageNull));
                    if (call.includeUsage()) {
                        closing.add(FakeUpstreamHttp.data(head + "[],\"usage\":" + usage(call) + "}"));
                    }
                    closing.add(FakeUpstreamHttp.DONE);
                    return closing;
                },
                call.pace())));
    }

    private static String usage(FakeUpstreamCall call) {
        int reasoningTokens = call.reasoning() ? REASONING.tokenCount() : 0;
        int completion = call.reply().tokenCount() + reasoningTokens;
        return "{\"prompt_tokens\":" + call.promptTokens() + ",\"completion_tokens\":" + completion
                + ",\"total_tokens\":" + (call.promptTokens() + completion)
                + ",\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0}"
                + ",\"completion_tokens_details\":{\"reasoning_tokens\":" + reasoningTokens
                + ",\"audio_tokens\":0,\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}}";
    }
}
