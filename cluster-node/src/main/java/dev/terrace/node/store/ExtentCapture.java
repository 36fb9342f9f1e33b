package dev.terrace.node.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Reads a request body of a known length and cuts it into extents as the bytes pass, computing the CRC32C of the
 * whole value. It is itself an {@link InputStream}, so a tier driver can consume the body (a write-through into the
 * capacity tier) while the extents are cached on the way. A body that ends early or breaks is remembered, so the
 * caller reports a truncated upload rather than a tier failure.
 */
final class ExtentCapture extends InputStream
{
    /** Receives each completed extent (the buffer is reused after the call returns). */
    @FunctionalInterface
    interface ExtentSink
    {
        void accept(int index, ByteBuffer bytes);
    }

    private final InputStream body;
    private final long length;
    private final ByteBuffer extent;
    private final CRC32C crc = new CRC32C();
    private final byte[] one = new byte[1];
    private ExtentSink sink = (i, b) ->
    {
    };
    private long consumed;
    private int extentIndex;
    private IOException bodyFailure;

    ExtentCapture(final InputStream body, final long length, final int extentSize)
    {
        this.body = body;
        this.length = length;
        this.extent = ByteBuffer.allocateDirect((int)Math.max(1, Math.min(extentSize, length)));
    }

    void onExtent(final ExtentSink sink)
    {
        this.sink = sink;
    }

    /** Reads the whole body through the extent sink. */
    void drain()
    {
        final byte[] chunk = new byte[64 * 1024];
        try
        {
            while (read(chunk, 0, chunk.length) >= 0)
            {
                // the sink does the work
            }
        }
        catch (final IOException ex)
        {
            rethrowIfBodyFailed();
            throw new StoreException(StoreException.Reason.TRUNCATED, "request body failed: " + ex.getMessage(), ex);
        }
        rethrowIfBodyFailed();
        requireComplete();
    }

    void rethrowIfBodyFailed()
    {
        if (bodyFailure != null)
        {
            throw new StoreException(StoreException.Reason.TRUNCATED,
                "request body ended after " + consumed + " of " + length + " bytes; nothing was stored", bodyFailure);
        }
    }

    void requireComplete()
    {
        if (consumed != length)
        {
            throw new StoreException(StoreException.Reason.TRUNCATED,
                "request body ended after " + consumed + " of " + length + " bytes; nothing was stored");
        }
    }

    /**
     * Reads the body's end-of-stream after the announced bytes, so the HTTP layer sees the request complete before
     * the answer goes out (an answer sent earlier makes the server close the connection).
     */
    void awaitBodyEnd()
    {
        try
        {
            if (body.read() >= 0)
            {
                throw new StoreException(StoreException.Reason.TRUNCATED, "request body is longer than announced");
            }
        }
        catch (final IOException ex)
        {
            throw new StoreException(StoreException.Reason.TRUNCATED, "request body failed at its end: " + ex.getMessage(), ex);
        }
    }

    int crc32c()
    {
        return (int)crc.getValue();
    }

    @Override
    public int read() throws IOException
    {
        final int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(final byte[] buffer, final int offset, final int len) throws IOException
    {
        if (consumed == length)
        {
            return -1;
        }
        final int want = (int)Math.min(len, Math.min(length - consumed, extent.remaining()));
        final int n;
        try
        {
            n = body.read(buffer, offset, want);
        }
        catch (final IOException ex)
        {
            bodyFailure = ex;
            throw ex;
        }
        if (n < 0)
        {
            bodyFailure = new IOException("body ended after " + consumed + " of " + length + " bytes");
            throw bodyFailure;
        }
        crc.update(buffer, offset, n);
        extent.put(buffer, offset, n);
        consumed += n;
        if (!extent.hasRemaining() || consumed == length)
        {
            extent.flip();
            sink.accept(extentIndex++, extent);
            extent.clear();
        }
        return n;
    }

    @Override
    public void close() throws IOException
    {
        body.close();
    }
}
