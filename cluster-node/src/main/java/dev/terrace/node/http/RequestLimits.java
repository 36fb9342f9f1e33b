package dev.terrace.node.http;

/**
 * The request limits the HTTP API enforces ({@code terrace.limits.*}): body sizes (413), a request rate per object or
 * KV block (429, {@code rate_limited}) and object and block bodies streaming at once (429, {@code too_many_transfers}).
 *
 * @param maxObjectSize          largest object PUT body.
 * @param maxKvBlockSize         largest KV block PUT body.
 * @param requestsPerSecondPerKey refill rate of each key's token bucket; 0 disables the rate limit.
 * @param requestBurstPerKey     requests a key may make at once before the rate applies.
 * @param rateLimitedKeys        keys tracked at once (bounds the limiter's memory).
 * @param maxConcurrentTransfers object and block bodies streaming in or out at once.
 */
public record RequestLimits(
    long maxObjectSize,
    long maxKvBlockSize,
    double requestsPerSecondPerKey,
    double requestBurstPerKey,
    int rateLimitedKeys,
    int maxConcurrentTransfers)
{
}
