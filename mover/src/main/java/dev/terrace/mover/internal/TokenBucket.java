package dev.terrace.mover.internal;

/**
 * A token bucket counted in bytes, driven by an injected clock. It may go into debt: a caller that finds any
 * tokens may take a whole chunk, and the debt delays the next caller. That lets chunks larger than the burst pass
 * and keeps the long-run rate exact. Not thread-safe.
 */
public final class TokenBucket
{
    private static final double NANOS_PER_SECOND = 1_000_000_000.0;

    private final long bytesPerSecond;
    private final double capacity;
    private double tokens;
    private long lastRefillNs;

    /**
     * @param bytesPerSecond refill rate; {@code Long.MAX_VALUE} means unlimited.
     * @param burstBytes     the most tokens the bucket holds; it starts full.
     */
    public TokenBucket(final long bytesPerSecond, final long burstBytes, final long nowNs)
    {
        if (bytesPerSecond <= 0 || burstBytes <= 0)
        {
            throw new IllegalArgumentException("rate and burst must be positive");
        }
        this.bytesPerSecond = bytesPerSecond;
        this.capacity = burstBytes;
        this.tokens = burstBytes;
        this.lastRefillNs = nowNs;
    }

    /** Whether this bucket never limits. */
    public boolean isUnlimited()
    {
        return bytesPerSecond == Long.MAX_VALUE;
    }

    /** Whether a caller may take tokens now. */
    public boolean hasTokens(final long nowNs)
    {
        if (isUnlimited())
        {
            return true;
        }
        refill(nowNs);
        return tokens > 0;
    }

    /** Takes {@code bytes} tokens, possibly going into debt. */
    public void consume(final long bytes)
    {
        if (!isUnlimited())
        {
            tokens -= bytes;
        }
    }

    /** Gives back tokens taken for bytes that were not sent after all. */
    public void refund(final long bytes)
    {
        if (!isUnlimited())
        {
            tokens = Math.min(capacity, tokens + bytes);
        }
    }

    /** Tokens now (negative when in debt). */
    public double tokens(final long nowNs)
    {
        if (isUnlimited())
        {
            return Double.POSITIVE_INFINITY;
        }
        refill(nowNs);
        return tokens;
    }

    /** Nanoseconds until {@link #hasTokens(long)} turns true, 0 if it is true now. */
    public long nanosUntilTokens(final long nowNs)
    {
        if (isUnlimited())
        {
            return 0;
        }
        refill(nowNs);
        return tokens > 0 ? 0 : (long)Math.ceil((-tokens + 1) * NANOS_PER_SECOND / bytesPerSecond);
    }

    private void refill(final long nowNs)
    {
        final long elapsedNs = nowNs - lastRefillNs;
        if (elapsedNs > 0)
        {
            tokens = Math.min(capacity, tokens + elapsedNs * (bytesPerSecond / NANOS_PER_SECOND));
            lastRefillNs = nowNs;
        }
    }
}
