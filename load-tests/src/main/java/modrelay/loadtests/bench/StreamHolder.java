package modrelay.loadtests.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Opens many Chat Completions SSE streams at once, one TCP connection each, on one NIO selector
 * thread, and checks every one: status 200, the concatenated {@code delta.content} equals the
 * expected text, and the stream ends with {@code data: [DONE]}. Reports how many completed without
 * error, the time to the first text and to the end of each stream, and, with {@code --sample-pid},
 * the memory of that process (the relay) idle and while all streams were open.
 *
 * <pre>
 * java -cp modrelay-demo.jar modrelay.loadtests.bench.StreamHolder --url http://127.0.0.1:9000/v1/chat/completions \
 *   --streams 8000 --open-rate 2000 --text "One two three." --token-interval-ms 1000 --sample-pid 1234
 * </pre>
 *
 * Options: {@code --concurrency} (streams open at once; default all), {@code --moderation true|false}
 * (the body flag; absent by default), {@code --timeout-s} (whole run), {@code --label}, {@code --mark-chars K}
 * (also time when the first K characters of text had arrived, e.g. the first sentence), {@code --histogram P}
 * (with {@code --sample-pid}: the process's live class histogram idle and with all streams open, to
 * {@code P-idle.txt} and {@code P-open.txt}).
 * Output: {@code RESULT}, {@code TIMING}, {@code MEMORY} and {@code ERRORS} lines of
 * {@code key=value} pairs, for scripts.
 */
public final class StreamHolder {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final InetSocketAddress address;
    private final byte[] request;
    private final String expected;
    private final int streams;
    private final int concurrency;
    private final int openRate;
    private final long timeoutNanos;
    private final ProcessMemory memory;
    private final int markChars;
    private String histogramPrefix;

    private final Map<String, Integer> errors = new TreeMap<>();
    private final Samples totalMicros = new Samples();
    private final Samples firstTextMicros = new Samples();
    private final Samples markMicros = new Samples();
    private final Set<Stream> live = new HashSet<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
    private final byte[] readArray = new byte[64 * 1024];
    private String mismatchExample = "";
    private int active;
    private int openNow;
    private int maxOpen;
    private int finished;
    private int ok;

    private StreamHolder(URI url, String expected, String moderation, int tokenIntervalMs, int streams, int concurrency,
                         int openRate, long timeoutSeconds, long samplePid, int markChars) {
        this.markChars = markChars;
        this.address = new InetSocketAddress(url.getHost(), url.getPort());
        this.expected = expected;
        this.streams = streams;
        this.concurrency = concurrency;
        this.openRate = openRate;
        this.timeoutNanos = TimeUnit.SECONDS.toNanos(timeoutSeconds);
        this.memory = samplePid > 0 ? new ProcessMemory(samplePid) : null;
        this.request = chatRequest(url, expected, moderation, tokenIntervalMs, true);
    }

    /** A raw HTTP/1.1 chat request whose fake-upstream reply is {@code text}. */
    static byte[] chatRequest(URI url, String text, String moderation, int tokenIntervalMs, boolean stream) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", "gpt-4o-mini");
        body.put("stream", stream);
        body.putArray("messages").addObject().put("role", "user").put("content", "say:" + text);
        if (moderation.equals("true") || moderation.equals("false")) body.put("moderation", Boolean.parseBoolean(moderation));
        byte[] json = body.toString().getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder()
                .append("POST ").append(url.getRawPath()).append(" HTTP/1.1\r\n")
                .append("Host: ").append(url.getHost()).append(':').append(url.getPort()).append("\r\n")
                .append("Authorization: Bearer sk-bench\r\n")
                .append("Content-Type: application/json\r\n")
                .append(stream ? "Accept: text/event-stream\r\n" : "Accept: application/json\r\n");
        if (tokenIntervalMs >= 0) head.append("x-fake-token-interval-ms: ").append(tokenIntervalMs).append("\r\n");
        head.append("Content-Length: ").append(json.length).append("\r\n\r\n");
        byte[] h = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[h.length + json.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(json, 0, all, h.length, json.length);
        return all;
    }

    /** One stream: its connection, its response parser, its SSE reader. */
    private final class Stream implements HttpResponseReader.BodySink {
        final SocketChannel channel;
        final ByteBuffer out = ByteBuffer.wrap(request);
        final HttpResponseReader reader = new HttpResponseReader();
        final ChatSse sse = new ChatSse();
        final ByteArrayOutputStream otherBody = new ByteArrayOutputStream();
        final long startNanos = System.nanoTime();
        boolean counted;
        long now;
        long markNanos;

        Stream(SocketChannel channel) {
            this.channel = channel;
        }

        @Override
        public void body(byte[] bytes, int off, int len) {
            if (reader.status() == 200) {
                sse.feed(bytes, off, len, now);
            } else if (otherBody.size() < 300) {
                otherBody.write(bytes, off, Math.min(len, 300));
            }
        }
    }

    private void run() throws IOException, InterruptedException {
        long idleRss = -1;
        long idleHeap = -1;
        if (memory != null) {
            // RSS first: a full GC can shrink the heap and give memory back.
            idleRss = memory.rssKb();
            idleHeap = memory.liveHeapKb();
            if (histogramPrefix != null) memory.histogram(Path.of(histogramPrefix + "-idle.txt"));
        }
        AtomicLong peakRss = new AtomicLong(-1);
        AtomicLong openRss = new AtomicLong(-1);
        AtomicLong openHeap = new AtomicLong(-1);
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "memory-sampler");
            t.setDaemon(true);
            return t;
        });
        if (memory != null) {
            sampler.scheduleAtFixedRate(() -> peakRss.accumulateAndGet(memory.rssKb(), Math::max), 0, 200, TimeUnit.MILLISECONDS);
        }
        boolean sampleRequested = false;
        int target = Math.min(streams, concurrency);

        Selector selector = Selector.open();
        long start = System.nanoTime();
        long deadline = start + timeoutNanos;
        double intervalNanos = 1e9 / openRate;
        int opened = 0;
        long allOpenNanos = -1;
        while (finished < streams) {
            long now = System.nanoTime();
            if (now >= deadline) break;
            while (opened < streams && active < concurrency && now >= start + (long) (opened * intervalNanos)) {
                open(selector);
                opened++;
                active++;
            }
            long waitNanos = opened < streams && active < concurrency
                    ? start + (long) (opened * intervalNanos) - now
                    : TimeUnit.MILLISECONDS.toNanos(100);
            selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos)));
            long stamp = System.nanoTime();
            for (SelectionKey key : selector.selectedKeys()) handle(key, stamp);
            selector.selectedKeys().clear();
            if (openNow == target && allOpenNanos < 0) {
                allOpenNanos = System.nanoTime() - start;
                if (memory != null && !sampleRequested) {
                    sampleRequested = true;
                    sampler.execute(() -> {
                        openRss.set(memory.rssKb());
                        openHeap.set(memory.liveHeapKb());
                        if (histogramPrefix != null) memory.histogram(Path.of(histogramPrefix + "-open.txt"));
                    });
                }
            }
        }
        long elapsed = System.nanoTime() - start;
        for (Stream s : new ArrayList<>(live)) finish(s, "timeout (run deadline)");
        selector.close();
        sampler.shutdown();
        sampler.awaitTermination(60, TimeUnit.SECONDS);

        int failed = streams - ok;
        if (opened < streams) errors.merge("never opened (run deadline)", streams - opened, Integer::sum);
        System.out.printf(Locale.ROOT, "RESULT streams=%d ok=%d errors=%d max_open=%d all_open=%s all_open_after_s=%.2f elapsed_s=%.2f%n",
                streams, ok, failed, maxOpen, allOpenNanos >= 0, allOpenNanos / 1e9, elapsed / 1e9);
        System.out.println("TIMING " + totalMicros.summary().format("total_ms", 1000) + " "
                + firstTextMicros.summary().format("first_text_ms", 1000)
                + (markChars > 0 ? " " + markMicros.summary().format("mark_ms", 1000) : ""));
        if (memory != null) {
            System.out.printf(Locale.ROOT, "MEMORY idle_rss_kb=%d idle_heap_kb=%d peak_rss_kb=%d open_rss_kb=%d open_heap_kb=%d%n",
                    idleRss, idleHeap, peakRss.get(), openRss.get(), openHeap.get());
        }
        StringBuilder e = new StringBuilder("ERRORS");
        errors.forEach((reason, count) -> e.append(" [").append(count).append("x ").append(reason).append(']'));
        System.out.println(e);
        if (!mismatchExample.isEmpty()) System.out.println("MISMATCH " + mismatchExample);
    }

    private void open(Selector selector) {
        try {
            SocketChannel ch = SocketChannel.open();
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            Stream s = new Stream(ch);
            live.add(s);
            if (ch.connect(address)) {
                ch.register(selector, SelectionKey.OP_WRITE, s);
            } else {
                ch.register(selector, SelectionKey.OP_CONNECT, s);
            }
        } catch (IOException e) {
            active--;
            finished++;
            errors.merge("open: " + e.getMessage(), 1, Integer::sum);
        }
    }

    private void handle(SelectionKey key, long now) {
        Stream s = (Stream) key.attachment();
        if (!key.isValid()) return;
        try {
            if (key.isConnectable()) {
                s.channel.finishConnect();
                key.interestOps(SelectionKey.OP_WRITE);
            }
            if (key.isValid() && key.isWritable()) {
                s.channel.write(s.out);
                if (!s.out.hasRemaining()) key.interestOps(SelectionKey.OP_READ);
            }
            if (key.isValid() && key.isReadable()) read(s, now);
        } catch (IOException | RuntimeException e) {
            finish(s, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private void read(Stream s, long now) throws IOException {
        s.now = now;
        while (true) {
            readBuffer.clear();
            int n = s.channel.read(readBuffer);
            if (n == 0) return;
            if (n < 0) {
                finish(s, s.reader.completeOnClose() ? null : (s.reader.headersDone()
                        ? "connection closed mid-body" : "connection closed before headers"));
                return;
            }
            readBuffer.flip();
            readBuffer.get(readArray, 0, n);
            s.reader.feed(readArray, 0, n, s);
            if (markChars > 0 && s.markNanos == 0 && s.sse.textLength() >= markChars) s.markNanos = now;
            if (s.reader.headersDone() && !s.counted) {
                s.counted = true;
                openNow++;
                maxOpen = Math.max(maxOpen, openNow);
            }
            if (s.reader.complete()) {
                finish(s, null);
                return;
            }
        }
    }

    private void finish(Stream s, String transportError) {
        if (!live.remove(s)) return;
        try {
            s.channel.close();
        } catch (IOException ignored) {
            // closing is best effort
        }
        active--;
        finished++;
        if (s.counted) openNow--;
        String error = transportError;
        if (error == null) {
            if (s.reader.status() != 200) {
                error = "status " + s.reader.status() + ": " + s.otherBody.toString(StandardCharsets.UTF_8).replace('\n', ' ');
            } else if (!s.sse.error().isEmpty()) {
                error = "error event: " + s.sse.error();
            } else if (!s.sse.done()) {
                error = "no [DONE] at the end";
            } else if (!s.sse.text().equals(expected)) {
                error = "text differs from the expected text";
                if (mismatchExample.isEmpty()) mismatchExample = "expected=" + JSON.valueToTree(expected) + " got=" + JSON.valueToTree(s.sse.text());
            }
        }
        if (error != null) {
            errors.merge(error.length() > 160 ? error.substring(0, 160) : error, 1, Integer::sum);
            return;
        }
        ok++;
        long end = System.nanoTime();
        totalMicros.add((end - s.startNanos) / 1000);
        firstTextMicros.add((s.sse.firstTextNanos() - s.startNanos) / 1000);
        if (s.markNanos > 0) markMicros.add((s.markNanos - s.startNanos) / 1000);
    }

    public static void main(String[] args) throws Exception {
        BenchArgs a = new BenchArgs(args);
        int streams = a.integer("streams", 100);
        StreamHolder holder = new StreamHolder(
                URI.create(a.string("url", "http://127.0.0.1:9000/v1/chat/completions")),
                a.string("text", "One. Two. Three."),
                a.string("moderation", ""),
                a.integer("token-interval-ms", -1),
                streams,
                a.integer("concurrency", streams),
                a.integer("open-rate", 2000),
                a.longValue("timeout-s", 120),
                a.longValue("sample-pid", -1),
                a.integer("mark-chars", 0));
        holder.histogramPrefix = a.string("histogram", null);
        System.out.println("# " + a.string("label", "streams") + ": " + streams + " streams");
        holder.run();
    }
}
