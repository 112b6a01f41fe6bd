package modrelay.moderation.tencent;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The JDK's asynchronous HTTP client for TMS: a call waits on a selector, not on a thread, so
 * thousands of streams need no thread per call. HTTP/1.1 (a pool of kept-alive connections, as many
 * as calls in flight; no HTTP/2 stream limit to run into), the connect timeout from the settings
 * (each request carries its own timeout), and two daemon threads for the client's own work.
 */
final class TmsHttpClient {
    private TmsHttpClient() {}

    static HttpClient create(Duration connectTimeout, ExecutorService executor) {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(executor)
                .build();
    }

    static ExecutorService executor() {
        AtomicInteger count = new AtomicInteger();
        return Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "tencent-tms-http-" + count.incrementAndGet());
            thread.setDaemon(true); // a forgotten close() does not keep the JVM alive
            return thread;
        });
    }
}
