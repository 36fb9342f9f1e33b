package dev.terrace.placement.sim;

import dev.terrace.placement.Hint;
import dev.terrace.placement.LruPolicy;
import dev.terrace.placement.PlacementPolicy;
import dev.terrace.placement.Policies;
import dev.terrace.placement.PrefetchBudget;
import dev.terrace.placement.PrefetchPlan;
import dev.terrace.placement.PrefetchPlanner;
import dev.terrace.placement.Residency;
import dev.terrace.placement.internal.LongIntHashMap;

import java.util.Locale;

/**
 * Replays a {@link Trace} against a memory tier run by one policy, optionally with a flash tier below it and with
 * emulated scheduler hints, and counts where each block reference is served from.
 * <p>
 * Model. Requests are replayed in file order at their timestamps; each block reference is a memory hit when the
 * block is resident just before it (the semantics of {@code shared/traces/README.md}). A block that misses memory
 * is read from flash if flash holds it, otherwise recomputed (or read from the capacity tier); then the memory
 * policy decides whether to keep it. Flash (an LRU, exclusive of memory) receives memory's evictions and the
 * blocks memory declines, and loses a block when memory takes it back.
 * <p>
 * Hints. With a look-ahead {@code L}, the scheduler announces each request's chain {@code L} ms before the request
 * (one hint per request, its own job, namespace {@code default}, start = the request's time). The hint goes to the
 * memory policy and to a {@link PrefetchPlanner} whose plan is staged into memory through
 * {@link PlacementPolicy#admit}; a staged block comes from flash when there is flash (only what flash holds can be
 * staged), otherwise from the capacity tier, which holds every block written so far. Transfers queue at the
 * configured rate. A prefetch is used when its block is referenced after it was planned and before memory evicted
 * it, and timely when it was in memory at that reference. The request consumes its hint.
 * <p>
 * {@code belady} is simulated without hints: it already knows the whole future.
 */
public final class TraceSimulator
{
    private static final int NO_STATE = LongIntHashMap.MISSING;
    private static final int IN_FLIGHT = 1;
    private static final int ARRIVED = 2;

    private TraceSimulator()
    {
    }

    /** Makes the memory policy of one run. */
    @FunctionalInterface
    public interface PolicyFactory
    {
        /** A new policy of {@code capacity} blocks reporting evictions to {@code listener}. */
        PlacementPolicy create(long capacity, PlacementPolicy.EvictionListener listener);
    }

    /**
     * Replays {@code trace} with the memory policy {@code policyName} ({@link Policies#NAMES} or {@code belady}).
     *
     * @throws IllegalArgumentException when the policy name is unknown.
     */
    public static SimulationResult run(final Trace trace, final String policyName, final SimulationOptions options)
    {
        final String name = policyName.trim().toLowerCase(Locale.ROOT);
        if (BeladyPolicy.NAME.equals(name))
        {
            return run(trace, (capacity, listener) -> new BeladyPolicy(trace, capacity, listener), options);
        }
        Policies.create(name, 1, (id, w) -> { });
        return run(trace, (capacity, listener) -> Policies.create(name, capacity, listener), options);
    }

    /**
     * Replays {@code trace} with a memory policy made by {@code factory} (for policies that are not registered by
     * name, such as a tuned variant). Hints are emulated unless the policy is {@link BeladyPolicy}.
     */
    public static SimulationResult run(final Trace trace, final PolicyFactory factory, final SimulationOptions options)
    {
        final long start = System.nanoTime();
        final Run run = new Run(trace, factory, options);
        run.replay();
        return new SimulationResult(run.memory.name(), trace.referenceCount(), run.memoryHits, run.prefixHits,
            run.flashHits, run.prefetched, run.prefetchUsed, run.prefetchTimely, System.nanoTime() - start);
    }

    private static final class Run implements Residency
    {
        private final Trace trace;
        private final SimulationOptions options;
        private final PlacementPolicy memory;
        private final PlacementPolicy flash;
        private final PrefetchPlanner planner;
        private final boolean[] written;
        private final LongIntHashMap prefetchState;
        private final long[] chain;
        private long[] transferIds = new long[1024];
        private long[] transferArrivals = new long[1024];
        private int transferHead;
        private int transferCount;
        private double lastArrival = Double.NEGATIVE_INFINITY;
        private int hintCursor;
        private long now;

        private long memoryHits;
        private long prefixHits;
        private long flashHits;
        private long prefetched;
        private long prefetchUsed;
        private long prefetchTimely;

        Run(final Trace trace, final PolicyFactory factory, final SimulationOptions options)
        {
            this.trace = trace;
            this.options = options;
            this.flash = options.flash() ? new LruPolicy(options.flashBlocks(), (id, w) -> { }) : null;
            this.memory = factory.create(options.memoryBlocks(), this::onMemoryEviction);
            final boolean belady = memory instanceof BeladyPolicy;
            this.planner = options.hints() && !belady ?
                new PrefetchPlanner(PrefetchBudget.forCapacity(options.memoryBlocks(), options.hintLookaheadMs() + 1)) :
                null;
            this.written = new boolean[trace.distinctBlocks()];
            this.prefetchState = new LongIntHashMap(1024);
            this.chain = new long[Math.max(1, trace.maxRequestLength())];
            this.now = trace.requestCount() > 0 ? trace.timestamp(0) : 0;
        }

        void replay()
        {
            for (int r = 0; r < trace.requestCount(); r++)
            {
                final long t = Math.max(now, trace.timestamp(r));
                if (planner != null)
                {
                    advanceTo(t);
                }
                now = t;
                request(r);
                if (planner != null)
                {
                    final String hintId = hintId(r);
                    planner.cancel(hintId);
                    memory.cancelHint(hintId);
                }
            }
        }

        private void request(final int r)
        {
            final int length = trace.length(r);
            trace.copyRequest(r, chain);
            memory.beginChain(chain, length, now);
            boolean prefixIntact = true;
            for (int i = 0; i < length; i++)
            {
                final long id = chain[i];
                final boolean inMemory = memory.contains(id);
                if (planner != null)
                {
                    final int state = prefetchState.remove(id);
                    if (state != NO_STATE)
                    {
                        prefetchUsed++;
                        if (state == ARRIVED && inMemory)
                        {
                            prefetchTimely++;
                        }
                    }
                }
                if (inMemory)
                {
                    memoryHits++;
                    if (prefixIntact)
                    {
                        prefixHits++;
                    }
                }
                else
                {
                    prefixIntact = false;
                    if (flash != null && flash.contains(id))
                    {
                        flashHits++;
                    }
                }
                final boolean resident = memory.recordAccess(id, 1, now);
                if (flash != null)
                {
                    if (resident)
                    {
                        if (!inMemory)
                        {
                            flash.remove(id);
                        }
                    }
                    else
                    {
                        flash.recordAccess(id, 1, now);
                    }
                }
                written[trace.blockNumber(trace.firstReference(r) + i)] = true;
            }
        }

        private void onMemoryEviction(final long id, final long weight)
        {
            if (planner != null && prefetchState.get(id) == ARRIVED)
            {
                prefetchState.remove(id);
            }
            if (flash != null)
            {
                flash.admit(id, weight, now);
            }
        }

        // Issues hints and completes transfers, in time order, up to and including time t.
        private void advanceTo(final long t)
        {
            while (true)
            {
                final long nextHint = hintCursor < trace.requestCount() ?
                    trace.timestamp(hintCursor) - options.hintLookaheadMs() : Long.MAX_VALUE;
                final long nextArrival = transferCount > 0 ? transferArrivals[transferHead] : Long.MAX_VALUE;
                final long next = Math.min(nextHint, nextArrival);
                if (next > t)
                {
                    return;
                }
                now = Math.max(now, next);
                if (nextArrival <= nextHint)
                {
                    arrive();
                }
                else
                {
                    issueHint(hintCursor++);
                }
            }
        }

        private void issueHint(final int q)
        {
            final long[] ids = new long[trace.length(q)];
            trace.copyRequest(q, ids);
            final Hint hint = Hint.forChain(hintId(q), "request-" + q, "default", ids, trace.timestamp(q),
                trace.timestamp(q));
            planner.add(hint);
            memory.hint(hint, now);
            for (final String expired : planner.expire(now))
            {
                memory.cancelHint(expired);
            }
            final PrefetchPlan plan = planner.plan(now, this);
            for (int i = 0; i < plan.size(); i++)
            {
                final long id = plan.id(i);
                prefetched++;
                prefetchState.put(id, IN_FLIGHT);
                final double arrival = options.prefetchPerSecond() == 0 ? now :
                    Math.max(now, lastArrival) + 1000.0 / options.prefetchPerSecond();
                lastArrival = arrival;
                enqueueTransfer(id, (long)Math.ceil(arrival));
            }
        }

        private void arrive()
        {
            final long id = transferIds[transferHead];
            transferHead = (transferHead + 1) % transferIds.length;
            transferCount--;
            if (prefetchState.get(id) != IN_FLIGHT)
            {
                return;
            }
            if (!memory.contains(id) && memory.admit(id, 1, now))
            {
                prefetchState.put(id, ARRIVED);
                if (flash != null)
                {
                    flash.remove(id);
                }
            }
            else
            {
                prefetchState.remove(id);
            }
        }

        private void enqueueTransfer(final long id, final long arrival)
        {
            if (transferCount == transferIds.length)
            {
                final long[] ids = new long[transferIds.length * 2];
                final long[] arrivals = new long[transferIds.length * 2];
                for (int i = 0; i < transferCount; i++)
                {
                    ids[i] = transferIds[(transferHead + i) % transferIds.length];
                    arrivals[i] = transferArrivals[(transferHead + i) % transferIds.length];
                }
                transferIds = ids;
                transferArrivals = arrivals;
                transferHead = 0;
            }
            final int tail = (transferHead + transferCount) % transferIds.length;
            transferIds[tail] = id;
            transferArrivals[tail] = arrival;
            transferCount++;
        }

        @Override
        public boolean isStaged(final long id)
        {
            return memory.contains(id) || prefetchState.get(id) == IN_FLIGHT;
        }

        @Override
        public long stageableWeight(final long id)
        {
            if (isStaged(id))
            {
                return 1;
            }
            if (flash != null)
            {
                return flash.contains(id) ? 1 : -1;
            }
            final int number = trace.blockNumberOf(id);
            return number >= 0 && written[number] ? 1 : -1;
        }

        private static String hintId(final int r)
        {
            return "r" + r;
        }
    }
}
