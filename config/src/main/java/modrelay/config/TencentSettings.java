package modrelay.config;

import java.time.Duration;

/**
 * Tencent Cloud Text Moderation (TMS).
 *
 * @param endpoint       host[:port] of the API ("tms.tencentcloudapi.com")
 * @param protocol       "https://" or "http://" (a private or test endpoint)
 * @param bizType        TMS BizType (policy name in the TMS console); "" for the default
 * @param timeout        per call, connect + read
 * @param maxConcurrency calls in flight at once (threads of the dedicated pool)
 */
public record TencentSettings(
        Secret secretId,
        Secret secretKey,
        String region,
        String endpoint,
        String protocol,
        String bizType,
        Duration timeout,
        int maxConcurrency) {}
