package dev.terrace.loadtest.internal.epochs;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The read order of a training run: for each epoch a fresh shuffle of the dataset's files (Fisher-Yates from a seeded
 * generator, so both configurations of a run read exactly the same sequence), cut into batches.
 * <p>
 * Reads are addressed globally: read {@code g} is file {@link #fileAt(int)} of epoch {@code g / files}, so a hint
 * window may run past the end of an epoch into the next one (a loader that draws its permutations up front knows
 * the next epoch's order before it starts).
 */
public final class EpochPlan
{
    private final int files;
    private final int batchSize;
    private final int epochs;
    private final int[] order;

    /**
     * @param files     files in the dataset.
     * @param batchSize files per batch; the last batch of an epoch may be shorter.
     * @param epochs    epochs to run.
     * @param seed      seed of the shuffles.
     */
    public EpochPlan(final int files, final int batchSize, final int epochs, final long seed)
    {
        if (files < 1 || batchSize < 1 || epochs < 1)
        {
            throw new IllegalArgumentException("files, batch size and epochs must be positive: " + files + ", "
                + batchSize + ", " + epochs);
        }
        this.files = files;
        this.batchSize = batchSize;
        this.epochs = epochs;
        this.order = new int[files * epochs];
        final SplittableRandom random = new SplittableRandom(seed);
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            final int base = epoch * files;
            for (int i = 0; i < files; i++)
            {
                order[base + i] = i;
            }
            for (int i = files - 1; i > 0; i--)
            {
                final int j = random.nextInt(i + 1);
                final int swap = order[base + i];
                order[base + i] = order[base + j];
                order[base + j] = swap;
            }
        }
    }

    /** Files in the dataset. */
    public int files()
    {
        return files;
    }

    /** Files per (full) batch. */
    public int batchSize()
    {
        return batchSize;
    }

    /** Epochs in the run. */
    public int epochs()
    {
        return epochs;
    }

    /** Batches per epoch. */
    public int batchesPerEpoch()
    {
        return (files + batchSize - 1) / batchSize;
    }

    /** Reads in the whole run. */
    public int totalReads()
    {
        return order.length;
    }

    /** The file of global read {@code read} (epoch {@code read / files()}, position {@code read % files()}). */
    public int fileAt(final int read)
    {
        return order[read];
    }

    /** The files of {@code epoch} in read order. */
    public int[] epochOrder(final int epoch)
    {
        final int[] copy = new int[files];
        System.arraycopy(order, epoch * files, copy, 0, files);
        return copy;
    }

    /** The global read index of the first file of batch {@code batch} of {@code epoch}. */
    public int firstReadOfBatch(final int epoch, final int batch)
    {
        return epoch * files + batch * batchSize;
    }

    /** How many files batch {@code batch} holds (the last one of an epoch may be shorter). */
    public int batchLength(final int batch)
    {
        return Math.min(batchSize, files - batch * batchSize);
    }

    /**
     * The files of global reads {@code [from, from + count)}, clipped to the end of the run, without repeating a file
     * (a window that spans two epochs may meet a file twice; it is staged once).
     */
    public List<Integer> window(final int from, final int count)
    {
        final List<Integer> window = new ArrayList<>(count);
        final boolean[] seen = new boolean[files];
        for (int read = Math.max(0, from); read < Math.min(order.length, from + count); read++)
        {
            final int file = order[read];
            if (!seen[file])
            {
                seen[file] = true;
                window.add(file);
            }
        }
        return window;
    }
}
