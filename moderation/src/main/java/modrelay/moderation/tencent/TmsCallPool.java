package modrelay.moderation.tencent;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that make the SDK's blocking calls, so they never block a stream or Akka dispatcher.
 * Bounded both ways: {@code maxConcurrency} threads (calls in flight) and a queue of a few calls
 * per thread; beyond that a call is refused at once rather than piling up behind a slow service.
 * Daemon threads, so a forgotten {@code close()} does not keep the JVM alive.
 */
final class TmsCallPool {
    private TmsCallPool() {}

    static ThreadPoolExecutor create(int maxConcurrency) {
        int threads = Math.max(1, maxConcurrency);
        ThreadPoolExecutor pool = new ThreadPoolExecutor(
                threads, threads, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(queueCapacity(threads)),
                daemonThreads(),
                new ThreadPoolExecutor.AbortPolicy());
        pool.allowCoreThreadTimeOut(true); // an idle relay holds no threads
        return pool;
    }

    static int queueCapacity(int threads) {
        return Math.max(16, threads * 4);
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "tencent-tms-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
