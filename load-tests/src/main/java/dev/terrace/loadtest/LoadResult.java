package dev.terrace.loadtest;

import java.util.Locale;

import org.HdrHistogram.Histogram;

/**
 * What a load run measured.
 *
 * @param mode            {@code open-loop} or {@code closed-loop}.
 * @param operations      operations completed (including failed ones).
 * @param errors          operations that threw.
 * @param missed          open-loop operations that were due but never started before the run ended (0 for closed loop).
 * @param elapsedNanos    wall time from the first arrival to the last completion.
 * @param latency         per-operation latency in nanoseconds; for open loop measured from the intended start
 *                        (corrected for coordinated omission).
 * @param serviceTime     per-operation time from the actual start to completion, in nanoseconds.
 * @param firstError      the first failure's description, or {@code null} when nothing failed.
 */
public record LoadResult(
    String mode,
    long operations,
    long errors,
    long missed,
    long elapsedNanos,
    Histogram latency,
    Histogram serviceTime,
    String firstError)
{
    /** Completed operations per second. */
    public double throughputPerSecond()
    {
        return elapsedNanos == 0 ? 0 : operations * 1e9 / elapsedNanos;
    }

    /** A latency percentile in microseconds, e.g. {@code latencyMicros(99.9)}. */
    public double latencyMicros(final double percentile)
    {
        return latency.getValueAtPercentile(percentile) / 1000.0;
    }

    /** One line: throughput, errors and p50/p99/p99.9/max latency. */
    public String summary()
    {
        return String.format(Locale.ROOT,
            "%s: %d ops (%d errors, %d missed) in %.2f s = %.0f ops/s; latency us p50 %.0f p99 %.0f p99.9 %.0f max %.0f",
            mode, operations, errors, missed, elapsedNanos / 1e9, throughputPerSecond(),
            latencyMicros(50), latencyMicros(99), latencyMicros(99.9), latency.getMaxValue() / 1000.0);
    }
}
