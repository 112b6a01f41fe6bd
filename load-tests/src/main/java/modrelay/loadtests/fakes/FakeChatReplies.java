package modrelay.loadtests.fakes;

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

    private FakeChatReplies() {}

    static HttpResponse reply(FakeUpstreamCall call, FakeUpstreamConnection connection) {
        return call.stream() ? stream(call, connection) : FakeUpstreamHttp.json(completion(call));
    }

    private static String completion(FakeUpstreamCall call) {
        String reasoning = call.reasoning() ? ",\"reasoning_content\":" + REASONING.quotedText() : "";
        return "{\"id\":\"chatcmpl-" + call.id() + "\",\"object\":\"chat.completion\",\"created\":"
                + call.createdEpochSeconds() + ",\"model\":" + call.quotedModel()
                + ",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
                + call.reply().quotedText() + reasoning + ",\"refusal\":null,\"annotations\":[]}"
                + ",\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":" + usage(call)
                + ",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_fake\"}";
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

        List<String> content = call.reply().quotedTokens();
        List<String> reasoning = call.reasoning() ? REASONING.quotedTokens() : List.of();
        int reasoningCount = reasoning.size();

        List<ByteString> opening = List.of(FakeUpstreamHttp.data(
                choiceHead + "{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}" + choiceTail));
        return FakeUpstreamHttp.sse(connection.stream(FakeUpstreamPacing.paced(
                opening,
                reasoningCount + content.size(),
                i -> FakeUpstreamHttp.data(choiceHead + (i < reasoningCount
                        ? "{\"content\":null,\"reasoning_content\":" + reasoning.get(i) + "}"
                        : "{\"content\":" + content.get(i - reasoningCount) + "}") + choiceTail),
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
