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

    /** jcmd's 10 s attach timeout runs out on a busy 2-CPU machine (the sample is then lost). */
    private static final String ATTACH_TIMEOUT = "-J-Dsun.tools.attach.attachTimeout=60000";

    private final long pid;
    private final String jcmd;
    private final boolean jvm;

    ProcessMemory(long pid) {
        this.pid = pid;
        String javaHome = System.getProperty("java.home");
        Path candidate = Path.of(javaHome, "bin", "jcmd");
        this.jcmd = Files.isExecutable(candidate) ? candidate.toString() : "jcmd";
        this.jvm = isJvm(pid);
    }

    /**
     * jcmd attaches by sending SIGQUIT, which makes a process that is no JVM (an nginx worker) quit: only JVMs
     * are asked for their heap.
     */
    private static boolean isJvm(long pid) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "exe")).getFileName().toString().equals("java");
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
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
        if (!jvm) return -1;
        run("GC.run");
        return heapUsedKb(run("GC.heap_info"));
    }

    /** Writes the live-object class histogram (it runs a full GC) to {@code file}. */
    void histogram(Path file) {
        if (!jvm) return;
        try {
            Files.writeString(file, run("GC.class_histogram"));
        } catch (IOException e) {
            // a missing histogram only loses detail
        }
    }

    /** G1 prints one "total …K, used …K" line for its heap; Serial and Parallel one per generation: their sum. */
    static long heapUsedKb(String heapInfo) {
        Matcher m = HEAP_USED.matcher(heapInfo);
        long used = -1;
        while (m.find()) used = Math.max(used, 0) + Long.parseLong(m.group(2));
        return used;
    }

    private String run(String command) {
        try {
            Process p = new ProcessBuilder(jcmd, ATTACH_TIMEOUT, Long.toString(pid), command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(90, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
