package modrelay.loadtests.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The benchmark's live-heap figure read from {@code jcmd GC.heap_info}, whatever collector the relay runs. */
class ProcessMemoryTest {

    @Test
    void g1HasOneHeapLine() {
        String info = """
                 garbage-first heap   total 262144K, used 46000K [0x0000000700000000, 0x0000000800000000)
                  region size 1024K, 3 young (3072K), 0 survivors (0K)
                 Metaspace       used 61234K, committed 61888K, reserved 1114112K
                """;
        assertEquals(46000, ProcessMemory.heapUsedKb(info));
    }

    @Test
    void serialCountsBothGenerations() {
        String info = """
                 def new generation   total 78656K, used 1200K [0x00000006c0000000, 0x00000006c5550000, 0x0000000715550000)
                  eden space 69952K,   1% used [0x00000006c0000000, 0x00000006c012c000, 0x00000006c4450000)
                 tenured generation   total 174784K, used 40000K [0x0000000715550000, 0x0000000720000000, 0x0000000800000000)
                   the space 174784K,  22% used [0x0000000715550000, 0x0000000717c5d000, 0x0000000717c5d200, 0x0000000720000000)
                 Metaspace       used 61234K, committed 61888K, reserved 1114112K
                """;
        assertEquals(41200, ProcessMemory.heapUsedKb(info));
    }

    @Test
    void nothingReadableIsMinusOne() {
        assertEquals(-1, ProcessMemory.heapUsedKb("12345: Unable to open socket file: target process not responding"));
    }
}
