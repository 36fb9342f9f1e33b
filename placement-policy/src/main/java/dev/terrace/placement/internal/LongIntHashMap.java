package dev.terrace.placement.internal;

import java.util.Arrays;

/**
 * Open-addressing map from a 64-bit key to a non-negative int, with linear probing and backward-shift deletion
 * (no tombstones), so lookups stay short however many removals happen. Any long is a valid key; the value
 * {@link #MISSING} means "absent" and cannot be stored.
 * <p>
 * Not thread-safe. Allocates only when it grows (doubling), so a policy sized for its working set stays
 * allocation-free on the access path.
 */
public final class LongIntHashMap
{
    /** Returned by {@link #get} for an absent key. */
    public static final int MISSING = -1;

    private static final float LOAD_FACTOR = 0.6f;

    private long[] keys;
    private int[] values;
    private int mask;
    private int size;
    private int resizeAt;

    /**
     * @param expectedSize how many keys the map should hold before its first resize.
     */
    public LongIntHashMap(final int expectedSize)
    {
        final int capacity = tableSizeFor(Math.max(4, (int)Math.ceil(expectedSize / LOAD_FACTOR)));
        allocate(capacity);
    }

    /** The value for {@code key}, or {@link #MISSING}. */
    public int get(final long key)
    {
        int index = Hashing.mix(key) & mask;
        while (true)
        {
            final int value = values[index];
            if (value == MISSING)
            {
                return MISSING;
            }
            if (keys[index] == key)
            {
                return value;
            }
            index = (index + 1) & mask;
        }
    }

    /** Whether {@code key} is present. */
    public boolean containsKey(final long key)
    {
        return get(key) != MISSING;
    }

    /**
     * Associates {@code value} (must be >= 0) with {@code key}.
     *
     * @return the previous value, or {@link #MISSING}.
     */
    public int put(final long key, final int value)
    {
        if (value < 0)
        {
            throw new IllegalArgumentException("value must be >= 0: " + value);
        }
        int index = Hashing.mix(key) & mask;
        while (true)
        {
            final int existing = values[index];
            if (existing == MISSING)
            {
                keys[index] = key;
                values[index] = value;
                if (++size > resizeAt)
                {
                    rehash(values.length * 2);
                }
                return MISSING;
            }
            if (keys[index] == key)
            {
                values[index] = value;
                return existing;
            }
            index = (index + 1) & mask;
        }
    }

    /**
     * Removes {@code key}.
     *
     * @return the value it had, or {@link #MISSING}.
     */
    public int remove(final long key)
    {
        int index = Hashing.mix(key) & mask;
        while (true)
        {
            final int value = values[index];
            if (value == MISSING)
            {
                return MISSING;
            }
            if (keys[index] == key)
            {
                shiftBack(index);
                size--;
                return value;
            }
            index = (index + 1) & mask;
        }
    }

    /** Number of keys. */
    public int size()
    {
        return size;
    }

    /** Removes every key, keeping the table. */
    public void clear()
    {
        Arrays.fill(values, MISSING);
        size = 0;
    }

    // Moves later members of the probe run into the freed slot so that no run is broken (Knuth's algorithm R).
    private void shiftBack(final int freed)
    {
        int hole = freed;
        int index = (hole + 1) & mask;
        while (values[index] != MISSING)
        {
            final int home = Hashing.mix(keys[index]) & mask;
            final boolean movable = hole <= index ? (home <= hole || home > index) : (home <= hole && home > index);
            if (movable)
            {
                keys[hole] = keys[index];
                values[hole] = values[index];
                hole = index;
            }
            index = (index + 1) & mask;
        }
        values[hole] = MISSING;
    }

    private void rehash(final int newCapacity)
    {
        final long[] oldKeys = keys;
        final int[] oldValues = values;
        allocate(newCapacity);
        for (int i = 0; i < oldValues.length; i++)
        {
            if (oldValues[i] != MISSING)
            {
                int index = Hashing.mix(oldKeys[i]) & mask;
                while (values[index] != MISSING)
                {
                    index = (index + 1) & mask;
                }
                keys[index] = oldKeys[i];
                values[index] = oldValues[i];
            }
        }
    }

    private void allocate(final int capacity)
    {
        keys = new long[capacity];
        values = new int[capacity];
        Arrays.fill(values, MISSING);
        mask = capacity - 1;
        resizeAt = (int)(capacity * LOAD_FACTOR);
    }

    private static int tableSizeFor(final int n)
    {
        final int highest = Integer.highestOneBit(Math.max(4, n - 1));
        if (highest >= 1 << 29)
        {
            throw new IllegalArgumentException("map too large: " + n);
        }
        return highest << 1;
    }
}
