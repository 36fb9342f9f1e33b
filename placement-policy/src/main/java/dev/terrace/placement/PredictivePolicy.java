package dev.terrace.placement;

import dev.terrace.placement.internal.Hashing;
import dev.terrace.placement.internal.LongIntHashMap;
import dev.terrace.placement.internal.PredictiveCore;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;

/**
 * The node's default policy. It learns from the access stream and from scheduler hints:
 * <ul>
 *   <li><b>KV chains.</b> Given each request's chain ({@link #beginChain}), it classifies every new block (part of an
 *   entirely new chain, by length; an extension behind a reused prefix; the chain's last, usually partial, block)
 *   and learns per class how often new blocks come back, counting outcomes once known. Classes that rarely return
 *   (on the Mooncake trace: last blocks and extensions, under 10% against about 30% on average) go to a small queue
 *   that is evicted first, so they never push out blocks of reused prefixes; classes that usually return go straight
 *   to the main queue.</li>
 *   <li><b>One-hit wonders, recency and frequency.</b> New blocks wait in a FIFO probation queue; those hit there or
 *   remembered by a ghost queue when they come back enter the main queue (CLOCK with a 2-bit counter), as in
 *   S3-FIFO (Yang et al., SOSP 2023).</li>
 *   <li><b>Workload shape.</b> Three modes of the same queues ({@link Mode}): ADAPTIVE (ARC-style adaptive probation
 *   share, for recency-heavy prefix reuse), FREQUENCY (W-TinyLFU's admission filter, for training epochs and scans
 *   larger than the cache) and RECENCY (LRU, for interleaved live conversations). The policy picks the mode online
 *   by miniature simulation (Waldspurger et al., "Cache Modeling and Optimization using Miniature Simulations",
 *   USENIX ATC 2017): one scaled-down copy per mode replays a hash-sampled subset of the ids at a proportionally
 *   scaled capacity, and the real cache follows the copy with the most hits over recent periods (it starts in
 *   RECENCY, and switches only on a 5% lead, since every switch disturbs the resident set).</li>
 *   <li><b>Hints.</b> Items of an active {@link Hint} stay in a protected queue (up to 80% of the capacity, the
 *   latest-announced evicted first) until they are read (each read consumes one hint's claim) or their hints are
 *   cancelled or expire, so prefetched data survives until it is used; a {@link PrefetchPlanner} decides what to
 *   stage.</li>
 * </ul>
 * Per-access cost is amortized O(1): the miniatures see 1/R of the accesses, R chosen so that each holds about a
 * thousand items, and a mode switch (at most one per decision period) walks the main queue once. No clock of its
 * own: hint expiry uses the times passed in. Not thread-safe.
 */
public final class PredictivePolicy implements PlacementPolicy
{
    /** Name in config and reports. */
    public static final String NAME = "predictive";

    /** How the resident set is managed. */
    public enum Mode
    {
        /**
         * S3-FIFO-like probation and main with ARC-style adaptation of the probation share (ghost hits from
         * probation grow it, ghost hits from main shrink it); ghost returns go to main.
         */
        ADAPTIVE,
        /**
         * Scan and loop resistant: fixed probation share; a block leaves probation for main only while main has
         * room or when its sketch frequency beats main's victim (W-TinyLFU's filter), and ghost returns pass the
         * same filter, so a loop larger than the cache keeps a stable subset.
         */
        FREQUENCY,
        /** LRU over everything that is not doomed: new blocks go straight to main, hits move to the newest end. */
        RECENCY
    }

    /** Most of the capacity that hinted items may hold. */
    static final double HINT_SHARE = 0.8;

    private static final int WARMUP_ACCESSES = 256;
    private static final int MINIATURE_ENTRIES = 1024;
    private static final int MAX_SAMPLING_RATIO = 64;
    // A switch needs another mode's miniature to lead by 5% over roughly the last 30 periods (a period is a quarter
    // of a miniature's entries in sampled accesses): modes that score alike flip-flop otherwise, and every switch
    // disturbs the resident set.
    private static final double SWITCH_MARGIN = 0.05;
    private static final double SCORE_DECAY = 0.97;
    // Start as LRU (plus the learned doomed classes) until a miniature shows that another mode does better.
    private static final Mode INITIAL_MODE = Mode.RECENCY;

    private final long capacity;
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

    // Per hinted id: claims by active hints, and reads that consumed one of them; protected while claims > reads.
    private final LongIntHashMap hintClaims = new LongIntHashMap(64);
    private final LongIntHashMap hintReads = new LongIntHashMap(64);
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
        this.core = new PredictiveCore(capacity, Policies.expectedEntries(capacity),
            Objects.requireNonNull(listener, "listener"));
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
        // The read consumes one claim: an item read by the job it was hinted for need not stay protected, which
        // matters for long hints such as a whole training epoch.
        final boolean protect = hintClaims.containsKey(id) && consumeClaim(id);
        final boolean resident = core.access(id, weight, protect);
        if (protect)
        {
            core.trimHinted(hintLimit());
        }
        else if (hintClaims.containsKey(id))
        {
            core.release(id);
        }
        learnMode(id, weight);
        return resident && core.contains(id);
    }

    @Override
    public boolean admit(final long id, final long weight, final long nowMillis)
    {
        Policies.requireWeight(weight);
        expireHints(nowMillis);
        final boolean protect = isProtected(id);
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
                final int claims = hintClaims.get(id);
                hintClaims.put(id, claims == LongIntHashMap.MISSING ? 1 : claims + 1);
                if (isProtected(id))
                {
                    core.protect(id);
                }
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
                final int claims = hintClaims.get(id);
                if (claims == LongIntHashMap.MISSING)
                {
                    continue;
                }
                // Which hint a read consumed is not tracked: assume it was this one's claim.
                final int reads = hintReads.get(id);
                if (reads > 0)
                {
                    putOrRemove(hintReads, id, reads - 1);
                }
                putOrRemove(hintClaims, id, claims - 1);
                if (!isProtected(id))
                {
                    core.release(id);
                }
            }
        }
    }

    /** Number of active hints. */
    public int activeHints()
    {
        return hints.size();
    }

    private boolean isProtected(final long id)
    {
        final int claims = hintClaims.get(id);
        return claims != LongIntHashMap.MISSING && claims > Math.max(0, hintReads.get(id));
    }

    // Records a read against id's claims; returns whether a claim is still unconsumed afterwards.
    private boolean consumeClaim(final long id)
    {
        final int claims = hintClaims.get(id);
        final int reads = Math.max(0, hintReads.get(id));
        if (reads < claims)
        {
            hintReads.put(id, reads + 1);
        }
        return isProtected(id);
    }

    private static void putOrRemove(final LongIntHashMap map, final long id, final int value)
    {
        if (value <= 0)
        {
            map.remove(id);
        }
        else
        {
            map.put(id, value);
        }
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
            // The adaptive probation share is learned by the ADAPTIVE miniature whatever mode the real cache is in.
            core.probationShare(miniatures[Mode.ADAPTIVE.ordinal()].probationShare());
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
        period = Math.max(64, miniatureEntries / 4);
    }

    private boolean isSampled(final long id)
    {
        return samplingRatio <= 1 || Long.remainderUnsigned(Hashing.mix64(id), samplingRatio) == 0;
    }
}
