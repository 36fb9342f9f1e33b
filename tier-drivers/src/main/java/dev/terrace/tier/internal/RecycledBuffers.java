package dev.terrace.tier.internal;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Direct buffers kept for reuse, by exact capacity, up to a byte bound: a fresh direct buffer costs zeroing and a page
 * fault per page, a recycled one neither. The caller must only return a buffer that nothing else can still read or
 * write. When the bound is reached, the capacities used least recently are dropped first, so the odd sizes of last
 * extents do not crowd out the common ones. Thread-safe.
 */
public final class RecycledBuffers
{
    /** Buffers smaller than this are not kept: they are cheap to allocate. */
    public static final int MIN_CAPACITY = 4096;

    private final long maxBytes;
    /** Access-ordered: the first entry is the capacity used least recently. Guarded by {@code this}. */
    private final LinkedHashMap<Integer, ArrayDeque<ByteBuffer>> byCapacity = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;

    /**
     * @param maxBytes the most bytes of buffers kept; 0 keeps none.
     */
    public RecycledBuffers(final long maxBytes)
    {
        if (maxBytes < 0)
        {
            throw new IllegalArgumentException("maxBytes must be >= 0: " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    /** A kept direct buffer of exactly {@code capacity} bytes, cleared (its old bytes are still in it), or null. */
    public synchronized ByteBuffer take(final int capacity)
    {
        final ArrayDeque<ByteBuffer> kept = byCapacity.get(capacity);
        if (kept == null)
        {
            return null;
        }
        final ByteBuffer buffer = kept.pollLast();
        if (kept.isEmpty())
        {
            byCapacity.remove(capacity);
        }
        bytes -= capacity;
        return buffer.clear();
    }

    /** Keeps {@code buffer} (direct, nowhere else referenced) for a later {@link #take}, or lets it go. */
    public synchronized void give(final ByteBuffer buffer)
    {
        final int capacity = buffer.capacity();
        if (!buffer.isDirect() || capacity < MIN_CAPACITY || capacity > maxBytes)
        {
            return;
        }
        final Iterator<Map.Entry<Integer, ArrayDeque<ByteBuffer>>> eldest = byCapacity.entrySet().iterator();
        while (bytes + capacity > maxBytes && eldest.hasNext())
        {
            final Map.Entry<Integer, ArrayDeque<ByteBuffer>> entry = eldest.next();
            final ArrayDeque<ByteBuffer> kept = entry.getValue();
            while (!kept.isEmpty() && bytes + capacity > maxBytes)
            {
                kept.pollFirst();
                bytes -= entry.getKey();
            }
            if (kept.isEmpty())
            {
                eldest.remove();
            }
        }
        byCapacity.computeIfAbsent(capacity, ignored -> new ArrayDeque<>()).addLast(buffer);
        bytes += capacity;
    }

    /** Bytes of buffers kept now. */
    public synchronized long bytes()
    {
        return bytes;
    }

    /** Lets every kept buffer go. */
    public synchronized void clear()
    {
        byCapacity.clear();
        bytes = 0;
    }
}
