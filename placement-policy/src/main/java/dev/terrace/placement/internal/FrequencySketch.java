package dev.terrace.placement.internal;

/**
 * A count-min sketch of 4-bit counters (4 rows) that estimates how often an id was seen recently, in the style of
 * TinyLFU (Einziger, Eytan, Friedman, Manes, ACM ToS 2017): after {@code 10 x expectedItems} increments every
 * counter is halved, so old popularity fades ("reset" aging). Counters are packed 16 to a long; estimates saturate
 * at 15.
 */
public final class FrequencySketch
{
    private static final long[] SEEDS =
        {0xC3A5C85C97CB3127L, 0xB492B66FBE98F273L, 0x9AE16A3B2F90404FL, 0xCBF29CE484222325L};
    private static final long RESET_MASK = 0x7777777777777777L;

    private final long[] table;
    private final int rowMask;
    private final int sampleSize;
    private int additions;

    /**
     * @param expectedItems roughly how many distinct items the cache holds; sets the width.
     */
    public FrequencySketch(final int expectedItems)
    {
        // About 16 counters per expected item over the 4 rows (as Caffeine sizes its sketch), 16 counters per long.
        final int items = Math.max(64, expectedItems);
        final int width = Math.min(1 << 28, Integer.highestOneBit(items - 1) << 3);
        table = new long[width * 4 / 16];
        rowMask = width - 1;
        sampleSize = 10 * items;
    }

    /** Estimated recent frequency of {@code id}, 0..15. */
    public int frequency(final long id)
    {
        final long hash = Hashing.mix64(id);
        int min = 15;
        for (int row = 0; row < 4; row++)
        {
            min = Math.min(min, counter(row, index(hash, row)));
        }
        return min;
    }

    /** Counts one occurrence of {@code id} (conservative update: only the minimal counters grow). */
    public void increment(final long id)
    {
        final long hash = Hashing.mix64(id);
        final int min = frequency(id);
        if (min == 15)
        {
            countAddition();
            return;
        }
        for (int row = 0; row < 4; row++)
        {
            final int column = index(hash, row);
            if (counter(row, column) == min)
            {
                final int bit = bitOffset(row, column);
                table[bit >>> 6] += 1L << (bit & 63);
            }
        }
        countAddition();
    }

    private void countAddition()
    {
        if (++additions >= sampleSize)
        {
            for (int i = 0; i < table.length; i++)
            {
                table[i] = (table[i] >>> 1) & RESET_MASK;
            }
            additions /= 2;
        }
    }

    private int index(final long hash, final int row)
    {
        final long h = (hash ^ SEEDS[row]) * 0x9E3779B97F4A7C15L;
        return (int)(h >>> 32) & rowMask;
    }

    private int bitOffset(final int row, final int column)
    {
        return ((row * (rowMask + 1)) + column) << 2;
    }

    private int counter(final int row, final int column)
    {
        final int bit = bitOffset(row, column);
        return (int)((table[bit >>> 6] >>> (bit & 63)) & 0xF);
    }
}
