package dev.terrace.placement.internal;

/**
 * A bounded FIFO of ids without data ("ghost" entries): remembers what was recently evicted so that a quick
 * return can be recognised. Removing an id from the middle leaves a stale ring position that still counts
 * against the bound until it reaches the head, which keeps every operation O(1).
 */
public final class GhostQueue
{
    /** Told about each id the queue forgets because it fell off the old end (not about {@link #remove}). */
    @FunctionalInterface
    public interface ForgetListener
    {
        /** {@code id}, remembered with {@code tag}, is forgotten. */
        void onForget(long id, byte tag);
    }

    private final LongIntHashMap positions;
    private final ForgetListener forgetListener;
    private long[] ring;
    private byte[] tags;
    private int head;
    private int length;
    private int limit;

    /**
     * @param limit maximum number of ring positions (remembered ids plus stale positions); at least 1.
     */
    public GhostQueue(final int limit)
    {
        this(limit, (id, tag) -> { });
    }

    /**
     * @param limit          maximum number of ring positions (remembered ids plus stale positions); at least 1.
     * @param forgetListener told about ids that fall off the old end.
     */
    public GhostQueue(final int limit, final ForgetListener forgetListener)
    {
        this.forgetListener = forgetListener;
        this.limit = Math.max(1, limit);
        ring = new long[Math.max(16, Math.min(this.limit, 1 << 16))];
        tags = new byte[ring.length];
        positions = new LongIntHashMap(ring.length);
    }

    /** Whether {@code id} is remembered. */
    public boolean contains(final long id)
    {
        return positions.containsKey(id);
    }

    /** Remembers {@code id} as the newest entry, forgetting the oldest beyond the limit. */
    public void add(final long id)
    {
        add(id, (byte)0);
    }

    /** Remembers {@code id} with a small caller-defined tag (say, the class it was evicted from). */
    public void add(final long id, final byte tag)
    {
        positions.remove(id);
        while (length >= limit)
        {
            pollOldest();
        }
        if (length == ring.length)
        {
            grow();
        }
        final int position = (head + length) % ring.length;
        ring[position] = id;
        tags[position] = tag;
        positions.put(id, position);
        length++;
    }

    /** The tag {@code id} was remembered with, or -1 when it is not remembered. */
    public int tag(final long id)
    {
        final int position = positions.get(id);
        return position == LongIntHashMap.MISSING ? -1 : tags[position];
    }

    /** Forgets {@code id}; returns whether it was remembered. */
    public boolean remove(final long id)
    {
        return positions.remove(id) != LongIntHashMap.MISSING;
    }

    /** Number of remembered ids. */
    public int size()
    {
        return positions.size();
    }

    /** Changes the bound, trimming the oldest entries when it shrinks. */
    public void limit(final int newLimit)
    {
        limit = Math.max(1, newLimit);
        while (length > limit)
        {
            pollOldest();
        }
    }

    /** The current bound. */
    public int limit()
    {
        return limit;
    }

    private void pollOldest()
    {
        final long id = ring[head];
        if (positions.get(id) == head)
        {
            positions.remove(id);
            forgetListener.onForget(id, tags[head]);
        }
        head = (head + 1) % ring.length;
        length--;
    }

    private void grow()
    {
        final long[] bigger = new long[ring.length * 2];
        final byte[] biggerTags = new byte[ring.length * 2];
        for (int i = 0; i < length; i++)
        {
            final int from = (head + i) % ring.length;
            final long id = ring[from];
            bigger[i] = id;
            biggerTags[i] = tags[from];
            if (positions.get(id) == from)
            {
                positions.put(id, i);
            }
        }
        ring = bigger;
        tags = biggerTags;
        head = 0;
    }
}
