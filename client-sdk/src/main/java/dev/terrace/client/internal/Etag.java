package dev.terrace.client.internal;

/**
 * The node's entity tags: {@code "<crc32c hex>-<size hex>"}, the CRC32C of the whole object and its size
 * (see {@code docs/http-api.md}). The SDK strips the quotes for callers and, when a response carries the whole
 * object, checks the received bytes against the CRC32C.
 */
public final class Etag
{
    /** Sentinel for "no checksum known". */
    public static final long NO_CRC = -1;

    private Etag()
    {
    }

    /** The tag without a weak prefix or surrounding quotes; {@code null} stays {@code null}. */
    public static String normalize(final String etag)
    {
        if (etag == null)
        {
            return null;
        }
        String tag = etag.trim();
        if (tag.startsWith("W/"))
        {
            tag = tag.substring(2);
        }
        if (tag.length() >= 2 && tag.charAt(0) == '"' && tag.charAt(tag.length() - 1) == '"')
        {
            tag = tag.substring(1, tag.length() - 1);
        }
        return tag;
    }

    /**
     * The CRC32C a whole-object body of {@code contentLength} bytes must have, or {@link #NO_CRC} when the tag is
     * absent, not of the node's form, or names another size (then there is nothing to check against).
     */
    public static long expectedCrc(final String etag, final long contentLength)
    {
        final String tag = normalize(etag);
        if (tag == null)
        {
            return NO_CRC;
        }
        final int dash = tag.lastIndexOf('-');
        if (dash < 1 || dash > 8 || dash == tag.length() - 1 || tag.length() - dash - 1 > 16)
        {
            return NO_CRC;
        }
        try
        {
            final long crc = Long.parseLong(tag.substring(0, dash), 16);
            final long size = Long.parseUnsignedLong(tag.substring(dash + 1), 16);
            if (contentLength >= 0 && size != contentLength)
            {
                return NO_CRC;
            }
            return crc;
        }
        catch (final NumberFormatException ex)
        {
            return NO_CRC;
        }
    }
}
