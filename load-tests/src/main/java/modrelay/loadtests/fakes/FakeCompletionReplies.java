package modrelay.loadtests.fakes;

import static modrelay.loadtests.fakes.FakeUpstreamHttp.utf8;

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
    private static final ByteString TEXT_CLOSE = utf8(",\"index\":0,\"logprobs\":null,\"finish_reason\":null}]}\n\n");

    private FakeCompletionReplies() {}

    static HttpResponse reply(FakeUpstreamCall call, FakeUpstreamConnection connection) {
        return call.stream() ? stream(call, connection) : FakeUpstreamHttp.json(completion(call));
    }

    private static ByteString completion(FakeUpstreamCall call) {
        return utf8(head(call) + "[{\"text\":")
                .concat(call.reply().quotedText())
                .concat(utf8(",\"index\":0,\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":" + usage(call) + "}"));
    }

    private static HttpResponse stream(FakeUpstreamCall call, FakeUpstreamConnection connection) {
        String head = head(call);
        ByteString textOpen = utf8("data: " + head + "[{\"text\":");
        List<ByteString> tokens = call.reply().quotedTokens();
        return FakeUpstreamHttp.sse(connection.stream(FakeUpstreamPacing.paced(
                List.of(),
                tokens.size(),
                i -> textOpen.concat(tokens.get(i)).concat(TEXT_CLOSE),
                () -> {
                    List<ByteString> closing = new ArrayList<>(3);
                    closing.add(FakeUpstreamHttp.data(
                            head + "[{\"text\":\"\",\"index\":0,\"logprobs\":null,\"finish_reason\":\"stop\"}]}"));
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
