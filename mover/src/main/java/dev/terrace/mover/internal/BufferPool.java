package dev.terrace.mover.internal;

import org.agrona.BufferUtil;

import java.nio.ByteBuffer;
import java.util.ArrayList;

/**
 * Reuses off-heap assembly buffers of extents that are stored and then dropped (pushes into a sink), so that the
 * agent does not allocate and zero a fresh multi-MiB buffer per extent. Holds at most {@code maxPooledBytes}; the
 * rest is freed at once. Agent-thread only.
 */
final class BufferPool
{
    private final ArrayList<ByteBuffer> free = new ArrayList<>();
    private final long maxPooledBytes;
    private long pooledBytes;

    BufferPool(final long maxPooledBytes)
    {
        this.maxPooledBytes = maxPooledBytes;
    }

    /**
     * A buffer of at least {@code length} bytes (at most twice that, so small extents do not pin large buffers),
     * cleared. Allocates when none fits.
     */
    ByteBuffer acquire(final int length)
    {
        int best = -1;
        for (int i = 0, size = free.size(); i < size; i++)
        {
            final int capacity = free.get(i).capacity();
            if (capacity >= length && capacity / 2 <= length &&
                (best < 0 || capacity < free.get(best).capacity()))
            {
                best = i;
            }
        }
        if (best >= 0)
        {
            final ByteBuffer buffer = free.remove(best);
            pooledBytes -= buffer.capacity();
            return buffer.clear();
        }
        return ByteBuffer.allocateDirect(Math.max(length, 1));
    }

    /** Takes a buffer back; frees it when the pool is full. */
    void release(final ByteBuffer buffer)
    {
        if (pooledBytes + buffer.capacity() <= maxPooledBytes)
        {
            free.add(buffer);
            pooledBytes += buffer.capacity();
        }
        else
        {
            BufferUtil.free(buffer);
        }
    }

    /** Bytes held in the pool now. */
    long pooledBytes()
    {
        return pooledBytes;
    }

    /** Frees every pooled buffer. */
    void clear()
    {
        for (final ByteBuffer buffer : free)
        {
            BufferUtil.free(buffer);
        }
        free.clear();
        pooledBytes = 0;
    }
}
