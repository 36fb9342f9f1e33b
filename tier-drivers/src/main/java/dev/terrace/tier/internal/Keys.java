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

    /**
     * Rejects a key that is not a canonical relative path: empty, {@code .} or {@code ..} segments, a leading or
     * trailing {@code /}, a backslash or a control character. Such a key could name something outside a tier's root
     * once a tool resolves it as a path.
     */
    public static String requireCanonical(final String key) throws TierException
    {
        require(key);
        for (int i = 0; i < key.length(); i++)
        {
            final char c = key.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\\')
            {
                throw new TierException("key must not contain control characters or '\\': " + key);
            }
        }
        int start = 0;
        while (start <= key.length())
        {
            int end = key.indexOf('/', start);
            if (end < 0)
            {
                end = key.length();
            }
            final String segment = key.substring(start, end);
            if (segment.isEmpty() || segment.equals(".") || segment.equals(".."))
            {
                throw new TierException("key must be canonical (no empty, '.' or '..' segments, no leading or " +
                    "trailing '/'): " + key);
            }
            start = end + 1;
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
