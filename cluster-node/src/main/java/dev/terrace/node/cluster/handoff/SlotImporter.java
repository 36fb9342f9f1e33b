package dev.terrace.node.cluster.handoff;

import dev.terrace.node.store.ItemMeta;
import dev.terrace.node.store.NodeStore;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/**
 * Reads a {@link SlotTransferFormat} stream into the node's store: the receiving side of a slot hand-off.
 */
public final class SlotImporter
{
    /** What an import took in. */
    public record Result(long items, long imported, long dataBytes)
    {
    }

    private SlotImporter()
    {
    }

    /**
     * Imports every item of the stream; items must belong to {@code slot}.
     *
     * @throws IOException on a malformed or truncated stream (items before the damage stay imported: each is whole).
     */
    public static Result importSlot(final NodeStore store, final int slot, final int slots, final InputStream body)
        throws IOException
    {
        final DataInputStream in = new DataInputStream(body);
        if (in.readInt() != SlotTransferFormat.MAGIC)
        {
            throw new IOException("not a slot hand-off stream");
        }
        long items = 0;
        long imported = 0;
        final long[] dataBytes = {0};
        while (true)
        {
            final int tag = in.readUnsignedByte();
            if (tag == SlotTransferFormat.END)
            {
                return new Result(items, imported, dataBytes[0]);
            }
            if (tag != SlotTransferFormat.ITEM)
            {
                throw new IOException("unknown record " + tag + " in hand-off stream");
            }
            final ItemMeta meta = SlotTransferFormat.readMeta(in);
            if (NodeStore.slotOf(meta, slots) != slot)
            {
                throw new IOException(meta.indexKey() + " does not belong to slot " + slot);
            }
            final boolean withData = in.readUnsignedByte() == 1;
            items++;
            final boolean took;
            try
            {
                took = store.importItem(meta, withData ? i ->
                {
                    final ByteBuffer extent = ByteBuffer.allocateDirect(meta.extentLength(i));
                    readFully(in, extent);
                    dataBytes[0] += extent.limit();
                    return extent;
                } : null);
            }
            catch (final UncheckedIOException ex)
            {
                throw ex.getCause();
            }
            if (!took && withData)
            {
                // Kept the local copy: skip the bytes the sender streamed anyway.
                for (int i = 0; i < meta.extentCount(); i++)
                {
                    in.skipNBytes(meta.extentLength(i));
                }
            }
            imported += took ? 1 : 0;
        }
    }

    private static void readFully(final DataInputStream in, final ByteBuffer into)
    {
        final byte[] chunk = new byte[64 * 1024];
        try
        {
            while (into.hasRemaining())
            {
                final int n = in.read(chunk, 0, Math.min(chunk.length, into.remaining()));
                if (n < 0)
                {
                    throw new IOException("hand-off stream ended inside an extent");
                }
                into.put(chunk, 0, n);
            }
            into.flip();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
