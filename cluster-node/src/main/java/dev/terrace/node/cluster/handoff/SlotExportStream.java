package dev.terrace.node.cluster.handoff;

import dev.terrace.node.store.ItemMeta;
import dev.terrace.node.store.NodeStore;
import dev.terrace.protocol.Durability;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.List;

/**
 * A slot's items as a {@link SlotTransferFormat} stream, produced item by item while it is read, so a hand-off
 * holds one extent at a time. Bytes move for {@code cache} and {@code replicated} items (they exist nowhere else)
 * and for the memory-resident ("hot") extents of {@code write-through} items; the rest of a write-through item
 * stays in the capacity tier and only its metadata moves. An item whose local bytes are gone is skipped.
 */
final class SlotExportStream extends InputStream
{
    private final NodeStore store;
    private final Iterator<ItemMeta> items;
    private ByteBuffer current = ByteBuffer.allocate(0);
    private ItemMeta extentsOf;
    private int nextExtent;
    private boolean ended;
    private long itemCount;
    private long dataBytes;

    SlotExportStream(final NodeStore store, final List<ItemMeta> items)
    {
        this.store = store;
        this.items = items.iterator();
        this.current = header();
    }

    long itemsWritten()
    {
        return itemCount;
    }

    long dataBytesWritten()
    {
        return dataBytes;
    }

    @Override
    public int read() throws IOException
    {
        final byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(final byte[] buffer, final int offset, final int length) throws IOException
    {
        while (!current.hasRemaining())
        {
            if (!advance())
            {
                return -1;
            }
        }
        final int n = Math.min(length, current.remaining());
        current.get(buffer, offset, n);
        return n;
    }

    private boolean advance() throws IOException
    {
        if (extentsOf != null && nextExtent < extentsOf.extentCount())
        {
            final ByteBuffer bytes = store.localExtent(extentsOf, nextExtent);
            if (bytes == null)
            {
                throw new IOException("extent " + nextExtent + " of " + extentsOf.indexKey() + " vanished during hand-off");
            }
            nextExtent++;
            dataBytes += bytes.remaining();
            current = bytes.duplicate();
            return true;
        }
        extentsOf = null;
        while (items.hasNext())
        {
            final ItemMeta meta = items.next();
            final boolean hot = store.inMemory(meta);
            final boolean withData = meta.size() > 0 && (meta.durability() != Durability.WRITE_THROUGH ? allLocal(meta) : hot);
            if (meta.durability() != Durability.WRITE_THROUGH && meta.size() > 0 && !withData)
            {
                continue;
            }
            final ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
            final DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(SlotTransferFormat.ITEM);
            SlotTransferFormat.writeMeta(out, meta);
            out.writeByte(withData ? 1 : 0);
            out.flush();
            current = ByteBuffer.wrap(bytes.toByteArray());
            itemCount++;
            if (withData)
            {
                extentsOf = meta;
                nextExtent = 0;
            }
            return true;
        }
        if (!ended)
        {
            ended = true;
            current = ByteBuffer.wrap(new byte[] {SlotTransferFormat.END});
            return true;
        }
        return false;
    }

    private boolean allLocal(final ItemMeta meta)
    {
        for (int i = 0; i < meta.extentCount(); i++)
        {
            if (store.localExtent(meta, i) == null)
            {
                return false;
            }
        }
        return true;
    }

    private static ByteBuffer header()
    {
        return ByteBuffer.allocate(4).putInt(0, SlotTransferFormat.MAGIC);
    }
}
