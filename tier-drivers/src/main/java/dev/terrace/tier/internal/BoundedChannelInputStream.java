package dev.terrace.tier.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * An {@link InputStream} over {@code [position, position + count)} of a file, using positional reads so the
 * channel's own position is irrelevant. Closing the stream closes the channel.
 */
public final class BoundedChannelInputStream extends InputStream
{
    private final FileChannel channel;
    private long position;
    private long remaining;

    public BoundedChannelInputStream(final FileChannel channel, final long position, final long count)
    {
        this.channel = channel;
        this.position = position;
        this.remaining = count;
    }

    @Override
    public int read() throws IOException
    {
        final byte[] one = new byte[1];
        return read(one, 0, 1) == 1 ? one[0] & 0xFF : -1;
    }

    @Override
    public int read(final byte[] bytes, final int offset, final int length) throws IOException
    {
        if (length == 0)
        {
            return 0;
        }
        if (remaining <= 0)
        {
            return -1;
        }
        final int wanted = (int)Math.min(length, remaining);
        final int read = channel.read(ByteBuffer.wrap(bytes, offset, wanted), position);
        if (read < 0)
        {
            throw new IOException("file ended " + remaining + " bytes before the range did");
        }
        position += read;
        remaining -= read;
        return read;
    }

    @Override
    public long skip(final long count)
    {
        final long skipped = Math.max(0, Math.min(count, remaining));
        position += skipped;
        remaining -= skipped;
        return skipped;
    }

    @Override
    public int available()
    {
        return (int)Math.min(Integer.MAX_VALUE, remaining);
    }

    @Override
    public void close() throws IOException
    {
        channel.close();
    }
}
