package dev.terrace.tier.internal;

import java.util.concurrent.atomic.LongAdder;

/**
 * The read/write counters every driver keeps, as striped adders so that concurrent readers do not contend.
 */
public final class TierCounters
{
    public final LongAdder hits = new LongAdder();
    public final LongAdder misses = new LongAdder();
    public final LongAdder bytesRead = new LongAdder();
    public final LongAdder bytesWritten = new LongAdder();
    public final LongAdder corruptions = new LongAdder();

    /** Counts a read that found its key and returned {@code bytes} bytes. */
    public void hit(final long bytes)
    {
        hits.increment();
        bytesRead.add(bytes);
    }

    /** Counts a read that did not find its key. */
    public void miss()
    {
        misses.increment();
    }
}
