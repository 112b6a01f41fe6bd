package modrelay.loadtests.fakes;

import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.MediaTypes;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * {@code POST /v1/audio/speech}: 200 KiB of "audio" derived from the input by a seeded PRNG, sent
 * in several chunks, so a test can prove a relay passes binary bodies through byte for byte.
 */
final class FakeSpeechReplies {
    static final int SIZE = 200 * 1024;
    private static final int CHUNK = 32 * 1024;

    private FakeSpeechReplies() {}

    static byte[] speechBytes(String input) {
        byte[] audio = new byte[SIZE];
        new SplittableRandom(fnv1a64(input.getBytes(StandardCharsets.UTF_8))).nextBytes(audio);
        return audio;
    }

    static HttpResponse reply(JsonNode body) {
        ByteString audio = ByteString.fromArrayUnsafe(speechBytes(body.path("input").asText("")));
        List<ByteString> chunks = new ArrayList<>();
        for (int from = 0; from < audio.size(); from += CHUNK) {
            chunks.add(audio.slice(from, Math.min(from + CHUNK, audio.size())));
        }
        return HttpResponse.create().withEntity(
                HttpEntities.createChunked(MediaTypes.AUDIO_MPEG.toContentType(), Source.from(chunks)));
    }

    /** A stable 64-bit hash (String.hashCode would do, but 32 bits collide more easily). */
    private static long fnv1a64(byte[] bytes) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : bytes) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        return hash;
    }
}
