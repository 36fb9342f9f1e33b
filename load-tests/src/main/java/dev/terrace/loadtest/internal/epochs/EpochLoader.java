package dev.terrace.loadtest.internal.epochs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import dev.terrace.client.GetResult;
import dev.terrace.client.HintStatus;
import dev.terrace.client.PrefetchHint;
import dev.terrace.client.TerraceClient;
import dev.terrace.client.Tier;

/**
 * A DLIO-style training data loader against a node, through the SDK: each epoch, {@code readers} threads read the
 * epoch's batches (every file of a batch with one whole-object GET) at most {@code prefetchBatches} batches ahead of
 * the emulated accelerator, which takes the batches in order and "computes" on each for a fixed time (a sleep).
 * Epochs run back to back and each drains before the next starts, as a framework's loader does.
 * <p>
 * With hints, a hinter thread posts each epoch's read order as one hint (the loader draws every epoch's order up
 * front), {@code hintWindow} files before the readers reach the end of the epoch before it, and cancels it once the
 * readers have claimed all of the epoch's files; the node stages a window ahead of the reads it sees.
 */
public final class EpochLoader
{
    /** Index of each tier in the per-epoch read counts. */
    static final List<Tier> TIERS = List.of(Tier.MEMORY, Tier.FLASH, Tier.CAPACITY);

    private static final long MAX_LATENCY_NANOS = TimeUnit.MINUTES.toNanos(5);

    /**
     * How the loader runs.
     *
     * @param bucket          the dataset's bucket.
     * @param keyFormat       {@link String#format} pattern of a file's key from its index, e.g. {@code train-%05d}.
     * @param fileBytes       size of every file, checked on each read.
     * @param readers         reader threads.
     * @param prefetchBatches batches read ahead of the accelerator at most (ready or being read).
     * @param computePerBatch emulated compute time per batch.
     * @param hintWindow      how many files before the end of an epoch the next epoch's hint is posted; 0 for no
     *                        hints.
     * @param job             the job id the hints name.
     */
    public record Settings(
        String bucket,
        String keyFormat,
        int fileBytes,
        int readers,
        int prefetchBatches,
        Duration computePerBatch,
        int hintWindow,
        String job)
    {
        /** Checks the settings. */
        public Settings
        {
            if (readers < 1 || prefetchBatches < 1 || hintWindow < 0 || computePerBatch.isNegative())
            {
                throw new IllegalArgumentException("readers and prefetch must be positive, window and compute not "
                    + "negative: " + readers + ", " + prefetchBatches + ", " + hintWindow + ", " + computePerBatch);
            }
        }

        /** The key of file {@code file}. */
        public String key(final int file)
        {
            return String.format(java.util.Locale.ROOT, keyFormat, file);
        }
    }

    /**
     * What a run measured.
     *
     * @param epochs       per-epoch compute, wall and stall times and reads by tier.
     * @param readLatency  whole-file GET latency by the tier that served it, nanoseconds.
     * @param hintsPosted  hints posted.
     * @param hintFailures hint posts or cancels that failed (the run goes on without that window).
     * @param lastHint     the last hint's status as the node reported it when posted, or {@code null}.
     */
    public record Result(
        List<Utilization.Epoch> epochs,
        Map<Tier, Histogram> readLatency,
        long hintsPosted,
        long hintFailures,
        HintStatus lastHint)
    {
    }

    private final TerraceClient client;
    private final EpochPlan plan;
    private final Settings settings;
    private final Consumer<String> progress;
    private final Map<Tier, ConcurrentHistogram> latency = new EnumMap<>(Tier.class);
    /** Global read index of the first file no reader has claimed yet: the hint window starts here. */
    private final AtomicInteger frontier = new AtomicInteger();
    private final AtomicLong hintsPosted = new AtomicLong();
    private final AtomicLong hintFailures = new AtomicLong();
    private final AtomicReference<HintStatus> lastHint = new AtomicReference<>();
    private final ReentrantLock hintLock = new ReentrantLock();
    private final Condition frontierMoved = hintLock.newCondition();
    private volatile boolean finished;

    /**
     * @param client   the SDK client of the node holding the dataset.
     * @param plan     what to read in which order.
     * @param settings how.
     * @param progress where to report one line per epoch.
     */
    public EpochLoader(
        final TerraceClient client, final EpochPlan plan, final Settings settings, final Consumer<String> progress)
    {
        this.client = client;
        this.plan = plan;
        this.settings = settings;
        this.progress = progress;
        for (final Tier tier : Tier.values())
        {
            latency.put(tier, new ConcurrentHistogram(MAX_LATENCY_NANOS, 3));
        }
    }

    /** Runs every epoch of the plan and returns what was measured. */
    public Result run() throws Exception
    {
        Thread hinter = null;
        if (settings.hintWindow() > 0)
        {
            hinter = new Thread(this::hintLoop, "epoch-hinter");
            hinter.setDaemon(true);
            hinter.start();
        }
        final List<Utilization.Epoch> epochs = new ArrayList<>();
        try
        {
            for (int epoch = 0; epoch < plan.epochs(); epoch++)
            {
                final Utilization.Epoch measured = runEpoch(epoch);
                epochs.add(measured);
                progress.accept(String.format(java.util.Locale.ROOT,
                    "epoch %d: utilization %.1f%% (wall %.2f s, stalled %.2f s), reads memory/flash/capacity %d/%d/%d",
                    measured.epoch(), measured.utilization() * 100, measured.wallNanos() / 1e9,
                    measured.stallNanos() / 1e9, measured.readsByTier()[0], measured.readsByTier()[1],
                    measured.readsByTier()[2]));
            }
        }
        finally
        {
            finished = true;
            if (hinter != null)
            {
                signalFrontier();
                hinter.join(TimeUnit.SECONDS.toMillis(30));
            }
        }
        final Map<Tier, Histogram> latencies = new EnumMap<>(Tier.class);
        latency.forEach((tier, histogram) -> latencies.put(tier, histogram.copy()));
        return new Result(epochs, latencies, hintsPosted.get(), hintFailures.get(), lastHint.get());
    }

    private Utilization.Epoch runEpoch(final int epoch) throws Exception
    {
        final int batches = plan.batchesPerEpoch();
        final EpochState state = new EpochState(batches);
        final long start = System.nanoTime();
        final List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < settings.readers(); r++)
        {
            final Thread reader = new Thread(() -> readBatches(epoch, state), "epoch-reader-" + r);
            reader.setDaemon(true);
            readers.add(reader);
            reader.start();
        }
        final long computeNanos = settings.computePerBatch().toNanos();
        long stall = 0;
        long compute = 0;
        try
        {
            for (int batch = 0; batch < batches; batch++)
            {
                final long waitStart = System.nanoTime();
                state.awaitReady(batch);
                final long computeStart = System.nanoTime();
                stall += computeStart - waitStart;
                state.consumed(batch + 1);
                // The accelerator computes on the batch: a sleep, never a spin. A late wake-up on a busy machine is
                // the accelerator being slow, not waiting for data, so the measured duration counts as compute.
                sleepNanos(computeNanos);
                compute += System.nanoTime() - computeStart;
            }
        }
        finally
        {
            state.abortIfFailed();
            for (final Thread reader : readers)
            {
                reader.join();
            }
        }
        final long wall = System.nanoTime() - start;
        return new Utilization.Epoch(epoch + 1, compute, wall, stall, state.readsByTier());
    }

    private void readBatches(final int epoch, final EpochState state)
    {
        try
        {
            int batch;
            while ((batch = state.claim(settings.prefetchBatches())) >= 0)
            {
                final int first = plan.firstReadOfBatch(epoch, batch);
                final int length = plan.batchLength(batch);
                advanceFrontier(first + length);
                for (int read = first; read < first + length; read++)
                {
                    final Tier tier = readFile(plan.fileAt(read));
                    state.countRead(tier);
                }
                state.ready(batch);
            }
        }
        catch (final Exception | AssertionError ex)
        {
            state.fail(ex);
        }
    }

    private Tier readFile(final int file)
    {
        final long start = System.nanoTime();
        final GetResult<byte[]> result = client.getBytes(settings.bucket(), settings.key(file), null);
        final long nanos = System.nanoTime() - start;
        if (result.body().length != settings.fileBytes())
        {
            throw new IllegalStateException(settings.key(file) + " read " + result.body().length + " bytes, expected "
                + settings.fileBytes());
        }
        final Tier tier = result.tier() == null ? Tier.UNKNOWN : result.tier();
        latency.get(tier).recordValue(Math.min(MAX_LATENCY_NANOS, nanos));
        return tier;
    }

    private void advanceFrontier(final int read)
    {
        if (settings.hintWindow() == 0)
        {
            return;
        }
        frontier.accumulateAndGet(read, Math::max);
        signalFrontier();
    }

    private void signalFrontier()
    {
        hintLock.lock();
        try
        {
            frontierMoved.signalAll();
        }
        finally
        {
            hintLock.unlock();
        }
    }

    /**
     * Posts each epoch's whole read order as one hint, {@code hintWindow} files before the readers reach the end of
     * the epoch before it (the first at once), so the node stages across the epoch boundary; the node keeps its own
     * window ahead of the reads. An epoch's hint is cancelled once the readers have claimed every file of it.
     */
    private void hintLoop()
    {
        final int perEpoch = plan.files();
        final List<String> posted = new ArrayList<>();
        int nextEpoch = 0;
        while (!finished)
        {
            final int claimed = frontier.get();
            if (nextEpoch < plan.epochs() && claimed >= nextEpoch * perEpoch - settings.hintWindow())
            {
                final List<String> keys = new ArrayList<>(perEpoch);
                for (final int file : plan.epochOrder(nextEpoch))
                {
                    keys.add(settings.key(file));
                }
                try
                {
                    final HintStatus status = client.hint(PrefetchHint.forJob(settings.job())
                        .startIn(Duration.ZERO)
                        .ttl(Duration.ofMinutes(10))
                        .objects(settings.bucket(), keys));
                    posted.add(status.id());
                    lastHint.set(status);
                    hintsPosted.incrementAndGet();
                }
                catch (final RuntimeException ex)
                {
                    hintFailures.incrementAndGet();
                    posted.add(null);
                }
                nextEpoch++;
                continue;
            }
            // Epochs whose every file a reader has claimed need their hint no more.
            final int doneEpochs = Math.min(claimed / perEpoch, posted.size());
            for (int epoch = 0; epoch < doneEpochs; epoch++)
            {
                cancelQuietly(posted, epoch);
            }
            hintLock.lock();
            try
            {
                if (!finished && frontier.get() == claimed)
                {
                    frontierMoved.await(200, TimeUnit.MILLISECONDS);
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return;
            }
            finally
            {
                hintLock.unlock();
            }
        }
        for (int epoch = 0; epoch < posted.size(); epoch++)
        {
            cancelQuietly(posted, epoch);
        }
    }

    private void cancelQuietly(final List<String> posted, final int epoch)
    {
        final String id = posted.get(epoch);
        if (id == null)
        {
            return;
        }
        posted.set(epoch, null);
        try
        {
            client.cancelHint(id);
        }
        catch (final RuntimeException ex)
        {
            hintFailures.incrementAndGet();
        }
    }

    private static void sleepNanos(final long nanos) throws InterruptedException
    {
        final long deadline = System.nanoTime() + nanos;
        long left = nanos;
        while (left > 0)
        {
            TimeUnit.NANOSECONDS.sleep(left);
            left = deadline - System.nanoTime();
        }
    }

    /** One epoch's hand-over between readers and the accelerator. */
    private static final class EpochState
    {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private final boolean[] ready;
        private final long[] readsByTier = new long[TIERS.size()];
        private int nextBatch;
        private int consumed;
        private Throwable failure;

        EpochState(final int batches)
        {
            this.ready = new boolean[batches];
        }

        /** The next batch to read, once it is within the prefetch limit; -1 when none is left or a reader failed. */
        int claim(final int prefetchBatches) throws InterruptedException
        {
            lock.lock();
            try
            {
                if (nextBatch >= ready.length || failure != null)
                {
                    return -1;
                }
                final int batch = nextBatch++;
                while (batch >= consumed + prefetchBatches && failure == null)
                {
                    changed.await();
                }
                return failure == null ? batch : -1;
            }
            finally
            {
                lock.unlock();
            }
        }

        void countRead(final Tier tier)
        {
            final int index = TIERS.indexOf(tier);
            lock.lock();
            try
            {
                if (index >= 0)
                {
                    readsByTier[index]++;
                }
            }
            finally
            {
                lock.unlock();
            }
        }

        void ready(final int batch)
        {
            lock.lock();
            try
            {
                ready[batch] = true;
                changed.signalAll();
            }
            finally
            {
                lock.unlock();
            }
        }

        void awaitReady(final int batch) throws Exception
        {
            lock.lock();
            try
            {
                while (!ready[batch] && failure == null)
                {
                    changed.await();
                }
                if (failure != null)
                {
                    throw new IllegalStateException("a reader failed: " + failure, failure);
                }
            }
            finally
            {
                lock.unlock();
            }
        }

        void consumed(final int batches)
        {
            lock.lock();
            try
            {
                consumed = batches;
                changed.signalAll();
            }
            finally
            {
                lock.unlock();
            }
        }

        void fail(final Throwable ex)
        {
            lock.lock();
            try
            {
                if (failure == null)
                {
                    failure = ex;
                }
                changed.signalAll();
            }
            finally
            {
                lock.unlock();
            }
        }

        /** Wakes blocked readers when the accelerator stops early (a failure), so they can be joined. */
        void abortIfFailed()
        {
            lock.lock();
            try
            {
                if (consumed < ready.length && failure == null)
                {
                    failure = new IllegalStateException("the accelerator stopped early");
                }
                changed.signalAll();
            }
            finally
            {
                lock.unlock();
            }
        }

        long[] readsByTier()
        {
            lock.lock();
            try
            {
                return readsByTier.clone();
            }
            finally
            {
                lock.unlock();
            }
        }
    }
}
