package modrelay.relay.tokens;

import static org.junit.jupiter.api.Assertions.*;

import akka.util.ByteString;
import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The copy kept for counting holds exactly the first bytes of what arrived, however the chunks fall on its blocks. */
class ByteBlocksTest {
    @Test
    void chunksOfEverySizeAreKeptInOrderUpToTheLimit() {
        Random random = new Random(16);
        for (int run = 0; run < 200; run++) {
            int limit = 1 + random.nextInt(5 * ByteBlocks.BLOCK);
            ByteBlocks copy = new ByteBlocks(limit);
            ByteArrayOutputStream sent = new ByteArrayOutputStream();
            for (int c = 0; c < 20; c++) {
                byte[] bytes = new byte[random.nextInt(3 * ByteBlocks.BLOCK / 2)];
                random.nextBytes(bytes);
                ByteString chunk = random.nextBoolean() ? ByteString.fromArray(bytes)
                        : ByteString.fromArray(bytes, 0, bytes.length / 2).concat(ByteString.fromArray(bytes, bytes.length / 2, bytes.length - bytes.length / 2)); // a rope, as joined network reads are
                int before = copy.length();
                int taken = copy.append(chunk);
                assertEquals(Math.min(bytes.length, limit - before), taken);
                sent.write(bytes, 0, bytes.length);
            }
            byte[] all = sent.toByteArray();
            int expected = Math.min(all.length, limit);
            assertEquals(expected, copy.length());
            assertEquals(ByteString.fromArray(all, 0, expected), copy.bytes());
        }
    }

    @Test
    void aChunkEndingOnABlockBoundaryStartsTheNextInANewBlock() {
        ByteBlocks copy = new ByteBlocks(4 * ByteBlocks.BLOCK);
        ByteString block = ByteString.fromString("a".repeat(ByteBlocks.BLOCK));
        assertEquals(ByteBlocks.BLOCK, copy.append(block));
        assertEquals(3, copy.append(ByteString.fromString("xyz")));
        assertEquals(block.concat(ByteString.fromString("xyz")), copy.bytes());
    }

    @Test
    void nothingIsTakenOnceTheLimitIsReached() {
        ByteBlocks copy = new ByteBlocks(5);
        assertEquals(5, copy.append(ByteString.fromString("abcdefgh")));
        assertEquals(0, copy.append(ByteString.fromString("ij")));
        assertEquals(ByteString.fromString("abcde"), copy.bytes());
    }

    @Test
    void anEmptyCopyReadsAsNoBytes() {
        ByteBlocks copy = new ByteBlocks(100);
        assertEquals(0, copy.append(ByteString.emptyByteString()));
        assertTrue(copy.bytes().isEmpty());
    }
}
