package modrelay.moderation.stage;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Per stream: what each text stream has carried so far, kept as a running SHA-256 (not the text, so a
 * long answer costs a few hundred bytes per text stream), to prove that an event repeating a whole text
 * ({@code *.done}, a finished item, {@code response.completed}) says nothing that was not judged.
 * A repeat that matches neither the streamed text nor a whole text judged before is new text to judge.
 * Pure; not thread-safe (one stream stage owns it).
 */
final class RepeatLedger {

    private static final class Stream {
        final MessageDigest streamed = sha256();
        long streamedChars;
        final Set<ByteBuffer> judgedWholes = new HashSet<>(2);
    }

    private final Map<String, Stream> streams = new HashMap<>();

    /** New text of a text stream (in stream order). */
    void streamed(String channel, String text) {
        Stream s = streams.computeIfAbsent(channel, c -> new Stream());
        update(s.streamed, text);
        s.streamedChars += text.length();
    }

    /** Whether {@code whole} equals everything the text stream carried so far, or a whole text already judged. */
    boolean repeats(String channel, String whole) {
        Stream s = streams.get(channel);
        if (s == null) return false;
        if (whole.length() == s.streamedChars) {
            MessageDigest copy;
            try {
                copy = (MessageDigest) s.streamed.clone();
            } catch (CloneNotSupportedException e) {
                throw new IllegalStateException("SHA-256 digests are cloneable in every JDK", e);
            }
            if (MessageDigest.isEqual(copy.digest(), digest(whole))) return true;
        }
        return s.judgedWholes.contains(ByteBuffer.wrap(digest(whole)));
    }

    /** A whole text that did not repeat the stream and is judged as new text: its next repeats are known. */
    void judgedWhole(String channel, String whole) {
        streams.computeIfAbsent(channel, c -> new Stream()).judgedWholes.add(ByteBuffer.wrap(digest(whole)));
    }

    private static byte[] digest(String text) {
        MessageDigest d = sha256();
        update(d, text);
        return d.digest();
    }

    /** UTF-16 units, not UTF-8: a surrogate pair split across deltas hashes the same as when whole. */
    private static void update(MessageDigest digest, String text) {
        ByteBuffer units = ByteBuffer.allocate(text.length() * 2);
        for (int i = 0; i < text.length(); i++) units.putChar(text.charAt(i));
        units.flip();
        digest.update(units);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
