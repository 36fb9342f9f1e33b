package dev.terrace.protocol;

import java.nio.charset.StandardCharsets;

/**
 * Validation rules for bucket names, object keys, KV namespaces and KV block hashes.
 * <p>
 * These rules are what keeps a name from escaping the flash or capacity directories, so the node
 * checks every name with them before it touches a tier. They are documented in {@code docs/names.md}.
 * <ul>
 *   <li>bucket: 3-63 characters of {@code [a-z0-9.-]}, starting and ending with a letter or digit,
 *       no {@code ..} (the S3 rules, so a bucket maps onto S3 unchanged);</li>
 *   <li>key: 1-1024 UTF-8 bytes, no control characters, no backslash, does not start with {@code /},
 *       and no {@code /}-separated segment is empty, {@code .} or {@code ..};</li>
 *   <li>namespace: 1-63 characters of {@code [a-z0-9._-]}, starting with a letter or digit, no {@code ..};</li>
 *   <li>hash: an unsigned 64-bit integer in decimal (1-20 digits, at most 18446744073709551615).</li>
 * </ul>
 */
public final class Names
{
    public static final int MAX_KEY_BYTES = 1024;

    private Names()
    {
    }

    /** Returns null when {@code bucket} is valid, otherwise why it is not. */
    public static String bucketProblem(final String bucket)
    {
        if (bucket == null || bucket.length() < 3 || bucket.length() > 63)
        {
            return "bucket name must be 3-63 characters";
        }
        for (int i = 0; i < bucket.length(); i++)
        {
            final char c = bucket.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-'))
            {
                return "bucket name may contain only a-z, 0-9, '.' and '-'";
            }
        }
        if (!isAlnum(bucket.charAt(0)) || !isAlnum(bucket.charAt(bucket.length() - 1)))
        {
            return "bucket name must start and end with a letter or digit";
        }
        if (bucket.contains(".."))
        {
            return "bucket name must not contain '..'";
        }
        return null;
    }

    /** Returns null when {@code key} is valid, otherwise why it is not. */
    public static String keyProblem(final String key)
    {
        if (key == null || key.isEmpty())
        {
            return "object key must not be empty";
        }
        if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES)
        {
            return "object key must be at most " + MAX_KEY_BYTES + " UTF-8 bytes";
        }
        for (int i = 0; i < key.length(); i++)
        {
            final char c = key.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\\')
            {
                return "object key must not contain control characters or '\\'";
            }
            if (Character.isSurrogate(c) &&
                !(Character.isHighSurrogate(c) && i + 1 < key.length() && Character.isLowSurrogate(key.charAt(i + 1))))
            {
                if (!(Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(key.charAt(i - 1))))
                {
                    return "object key must be valid UTF-16 (unpaired surrogate)";
                }
            }
        }
        if (key.charAt(0) == '/')
        {
            return "object key must not start with '/'";
        }
        for (final String segment : key.split("/", -1))
        {
            if (segment.isEmpty() || segment.equals(".") || segment.equals(".."))
            {
                return "object key segments must not be empty, '.' or '..'";
            }
        }
        return null;
    }

    /** Returns null when {@code namespace} is valid, otherwise why it is not. */
    public static String namespaceProblem(final String namespace)
    {
        if (namespace == null || namespace.isEmpty() || namespace.length() > 63)
        {
            return "namespace must be 1-63 characters";
        }
        for (int i = 0; i < namespace.length(); i++)
        {
            final char c = namespace.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_'))
            {
                return "namespace may contain only a-z, 0-9, '.', '-' and '_'";
            }
        }
        if (!isAlnum(namespace.charAt(0)))
        {
            return "namespace must start with a letter or digit";
        }
        if (namespace.contains(".."))
        {
            return "namespace must not contain '..'";
        }
        return null;
    }

    /**
     * Parses a KV block hash written as an unsigned 64-bit decimal.
     *
     * @throws IllegalArgumentException saying why when it is not one.
     */
    public static long parseHash(final String hash)
    {
        if (hash == null || hash.isEmpty() || hash.length() > 20)
        {
            throw new IllegalArgumentException("block hash must be an unsigned 64-bit decimal (1-20 digits)");
        }
        for (int i = 0; i < hash.length(); i++)
        {
            final char c = hash.charAt(i);
            if (c < '0' || c > '9')
            {
                throw new IllegalArgumentException("block hash must be an unsigned 64-bit decimal (digits only)");
            }
        }
        try
        {
            return Long.parseUnsignedLong(hash);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("block hash exceeds the unsigned 64-bit range");
        }
    }

    /** Formats a block hash the way {@link #parseHash(String)} reads it. */
    public static String formatHash(final long hash)
    {
        return Long.toUnsignedString(hash);
    }

    private static boolean isAlnum(final char c)
    {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }
}
