package dev.terrace.client.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The body of a request, in a form any transport can send. Every body knows its length up front (the node needs a
 * {@code Content-Length}) and whether it can be sent again on a retry.
 */
public sealed interface RequestBody
    permits RequestBody.Empty, RequestBody.Bytes, RequestBody.Buffer, RequestBody.File, RequestBody.Stream
{
    /** The empty body. */
    Empty EMPTY = new Empty();

    /** Bytes the body holds. */
    long length();

    /** Whether the body can be sent again from its start. */
    boolean replayable();

    /** No body. */
    record Empty() implements RequestBody
    {
        @Override
        public long length()
        {
            return 0;
        }

        @Override
        public boolean replayable()
        {
            return true;
        }
    }

    /** A slice of an array; never copied. */
    record Bytes(byte[] array, int offset, int count) implements RequestBody
    {
        @Override
        public long length()
        {
            return count;
        }

        @Override
        public boolean replayable()
        {
            return true;
        }
    }

    /** The bytes between a buffer's position and limit, held as a read-only view so sending never moves them. */
    record Buffer(ByteBuffer view) implements RequestBody
    {
        public Buffer
        {
            view = view.asReadOnlyBuffer();
        }

        @Override
        public long length()
        {
            return view.remaining();
        }

        @Override
        public boolean replayable()
        {
            return true;
        }
    }

    /** A file, streamed from disk. */
    record File(Path path, long length) implements RequestBody
    {
        @Override
        public boolean replayable()
        {
            return true;
        }
    }

    /** Exactly {@code length} bytes of a caller's stream; replayable only while none has been read. */
    record Stream(CountingInputStream input, long length) implements RequestBody
    {
        @Override
        public boolean replayable()
        {
            return input.bytesRead() == 0;
        }
    }

    /**
     * Reads at most {@code limit} bytes of a caller's stream and counts them; closing it leaves the caller's stream
     * open (the caller owns it).
     */
    final class CountingInputStream extends InputStream
    {
        private final InputStream in;
        private final long limit;
        private long bytesRead;
        private boolean endedEarly;

        public CountingInputStream(final InputStream in, final long limit)
        {
            this.in = in;
            this.limit = limit;
        }

        /** Bytes handed out so far. */
        public synchronized long bytesRead()
        {
            return bytesRead;
        }

        /** Whether the caller's stream ended before {@code limit} bytes. */
        public synchronized boolean endedEarly()
        {
            return endedEarly;
        }

        @Override
        public synchronized int read() throws IOException
        {
            if (bytesRead >= limit)
            {
                return -1;
            }
            final int b = in.read();
            if (b < 0)
            {
                endedEarly = true;
                return -1;
            }
            bytesRead++;
            return b;
        }

        @Override
        public synchronized int read(final byte[] buffer, final int offset, final int length) throws IOException
        {
            if (length == 0)
            {
                return 0;
            }
            if (bytesRead >= limit)
            {
                return -1;
            }
            final int n = in.read(buffer, offset, (int)Math.min(length, limit - bytesRead));
            if (n < 0)
            {
                endedEarly = true;
                return -1;
            }
            bytesRead += n;
            return n;
        }

        @Override
        public void close()
        {
            // The caller opened the stream and closes it.
        }
    }
}
