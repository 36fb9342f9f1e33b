package dev.terrace.tier.internal;

/**
 * Resolves the {@code (offset, length)} arguments of a ranged read against a value's size, per the
 * {@code TierDriver#get} contract: {@code length == -1} means "to the end" and a range past the end is cut at the end.
 */
public final class Ranges
{
    private Ranges()
    {
    }

    /** Rejects arguments no caller should pass: a negative offset, or a length below -1. */
    public static void check(final long offset, final long length)
    {
        if (offset < 0)
        {
            throw new IllegalArgumentException("offset must be >= 0: " + offset);
        }
        if (length < -1)
        {
            throw new IllegalArgumentException("length must be >= 0, or -1 for 'to the end': " + length);
        }
    }

    /** The number of bytes a read of {@code [offset, offset + length)} returns from a value of {@code size} bytes. */
    public static long count(final long size, final long offset, final long length)
    {
        if (offset >= size)
        {
            return 0;
        }
        final long available = size - offset;
        return length == -1 ? available : Math.min(length, available);
    }
}
