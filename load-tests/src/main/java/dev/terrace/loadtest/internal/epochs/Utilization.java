package dev.terrace.loadtest.internal.epochs;

import java.util.List;

/**
 * Accelerator utilization as MLPerf Storage defines it: the time the emulated accelerator spent computing divided by
 * the wall time of the epochs, so every moment it waited for data counts against it.
 */
public final class Utilization
{
    private Utilization()
    {
    }

    /**
     * What one epoch took.
     *
     * @param epoch        the epoch's number, from 1.
     * @param computeNanos time the accelerator spent computing (the emulated compute of every batch).
     * @param wallNanos    from the epoch's start (the loader asked for its first batch) to the end of its last
     *                     batch's compute.
     * @param stallNanos   time the accelerator waited for a batch.
     * @param readsByTier  reads served from memory, flash and capacity, in that order.
     */
    public record Epoch(int epoch, long computeNanos, long wallNanos, long stallNanos, long[] readsByTier)
    {
        /** Compute time / wall time, in [0, 1]. */
        public double utilization()
        {
            return ratio(computeNanos, wallNanos);
        }
    }

    /** {@code compute / wall}, or 0 when nothing ran. */
    public static double ratio(final long computeNanos, final long wallNanos)
    {
        if (computeNanos < 0 || wallNanos < 0)
        {
            throw new IllegalArgumentException("negative time: compute " + computeNanos + ", wall " + wallNanos);
        }
        return wallNanos == 0 ? 0 : Math.min(1.0, (double)computeNanos / wallNanos);
    }

    /**
     * The utilization of a run over the epochs after the warm-up ones: total compute / total wall time of epochs
     * {@code warmupEpochs + 1 .. n} (a time-weighted mean, not the mean of the per-epoch ratios).
     *
     * @throws IllegalArgumentException when no epoch is left after the warm-up.
     */
    public static double afterWarmup(final List<Epoch> epochs, final int warmupEpochs)
    {
        long compute = 0;
        long wall = 0;
        int counted = 0;
        for (final Epoch epoch : epochs)
        {
            if (epoch.epoch() > warmupEpochs)
            {
                compute += epoch.computeNanos();
                wall += epoch.wallNanos();
                counted++;
            }
        }
        if (counted == 0)
        {
            throw new IllegalArgumentException("no epoch after the " + warmupEpochs + " warm-up epoch(s)");
        }
        return ratio(compute, wall);
    }

    /** Fraction of the reads of epochs after the warm-up that tier {@code tierIndex} served (0 memory, 1 flash, 2 capacity). */
    public static double tierShare(final List<Epoch> epochs, final int warmupEpochs, final int tierIndex)
    {
        long reads = 0;
        long inTier = 0;
        for (final Epoch epoch : epochs)
        {
            if (epoch.epoch() > warmupEpochs)
            {
                for (int t = 0; t < epoch.readsByTier().length; t++)
                {
                    reads += epoch.readsByTier()[t];
                }
                inTier += epoch.readsByTier()[tierIndex];
            }
        }
        return reads == 0 ? 0 : (double)inTier / reads;
    }
}
