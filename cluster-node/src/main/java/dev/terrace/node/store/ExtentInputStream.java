package dev.terrace.node.store;

import dev.terrace.tier.TierKind;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * The bytes {@code [offset, offset + length)} of one item version, read extent by extent from the fastest tier that
 * holds each. Only one extent is held at a time, so a 2 GiB object streams through a few MiB of memory.
 */
final class ExtentInputStream extends InputStream
{
    private final NodeStore store;
    private final ItemMeta meta;
    private final long end;
    private long position;
    private ByteBuffer current;

    ExtentInputStream(final NodeStore store, final ItemMeta meta, final long offset, final long length)
    {
        this.store = store;
        this.meta = meta;
        this.position = offset;
        this.end = offset + length;
    }

    /** Loads the first extent now and returns the tier it came from. */
    TierKind prefetchFirst()
    {
        return load();
    }

    @Override
    public int read() throws IOException
    {
        final byte[] one = new byte[1];
        final int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(final byte[] buffer, final int offset, final int len) throws IOException
    {
        if (position >= end)
        {
            return -1;
        }
        if (current == null || !current.hasRemaining())
        {
            try
            {
                load();
            }
            catch (final StoreException ex)
            {
                throw new IOException(ex.getMessage(), ex);
            }
        }
        final int n = (int)Math.min(len, Math.min(current.remaining(), end - position));
        current.get(buffer, offset, n);
        position += n;
        return n;
    }

    @Override
    public long skip(final long n)
    {
        final long skipped = Math.max(0, Math.min(n, end - position));
        position += skipped;
        current = null;
        return skipped;
    }

    private TierKind load()
    {
        final int index = (int)(position / meta.extentSize());
        final NodeStore.ExtentRead read = store.readExtent(meta, index);
        final ByteBuffer bytes = read.bytes().duplicate();
        final int within = (int)(position - meta.extentOffset(index));
        bytes.position(bytes.position() + within);
        current = bytes;
        return read.tier();
    }
}
