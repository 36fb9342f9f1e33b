package dev.terrace.placement;

import java.util.Arrays;

/**
 * An ordered list of items to stage into the target tier: the most urgent first (earliest hinted start, then
 * priority, then read order within a hint). Each entry names the hint it serves and that hint's deadline.
 */
public final class PrefetchPlan
{
    private long[] ids = new long[16];
    private long[] weights = new long[16];
    private long[] deadlines = new long[16];
    private String[] hintIds = new String[16];
    private int size;
    private long totalWeight;

    PrefetchPlan()
    {
    }

    void add(final long id, final long weight, final long deadline, final String hintId)
    {
        if (size == ids.length)
        {
            final int n = size * 2;
            ids = Arrays.copyOf(ids, n);
            weights = Arrays.copyOf(weights, n);
            deadlines = Arrays.copyOf(deadlines, n);
            hintIds = Arrays.copyOf(hintIds, n);
        }
        ids[size] = id;
        weights[size] = weight;
        deadlines[size] = deadline;
        hintIds[size] = hintId;
        size++;
        totalWeight += weight;
    }

    /** Number of items to stage. */
    public int size()
    {
        return size;
    }

    /** Whether there is nothing to stage. */
    public boolean isEmpty()
    {
        return size == 0;
    }

    /** Sum of the items' weights. */
    public long totalWeight()
    {
        return totalWeight;
    }

    /** Id of the {@code index}-th item. */
    public long id(final int index)
    {
        return ids[checkIndex(index)];
    }

    /** Weight of the {@code index}-th item. */
    public long weight(final int index)
    {
        return weights[checkIndex(index)];
    }

    /** Time by which the {@code index}-th item should be staged (its hint's start). */
    public long deadline(final int index)
    {
        return deadlines[checkIndex(index)];
    }

    /** Id of the hint the {@code index}-th item serves. */
    public String hintId(final int index)
    {
        return hintIds[checkIndex(index)];
    }

    private int checkIndex(final int index)
    {
        if (index < 0 || index >= size)
        {
            throw new IndexOutOfBoundsException("index " + index + " of plan of size " + size);
        }
        return index;
    }

    @Override
    public String toString()
    {
        return "PrefetchPlan{items=" + size + ", weight=" + totalWeight + "}";
    }
}
