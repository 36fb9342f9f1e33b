package dev.terrace.client.internal;

import dev.terrace.protocol.Names;

import java.nio.charset.StandardCharsets;

/**
 * Builds the request targets of the HTTP API. Names are validated before this point; here they are only
 * percent-encoded. Everything but the RFC 3986 unreserved characters is encoded as UTF-8 {@code %XX}, so the node's
 * single percent-decoding gives back the exact name, whatever characters it holds; a key keeps its {@code /}.
 */
public final class PathCodec
{
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private PathCodec()
    {
    }

    /** {@code /v1/objects/{bucket}/{key}}. */
    public static String objectPath(final String bucket, final String key)
    {
        return "/v1/objects/" + encode(bucket, false) + "/" + encode(key, true);
    }

    /** {@code /v1/objects/{bucket}?prefix=..[&limit=n]}; a {@code limit} below 1 is left to the node. */
    public static String listPath(final String bucket, final String prefix, final int limit)
    {
        final StringBuilder target = new StringBuilder(64)
            .append("/v1/objects/").append(encode(bucket, false))
            .append("?prefix=").append(encode(prefix, false));
        if (limit > 0)
        {
            target.append("&limit=").append(limit);
        }
        return target.toString();
    }

    /** {@code /v1/kv/{namespace}/{hash}} with the hash as an unsigned decimal. */
    public static String blockPath(final String namespace, final long hash)
    {
        return "/v1/kv/" + encode(namespace, false) + "/" + Names.formatHash(hash);
    }

    /** {@code /v1/kv/{namespace}/lookup}. */
    public static String lookupPath(final String namespace)
    {
        return "/v1/kv/" + encode(namespace, false) + "/lookup";
    }

    /**
     * Percent-encodes {@code value} as UTF-8, leaving only unreserved characters (and {@code /} when
     * {@code keepSlash}) as they are.
     */
    public static String encode(final String value, final boolean keepSlash)
    {
        final byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        final StringBuilder out = new StringBuilder(utf8.length + 16);
        for (final byte b : utf8)
        {
            final int c = b & 0xff;
            if (isUnreserved(c) || (keepSlash && c == '/'))
            {
                out.append((char)c);
            }
            else
            {
                out.append('%').append(HEX[c >>> 4]).append(HEX[c & 0xf]);
            }
        }
        return out.toString();
    }

    private static boolean isUnreserved(final int c)
    {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~';
    }
}
