package dev.terrace.protocol;

import java.nio.charset.StandardCharsets;

/**
 * Maps names onto the fixed slot space: {@code slot = hash(bucket, key) mod S}.
 * <p>
 * The node and the SDK must agree on this function bit for bit, so it lives here and nowhere else.
 * It is 64-bit FNV-1a over the UTF-8 bytes of {@code bucket '\0' key} (or {@code namespace '\0' hash} as
 * 8 little-endian bytes for KV blocks), finished with the MurmurHash3 fmix64 avalanche so that
 * consecutive KV hashes spread evenly. It is fixed for a cluster's life; changing it moves every slot.
 */
public final class SlotHash
{
    /** Default slot count S, fixed for a cluster's life. */
    public static final int DEFAULT_SLOTS = 1024;

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private SlotHash()
    {
    }

    /** 64-bit hash of an object name. */
    public static long objectHash(final String bucket, final String key)
    {
        long h = FNV_OFFSET;
        h = fnv(h, bucket.getBytes(StandardCharsets.UTF_8));
        h = (h ^ 0) * FNV_PRIME;
        h = fnv(h, key.getBytes(StandardCharsets.UTF_8));
        return fmix64(h);
    }

    /** 64-bit hash of a KV block name. */
    public static long kvHash(final String namespace, final long blockHash)
    {
        long h = FNV_OFFSET;
        h = fnv(h, namespace.getBytes(StandardCharsets.UTF_8));
        h = (h ^ 0) * FNV_PRIME;
        for (int i = 0; i < 8; i++)
        {
            h = (h ^ ((blockHash >>> (8 * i)) & 0xff)) * FNV_PRIME;
        }
        return fmix64(h);
    }

    /** The slot of an object in a space of {@code slots} slots. */
    public static int objectSlot(final String bucket, final String key, final int slots)
    {
        return (int)Long.remainderUnsigned(objectHash(bucket, key), slots);
    }

    /** The slot of a KV block in a space of {@code slots} slots. */
    public static int kvSlot(final String namespace, final long blockHash, final int slots)
    {
        return (int)Long.remainderUnsigned(kvHash(namespace, blockHash), slots);
    }

    private static long fnv(long h, final byte[] bytes)
    {
        for (final byte b : bytes)
        {
            h = (h ^ (b & 0xff)) * FNV_PRIME;
        }
        return h;
    }

    private static long fmix64(long k)
    {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb93e53b5a5c3L;
        k ^= k >>> 33;
        return k;
    }
}
