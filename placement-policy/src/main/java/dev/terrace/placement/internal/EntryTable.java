package dev.terrace.placement.internal;

import java.util.Arrays;

/**
 * Resident entries of one policy, stored as parallel primitive arrays indexed by a slot number, with an id->slot
 * index. Slots carry intrusive {@code prev}/{@code next} links so that {@link SlotList}s over them need no node
 * objects, and two spare per-slot fields ({@link #counter}, {@link #stamp}) that each policy uses for its own
 * bookkeeping (an access counter, a time or sequence number).
 * <p>
 * Freed slots are reused through a free list; the arrays double when full, so the steady state allocates nothing.
 */
public final class EntryTable
{
    /** "No slot": the end of a list, or an absent id. */
    public static final int NONE = -1;

    private final LongIntHashMap index;
    private long[] ids;
    private long[] weights;
    private int[] prev;
    private int[] next;
    private byte[] queue;
    private int[] counter;
    private long[] stamp;
    private int highWater;
    private int freeHead = NONE;
    private int size;

    /**
     * @param expectedEntries initial number of slots (grows on demand).
     */
    public EntryTable(final int expectedEntries)
    {
        final int n = Math.max(16, expectedEntries);
        index = new LongIntHashMap(n);
        ids = new long[n];
        weights = new long[n];
        prev = new int[n];
        next = new int[n];
        queue = new byte[n];
        counter = new int[n];
        stamp = new long[n];
    }

    /** The slot holding {@code id}, or {@link #NONE}. */
    public int find(final long id)
    {
        return index.get(id);
    }

    /**
     * Allocates a slot for an id that is not present, unlinked, with counter and stamp zero.
     *
     * @throws IllegalStateException if {@code id} is already present.
     */
    public int allocate(final long id, final long weight)
    {
        final int slot;
        if (freeHead != NONE)
        {
            slot = freeHead;
            freeHead = next[slot];
        }
        else
        {
            if (highWater == ids.length)
            {
                grow();
            }
            slot = highWater++;
        }
        if (index.put(id, slot) != LongIntHashMap.MISSING)
        {
            throw new IllegalStateException("id already present: " + id);
        }
        ids[slot] = id;
        weights[slot] = weight;
        prev[slot] = NONE;
        next[slot] = NONE;
        queue[slot] = 0;
        counter[slot] = 0;
        stamp[slot] = 0;
        size++;
        return slot;
    }

    /** Releases {@code slot}; it must already be unlinked from any list. */
    public void free(final int slot)
    {
        index.remove(ids[slot]);
        next[slot] = freeHead;
        prev[slot] = NONE;
        freeHead = slot;
        size--;
    }

    /** Number of allocated slots. */
    public int size()
    {
        return size;
    }

    /** Id held by {@code slot}. */
    public long id(final int slot)
    {
        return ids[slot];
    }

    /** Weight of the item in {@code slot}. */
    public long weight(final int slot)
    {
        return weights[slot];
    }

    /** Changes the recorded weight of {@code slot} (the caller adjusts list weights). */
    public void weight(final int slot, final long weight)
    {
        weights[slot] = weight;
    }

    /** Which queue (policy-defined tag) {@code slot} is in. */
    public byte queue(final int slot)
    {
        return queue[slot];
    }

    /** Tags {@code slot} with a policy-defined queue number. */
    public void queue(final int slot, final byte tag)
    {
        queue[slot] = tag;
    }

    /** Policy-defined per-slot int (an access counter, a segment id...). */
    public int counter(final int slot)
    {
        return counter[slot];
    }

    /** Sets the policy-defined per-slot int. */
    public void counter(final int slot, final int value)
    {
        counter[slot] = value;
    }

    /** Policy-defined per-slot long (a time or sequence number). */
    public long stamp(final int slot)
    {
        return stamp[slot];
    }

    /** Sets the policy-defined per-slot long. */
    public void stamp(final int slot, final long value)
    {
        stamp[slot] = value;
    }

    int prev(final int slot)
    {
        return prev[slot];
    }

    void prev(final int slot, final int value)
    {
        prev[slot] = value;
    }

    /** The slot after {@code slot} in its list, or {@link #NONE}. */
    public int next(final int slot)
    {
        return next[slot];
    }

    void next(final int slot, final int value)
    {
        next[slot] = value;
    }

    private void grow()
    {
        final int n = ids.length * 2;
        ids = Arrays.copyOf(ids, n);
        weights = Arrays.copyOf(weights, n);
        prev = Arrays.copyOf(prev, n);
        next = Arrays.copyOf(next, n);
        queue = Arrays.copyOf(queue, n);
        counter = Arrays.copyOf(counter, n);
        stamp = Arrays.copyOf(stamp, n);
    }
}
