package dev.terrace.client.internal;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32C;

/**
 * Passes a response body through while computing its CRC32C; at the end of the stream a mismatch with the ETag's
 * CRC32C surfaces as a {@link ChecksumMismatchException} instead of end-of-stream, so a reader that consumes the
 * whole body never mistakes damaged bytes for good ones.
 */
public final class VerifyingInputStream extends FilterInputStream
{
    private final long expectedCrc;
    private final long contentLength;
    private final CRC32C crc = new CRC32C();
    private long count;

    /**
     * @param in            the body.
     * @param expectedCrc   the CRC32C of the whole body.
     * @param contentLength the announced length, or {@code -1}.
     */
    public VerifyingInputStream(final InputStream in, final long expectedCrc, final long contentLength)
    {
        super(in);
        this.expectedCrc = expectedCrc;
        this.contentLength = contentLength;
    }

    @Override
    public int read() throws IOException
    {
        final int b = in.read();
        if (b < 0)
        {
            verifyAtEnd();
            return -1;
        }
        crc.update(b);
        count++;
        return b;
    }

    @Override
    public int read(final byte[] buffer, final int offset, final int length) throws IOException
    {
        final int n = in.read(buffer, offset, length);
        if (n < 0)
        {
            verifyAtEnd();
            return -1;
        }
        crc.update(buffer, offset, n);
        count += n;
        return n;
    }

    @Override
    public long skip(final long n) throws IOException
    {
        // Skipped bytes must still be checked: read them.
        final byte[] scratch = new byte[(int)Math.min(8192, Math.max(n, 1))];
        long skipped = 0;
        while (skipped < n)
        {
            final int r = read(scratch, 0, (int)Math.min(scratch.length, n - skipped));
            if (r < 0)
            {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    @Override
    public boolean markSupported()
    {
        return false;
    }

    private void verifyAtEnd() throws IOException
    {
        if (contentLength >= 0 && count != contentLength)
        {
            throw new IOException("body ended after " + count + " of " + contentLength + " announced bytes");
        }
        if (crc.getValue() != expectedCrc)
        {
            throw new ChecksumMismatchException(expectedCrc, crc.getValue(), count);
        }
    }
}
