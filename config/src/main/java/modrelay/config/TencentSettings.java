package modrelay.config;

import java.time.Duration;

/**
 * Tencent Cloud Text Moderation (TMS).
 *
 * @param endpoint       host[:port] of the API ("tms.tencentcloudapi.com")
 * @param protocol       "https://" or "http://" (a private or test endpoint)
 * @param bizType        TMS BizType (policy name in the TMS console); "" for the default
 * @param timeout        per call, connect + read
 * @param maxConcurrency     calls in flight at once, all streams together (TENCENT_CLOUD_MAX_CONCURRENCY)
 * @param callsPerSecond     the account's TextModeration rate limit, shared by all streams (TENCENT_CLOUD_QPS);
 *                           beyond it calls wait their turn
 * @param maxCallsPerRequest calls one request (one stream) may have in flight at once
 *                           (MODERATION_MAX_CALLS_PER_REQUEST): its fair share of the account's capacity
 */
public record TencentSettings(
        Secret secretId,
        Secret secretKey,
        String region,
        String endpoint,
        String protocol,
        String bizType,
        Duration timeout,
        int maxConcurrency,
        int callsPerSecond,
        int maxCallsPerRequest) {}
