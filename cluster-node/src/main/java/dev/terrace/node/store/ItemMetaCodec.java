package dev.terrace.node.store;

import dev.terrace.protocol.Durability;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The binary form of an {@link ItemMeta}, used where metadata leaves the node's journal: slot hand-off streams and
 * the metadata sidecar kept beside each {@code write-through} item in the capacity tier.
 *
 * <pre>
 * kind(byte) container(UTF) name(UTF) size(int64) extentSize(int32) generation(int64)
 * crc32c(int32) durability(byte) createdMillis(int64)            -- big-endian, DataOutput's modified UTF-8
 * </pre>
 */
public final class ItemMetaCodec
{
    /** Largest extent a decoded item may declare. */
    static final int MAX_EXTENT = Integer.MAX_VALUE - 64;

    private ItemMetaCodec()
    {
    }

    public static void write(final DataOutputStream out, final ItemMeta meta) throws IOException
    {
        out.writeByte(meta.kind().ordinal());
        out.writeUTF(meta.container());
        out.writeUTF(meta.name());
        out.writeLong(meta.size());
        out.writeInt(meta.extentSize());
        out.writeLong(meta.generation());
        out.writeInt(meta.crc32c());
        out.writeByte(meta.durability().ordinal());
        out.writeLong(meta.createdMillis());
    }

    /**
     * @throws IOException for a truncated or malformed record (every field is range-checked).
     */
    public static ItemMeta read(final DataInputStream in) throws IOException
    {
        final int kind = in.readUnsignedByte();
        final String container = in.readUTF();
        final String name = in.readUTF();
        final long size = in.readLong();
        final int extentSize = in.readInt();
        final long generation = in.readLong();
        final int crc = in.readInt();
        final int durability = in.readUnsignedByte();
        final long created = in.readLong();
        if (kind >= ItemKind.values().length || durability >= Durability.values().length || size < 0 ||
            extentSize <= 0 || extentSize > MAX_EXTENT)
        {
            throw new IOException("malformed item metadata");
        }
        return new ItemMeta(ItemKind.values()[kind], container, name, size, extentSize, generation, crc,
            Durability.values()[durability], created);
    }

    static byte[] toBytes(final ItemMeta meta)
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(bytes))
        {
            write(out, meta);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return bytes.toByteArray();
    }

    static ItemMeta fromBytes(final byte[] bytes) throws IOException
    {
        return read(new DataInputStream(new ByteArrayInputStream(bytes)));
    }
}
