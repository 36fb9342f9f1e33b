package dev.terrace.tier.internal;

import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * An {@link InputStream} over the remaining bytes of a buffer, reading in bulk (never byte by byte on the hot path).
 * The stream owns a duplicate of the buffer, so the caller's position and limit are untouched.
 */
public final class ByteBufferInputStream extends InputStream
{
    private final ByteBuffer buffer;

    public ByteBufferInputStream(final ByteBuffer buffer)
    {
        this.buffer = buffer.duplicate();
    }

    @Override
    public int read()
    {
        return buffer.hasRemaining() ? buffer.get() & 0xFF : -1;
    }

    @Override
    public int read(final byte[] bytes, final int offset, final int length)
    {
        if (length == 0)
        {
            return 0;
        }
        final int remaining = buffer.remaining();
        if (remaining == 0)
        {
            return -1;
        }
        final int count = Math.min(length, remaining);
        buffer.get(bytes, offset, count);
        return count;
    }

    @Override
    public long skip(final long count)
    {
        if (count <= 0)
        {
            return 0;
        }
        final int skipped = (int)Math.min(count, buffer.remaining());
        buffer.position(buffer.position() + skipped);
        return skipped;
    }

    @Override
    public int available()
    {
        return buffer.remaining();
    }
}
