package dev.terrace.placement;

import dev.terrace.placement.internal.Hashing;
import dev.terrace.placement.internal.LongIntHashMap;
import dev.terrace.placement.internal.PredictiveCore;
import dev.terrace.placement.internal.PredictiveCore.Mode;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;

/**
 * The node's default policy. It learns from the access stream and from scheduler hints:
 * <ul>
 *   <li><b>KV chains.</b> Given each request's chain ({@link #beginChain}), it classifies every new block (part of an
 *   entirely new chain, by length; an extension behind a reused prefix; the chain's last, usually partial, block)
 *   and learns per class how often new blocks come back. Classes that rarely return (on the Mooncake trace: last
 *   blocks and extensions, about 2-9% against 42% on average) go to a small queue that is evicted first, so they
 *   never push out blocks of reused prefixes.</li>
 *   <li><b>One-hit wonders, recency and frequency.</b> New blocks wait in a FIFO probation queue; those hit there or
 *   remembered by a ghost queue when they come back enter the main queue (CLOCK with a 2-bit counter), as in
 *   S3-FIFO (Yang et al., SOSP 2023).</li>
 *   <li><b>Workload shape.</b> Three modes of the same queues ({@link Mode}): ADAPTIVE (ARC-style adaptive probation
 *   share, for recency-heavy prefix reuse), FREQUENCY (W-TinyLFU's admission filter, for training epochs and scans
 *   larger than the cache) and RECENCY (LRU, for interleaved live conversations). The policy picks the mode online
 *   by miniature simulation (Waldspurger et al., "Cache Modeling and Optimization using Miniature Simulations",
 *   USENIX ATC 2017): one scaled-down copy per mode replays a hash-sampled subset of the ids at a proportionally
 *   scaled capacity, and the real cache follows the copy with the most hits over recent periods.</li>
 *   <li><b>Hints.</b> Items of an active {@link Hint} stay in a protected queue (up to 80% of the capacity, the
 *   latest-announced evicted first) until the hint is cancelled or expires, so prefetched data survives until it is
 *   read; a {@link PrefetchPlanner} decides what to stage.</li>
 * </ul>
 * Per-access cost is amortized O(1) (the miniatures see 1/R of the accesses, R chosen so that each holds about a
 * thousand items). No clock of its own: hint expiry uses the times passed in. Not thread-safe.
 */
public final class PredictivePolicy implements PlacementPolicy
{
    /** Name in config and reports. */
    public static final String NAME = "predictive";

    /** Most of the capacity that hinted items may hold. */
    static final double HINT_SHARE = 0.8;

    private static final int WARMUP_ACCESSES = 256;
    private static final int MINIATURE_ENTRIES = 1024;
    private static final int MAX_SAMPLING_RATIO = 64;
    // A switch needs the other mode's miniature to lead by 5% over roughly the last ten periods: modes that score
    // alike flip-flop otherwise, and every switch disturbs the resident set.
    private static final double SWITCH_MARGIN = 0.05;
    private static final double SCORE_DECAY = 0.9;
    // LRU with learned doomed classes: never worse than LRU on recency-friendly streams while the miniatures learn.
    private static final Mode INITIAL_MODE = Mode.RECENCY;

    private final long capacity;
    private final EvictionListener listener;
    private final PredictiveCore core;
    private final Mode[] modes = Mode.values();

    private PredictiveCore[] miniatures;
    private long samplingRatio;
    private long[] periodHits;
    private double[] scores;
    private long period;
    private long sampledInPeriod;
    private long accesses;
    private double accessedWeight;
    private long[] sampledChain = new long[64];
    private boolean fixedMode;

    private final LongIntHashMap hintCounts = new LongIntHashMap(64);
    private final Map<String, Hint> hints = new HashMap<>();
    private final PriorityQueue<Hint> hintsByExpiry =
        new PriorityQueue<>((a, b) -> Long.compare(a.expiresAtMillis(), b.expiresAtMillis()));

    /**
     * @param capacity capacity in weight units (> 0).
     * @param listener told about every eviction.
     */
    public PredictivePolicy(final long capacity, final EvictionListener listener)
    {
        this.capacity = Policies.requirePositive(capacity);
        this.listener = Objects.requireNonNull(listener, "listener");
        this.core = new PredictiveCore(capacity, Policies.expectedEntries(capacity), listener);
        this.core.mode(INITIAL_MODE);
    }

    /** A policy that stays in {@code mode} (no miniature simulations), for comparisons. */
    static PredictivePolicy fixed(final long capacity, final EvictionListener listener, final Mode mode)
    {
        final PredictivePolicy policy = new PredictivePolicy(capacity, listener);
        policy.fixedMode = true;
        policy.core.mode(mode);
        return policy;
    }

    @Override
    public String name()
    {
        return NAME;
    }

    /** The mode the resident set is currently managed in. */
    public Mode mode()
    {
        return core.mode();
    }

    @Override
    public void beginChain(final long[] ids, final int length, final long nowMillis)
    {
        core.beginChain(ids, length);
        if (miniatures != null)
        {
            if (sampledChain.length < length)
            {
                sampledChain = new long[Math.max(length, sampledChain.length * 2)];
            }
            int sampled = 0;
            for (int i = 0; i < length; i++)
            {
                if (isSampled(ids[i]))
                {
                    sampledChain[sampled++] = ids[i];
                }
            }
            for (final PredictiveCore miniature : miniatures)
            {
                miniature.beginChain(sampledChain, sampled);
            }
        }
    }

    @Override
    public boolean recordAccess(final long id, final long weight, final long nowMillis)
    {
        Policies.requireWeight(weight);
        expireHints(nowMillis);
        final boolean protect = hintCounts.containsKey(id);
        final boolean resident = core.access(id, weight, protect);
        if (protect)
        {
            core.trimHinted(hintLimit());
        }
        learnMode(id, weight);
        return resident && core.contains(id);
    }

    @Override
    public boolean admit(final long id, final long weight, final long nowMillis)
    {
        Policies.requireWeight(weight);
        expireHints(nowMillis);
        final boolean protect = hintCounts.containsKey(id);
        final boolean resident = core.stage(id, weight, protect);
        if (protect)
        {
            core.trimHinted(hintLimit());
        }
        return resident && core.contains(id);
    }

    @Override
    public boolean contains(final long id)
    {
        return core.contains(id);
    }

    @Override
    public void remove(final long id)
    {
        core.remove(id);
        if (miniatures != null && isSampled(id))
        {
            for (final PredictiveCore miniature : miniatures)
            {
                miniature.remove(id);
            }
        }
    }

    @Override
    public long weightedSize()
    {
        return core.weightedSize();
    }

    @Override
    public long capacity()
    {
        return capacity;
    }

    @Override
    public int size()
    {
        return core.size();
    }

    @Override
    public void hint(final Hint hint, final long nowMillis)
    {
        expireHints(nowMillis);
        if (hint.expiresAtMillis() < nowMillis)
        {
            return;
        }
        cancelHint(hint.hintId());
        hints.put(hint.hintId(), hint);
        hintsByExpiry.add(hint);
        for (int s = 0; s < hint.sequenceCount(); s++)
        {
            for (final long id : hint.sequenceUnsafe(s))
            {
                final int count = hintCounts.get(id);
                hintCounts.put(id, count == LongIntHashMap.MISSING ? 1 : count + 1);
                core.protect(id);
            }
        }
        core.trimHinted(hintLimit());
    }

    @Override
    public void cancelHint(final String hintId)
    {
        final Hint hint = hints.remove(hintId);
        if (hint == null)
        {
            return;
        }
        hintsByExpiry.remove(hint);
        for (int s = 0; s < hint.sequenceCount(); s++)
        {
            for (final long id : hint.sequenceUnsafe(s))
            {
                final int count = hintCounts.get(id);
                if (count == 1)
                {
                    hintCounts.remove(id);
                    core.release(id);
                }
                else if (count > 1)
                {
                    hintCounts.put(id, count - 1);
                }
            }
        }
    }

    /** Number of active hints. */
    public int activeHints()
    {
        return hints.size();
    }

    private long hintLimit()
    {
        return (long)(capacity * HINT_SHARE);
    }

    private void expireHints(final long nowMillis)
    {
        while (!hintsByExpiry.isEmpty() && hintsByExpiry.peek().expiresAtMillis() < nowMillis)
        {
            cancelHint(hintsByExpiry.peek().hintId());
        }
    }

    // Feeds the miniatures (created after a warm-up that measures the typical weight) and switches the real
    // cache to the mode whose miniature has scored most hits over recent periods.
    private void learnMode(final long id, final long weight)
    {
        if (fixedMode)
        {
            return;
        }
        if (miniatures == null)
        {
            accesses++;
            accessedWeight += weight;
            if (accesses == WARMUP_ACCESSES)
            {
                startMiniatures();
            }
            return;
        }
        if (!isSampled(id))
        {
            return;
        }
        for (int m = 0; m < miniatures.length; m++)
        {
            if (miniatures[m].contains(id))
            {
                periodHits[m]++;
            }
            miniatures[m].access(id, weight, false);
        }
        if (++sampledInPeriod >= period)
        {
            sampledInPeriod = 0;
            int best = core.mode().ordinal();
            final int current = best;
            for (int m = 0; m < miniatures.length; m++)
            {
                scores[m] = scores[m] * SCORE_DECAY + periodHits[m];
                periodHits[m] = 0;
            }
            for (int m = 0; m < miniatures.length; m++)
            {
                if (scores[m] > scores[best])
                {
                    best = m;
                }
            }
            if (best != current && scores[best] > scores[current] * (1 + SWITCH_MARGIN))
            {
                core.mode(modes[best]);
            }
        }
    }

    private void startMiniatures()
    {
        final double meanWeight = Math.max(1.0, accessedWeight / accesses);
        final double entries = capacity / meanWeight;
        samplingRatio = Math.max(1, Math.min(MAX_SAMPLING_RATIO, (long)(entries / MINIATURE_ENTRIES)));
        final long miniatureCapacity = Math.max(1, capacity / samplingRatio);
        final int miniatureEntries = (int)Math.max(16, Math.min(1 << 20, entries / samplingRatio));
        miniatures = new PredictiveCore[modes.length];
        for (int m = 0; m < modes.length; m++)
        {
            miniatures[m] = new PredictiveCore(miniatureCapacity, miniatureEntries, (evicted, w) -> { });
            miniatures[m].mode(modes[m]);
        }
        periodHits = new long[modes.length];
        scores = new double[modes.length];
        period = Math.max(128, miniatureEntries);
    }

    private boolean isSampled(final long id)
    {
        return samplingRatio <= 1 || Long.remainderUnsigned(Hashing.mix64(id), samplingRatio) == 0;
    }
}
