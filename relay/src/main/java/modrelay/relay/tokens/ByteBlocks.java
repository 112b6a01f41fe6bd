package modrelay.relay.tokens;

import akka.util.ByteString;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * An append-only copy of an answer's first bytes, up to a limit, in blocks of {@link #BLOCK} bytes that are each
 * written once and never copied again.
 *
 * <p>Why blocks and not one growing array: a stream's copy grows for as long as the stream is open, often minutes.
 * A doubling array left each outgrown array behind after it had lived through young collections, so every open
 * stream kept promoting dead copies into the old generation (at 8,000 open streams the old generation grew by
 * about 14 KB per stream while they ran, and the relay's RSS with it). A block lives exactly as long as the copy.
 * Not thread-safe: its owner serialises access.
 */
final class ByteBlocks {
    static final int BLOCK = 1024;
    private static final byte[][] NONE = new byte[0][];

    private final int limit;
    private byte[][] blocks = NONE;
    private int length;

    ByteBlocks(int limit) {
        this.limit = limit;
    }

    int length() {
        return length;
    }

    /** Copies as much of {@code chunk} as the limit leaves room for; returns how many bytes that was. */
    int append(ByteString chunk) {
        int take = Math.min(chunk.size(), limit - length);
        ByteString rest = take == chunk.size() ? chunk : chunk.take(take);
        while (!rest.isEmpty()) {
            int at = length % BLOCK;
            if (at == 0) addBlock();
            ByteBuffer room = ByteBuffer.wrap(blocks[length / BLOCK], at, Math.min(BLOCK - at, limit - length));
            int copied = rest.copyToBuffer(room);
            length += copied;
            rest = rest.drop(copied);
        }
        return take;
    }

    /** What was copied, as one ByteString over the blocks themselves (nothing is copied again). */
    ByteString bytes() {
        ByteString all = ByteString.emptyByteString();
        for (int i = 0; i * BLOCK < length; i++) {
            all = all.concat(ByteString.fromArrayUnsafe(blocks[i], 0, Math.min(BLOCK, length - i * BLOCK)));
        }
        return all;
    }

    private void addBlock() {
        int index = length / BLOCK;
        if (index == blocks.length) blocks = Arrays.copyOf(blocks, Math.max(4, 2 * blocks.length));
        blocks[index] = new byte[Math.min(BLOCK, limit - length)];
    }
}
