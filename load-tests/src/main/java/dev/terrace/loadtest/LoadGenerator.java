package dev.terrace.loadtest;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;

/**
 * Drives an operation with load, open-loop (a fixed arrival rate; latency corrected for coordinated omission) or
 * closed-loop (a fixed number of workers, each starting its next operation when the previous one ends).
 * <p>
 * Each worker records into its own HdrHistogram, merged at the end, so recording costs no contention. Workers wait by
 * parking, never by spinning.
 */
public final class LoadGenerator
{
    /** Largest latency recorded exactly: one hour; longer values are clamped to it. */
    private static final long MAX_TRACKED_NANOS = TimeUnit.HOURS.toNanos(1);
    private static final int SIGNIFICANT_DIGITS = 3;

    /** One operation under load. */
    @FunctionalInterface
    public interface Operation
    {
        /**
         * Performs operation number {@code index}; a thrown exception counts as an error and the run goes on.
         *
         * @param index  the operation's sequence number, from 0.
         * @param random this worker's random generator, e.g. for a {@link KeyChooser}.
         */
        void execute(long index, SplittableRandom random) throws Exception;
    }

    private LoadGenerator()
    {
    }

    /**
     * Runs operations arriving at {@code ratePerSecond} for {@code duration}, served by {@code workers} threads. An
     * operation that waits for a free worker has that wait in its latency. Operations due but not started when the
     * duration ends are counted as missed.
     */
    public static LoadResult openLoop(
        final double ratePerSecond, final Duration duration, final int workers, final long seed, final Operation operation)
        throws InterruptedException
    {
        final long durationNanos = duration.toNanos();
        final OpenLoopSchedule schedule = new OpenLoopSchedule(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(5),
            ratePerSecond);
        final long totalOps = schedule.countWithin(durationNanos);
        final long endNanos = schedule.startNanos() + durationNanos;
        final AtomicLong nextIndex = new AtomicLong();
        final AtomicLong missed = new AtomicLong();
        final Worker[] pool = new Worker[workers];
        final SplittableRandom seeds = new SplittableRandom(seed);
        for (int w = 0; w < workers; w++)
        {
            final Worker worker = new Worker(seeds.split());
            pool[w] = worker;
            worker.thread = new Thread(() ->
            {
                long index;
                while ((index = nextIndex.getAndIncrement()) < totalOps)
                {
                    final long due = schedule.intendedStartNanos(index);
                    long now = System.nanoTime();
                    if (now >= endNanos)
                    {
                        missed.incrementAndGet();
                        continue;
                    }
                    while (now < due)
                    {
                        LockSupport.parkNanos(due - now);
                        now = System.nanoTime();
                    }
                    worker.execute(operation, index, now);
                    worker.recordLatency(schedule.correctedLatencyNanos(index, worker.lastCompletedNanos));
                }
            }, "load-open-" + w);
        }
        return runWorkers("open-loop", pool, schedule.startNanos(), missed);
    }

    /** Runs {@code concurrency} workers back to back for {@code duration}. */
    public static LoadResult closedLoop(
        final int concurrency, final Duration duration, final long seed, final Operation operation)
        throws InterruptedException
    {
        final long startNanos = System.nanoTime();
        final long endNanos = startNanos + duration.toNanos();
        final AtomicLong nextIndex = new AtomicLong();
        final Worker[] pool = new Worker[concurrency];
        final SplittableRandom seeds = new SplittableRandom(seed);
        for (int w = 0; w < concurrency; w++)
        {
            final Worker worker = new Worker(seeds.split());
            pool[w] = worker;
            worker.thread = new Thread(() ->
            {
                long now = System.nanoTime();
                while (now < endNanos)
                {
                    worker.execute(operation, nextIndex.getAndIncrement(), now);
                    worker.recordLatency(worker.lastCompletedNanos - now);
                    now = worker.lastCompletedNanos;
                }
            }, "load-closed-" + w);
        }
        return runWorkers("closed-loop", pool, startNanos, new AtomicLong());
    }

    private static LoadResult runWorkers(
        final String mode, final Worker[] pool, final long startNanos, final AtomicLong missed)
        throws InterruptedException
    {
        for (final Worker worker : pool)
        {
            worker.thread.setDaemon(true);
            worker.thread.start();
        }
        try
        {
            for (final Worker worker : pool)
            {
                worker.thread.join();
            }
        }
        catch (final InterruptedException ex)
        {
            for (final Worker worker : pool)
            {
                worker.thread.interrupt();
            }
            throw ex;
        }
        final Histogram latency = newHistogram();
        final Histogram service = newHistogram();
        long operations = 0;
        long errors = 0;
        long lastCompleted = startNanos;
        String firstError = null;
        for (final Worker worker : pool)
        {
            latency.add(worker.latency);
            service.add(worker.service);
            operations += worker.operations;
            errors += worker.errors;
            lastCompleted = Math.max(lastCompleted, worker.lastCompletedNanos);
            if (firstError == null && worker.firstError != null)
            {
                firstError = worker.firstError.toString();
            }
        }
        return new LoadResult(mode, operations, errors, missed.get(), lastCompleted - startNanos, latency, service,
            firstError);
    }

    private static Histogram newHistogram()
    {
        final Histogram histogram = new Histogram(MAX_TRACKED_NANOS, SIGNIFICANT_DIGITS);
        histogram.setAutoResize(false);
        return histogram;
    }

    /** One worker thread's private state; read by the coordinating thread only after join. */
    private static final class Worker
    {
        final SplittableRandom random;
        final Histogram latency = newHistogram();
        final Histogram service = newHistogram();
        Thread thread;
        long operations;
        long errors;
        long lastCompletedNanos;
        Throwable firstError;

        Worker(final SplittableRandom random)
        {
            this.random = random;
        }

        void execute(final Operation operation, final long index, final long startedNanos)
        {
            try
            {
                operation.execute(index, random);
            }
            catch (final Exception ex)
            {
                errors++;
                if (firstError == null)
                {
                    firstError = ex;
                }
            }
            lastCompletedNanos = System.nanoTime();
            operations++;
            service.recordValue(Math.min(MAX_TRACKED_NANOS, lastCompletedNanos - startedNanos));
        }

        void recordLatency(final long nanos)
        {
            latency.recordValue(Math.min(MAX_TRACKED_NANOS, Math.max(0, nanos)));
        }
    }
}
