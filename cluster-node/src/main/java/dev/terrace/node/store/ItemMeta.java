package dev.terrace.node.store;

import dev.terrace.protocol.Durability;

/**
 * The metadata of one committed version of an object or KV block: everything needed to find its extents.
 *
 * @param kind        object or KV block.
 * @param container   bucket or namespace.
 * @param name        object key, or block hash as unsigned decimal.
 * @param size        bytes.
 * @param extentSize  bytes per extent (the last one shorter); a KV block is one extent.
 * @param generation  unique per write, so a replacing write never touches the extents a reader may be using.
 * @param crc32c      CRC32C of the whole value (the ETag).
 * @param durability  the class it was acknowledged in.
 * @param createdMillis wall-clock time of the write.
 */
public record ItemMeta(
    ItemKind kind,
    String container,
    String name,
    long size,
    int extentSize,
    long generation,
    int crc32c,
    Durability durability,
    long createdMillis)
{
    /** The index key: {@code o/bucket/key} or {@code k/namespace/hash}. */
    public String indexKey()
    {
        return indexKey(kind, container, name);
    }

    /** The index key of an item. */
    public static String indexKey(final ItemKind kind, final String container, final String name)
    {
        return (kind == ItemKind.OBJECT ? "o/" : "k/") + container + '/' + name;
    }

    /** Where the whole value lives in the capacity tier: {@code bucket/key} or {@code .kv/namespace/hash}. */
    public String capacityKey()
    {
        return kind == ItemKind.OBJECT ? container + '/' + name : ".kv/" + container + '/' + name;
    }

    /** Number of extents. */
    public int extentCount()
    {
        return size == 0 ? 0 : (int)((size + extentSize - 1) / extentSize);
    }

    /** Tier key of extent {@code index} of this version. */
    public String extentKey(final int index)
    {
        return indexKey() + '#' + Long.toHexString(generation) + '.' + index;
    }

    /** Offset of extent {@code index} within the value. */
    public long extentOffset(final int index)
    {
        return (long)index * extentSize;
    }

    /** Length of extent {@code index}. */
    public int extentLength(final int index)
    {
        return (int)Math.min(extentSize, size - extentOffset(index));
    }

    /** The HTTP entity tag: quoted hex CRC32C, a dash, and the size in hex. */
    public String etag()
    {
        return "\"" + String.format("%08x", crc32c) + '-' + Long.toHexString(size) + '"';
    }

    /** The index key an extent key belongs to (everything before the last '#'). */
    public static String indexKeyOfExtent(final String extentKey)
    {
        final int hash = extentKey.lastIndexOf('#');
        return hash < 0 ? extentKey : extentKey.substring(0, hash);
    }

    /** The generation encoded in an extent key, or -1 when it has none. */
    public static long generationOfExtent(final String extentKey)
    {
        final int hash = extentKey.lastIndexOf('#');
        final int dot = extentKey.lastIndexOf('.');
        if (hash < 0 || dot < hash)
        {
            return -1;
        }
        try
        {
            return Long.parseUnsignedLong(extentKey.substring(hash + 1, dot), 16);
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }
}
