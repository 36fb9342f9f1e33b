package dev.terrace.tier;

import dev.terrace.tier.internal.ByteBufferInputStream;
import dev.terrace.tier.internal.Keys;
import dev.terrace.tier.internal.Ranges;
import dev.terrace.tier.internal.Streams;
import dev.terrace.tier.internal.TierCounters;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The off-heap memory tier: every value lives in its own direct {@link ByteBuffer}, outside the Java heap.
 * <p>
 * A get returns a read-only view of that buffer, so the read path copies nothing. A buffer is never reused: a put
 * allocates a fresh one and a replace or delete only drops the map's reference, so a view handed to a reader stays
 * valid (and unchanged) until the reader lets go of it and the garbage collector frees the memory.
 * <p>
 * The byte budget counts payload bytes. A put that would exceed it fails with {@link TierFullException} and stores
 * nothing; replacing a value only needs room for the difference in size. Direct memory is also bounded by the JVM's
 * {@code -XX:MaxDirectMemorySize}, so size that flag above the budget (plus whatever else the process allocates).
 * <p>
 * Thread-safe: reads are lock-free map lookups; a put copies its bytes before it touches the map.
 */
public final class MemoryTier implements TierDriver
{
    private final long capacityBytes;
    private final ConcurrentHashMap<String, ByteBuffer> values = new ConcurrentHashMap<>();
    private final AtomicLong usedBytes = new AtomicLong();
    private final TierCounters counters = new TierCounters();
    private volatile boolean closed;

    /**
     * @param capacityBytes the payload byte budget, greater than zero.
     */
    public MemoryTier(final long capacityBytes)
    {
        if (capacityBytes <= 0)
        {
            throw new IllegalArgumentException("capacityBytes must be > 0: " + capacityBytes);
        }
        this.capacityBytes = capacityBytes;
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
            throw new TierException("reading the value for " + key + " failed: " + ex.getMessage(), ex);
        }
        install(key, copy.flip());
    }

    @Override
    public ByteBuffer get(final String key, final long offset, final long length) throws TierException
    {
        Ranges.check(offset, length);
        final ByteBuffer value = lookup(key);
        if (value == null)
        {
            counters.miss();
            return null;
        }
        final int count = (int)Ranges.count(value.limit(), offset, length);
        counters.hit(count);
        return count == 0 ? value.slice(0, 0) : value.slice((int)offset, count);
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
        final ByteBuffer value = lookup(key);
        return value == null ? -1 : value.limit();
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
        final ByteBuffer removed = values.remove(Keys.require(key));
        if (removed == null)
        {
            return false;
        }
        usedBytes.addAndGet(-removed.limit());
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

    /** Drops every value; readers keep the views they already hold. */
    @Override
    public void close()
    {
        closed = true;
        values.clear();
        usedBytes.set(0);
    }

    @Override
    public String toString()
    {
        return "MemoryTier{capacity=" + capacityBytes + ", used=" + usedBytes.get() + ", extents=" + values.size() + "}";
    }

    private ByteBuffer lookup(final String key) throws TierException
    {
        checkOpen();
        return values.get(Keys.require(key));
    }

    private ByteBuffer allocate(final String key, final int length) throws TierException
    {
        checkOpen();
        // Fail fast before touching direct memory; install() makes the binding decision.
        final ByteBuffer previous = values.get(key);
        final long room = capacityBytes - usedBytes.get() + (previous == null ? 0 : previous.limit());
        if (length > room)
        {
            throw full(key, length);
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

    private void install(final String key, final ByteBuffer value) throws TierException
    {
        final ByteBuffer readOnly = value.asReadOnlyBuffer();
        final int length = readOnly.limit();
        try
        {
            values.compute(key, (ignored, previous) ->
            {
                final long delta = length - (previous == null ? 0L : previous.limit());
                if (!reserve(delta))
                {
                    throw NoRoom.INSTANCE;
                }
                return readOnly;
            });
        }
        catch (final NoRoom ex)
        {
            throw full(key, length);
        }
        counters.bytesWritten.add(length);
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
