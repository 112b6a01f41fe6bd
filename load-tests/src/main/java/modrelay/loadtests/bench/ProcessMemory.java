package modrelay.loadtests.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Memory of another JVM on this machine: resident set size from {@code /proc/<pid>/status}, and
 * live heap (after a full GC) from {@code jcmd <pid> GC.run} + {@code GC.heap_info}.
 */
final class ProcessMemory {
    private static final Pattern RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");
    private static final Pattern HEAP_USED = Pattern.compile("total (\\d+)K, used (\\d+)K");

    private final long pid;
    private final String jcmd;

    ProcessMemory(long pid) {
        this.pid = pid;
        String javaHome = System.getProperty("java.home");
        Path candidate = Path.of(javaHome, "bin", "jcmd");
        this.jcmd = Files.isExecutable(candidate) ? candidate.toString() : "jcmd";
    }

    /** Resident set size in KiB; -1 when the process is gone. */
    long rssKb() {
        try {
            Matcher m = RSS.matcher(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
            return m.find() ? Long.parseLong(m.group(1)) : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    /** Heap used after a full GC, in KiB; -1 when jcmd failed. */
    long liveHeapKb() {
        run("GC.run");
        return heapUsedKb(run("GC.heap_info"));
    }

    /** Writes the live-object class histogram (it runs a full GC) to {@code file}. */
    void histogram(Path file) {
        try {
            Files.writeString(file, run("GC.class_histogram"));
        } catch (IOException e) {
            // a missing histogram only loses detail
        }
    }

    static long heapUsedKb(String heapInfo) {
        Matcher m = HEAP_USED.matcher(heapInfo);
        return m.find() ? Long.parseLong(m.group(2)) : -1;
    }

    private String run(String command) {
        try {
            Process p = new ProcessBuilder(jcmd, Long.toString(pid), command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
