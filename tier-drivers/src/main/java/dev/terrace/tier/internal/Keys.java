package dev.terrace.tier.internal;

import dev.terrace.tier.TierException;

/**
 * Argument checks shared by the drivers.
 */
public final class Keys
{
    private Keys()
    {
    }

    /** Rejects a null or empty key. */
    public static String require(final String key) throws TierException
    {
        if (key == null || key.isEmpty())
        {
            throw new TierException("key must not be empty");
        }
        return key;
    }

    /** Rejects a negative stream length. */
    public static void requireLength(final long length)
    {
        if (length < 0)
        {
            throw new IllegalArgumentException("length must be >= 0: " + length);
        }
    }
}
