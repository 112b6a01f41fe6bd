package modrelay.loadtests.fakes;

import akka.http.javadsl.model.HttpResponse;
import akka.util.ByteString;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /v1/completions} (legacy): a {@code text_completion} object, or a stream of
 * {@code text_completion} chunks with {@code choices[].text}, a final {@code finish_reason:"stop"}
 * chunk, the usage chunk when asked, and {@code [DONE]}.
 */
final class FakeCompletionReplies {
    private FakeCompletionReplies() {}

    static HttpResponse reply(FakeUpstreamCall call, FakeUpstreamConnection connection) {
        return call.stream() ? stream(call, connection) : FakeUpstreamHttp.json(completion(call));
    }

    private static String completion(FakeUpstreamCall call) {
        return head(call) + "[{\"text\":" + call.reply().quotedText()
                + ",\"index\":0,\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":" + usage(call) + "}";
    }

    private static HttpResponse stream(FakeUpstreamCall call, FakeUpstreamConnection connection) {
        String head = head(call);
        String choiceHead = head + "[{\"text\":";
        String choiceTail = ",\"index\":0,\"logprobs\":null,\"finish_reason\":null}]}";
        List<String> tokens = call.reply().quotedTokens();
        return FakeUpstreamHttp.sse(connection.stream(FakeUpstreamPacing.paced(
                List.of(),
                tokens.size(),
                i -> FakeUpstreamHttp.data(choiceHead + tokens.get(i) + choiceTail),
                () -> {
                    List<ByteString> closing = new ArrayList<>(3);
                    closing.add(FakeUpstreamHttp.data(
                            choiceHead + "\"\",\"index\":0,\"logprobs\":null,\"finish_reason\":\"stop\"}]}"));
                    if (call.includeUsage()) {
                        closing.add(FakeUpstreamHttp.data(head + "[],\"usage\":" + usage(call) + "}"));
                    }
                    closing.add(FakeUpstreamHttp.DONE);
                    return closing;
                },
                call.pace())));
    }

    /** Everything up to the choices array, shared by the object and every chunk. */
    private static String head(FakeUpstreamCall call) {
        return "{\"id\":\"cmpl-" + call.id() + "\",\"object\":\"text_completion\",\"created\":"
                + call.createdEpochSeconds() + ",\"model\":" + call.quotedModel()
                + ",\"system_fingerprint\":\"fp_fake\",\"choices\":";
    }

    private static String usage(FakeUpstreamCall call) {
        int completion = call.reply().tokenCount();
        return "{\"prompt_tokens\":" + call.promptTokens() + ",\"completion_tokens\":" + completion
                + ",\"total_tokens\":" + (call.promptTokens() + completion) + "}";
    }
}
