package dev.terrace.node.cluster.handoff;

import dev.terrace.node.store.ItemKind;
import dev.terrace.node.store.ItemMeta;
import dev.terrace.protocol.Durability;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * The body of a slot hand-off ({@code POST /internal/v1/slots/{slot}/import}): the slot's items, each with its
 * metadata and, when the bytes must move, its extents in order. Big-endian, as {@link DataOutputStream} writes.
 *
 * <pre>
 * body   := MAGIC(int32 'TSH1') item* END(byte 0)
 * item   := ITEM(byte 1) meta hasData(byte 0|1) extent*      -- extents only when hasData = 1
 * meta   := kind(byte) container(UTF) name(UTF) size(int64) extentSize(int32) generation(int64)
 *           crc32c(int32) durability(byte) createdMillis(int64)
 * extent := the extent's bytes, exactly ItemMeta.extentLength(i) of them
 * </pre>
 * The reader checks every field against the same rules as a client request (sizes, enum ranges) before it trusts
 * a length.
 */
public final class SlotTransferFormat
{
    static final int MAGIC = 0x54534831;
    static final int END = 0;
    static final int ITEM = 1;
    /** Largest extent a hand-off may carry (a KV block is one extent of at most the KV size limit). */
    static final int MAX_EXTENT = Integer.MAX_VALUE - 64;

    private SlotTransferFormat()
    {
    }

    static void writeMeta(final DataOutputStream out, final ItemMeta meta) throws IOException
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

    static ItemMeta readMeta(final DataInputStream in) throws IOException
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
            throw new IOException("malformed item in hand-off stream");
        }
        return new ItemMeta(ItemKind.values()[kind], container, name, size, extentSize, generation, crc,
            Durability.values()[durability], created);
    }
}
