package dev.terrace.tier;

/**
 * A point-in-time snapshot of a tier's counters.
 *
 * @param kind          which tier.
 * @param capacityBytes the byte budget ({@code Long.MAX_VALUE} when unbounded, as for S3).
 * @param usedBytes     bytes currently held (payload bytes; a flash tier may hold more on disk until compaction).
 * @param extents       number of extents (or whole objects, for a capacity tier) held.
 * @param hits          reads that found the key.
 * @param misses        reads that did not.
 * @param bytesRead     payload bytes returned by reads.
 * @param bytesWritten  payload bytes accepted by puts.
 * @param corruptions   records found damaged (bad CRC, torn) and dropped.
 */
public record TierStats(
    TierKind kind,
    long capacityBytes,
    long usedBytes,
    long extents,
    long hits,
    long misses,
    long bytesRead,
    long bytesWritten,
    long corruptions)
{
}
