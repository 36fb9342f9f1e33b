package dev.terrace.client;

/**
 * A byte range of an object to read, sent as an HTTP {@code Range} header. Immutable.
 * <ul>
 *   <li>{@link #of(long, long)}: {@code length} bytes from {@code offset} ({@code bytes=a-b});</li>
 *   <li>{@link #from(long)}: everything from {@code offset} to the end ({@code bytes=a-});</li>
 *   <li>{@link #lastBytes(long)}: the final {@code n} bytes ({@code bytes=-n}).</li>
 * </ul>
 * A range that ends past the end of the object is cut at the end; one that starts past the end fails with an
 * {@link InvalidRequestException} of status 416.
 */
public final class ByteRange
{
    private static final long OPEN = -1;

    private final long first;
    private final long last;
    private final long suffixLength;

    private ByteRange(final long first, final long last, final long suffixLength)
    {
        this.first = first;
        this.last = last;
        this.suffixLength = suffixLength;
    }

    /**
     * {@code length} bytes starting at {@code offset}.
     *
     * @throws InvalidRequestException when {@code offset < 0}, {@code length < 1} or the end overflows a long.
     */
    public static ByteRange of(final long offset, final long length)
    {
        if (offset < 0)
        {
            throw invalid("range offset must not be negative: " + offset);
        }
        if (length < 1)
        {
            throw invalid("range length must be at least 1: " + length);
        }
        if (offset > Long.MAX_VALUE - length)
        {
            throw invalid("range end overflows: offset " + offset + " + length " + length);
        }
        return new ByteRange(offset, offset + length - 1, OPEN);
    }

    /**
     * Everything from {@code offset} to the end of the object.
     *
     * @throws InvalidRequestException when {@code offset < 0}.
     */
    public static ByteRange from(final long offset)
    {
        if (offset < 0)
        {
            throw invalid("range offset must not be negative: " + offset);
        }
        return new ByteRange(offset, OPEN, OPEN);
    }

    /**
     * The last {@code length} bytes of the object (all of it when it is shorter).
     *
     * @throws InvalidRequestException when {@code length < 1}.
     */
    public static ByteRange lastBytes(final long length)
    {
        if (length < 1)
        {
            throw invalid("suffix range length must be at least 1: " + length);
        }
        return new ByteRange(OPEN, OPEN, length);
    }

    /** The value of the {@code Range} request header, e.g. {@code bytes=0-1023}. */
    public String toHeaderValue()
    {
        if (suffixLength != OPEN)
        {
            return "bytes=-" + suffixLength;
        }
        if (last == OPEN)
        {
            return "bytes=" + first + "-";
        }
        return "bytes=" + first + "-" + last;
    }

    @Override
    public boolean equals(final Object other)
    {
        if (!(other instanceof ByteRange))
        {
            return false;
        }
        final ByteRange that = (ByteRange)other;
        return first == that.first && last == that.last && suffixLength == that.suffixLength;
    }

    @Override
    public int hashCode()
    {
        return Long.hashCode(first) * 31 * 31 + Long.hashCode(last) * 31 + Long.hashCode(suffixLength);
    }

    @Override
    public String toString()
    {
        return toHeaderValue();
    }

    private static InvalidRequestException invalid(final String message)
    {
        return new InvalidRequestException(TerraceException.NO_STATUS, "invalid_range", message);
    }
}
