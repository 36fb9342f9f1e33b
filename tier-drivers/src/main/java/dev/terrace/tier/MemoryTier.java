package dev.terrace.tier;

import dev.terrace.tier.internal.ByteBufferInputStream;
import dev.terrace.tier.internal.Keys;
import dev.terrace.tier.internal.Ranges;
import dev.terrace.tier.internal.RecycledBuffers;
import dev.terrace.tier.internal.Streams;
import dev.terrace.tier.internal.TierCounters;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The off-heap memory tier: every value lives in its own direct {@link ByteBuffer}, outside the Java heap.
 * <p>
 * A get returns a read-only view of that buffer, so the read path copies nothing. A buffer that has been handed out
 * as a view is never reused: a replace or delete only drops the map's reference, so the view stays valid (and
 * unchanged) until the reader lets go of it and the garbage collector frees the memory.
 * <p>
 * A buffer that was never handed out (its value was only written, or only copied out by {@link #read}) is recycled
 * when its value is replaced or deleted: up to {@link #DEFAULT_RECYCLE_BYTES} (or a fraction of the budget) of such
 * buffers are kept, by exact size, for later puts, which then skip the zeroing and page faults of a fresh direct
 * buffer. A value is either exposed (a view was made; never recycled) or retired (recycled), decided by one
 * compare-and-set, so a get racing the replace either gets its view from a buffer that stays out of the pool or
 * looks the key up again. A {@link #read} in flight holds the buffer out of the pool the same way.
 * <p>
 * The byte budget counts payload bytes. A put that would exceed it fails with {@link TierFullException} and stores
 * nothing; replacing a value only needs room for the difference in size. Direct memory is also bounded by the JVM's
 * {@code -XX:MaxDirectMemorySize}, so size that flag above the budget plus the recycled buffers (plus whatever else
 * the process allocates).
 * <p>
 * Thread-safe: reads are lock-free map lookups; a put copies its bytes before it touches the map.
 */
public final class MemoryTier implements TierDriver
{
    /** The most bytes of recycled buffers kept by default (less for a budget under eight times this). */
    public static final long DEFAULT_RECYCLE_BYTES = 64L * 1024 * 1024;

    private final long capacityBytes;
    private final ConcurrentHashMap<String, Value> values = new ConcurrentHashMap<>();
    private final AtomicLong usedBytes = new AtomicLong();
    private final TierCounters counters = new TierCounters();
    private final RecycledBuffers recycled;
    private volatile boolean closed;

    /**
     * A tier that keeps up to {@link #DEFAULT_RECYCLE_BYTES} or an eighth of the budget, whichever is less, of
     * recycled buffers.
     *
     * @param capacityBytes the payload byte budget, greater than zero.
     */
    public MemoryTier(final long capacityBytes)
    {
        this(capacityBytes, Math.min(DEFAULT_RECYCLE_BYTES, Math.max(0, capacityBytes / 8)));
    }

    /**
     * @param capacityBytes the payload byte budget, greater than zero.
     * @param recycleBytes  the most bytes of buffers of replaced and deleted values kept for reuse; 0 keeps none.
     */
    public MemoryTier(final long capacityBytes, final long recycleBytes)
    {
        if (capacityBytes <= 0)
        {
            throw new IllegalArgumentException("capacityBytes must be > 0: " + capacityBytes);
        }
        if (recycleBytes < 0)
        {
            throw new IllegalArgumentException("recycleBytes must be >= 0: " + recycleBytes);
        }
        this.capacityBytes = capacityBytes;
        this.recycled = new RecycledBuffers(recycleBytes);
    }

    @Override
    public TierKind kind()
    {
        return TierKind.MEMORY;
    }

    @Override
    public void put(final String key, final ByteBuffer data) throws TierException
    {
        Keys.require(key);
        final ByteBuffer copy = allocate(key, data.remaining());
        copy.put(data.duplicate()).flip();
        install(key, copy);
    }

    @Override
    public void put(final String key, final InputStream in, final long length) throws TierException
    {
        Keys.require(key);
        Keys.requireLength(length);
        if (length > Integer.MAX_VALUE)
        {
            throw new TierFullException("memory tier values are at most 2 GiB; got " + length + " bytes for " + key);
        }
        final ByteBuffer copy = allocate(key, (int)length);
        try
        {
            Streams.readFully(in, copy);
        }
        catch (final IOException ex)
        {
            recycled.give(copy);
            throw new TierException("reading the value for " + key + " failed: " + ex.getMessage(), ex);
        }
        install(key, copy.flip());
    }

    @Override
    public ByteBuffer get(final String key, final long offset, final long length) throws TierException
    {
        Ranges.check(offset, length);
        while (true)
        {
            final Value value = lookup(key);
            if (value == null)
            {
                counters.miss();
                return null;
            }
            if (!value.expose())
            {
                // Replaced and recycled since the lookup: the map holds its successor.
                continue;
            }
            final int count = (int)Ranges.count(value.length(), offset, length);
            counters.hit(count);
            return count == 0 ? value.readOnly.slice(0, 0) : value.readOnly.slice((int)offset, count);
        }
    }

    /** Copies into {@code destination} without handing out a view, so the value's buffer stays recyclable. */
    @Override
    public long read(final String key, final long offset, final ByteBuffer destination) throws TierException
    {
        Ranges.check(offset, 0);
        while (true)
        {
            final Value value = lookup(key);
            if (value == null)
            {
                counters.miss();
                return -1;
            }
            if (!value.enter())
            {
                continue;
            }
            try
            {
                final int count = (int)Ranges.count(value.length(), offset, destination.remaining());
                destination.put(destination.position(), value.readOnly, count == 0 ? 0 : (int)offset, count);
                destination.position(destination.position() + count);
                counters.hit(count);
                return count;
            }
            finally
            {
                value.exit();
            }
        }
    }

    @Override
    public InputStream openStream(final String key, final long offset, final long length) throws TierException
    {
        final ByteBuffer view = get(key, offset, length);
        return view == null ? null : new ByteBufferInputStream(view);
    }

    @Override
    public long size(final String key) throws TierException
    {
        final Value value = lookup(key);
        return value == null ? -1 : value.length();
    }

    @Override
    public boolean contains(final String key) throws TierException
    {
        return lookup(key) != null;
    }

    @Override
    public boolean delete(final String key) throws TierException
    {
        checkOpen();
        final Value removed = values.remove(Keys.require(key));
        if (removed == null)
        {
            return false;
        }
        usedBytes.addAndGet(-removed.length());
        retire(removed);
        return true;
    }

    @Override
    public List<String> list(final String prefix) throws TierException
    {
        checkOpen();
        return values.keySet().stream().filter(key -> key.startsWith(prefix)).sorted().toList();
    }

    @Override
    public long capacityBytes()
    {
        return capacityBytes;
    }

    @Override
    public long usedBytes()
    {
        return usedBytes.get();
    }

    @Override
    public TierStats stats()
    {
        return new TierStats(
            TierKind.MEMORY,
            capacityBytes,
            usedBytes.get(),
            values.size(),
            counters.hits.sum(),
            counters.misses.sum(),
            counters.bytesRead.sum(),
            counters.bytesWritten.sum(),
            0);
    }

    /** Bytes of buffers of replaced and deleted values kept for reuse now (outside the budget). */
    public long recycledBytes()
    {
        return recycled.bytes();
    }

    /** Drops every value; readers keep the views they already hold. */
    @Override
    public void close()
    {
        closed = true;
        values.clear();
        usedBytes.set(0);
        recycled.clear();
    }

    @Override
    public String toString()
    {
        return "MemoryTier{capacity=" + capacityBytes + ", used=" + usedBytes.get() + ", extents=" + values.size() + "}";
    }

    private Value lookup(final String key) throws TierException
    {
        checkOpen();
        return values.get(Keys.require(key));
    }

    private ByteBuffer allocate(final String key, final int length) throws TierException
    {
        checkOpen();
        // Fail fast before touching direct memory; install() makes the binding decision.
        final Value previous = values.get(key);
        final long room = capacityBytes - usedBytes.get() + (previous == null ? 0 : previous.length());
        if (length > room)
        {
            throw full(key, length);
        }
        final ByteBuffer reused = recycled.take(length);
        if (reused != null)
        {
            return reused;
        }
        try
        {
            return ByteBuffer.allocateDirect(length);
        }
        catch (final OutOfMemoryError ex)
        {
            throw new TierFullException(
                "direct memory exhausted storing " + length + " bytes for " + key + " (raise -XX:MaxDirectMemorySize)");
        }
    }

    /** Makes {@code buffer} (position 0, limit the length) the value of {@code key}, retiring the one it replaces. */
    private void install(final String key, final ByteBuffer buffer) throws TierException
    {
        final Value value = new Value(buffer);
        final int length = value.length();
        final Value[] replaced = new Value[1];
        try
        {
            values.compute(key, (ignored, previous) ->
            {
                final long delta = length - (previous == null ? 0L : previous.length());
                if (!reserve(delta))
                {
                    throw NoRoom.INSTANCE;
                }
                replaced[0] = previous;
                return value;
            });
        }
        catch (final NoRoom ex)
        {
            recycled.give(buffer);
            throw full(key, length);
        }
        if (replaced[0] != null)
        {
            retire(replaced[0]);
        }
        counters.bytesWritten.add(length);
    }

    /** Recycles the buffer of a value that has left the map, unless a view of it was ever handed out. */
    private void retire(final Value value)
    {
        if (value.retire())
        {
            recycled.give(value.buffer);
        }
    }

    /** Adds {@code delta} to the used bytes unless that would pass the budget; a shrink always succeeds. */
    private boolean reserve(final long delta)
    {
        while (true)
        {
            final long current = usedBytes.get();
            final long next = current + delta;
            if (delta > 0 && next > capacityBytes)
            {
                return false;
            }
            if (usedBytes.compareAndSet(current, next))
            {
                return true;
            }
        }
    }

    private TierFullException full(final String key, final long length)
    {
        return new TierFullException("memory tier full: " + length + " bytes for " + key + " do not fit in " +
            (capacityBytes - usedBytes.get()) + " free of " + capacityBytes);
    }

    private void checkOpen() throws TierException
    {
        if (closed)
        {
            throw new TierException("memory tier is closed");
        }
    }

    /**
     * A stored value and whether its buffer may be recycled: {@code state} counts the {@link #read}s copying out of it
     * (0 or more), or is {@link #EXPOSED} once a view was handed out, or {@link #RETIRED} once it left the map and went
     * back to the pool. Only 0 can become {@code RETIRED}; {@code EXPOSED} and {@code RETIRED} are final.
     */
    private static final class Value
    {
        private static final int EXPOSED = -1;
        private static final int RETIRED = -2;

        final ByteBuffer buffer;
        final ByteBuffer readOnly;
        private final AtomicInteger state = new AtomicInteger();

        Value(final ByteBuffer buffer)
        {
            this.buffer = buffer;
            this.readOnly = buffer.asReadOnlyBuffer();
        }

        int length()
        {
            return readOnly.limit();
        }

        /** Marks the buffer as handed out for good; false when it was already recycled. */
        boolean expose()
        {
            while (true)
            {
                final int current = state.get();
                if (current == EXPOSED)
                {
                    return true;
                }
                if (current == RETIRED)
                {
                    return false;
                }
                if (state.compareAndSet(current, EXPOSED))
                {
                    return true;
                }
            }
        }

        /** Holds the buffer out of the pool for one copy; false when it was already recycled. */
        boolean enter()
        {
            while (true)
            {
                final int current = state.get();
                if (current == EXPOSED)
                {
                    return true;
                }
                if (current == RETIRED)
                {
                    return false;
                }
                if (state.compareAndSet(current, current + 1))
                {
                    return true;
                }
            }
        }

        /** Ends a copy begun by a successful {@link #enter()}. */
        void exit()
        {
            while (true)
            {
                final int current = state.get();
                if (current == EXPOSED || state.compareAndSet(current, current - 1))
                {
                    return;
                }
            }
        }

        /** Claims the buffer for recycling: only when no view was ever handed out and no copy is in flight. */
        boolean retire()
        {
            return state.compareAndSet(0, RETIRED);
        }
    }

    /** Signals a failed reservation out of {@link ConcurrentHashMap#compute}; carries no stack trace. */
    private static final class NoRoom extends RuntimeException
    {
        private static final long serialVersionUID = 1L;
        private static final NoRoom INSTANCE = new NoRoom();

        private NoRoom()
        {
            super("no room", null, false, false);
        }
    }
}
