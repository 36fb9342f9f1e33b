package dev.terrace.mover;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small in-memory extent store for tests: an {@link ExtentSource} and {@link ExtentSink} over a map of
 * direct buffers. Stores copy, reads return read-only views, like a memory tier.
 */
final class MapExtentStore implements ExtentSource, ExtentSink
{
    final Map<String, ByteBuffer> values = new ConcurrentHashMap<>();
    final AtomicInteger stores = new AtomicInteger();
    final AtomicInteger reads = new AtomicInteger();

    @Override
    public ByteBuffer read(final String key, final long offset, final long length)
    {
        reads.incrementAndGet();
        final ByteBuffer value = values.get(key);
        if (null == value)
        {
            return null;
        }
        final int start = (int)Math.min(offset, value.capacity());
        final int end = length < 0 ? value.capacity() : (int)Math.min(value.capacity(), offset + length);
        return value.duplicate().limit(end).position(start).slice().asReadOnlyBuffer();
    }

    @Override
    public void store(final String key, final ByteBuffer extent)
    {
        final ByteBuffer copy = ByteBuffer.allocateDirect(extent.remaining());
        copy.put(extent.duplicate()).flip();
        values.put(key, copy);
        stores.incrementAndGet();
    }

    void put(final String key, final byte[] bytes)
    {
        final ByteBuffer copy = ByteBuffer.allocateDirect(bytes.length);
        copy.put(bytes).flip();
        values.put(key, copy);
    }

    byte[] get(final String key)
    {
        final ByteBuffer value = values.get(key);
        if (null == value)
        {
            return null;
        }
        final byte[] bytes = new byte[value.remaining()];
        value.duplicate().get(bytes);
        return bytes;
    }
}
