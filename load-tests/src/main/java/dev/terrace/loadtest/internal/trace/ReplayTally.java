package dev.terrace.loadtest.internal.trace;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;

import dev.terrace.client.Tier;

/**
 * What a live replay's KV connector saw, block by block: each request's blocks are either loaded from the cache (the
 * cached prefix, counted by the tier that served each block, from {@code X-Terrace-Tier}) or recomputed and stored.
 * Thread-safe; the ratios are per block reference, as the simulator's are.
 */
public final class ReplayTally
{
    private final LongAdder requests = new LongAdder();
    private final LongAdder references = new LongAdder();
    private final LongAdder memory = new LongAdder();
    private final LongAdder flash = new LongAdder();
    private final LongAdder otherTier = new LongAdder();
    private final LongAdder recomputed = new LongAdder();
    private final LongAdder lookedUp = new LongAdder();
    private final LongAdder vanished = new LongAdder();
    private final LongAdder errors = new LongAdder();

    /**
     * Records one request.
     *
     * @param blocks       its hash ids.
     * @param lookupPrefix how many leading blocks the lookup said were cached.
     * @param loaded       the tier of each block loaded, in chain order; fewer than {@code lookupPrefix} when a block
     *                     was evicted between the lookup and its read (the prefix ends there).
     */
    public void record(final int blocks, final int lookupPrefix, final List<Tier> loaded)
    {
        if (lookupPrefix < 0 || lookupPrefix > blocks || loaded.size() > lookupPrefix)
        {
            throw new IllegalArgumentException("a request of " + blocks + " blocks with a cached prefix of "
                + lookupPrefix + " cannot load " + loaded.size());
        }
        requests.increment();
        references.add(blocks);
        lookedUp.add(lookupPrefix);
        vanished.add(lookupPrefix - loaded.size());
        recomputed.add(blocks - loaded.size());
        for (final Tier tier : loaded)
        {
            if (tier == Tier.MEMORY)
            {
                memory.increment();
            }
            else if (tier == Tier.FLASH)
            {
                flash.increment();
            }
            else
            {
                otherTier.increment();
            }
        }
    }

    /** Counts a request that failed (an error other than a missing block); it is not in the ratios. */
    public void recordError()
    {
        errors.increment();
    }

    /** Requests recorded. */
    public long requests()
    {
        return requests.sum();
    }

    /** Block references recorded. */
    public long references()
    {
        return references.sum();
    }

    /** Requests that failed. */
    public long errors()
    {
        return errors.sum();
    }

    /** Blocks the lookup listed as cached but that were gone when read. */
    public long vanished()
    {
        return vanished.sum();
    }

    /** Share of block references loaded from memory. */
    public double memoryServedRatio()
    {
        return share(memory.sum());
    }

    /** Share of block references loaded from flash. */
    public double flashServedRatio()
    {
        return share(flash.sum());
    }

    /** Share of block references loaded from the cache at all (the prefix reuse ratio). */
    public double prefixReuseRatio()
    {
        return share(memory.sum() + flash.sum() + otherTier.sum());
    }

    /** Share of block references recomputed (and stored). */
    public double recomputedRatio()
    {
        return share(recomputed.sum());
    }

    private double share(final long count)
    {
        final long total = references.sum();
        return total == 0 ? 0 : (double)count / total;
    }
}
