package dev.terrace.client;

/**
 * The part of an object a {@code 206 Partial Content} response carries, from its {@code Content-Range} header.
 *
 * @param first      offset of the first byte sent.
 * @param last       offset of the last byte sent (inclusive).
 * @param objectSize size of the whole object, or {@code -1} when the node did not say ({@code bytes a-b/*}).
 */
public record ContentRange(long first, long last, long objectSize)
{
    /** Number of bytes in the range. */
    public long length()
    {
        return last - first + 1;
    }

    /**
     * Parses {@code bytes a-b/total} or {@code bytes a-b/*}; returns {@code null} for anything else, which the SDK
     * then treats as "range unknown" rather than failing a read that has already succeeded.
     */
    public static ContentRange parse(final String header)
    {
        if (header == null)
        {
            return null;
        }
        final String value = header.trim();
        if (!value.startsWith("bytes "))
        {
            return null;
        }
        final int dash = value.indexOf('-', 6);
        final int slash = value.indexOf('/', 6);
        if (dash < 0 || slash < dash)
        {
            return null;
        }
        try
        {
            final long first = Long.parseLong(value.substring(6, dash).trim());
            final long last = Long.parseLong(value.substring(dash + 1, slash).trim());
            final String total = value.substring(slash + 1).trim();
            final long objectSize = "*".equals(total) ? -1 : Long.parseLong(total);
            if (first < 0 || last < first || (objectSize != -1 && objectSize <= last))
            {
                return null;
            }
            return new ContentRange(first, last, objectSize);
        }
        catch (final NumberFormatException ex)
        {
            return null;
        }
    }
}
