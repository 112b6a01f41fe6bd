package modrelay.moderation.tencent;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;

/**
 * The OkHttp client the SDK uses for TMS, handed over through {@code HttpProfile.setHttpClient}
 * (okhttp 3 comes with the SDK). Two things the SDK's own client lacks:
 * <ul>
 *   <li>a connection pool as large as the call pool: the default keeps 5 idle connections, so at
 *       higher concurrency most calls would open (and TLS-handshake) a fresh connection;
 *   <li>millisecond timeouts and a whole-call timeout, so a thread blocked on a silent service is
 *       freed at the configured timeout, not at the next whole second.
 * </ul>
 */
final class TmsHttpClient {
    private TmsHttpClient() {}

    static OkHttpClient create(Duration timeout, int maxConcurrency) {
        long ms = Math.max(1, timeout.toMillis());
        return new OkHttpClient.Builder()
                .connectionPool(new ConnectionPool(Math.max(5, maxConcurrency), 5, TimeUnit.MINUTES))
                .connectTimeout(ms, TimeUnit.MILLISECONDS)
                .readTimeout(ms, TimeUnit.MILLISECONDS)
                .writeTimeout(ms, TimeUnit.MILLISECONDS)
                .callTimeout(ms, TimeUnit.MILLISECONDS)
                .retryOnConnectionFailure(true) // a pooled connection the server closed is retried once
                .build();
    }
}
