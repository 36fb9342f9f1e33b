package dev.terrace.client.internal;

import dev.terrace.protocol.SlotHash;

/**
 * What a single-item request is routed by: the 64-bit slot hash of its object or KV block name
 * ({@link SlotHash}), computed once per call and reduced to a slot for whatever slot count the current map has.
 */
public final class RouteKey
{
    private final long hash;

    private RouteKey(final long hash)
    {
        this.hash = hash;
    }

    /** The key of object {@code bucket/key}. */
    public static RouteKey object(final String bucket, final String key)
    {
        return new RouteKey(SlotHash.objectHash(bucket, key));
    }

    /** The key of KV block {@code namespace/hash}. */
    public static RouteKey block(final String namespace, final long blockHash)
    {
        return new RouteKey(SlotHash.kvHash(namespace, blockHash));
    }

    /** The slot in a space of {@code slots} slots: the hash as an unsigned value, mod {@code slots}. */
    public int slot(final int slots)
    {
        return (int)Long.remainderUnsigned(hash, slots);
    }

    @Override
    public String toString()
    {
        return "RouteKey[" + Long.toUnsignedString(hash, 16) + "]";
    }
}
