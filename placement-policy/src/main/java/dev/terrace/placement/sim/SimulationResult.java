package dev.terrace.placement.sim;

/**
 * What one policy achieved on one trace. Counts are per block reference.
 *
 * @param policy          policy name.
 * @param references      block references replayed.
 * @param memoryHits      references found in memory (at any position of their request).
 * @param prefixHits      references before the first memory miss of their request (usable under prefix reuse).
 * @param flashHits       references missed in memory and found in flash.
 * @param prefetched      blocks staged into memory by prefetch.
 * @param prefetchUsed    of those, blocks referenced after being staged (or while on their way) before eviction.
 * @param prefetchTimely  of the used ones, those that were in memory when referenced.
 * @param elapsedNanos    wall time of the replay.
 */
public record SimulationResult(
    String policy,
    long references,
    long memoryHits,
    long prefixHits,
    long flashHits,
    long prefetched,
    long prefetchUsed,
    long prefetchTimely,
    long elapsedNanos)
{
    /** Memory hits over references. */
    public double memoryHitRatio()
    {
        return ratio(memoryHits, references);
    }

    /** Prefix-reusable blocks over references. */
    public double prefixReuseRatio()
    {
        return ratio(prefixHits, references);
    }

    /** Flash hits over references. */
    public double flashHitRatio()
    {
        return ratio(flashHits, references);
    }

    /** Used prefetches over prefetches (NaN when nothing was prefetched). */
    public double prefetchAccuracy()
    {
        return prefetched == 0 ? Double.NaN : (double)prefetchUsed / prefetched;
    }

    /** Timely prefetches over used ones (NaN when none was used). */
    public double prefetchTimeliness()
    {
        return prefetchUsed == 0 ? Double.NaN : (double)prefetchTimely / prefetchUsed;
    }

    private static double ratio(final long part, final long whole)
    {
        return whole == 0 ? 0.0 : (double)part / whole;
    }
}
