package modrelay.loadtests.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-model latency probe: sends a small non-streaming chat completion at a fixed rate over a
 * pool of keep-alive connections and measures each latency from the request's <em>intended</em>
 * start (its slot in the schedule), not from when a connection became free. A slow answer therefore
 * also counts against the requests queued behind it: coordinated omission is accounted for, as in
 * wrk2. Exact percentiles from all samples (a sorted array; no HdrHistogram needed).
 *
 * <pre>
 * java -cp modrelay-demo.jar modrelay.loadtests.bench.FixedRateProbe --url http://127.0.0.1:9000/v1/chat/completions \
 *   --rate 1000 --duration-s 20 --warmup-s 5 --connections 64 --text ok.
 * </pre>
 *
 * One selector thread does all I/O; a second thread only wakes it at each intended send time
 * (parkNanos is precise to tens of microseconds, Selector.select only to milliseconds).
 * Output: a {@code RESULT} line of {@code key=value} pairs with latencies in milliseconds.
 */
public final class FixedRateProbe {
    private final InetSocketAddress address;
    private final byte[] request;
    private final int rate;
    private final int connections;
    private final long warmupCount;
    private final long total;
    private final long periodNanos;

    private final ArrayDeque<Conn> idle = new ArrayDeque<>();
    private final ArrayDeque<Long> backlog = new ArrayDeque<>();
    private final Samples latencyMicros = new Samples();
    private final Map<String, Integer> errors = new TreeMap<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
    private final byte[] readArray = new byte[64 * 1024];
    private Selector selector;
    private long start;
    private long completed;
    private long inFlight;
    private long ok;
    private long maxBacklog;
    private long reconnects;

    private FixedRateProbe(URI url, String text, int rate, int durationS, int warmupS, int connections) {
        this.address = new InetSocketAddress(url.getHost(), url.getPort());
        this.request = StreamHolder.chatRequest(url, text, "", -1, false);
        this.rate = rate;
        this.connections = connections;
        this.periodNanos = 1_000_000_000L / rate;
        this.warmupCount = (long) rate * warmupS;
        this.total = warmupCount + (long) rate * durationS;
    }

    private final class Conn implements HttpResponseReader.BodySink {
        final SocketChannel channel;
        final HttpResponseReader reader = new HttpResponseReader();
        ByteBuffer out;
        long intended;
        long index;

        Conn(SocketChannel channel) {
            this.channel = channel;
        }

        @Override
        public void body(byte[] bytes, int off, int len) {
            // The body is not checked here: bench.sh checks one reply of each target up front.
        }
    }

    private Conn connect() throws IOException {
        SocketChannel ch = SocketChannel.open();
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        ch.connect(address);
        ch.configureBlocking(false);
        Conn c = new Conn(ch);
        ch.register(selector, SelectionKey.OP_READ, c);
        return c;
    }

    private void run(String label) throws Exception {
        selector = Selector.open();
        for (int i = 0; i < connections; i++) idle.add(connect());
        start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
        Thread waker = new Thread(() -> {
            for (long i = 0; i < total; i++) {
                long at = start + i * periodNanos;
                long wait;
                while ((wait = at - System.nanoTime()) > 0) LockSupport.parkNanos(wait);
                selector.wakeup();
            }
        }, "probe-waker");
        waker.setDaemon(true);
        waker.start();

        long next = 0;
        long scheduleEnd = start + total * periodNanos;
        long drainDeadline = scheduleEnd + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            long now = System.nanoTime();
            while (next < total && start + next * periodNanos <= now) {
                dispatch(start + next * periodNanos, next);
                next++;
            }
            if (next >= total && inFlight == 0 && backlog.isEmpty()) break;
            if (now > drainDeadline) break;
            selector.select(next < total ? 100 : 10);
            long stamp = System.nanoTime();
            for (SelectionKey key : selector.selectedKeys()) handle(key, stamp);
            selector.selectedKeys().clear();
        }
        long unanswered = inFlight + backlog.size();
        if (unanswered > 0) errors.merge("not answered within 10 s after the schedule", (int) unanswered, Integer::sum);
        selector.close();

        long measured = total - warmupCount;
        Samples.Summary s = latencyMicros.summary();
        long errorCount = errors.values().stream().mapToLong(Integer::longValue).sum();
        System.out.printf(Locale.ROOT, "RESULT label=%s rate=%d measured=%d ok=%d errors=%d connections=%d max_backlog=%d reconnects=%d %s%n",
                label, rate, measured, ok, errorCount, connections, maxBacklog, reconnects, s.format("latency_ms", 1000));
        StringBuilder e = new StringBuilder("ERRORS");
        errors.forEach((reason, count) -> e.append(" [").append(count).append("x ").append(reason).append(']'));
        System.out.println(e);
    }

    private void dispatch(long intended, long index) throws IOException {
        Conn c = idle.poll();
        if (c == null) {
            backlog.add(intended);
            backlog.add(index);
            maxBacklog = Math.max(maxBacklog, backlog.size() / 2);
            return;
        }
        send(c, intended, index);
    }

    private void send(Conn c, long intended, long index) throws IOException {
        c.intended = intended;
        c.index = index;
        c.reader.reset();
        c.out = ByteBuffer.wrap(request);
        inFlight++;
        c.channel.write(c.out);
        if (c.out.hasRemaining()) c.channel.keyFor(selector).interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
    }

    private void handle(SelectionKey key, long now) {
        Conn c = (Conn) key.attachment();
        try {
            if (key.isValid() && key.isWritable()) {
                c.channel.write(c.out);
                if (!c.out.hasRemaining()) key.interestOps(SelectionKey.OP_READ);
            }
            if (key.isValid() && key.isReadable()) read(c, now);
        } catch (IOException | RuntimeException e) {
            fail(c, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private void read(Conn c, long now) throws IOException {
        while (true) {
            readBuffer.clear();
            int n = c.channel.read(readBuffer);
            if (n == 0) return;
            if (n < 0) {
                if (c.out != null) {
                    fail(c, "connection closed before the response ended");
                } else {
                    Conn fresh = replace(c);
                    if (fresh != null) idle.add(fresh);
                }
                return;
            }
            readBuffer.flip();
            readBuffer.get(readArray, 0, n);
            c.reader.feed(readArray, 0, n, c);
            if (c.reader.complete()) {
                complete(c, now);
                return;
            }
        }
    }

    private void complete(Conn c, long now) throws IOException {
        inFlight--;
        completed++;
        c.out = null;
        if (c.index >= warmupCount) {
            if (c.reader.status() == 200) {
                ok++;
                latencyMicros.add((now - c.intended) / 1000);
            } else {
                errors.merge("status " + c.reader.status(), 1, Integer::sum);
            }
        }
        Conn next = c;
        if (!c.reader.keepAlive()) next = replace(c);
        if (next == null) return;
        if (!backlog.isEmpty()) {
            long intended = backlog.poll();
            long index = backlog.poll();
            send(next, intended, index);
        } else {
            idle.add(next);
        }
    }

    private void fail(Conn c, String reason) {
        if (c.out != null) {
            inFlight--;
            if (c.index >= warmupCount) errors.merge(reason, 1, Integer::sum);
            c.out = null;
        }
        Conn fresh = replace(c);
        if (fresh != null) idle.add(fresh);
    }

    /** Closes a connection the server ended and opens another in its place. */
    private Conn replace(Conn c) {
        idle.remove(c);
        try {
            c.channel.close();
        } catch (IOException ignored) {
            // best effort
        }
        reconnects++;
        try {
            return connect();
        } catch (IOException e) {
            errors.merge("reconnect: " + e.getMessage(), 1, Integer::sum);
            return null;
        }
    }

    public static void main(String[] args) throws Exception {
        BenchArgs a = new BenchArgs(args);
        new FixedRateProbe(
                URI.create(a.string("url", "http://127.0.0.1:9000/v1/chat/completions")),
                a.string("text", "ok."),
                a.integer("rate", 1000),
                a.integer("duration-s", 20),
                a.integer("warmup-s", 5),
                a.integer("connections", 64)).run(a.string("label", "probe"));
    }
}
