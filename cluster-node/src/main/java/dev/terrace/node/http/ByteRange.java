package dev.terrace.node.http;

/**
 * A single HTTP byte range resolved against a value's size: {@code bytes=a-b}, {@code bytes=a-} or {@code bytes=-n}.
 * Multiple ranges are refused (the API serves one range per request).
 */
record ByteRange(long offset, long length, boolean partial)
{
    /** Thrown for a well-formed range that starts past the end (416). */
    static final class UnsatisfiableException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        UnsatisfiableException(final String message)
        {
            super(message);
        }
    }

    /**
     * @param header the Range header value, or null for the whole value.
     * @throws IllegalArgumentException for a malformed header.
     * @throws UnsatisfiableException   for a range past the end.
     */
    static ByteRange resolve(final String header, final long size)
    {
        if (header == null)
        {
            return new ByteRange(0, size, false);
        }
        final String h = header.trim();
        if (!h.startsWith("bytes="))
        {
            throw new IllegalArgumentException("Range '" + header + "': only 'bytes=' ranges are supported");
        }
        final String spec = h.substring(6).trim();
        if (spec.indexOf(',') >= 0)
        {
            throw new IllegalArgumentException("Range '" + header + "': multiple ranges are not supported");
        }
        final int dash = spec.indexOf('-');
        if (dash < 0)
        {
            throw new IllegalArgumentException("Range '" + header + "': expected first-last");
        }
        final String first = spec.substring(0, dash).trim();
        final String last = spec.substring(dash + 1).trim();
        if (first.isEmpty())
        {
            final long suffix = parse(last, header);
            if (suffix == 0)
            {
                throw new UnsatisfiableException("Range '" + header + "': empty suffix range");
            }
            final long n = Math.min(suffix, size);
            if (n == 0)
            {
                throw new UnsatisfiableException("Range '" + header + "' of an empty value");
            }
            return new ByteRange(size - n, n, true);
        }
        final long from = parse(first, header);
        final long to = last.isEmpty() ? size - 1 : parse(last, header);
        if (!last.isEmpty() && to < from)
        {
            throw new IllegalArgumentException("Range '" + header + "': last byte before first byte");
        }
        if (from >= size)
        {
            throw new UnsatisfiableException("Range '" + header + "' starts at or past the end (size " + size + ")");
        }
        final long end = Math.min(to, size - 1);
        return new ByteRange(from, end - from + 1, true);
    }

    private static long parse(final String digits, final String header)
    {
        if (digits.isEmpty() || digits.length() > 18)
        {
            throw new IllegalArgumentException("Range '" + header + "': bad byte position");
        }
        for (int i = 0; i < digits.length(); i++)
        {
            if (!Character.isDigit(digits.charAt(i)) || digits.charAt(i) > '9')
            {
                throw new IllegalArgumentException("Range '" + header + "': bad byte position");
            }
        }
        return Long.parseLong(digits);
    }
}
