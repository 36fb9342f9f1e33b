package dev.terrace.placement.sim;

import dev.terrace.placement.PlacementPolicy;
import dev.terrace.placement.internal.LongIntHashMap;

import java.util.Objects;

/**
 * Belady's MIN, the offline-optimal replacement for unit weights, for the simulator only (it reads the future from
 * the {@link Trace}). Semantics from {@code shared/traces/README.md}: after each reference the block is resident
 * (inserted or kept); then, while residents exceed the capacity, the resident whose next reference is furthest in
 * the future is evicted (never referenced again counts as infinitely far), which may be the block just referenced:
 * it then simply bypasses the cache.
 * <p>
 * It must be fed every reference of the trace, in order, through {@link #recordAccess}; it does not prefetch
 * ({@link #admit} refuses). A max-heap of next-reference indices with lazy deletion: O(log n) per reference.
 */
public final class BeladyPolicy implements PlacementPolicy
{
    /** Name in reports. */
    public static final String NAME = "belady";

    private final Trace trace;
    private final long capacity;
    private final EvictionListener listener;
    private final LongIntHashMap nextUseById;
    private int[] heap;
    private int heapSize;
    private int cursor;

    /**
     * @param trace    the trace whose references will be replayed, in order.
     * @param capacity capacity in blocks.
     * @param listener told about every eviction of a resident block.
     */
    public BeladyPolicy(final Trace trace, final long capacity, final EvictionListener listener)
    {
        if (capacity <= 0)
        {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.trace = trace;
        this.capacity = capacity;
        this.listener = Objects.requireNonNull(listener, "listener");
        this.nextUseById = new LongIntHashMap((int)Math.min(trace.distinctBlocks(), capacity + 1));
        this.heap = new int[1024];
    }

    @Override
    public String name()
    {
        return NAME;
    }

    @Override
    public boolean recordAccess(final long id, final long weight, final long nowMillis)
    {
        if (cursor >= trace.referenceCount() || trace.id(cursor) != id)
        {
            throw new IllegalStateException("belady must replay the trace in order: reference " + cursor +
                " is " + (cursor < trace.referenceCount() ? trace.id(cursor) : "past the end") + ", got " + id);
        }
        if (weight != 1)
        {
            throw new IllegalArgumentException("belady is defined for unit weights");
        }
        final int reference = cursor++;
        final boolean wasResident = nextUseById.containsKey(id);
        final int next = trace.nextReference(reference);
        // "Never again" sorts after every real reference; distinct per reference so the key identifies the block.
        final int key = next >= 0 ? next : trace.referenceCount() + reference;
        nextUseById.put(id, key);
        push(key);
        boolean resident = true;
        while (nextUseById.size() > capacity)
        {
            final int victimKey = pop();
            final long victim = idOf(victimKey);
            if (nextUseById.get(victim) != victimKey)
            {
                continue;
            }
            nextUseById.remove(victim);
            if (victim == id)
            {
                resident = false;
                if (wasResident)
                {
                    listener.onEvict(victim, 1);
                }
            }
            else
            {
                listener.onEvict(victim, 1);
            }
        }
        return resident;
    }

    @Override
    public boolean admit(final long id, final long weight, final long nowMillis)
    {
        return false;
    }

    @Override
    public boolean contains(final long id)
    {
        return nextUseById.containsKey(id);
    }

    @Override
    public void remove(final long id)
    {
        nextUseById.remove(id);
    }

    @Override
    public long weightedSize()
    {
        return nextUseById.size();
    }

    @Override
    public long capacity()
    {
        return capacity;
    }

    @Override
    public int size()
    {
        return nextUseById.size();
    }

    private long idOf(final int key)
    {
        return key < trace.referenceCount() ? trace.id(key) : trace.id(key - trace.referenceCount());
    }

    private void push(final int key)
    {
        if (heapSize == heap.length)
        {
            compact();
            if (heapSize == heap.length)
            {
                heap = java.util.Arrays.copyOf(heap, heap.length * 2);
            }
        }
        int i = heapSize++;
        while (i > 0)
        {
            final int parent = (i - 1) >>> 1;
            if (heap[parent] >= key)
            {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = key;
    }

    private int pop()
    {
        final int top = heap[0];
        final int last = heap[--heapSize];
        int i = 0;
        while (true)
        {
            final int left = 2 * i + 1;
            if (left >= heapSize)
            {
                break;
            }
            final int right = left + 1;
            final int bigger = right < heapSize && heap[right] > heap[left] ? right : left;
            if (heap[bigger] <= last)
            {
                break;
            }
            heap[i] = heap[bigger];
            i = bigger;
        }
        if (heapSize > 0)
        {
            heap[i] = last;
        }
        return top;
    }

    // Drops stale keys (blocks since re-referenced or removed) so the heap stays near the resident count.
    private void compact()
    {
        int kept = 0;
        final int[] live = new int[heap.length];
        for (int i = 0; i < heapSize; i++)
        {
            final int key = heap[i];
            if (nextUseById.get(idOf(key)) == key)
            {
                live[kept++] = key;
            }
        }
        heapSize = 0;
        for (int i = 0; i < kept; i++)
        {
            push(live[i]);
        }
    }
}
