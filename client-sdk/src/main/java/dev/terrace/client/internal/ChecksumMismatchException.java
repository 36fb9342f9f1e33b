package dev.terrace.client.internal;

import java.io.IOException;

/**
 * Received bytes do not match the CRC32C in the response's {@code ETag}: they were damaged on the way. Retried like
 * any other broken transfer.
 */
public final class ChecksumMismatchException extends IOException
{
    private static final long serialVersionUID = 1L;

    public ChecksumMismatchException(final long expected, final long actual, final long length)
    {
        super(String.format("CRC32C mismatch over %d received bytes: ETag says %08x, bytes have %08x",
            length, expected, actual));
    }
}
