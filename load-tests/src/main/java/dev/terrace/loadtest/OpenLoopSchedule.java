package dev.terrace.loadtest;

/**
 * The arrival times of an open-loop load: operation {@code i} is due at {@code start + i / rate}, whether or not earlier
 * operations have finished. Latency is measured from that intended start, not from when a worker got round to it, so
 * a stall is charged to every operation that queued behind it (the correction for coordinated omission).
 * <p>
 * Pure arithmetic on nanosecond timestamps; immutable and thread-safe.
 */
public final class OpenLoopSchedule
{
    private static final double NANOS_PER_SECOND = 1e9;

    private final long startNanos;
    private final double ratePerSecond;
    private final double intervalNanos;

    /**
     * @param startNanos    when operation 0 is due, on the {@link System#nanoTime()} clock.
     * @param ratePerSecond arrivals per second, above 0.
     */
    public OpenLoopSchedule(final long startNanos, final double ratePerSecond)
    {
        if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond))
        {
            throw new IllegalArgumentException("rate must be positive and finite: " + ratePerSecond);
        }
        this.startNanos = startNanos;
        this.ratePerSecond = ratePerSecond;
        this.intervalNanos = NANOS_PER_SECOND / ratePerSecond;
    }

    /** When operation 0 is due. */
    public long startNanos()
    {
        return startNanos;
    }

    /** Arrivals per second. */
    public double ratePerSecond()
    {
        return ratePerSecond;
    }

    /** When operation {@code index} is due. Computed from the index, so rounding never accumulates. */
    public long intendedStartNanos(final long index)
    {
        if (index < 0)
        {
            throw new IllegalArgumentException("index must be >= 0: " + index);
        }
        return startNanos + (long)Math.floor(index * intervalNanos);
    }

    /** How many operations are due at or before {@code nowNanos} (0 before the start). */
    public long dueBy(final long nowNanos)
    {
        final long elapsed = nowNanos - startNanos;
        if (elapsed < 0)
        {
            return 0;
        }
        long count = (long)Math.floor(elapsed / intervalNanos) + 1;
        // Guard against floating-point disagreement with intendedStartNanos at exact boundaries.
        while (count > 0 && intendedStartNanos(count - 1) > nowNanos)
        {
            count--;
        }
        while (intendedStartNanos(count) <= nowNanos)
        {
            count++;
        }
        return count;
    }

    /** How many operations fall in a run of {@code durationNanos} from the start: those due strictly before its end. */
    public long countWithin(final long durationNanos)
    {
        return durationNanos <= 0 ? 0 : dueBy(startNanos + durationNanos - 1);
    }

    /**
     * The latency of operation {@code index} that completed at {@code completedNanos}, measured from when it was due;
     * includes any time it waited for a worker.
     */
    public long correctedLatencyNanos(final long index, final long completedNanos)
    {
        return Math.max(0, completedNanos - intendedStartNanos(index));
    }
}
