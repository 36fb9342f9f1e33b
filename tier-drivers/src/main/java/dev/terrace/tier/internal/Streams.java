package dev.terrace.tier.internal;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * Bulk copies from an {@link InputStream} into buffers, through one reusable heap chunk per call.
 */
public final class Streams
{
    /** Chunk size for stream-to-buffer copies: large enough to amortise the calls, small enough for any heap. */
    public static final int CHUNK_SIZE = 64 * 1024;

    private Streams()
    {
    }

    /**
     * Fills {@code destination} from its position to its limit with bytes from {@code in}.
     *
     * @throws EOFException when the stream ends first.
     */
    public static void readFully(final InputStream in, final ByteBuffer destination) throws IOException
    {
        final byte[] chunk = new byte[Math.min(CHUNK_SIZE, Math.max(1, destination.remaining()))];
        readFully(in, destination, chunk);
    }

    /** As {@link #readFully(InputStream, ByteBuffer)}, with a caller-supplied chunk. */
    public static void readFully(final InputStream in, final ByteBuffer destination, final byte[] chunk)
        throws IOException
    {
        while (destination.hasRemaining())
        {
            final int read = in.read(chunk, 0, Math.min(chunk.length, destination.remaining()));
            if (read < 0)
            {
                throw new EOFException("stream ended " + destination.remaining() + " bytes early");
            }
            destination.put(chunk, 0, read);
        }
    }
}
