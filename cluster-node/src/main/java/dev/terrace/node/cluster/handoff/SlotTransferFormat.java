package dev.terrace.node.cluster.handoff;

import dev.terrace.node.store.ItemMeta;
import dev.terrace.node.store.ItemMetaCodec;

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
 * meta   := ItemMetaCodec's record
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

    private SlotTransferFormat()
    {
    }

    static void writeMeta(final DataOutputStream out, final ItemMeta meta) throws IOException
    {
        ItemMetaCodec.write(out, meta);
    }

    static ItemMeta readMeta(final DataInputStream in) throws IOException
    {
        return ItemMetaCodec.read(in);
    }
}
