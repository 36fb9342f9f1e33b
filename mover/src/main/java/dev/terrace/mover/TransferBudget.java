package dev.terrace.mover;

/**
 * The budget of one {@link TransferClass}: how many transfers may run at once, and how fast they may send.
 *
 * @param maxConcurrent     transfers of the class running at once.
 * @param bytesPerSecond    sustained send rate of the class; {@code Long.MAX_VALUE} for no class limit.
 * @param burstBytes        bytes the class may send at once after idling.
 * @param minBytesPerSecond the rate a running transfer of the class is guaranteed even while higher classes use
 *                          the whole global budget: the floor that keeps running transfers from starving.
 */
public record TransferBudget(int maxConcurrent, long bytesPerSecond, long burstBytes, long minBytesPerSecond)
{
    /** 1 MiB/s: the default floor. */
    public static final long DEFAULT_MIN_BYTES_PER_SECOND = 1024 * 1024;

    public TransferBudget
    {
        if (maxConcurrent <= 0 || bytesPerSecond <= 0 || burstBytes <= 0 || minBytesPerSecond <= 0)
        {
            throw new IllegalArgumentException("budget values must be positive: " + maxConcurrent + ", " +
                bytesPerSecond + ", " + burstBytes + ", " + minBytesPerSecond);
        }
    }

    /** A budget limiting only concurrency. */
    public static TransferBudget concurrency(final int maxConcurrent)
    {
        return new TransferBudget(maxConcurrent, Long.MAX_VALUE, Long.MAX_VALUE, DEFAULT_MIN_BYTES_PER_SECOND);
    }

    /** A budget limiting concurrency and rate, with a burst of a tenth of a second (at least 64 KiB). */
    public static TransferBudget of(final int maxConcurrent, final long bytesPerSecond)
    {
        return new TransferBudget(
            maxConcurrent,
            bytesPerSecond,
            Math.max(64 * 1024, bytesPerSecond / 10),
            Math.min(DEFAULT_MIN_BYTES_PER_SECOND, bytesPerSecond));
    }
}
