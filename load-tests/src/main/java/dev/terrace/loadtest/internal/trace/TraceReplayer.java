package dev.terrace.loadtest.internal.trace;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import dev.terrace.client.GetResult;
import dev.terrace.client.NotFoundException;
import dev.terrace.client.PrefixLookup;
import dev.terrace.client.TerraceClient;
import dev.terrace.client.Tier;

/**
 * Replays a trace against a node the way an inference engine's KV connector uses a cache, through the SDK, open-loop:
 * each request arrives at its (compressed) trace time, whether or not earlier ones are done, and is served by one of
 * {@code workers} threads (the engine's concurrent prefills). For each request: {@code lookupPrefix} over its hash
 * ids, then a GET of each block of the cached prefix (the prefix ends early if a block was evicted since the lookup),
 * then a PUT of every block after it (recomputed by the engine and stored).
 * <p>
 * Request latency is measured from the intended arrival, so time spent waiting for a free worker counts (corrected
 * for coordinated omission).
 */
public final class TraceReplayer
{
    private static final long MAX_LATENCY_NANOS = TimeUnit.MINUTES.toNanos(10);

    /**
     * How to replay.
     *
     * @param namespace        the KV namespace.
     * @param workers          requests served concurrently.
     * @param blockParallelism block GETs or PUTs of one request in flight at once.
     */
    public record Settings(String namespace, int workers, int blockParallelism)
    {
        /** Checks the settings. */
        public Settings
        {
            if (workers < 1 || blockParallelism < 1)
            {
                throw new IllegalArgumentException("workers and block parallelism must be positive");
            }
        }
    }

    /**
     * What a replay measured; latencies in nanoseconds.
     *
     * @param tally          hit accounting.
     * @param requestLatency from intended arrival to the last block stored.
     * @param kvReadyLatency from intended arrival to the cached prefix loaded (when prefill could start).
     * @param lookupLatency  service time of each lookup.
     * @param getLatency     service time of each block GET.
     * @param putLatency     service time of each block PUT.
     * @param elapsedNanos   from the first arrival to the last completion.
     * @param blockOps       block GETs and PUTs issued.
     */
    public record Result(
        ReplayTally tally,
        Histogram requestLatency,
        Histogram kvReadyLatency,
        Histogram lookupLatency,
        Histogram getLatency,
        Histogram putLatency,
        long elapsedNanos,
        long blockOps)
    {
        /** Block GETs and PUTs per second over the replay. */
        public double blockOpsPerSecond()
        {
            return elapsedNanos == 0 ? 0 : blockOps * 1e9 / elapsedNanos;
        }
    }

    private final TerraceClient client;
    private final ReplayPlan plan;
    private final Settings settings;
    private final Consumer<String> progress;
    private final byte[] pattern;
    private final ReplayTally tally = new ReplayTally();
    private final Histogram requestLatency = histogram();
    private final Histogram kvReadyLatency = histogram();
    private final Histogram lookupLatency = histogram();
    private final Histogram getLatency = histogram();
    private final Histogram putLatency = histogram();
    private final AtomicInteger nextRequest = new AtomicInteger();
    private final AtomicInteger completed = new AtomicInteger();
    private final AtomicLong blockOps = new AtomicLong();
    private final AtomicLong lastCompletion = new AtomicLong();
    private volatile Throwable firstError;

    /**
     * @param client   the SDK client of the node.
     * @param plan     what to send when.
     * @param settings how.
     * @param progress where to report about ten lines per replay.
     */
    public TraceReplayer(
        final TerraceClient client, final ReplayPlan plan, final Settings settings, final Consumer<String> progress)
    {
        this.client = client;
        this.plan = plan;
        this.settings = settings;
        this.progress = progress;
        this.pattern = new byte[plan.blockBytes()];
        new java.util.SplittableRandom(plan.blockBytes()).nextBytes(pattern);
    }

    private static Histogram histogram()
    {
        return new ConcurrentHistogram(MAX_LATENCY_NANOS, 3);
    }

    /** Replays every request and returns what was measured. */
    public Result run() throws InterruptedException
    {
        final long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
        lastCompletion.set(start);
        final List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < settings.workers(); w++)
        {
            final Thread worker = new Thread(() -> serve(start), "replay-worker-" + w);
            worker.setDaemon(true);
            threads.add(worker);
        }
        threads.forEach(Thread::start);
        for (final Thread thread : threads)
        {
            thread.join();
        }
        if (tally.errors() > tally.requests() / 100 + 1)
        {
            throw new IllegalStateException(tally.errors() + " of " + plan.requests() + " requests failed; first: "
                + firstError, firstError);
        }
        return new Result(tally, requestLatency.copy(), kvReadyLatency.copy(), lookupLatency.copy(),
            getLatency.copy(), putLatency.copy(), lastCompletion.get() - start, blockOps.get());
    }

    private void serve(final long start)
    {
        int r;
        while ((r = nextRequest.getAndIncrement()) < plan.requests())
        {
            final long intended = start + plan.arrivalNanos(r);
            parkUntil(intended);
            try
            {
                replay(r, intended);
            }
            catch (final RuntimeException ex)
            {
                tally.recordError();
                if (firstError == null)
                {
                    firstError = ex;
                }
            }
            final long done = System.nanoTime();
            lastCompletion.accumulateAndGet(done, Math::max);
            requestLatency.recordValue(Math.min(MAX_LATENCY_NANOS, Math.max(0, done - intended)));
            final int finished = completed.incrementAndGet();
            if (finished % Math.max(1, plan.requests() / 10) == 0)
            {
                progress.accept(String.format(Locale.ROOT, "%d/%d requests, memory-served %.3f, prefix reuse %.3f",
                    finished, plan.requests(), tally.memoryServedRatio(), tally.prefixReuseRatio()));
            }
        }
    }

    private void replay(final int r, final long intended)
    {
        final long[] chain = plan.hashes(r);
        final long lookupStart = System.nanoTime();
        final PrefixLookup lookup = client.lookupPrefix(settings.namespace(), chain);
        lookupLatency.recordValue(Math.min(MAX_LATENCY_NANOS, System.nanoTime() - lookupStart));
        final int cached = Math.min(lookup.length(), chain.length);
        final List<Tier> loaded = load(chain, cached);
        kvReadyLatency.recordValue(Math.min(MAX_LATENCY_NANOS, Math.max(0, System.nanoTime() - intended)));
        store(chain, loaded.size());
        tally.record(chain.length, cached, loaded);
    }

    /** GETs blocks {@code [0, cached)} in chunks; stops at the first block that is gone. */
    private List<Tier> load(final long[] chain, final int cached)
    {
        final List<Tier> tiers = new ArrayList<>(cached);
        for (int from = 0; from < cached; from += settings.blockParallelism())
        {
            final int to = Math.min(cached, from + settings.blockParallelism());
            final List<CompletableFuture<GetResult<byte[]>>> reads = new ArrayList<>(to - from);
            final long[] started = new long[to - from];
            for (int i = from; i < to; i++)
            {
                final int slot = i - from;
                started[slot] = System.nanoTime();
                reads.add(client.getBlockBytesAsync(settings.namespace(), chain[i]).whenComplete((result, error) ->
                    getLatency.recordValue(Math.min(MAX_LATENCY_NANOS, System.nanoTime() - started[slot]))));
            }
            blockOps.addAndGet(to - from);
            for (int i = from; i < to; i++)
            {
                final GetResult<byte[]> result = awaitOrNull(reads.get(i - from));
                if (result == null)
                {
                    return tiers;
                }
                final byte[] body = result.body();
                if (body.length != plan.blockBytes() || ReplayPlan.hashOf(body) != chain[i])
                {
                    throw new IllegalStateException("block " + Long.toUnsignedString(chain[i]) + " read back "
                        + body.length + " bytes of block " + Long.toUnsignedString(ReplayPlan.hashOf(body)));
                }
                tiers.add(result.tier() == null ? Tier.UNKNOWN : result.tier());
            }
        }
        return tiers;
    }

    /** PUTs blocks {@code [from, chain.length)} in chunks: the engine recomputed them. */
    private void store(final long[] chain, final int from)
    {
        for (int first = from; first < chain.length; first += settings.blockParallelism())
        {
            final int to = Math.min(chain.length, first + settings.blockParallelism());
            final List<CompletableFuture<?>> writes = new ArrayList<>(to - first);
            for (int i = first; i < to; i++)
            {
                final long begun = System.nanoTime();
                writes.add(client.putBlockAsync(settings.namespace(), chain[i], ReplayPlan.payload(chain[i], pattern))
                    .whenComplete((result, error) ->
                        putLatency.recordValue(Math.min(MAX_LATENCY_NANOS, System.nanoTime() - begun))));
            }
            blockOps.addAndGet(to - first);
            CompletableFuture.allOf(writes.toArray(new CompletableFuture<?>[0])).join();
        }
    }

    private static <T> T awaitOrNull(final CompletableFuture<T> future)
    {
        try
        {
            return future.join();
        }
        catch (final CompletionException ex)
        {
            if (ex.getCause() instanceof NotFoundException)
            {
                return null;
            }
            throw ex;
        }
    }

    /**
     * Runs {@code cycles} rounds of put, lookup, get and delete of one block in {@code namespace} on {@code threads}
     * threads, so the node's and the client's JIT have compiled the KV path before a measured replay; every block is
     * deleted again, so the memory tier starts the replay empty.
     *
     * @return how long it took, in seconds.
     */
    public static double warmUp(
        final TerraceClient client, final String namespace, final int blockBytes, final int cycles, final int threads)
        throws InterruptedException
    {
        final byte[] pattern = new byte[blockBytes];
        final AtomicInteger next = new AtomicInteger();
        final AtomicLong failures = new AtomicLong();
        final long start = System.nanoTime();
        final List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++)
        {
            final Thread worker = new Thread(() ->
            {
                int i;
                while ((i = next.getAndIncrement()) < cycles)
                {
                    final long hash = 1_000_000_000L + i;
                    try
                    {
                        client.putBlock(namespace, hash, ReplayPlan.payload(hash, pattern));
                        client.lookupPrefix(namespace, hash, hash + 1);
                        client.getBlockBytes(namespace, hash);
                        client.deleteBlock(namespace, hash);
                    }
                    catch (final RuntimeException ex)
                    {
                        failures.incrementAndGet();
                    }
                }
            }, "replay-warm-up-" + t);
            worker.setDaemon(true);
            workers.add(worker);
            worker.start();
        }
        for (final Thread worker : workers)
        {
            worker.join();
        }
        if (failures.get() > cycles / 10)
        {
            throw new IllegalStateException(failures.get() + " of " + cycles + " warm-up cycles failed");
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private static void parkUntil(final long deadline)
    {
        long now;
        while ((now = System.nanoTime()) < deadline)
        {
            LockSupport.parkNanos(deadline - now);
        }
    }
}
