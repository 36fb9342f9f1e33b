package dev.terrace.client.internal;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter: before retry {@code n} (0-based) the client waits a uniformly random time in
 * {@code [cap/2, cap]} where {@code cap = min(max, base * 2^n)}. The upper half keeps the growth that makes a
 * struggling node recover; the random half keeps clients that failed together from retrying together.
 */
public final class Backoff
{
    private final long baseNanos;
    private final long maxNanos;
    private final DoubleSupplier random;

    /**
     * @param base   the cap of the first retry.
     * @param max    the largest cap.
     * @param random uniform values in {@code [0, 1)}.
     */
    public Backoff(final Duration base, final Duration max, final DoubleSupplier random)
    {
        this.baseNanos = base.toNanos();
        this.maxNanos = max.toNanos();
        this.random = random;
        if (baseNanos <= 0 || maxNanos < baseNanos)
        {
            throw new IllegalArgumentException("need 0 < base <= max: base=" + base + ", max=" + max);
        }
    }

    /** The upper bound of the wait before retry {@code retryIndex}. */
    public long capNanos(final int retryIndex)
    {
        if (retryIndex >= 62 || baseNanos > (maxNanos >> Math.min(retryIndex, 62)))
        {
            return maxNanos;
        }
        return Math.min(maxNanos, baseNanos << retryIndex);
    }

    /** The wait before retry {@code retryIndex}, in {@code [cap/2, cap]}. */
    public Duration delay(final int retryIndex)
    {
        final long cap = capNanos(retryIndex);
        final long half = cap / 2;
        return Duration.ofNanos(half + (long)((cap - half) * random.getAsDouble()));
    }

    /** The largest wait this schedule ever asks for. */
    public Duration max()
    {
        return Duration.ofNanos(maxNanos);
    }
}
