package modrelay.loadtests.fakes;

import akka.http.javadsl.model.HttpEntity;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.Multipart;
import akka.http.javadsl.unmarshalling.Unmarshaller;
import akka.stream.Materializer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code POST /v1/files}: reads the multipart upload and answers with the file object OpenAI would
 * return, {@code bytes} being the size of the uploaded {@code file} part. The raw request body is
 * recorded separately, so tests can compare the upload byte for byte.
 */
final class FakeFileReplies {
    private static final long TIMEOUT_MS = 30_000;
    private static final AtomicLong IDS = new AtomicLong();

    private FakeFileReplies() {}

    static CompletionStage<HttpResponse> reply(HttpEntity.Strict entity, Materializer materializer) {
        return Unmarshaller.entityToMultipartFormData()
                .unmarshal(entity, materializer)
                .thenCompose(form -> form.toStrict(TIMEOUT_MS, materializer))
                .thenApply(FakeFileReplies::fileObject)
                .exceptionally(notMultipart -> FakeErrorReplies.error(400,
                        "Could not parse multipart form: " + notMultipart.getMessage(),
                        "invalid_request_error", null, null));
    }

    private static HttpResponse fileObject(Multipart.FormData.Strict form) {
        long bytes = -1;
        String filename = "upload";
        String purpose = "";
        for (Multipart.FormData.BodyPart.Strict part : form.getStrictParts()) {
            if (part.getName().equals("file")) {
                bytes = part.getEntity().getData().size();
                filename = part.getFilename().orElse(filename);
            } else if (part.getName().equals("purpose")) {
                purpose = part.getEntity().getData().decodeString(StandardCharsets.UTF_8);
            }
        }
        if (bytes < 0) {
            return FakeErrorReplies.error(400, "Missing required parameter: 'file'.", "invalid_request_error", "file", null);
        }
        return FakeUpstreamHttp.json("{\"id\":\"file-fake" + IDS.incrementAndGet() + "\",\"object\":\"file\",\"bytes\":" + bytes
                + ",\"created_at\":" + System.currentTimeMillis() / 1000 + ",\"filename\":" + FakeUpstreamJson.quote(filename)
                + ",\"purpose\":" + FakeUpstreamJson.quote(purpose) + ",\"status\":\"processed\""
                + ",\"status_details\":null,\"expires_at\":null}");
    }
}
