package dev.terrace.node.store;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import dev.terrace.protocol.Durability;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The node's metadata log: an append-only file of Kryo-encoded {@link ItemMeta} puts and deletes, replayed on start
 * and rewritten as a snapshot (only live items) when it grows to several times the live set.
 *
 * <pre>
 * Record framing (little-endian):
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---------------------------------------------------------------+
 * |                     payload length (int32)                    |
 * +---------------------------------------------------------------+
 * |                 CRC32C of the payload (int32)                 |
 * +---------------------------------------------------------------+
 * |        payload: Kryo class id + ItemMeta or Tombstone        ...
 * +---------------------------------------------------------------+
 * </pre>
 * A torn or corrupt tail (short record, bad CRC, length over {@link #MAX_RECORD_BYTES}) ends the replay and is cut
 * off; records before it stand. Kryo runs with registration required and explicit class ids, and never sees a length
 * the frame did not bound.
 */
public final class MetadataJournal implements AutoCloseable
{
    /** Upper bound of one record: a key is at most 1 KiB, so anything larger is corruption. */
    static final int MAX_RECORD_BYTES = 16 * 1024;
    private static final int HEADER_BYTES = 8;
    private static final int ID_META = 20;
    private static final int ID_TOMBSTONE = 21;
    private static final Logger LOG = LoggerFactory.getLogger(MetadataJournal.class);

    /** A deleted item. */
    record Tombstone(String indexKey)
    {
    }

    private final Path file;
    private final Kryo kryo = newKryo();
    private final Output output = new Output(1024, MAX_RECORD_BYTES);
    private final ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private final CRC32C crc = new CRC32C();
    private FileChannel channel;
    private long records;

    private MetadataJournal(final Path file)
    {
        this.file = file;
    }

    /**
     * Opens (or creates) the journal in {@code dir}, replays it into {@code into}, and compacts it to a snapshot.
     */
    public static MetadataJournal open(final Path dir, final Map<String, ItemMeta> into)
    {
        try
        {
            Files.createDirectories(dir);
            final MetadataJournal journal = new MetadataJournal(dir.resolve("journal.log"));
            journal.replay(into);
            journal.rewrite(into.values());
            return journal;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot open metadata journal in " + dir, ex);
        }
    }

    /** Appends a put; with {@code sync} it is on disk when this returns. */
    public synchronized void appendPut(final ItemMeta meta, final boolean sync)
    {
        append(meta, sync);
    }

    /** Appends a delete; with {@code sync} it is on disk when this returns. */
    public synchronized void appendDelete(final String indexKey, final boolean sync)
    {
        append(new Tombstone(indexKey), sync);
    }

    /** Number of records appended since the last rewrite. */
    public synchronized long records()
    {
        return records;
    }

    /** Replaces the log with a snapshot of {@code live}. Crash-safe: written aside, fsynced, then renamed. */
    public synchronized void rewrite(final Collection<ItemMeta> live)
    {
        try
        {
            if (channel != null)
            {
                channel.close();
            }
            final Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
            for (final ItemMeta meta : live)
            {
                append(meta, false);
            }
            channel.force(true);
            channel.close();
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            records = live.size();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot rewrite metadata journal " + file, ex);
        }
    }

    @Override
    public synchronized void close()
    {
        try
        {
            if (channel != null)
            {
                channel.force(true);
                channel.close();
                channel = null;
            }
        }
        catch (final IOException ex)
        {
            LOG.warn("closing metadata journal {}: {}", file, ex.toString());
        }
    }

    private void append(final Object record, final boolean sync)
    {
        output.reset();
        try
        {
            kryo.writeClassAndObject(output, record);
        }
        catch (final KryoException ex)
        {
            throw new IllegalArgumentException("metadata record too large", ex);
        }
        crc.reset();
        crc.update(output.getBuffer(), 0, output.position());
        header.clear();
        header.putInt(output.position()).putInt((int)crc.getValue()).flip();
        try
        {
            final ByteBuffer payload = ByteBuffer.wrap(output.getBuffer(), 0, output.position());
            while (header.hasRemaining() || payload.hasRemaining())
            {
                channel.write(new ByteBuffer[] {header, payload});
            }
            if (sync)
            {
                channel.force(false);
            }
            records++;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot append to metadata journal " + file, ex);
        }
    }

    private void replay(final Map<String, ItemMeta> into) throws IOException
    {
        if (!Files.exists(file))
        {
            return;
        }
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ))
        {
            final long size = in.size();
            long position = 0;
            final ByteBuffer head = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            while (position + HEADER_BYTES <= size)
            {
                head.clear();
                in.read(head, position);
                head.flip();
                final int length = head.getInt();
                final int expectedCrc = head.getInt();
                if (length <= 0 || length > MAX_RECORD_BYTES || position + HEADER_BYTES + length > size)
                {
                    break;
                }
                final byte[] payload = new byte[length];
                in.read(ByteBuffer.wrap(payload), position + HEADER_BYTES);
                crc.reset();
                crc.update(payload, 0, length);
                if ((int)crc.getValue() != expectedCrc)
                {
                    break;
                }
                final Object record;
                try
                {
                    record = kryo.readClassAndObject(new Input(payload));
                }
                catch (final KryoException ex)
                {
                    break;
                }
                if (record instanceof ItemMeta meta)
                {
                    into.put(meta.indexKey(), meta);
                }
                else if (record instanceof Tombstone tombstone)
                {
                    into.remove(tombstone.indexKey());
                }
                position += HEADER_BYTES + length;
            }
            if (position < size)
            {
                LOG.warn("metadata journal {}: dropped {} bytes of torn or corrupt tail", file, size - position);
            }
        }
    }

    private static Kryo newKryo()
    {
        final Kryo kryo = new Kryo();
        kryo.setRegistrationRequired(true);
        kryo.setReferences(false);
        kryo.register(ItemMeta.class, new ItemMetaSerializer(), ID_META);
        kryo.register(Tombstone.class, new TombstoneSerializer(), ID_TOMBSTONE);
        return kryo;
    }

    /** Field-by-field encoding so the format is explicit and versionable. */
    private static final class ItemMetaSerializer extends Serializer<ItemMeta>
    {
        @Override
        public void write(final Kryo kryo, final Output out, final ItemMeta m)
        {
            out.writeByte(1); // format version
            out.writeByte(m.kind().ordinal());
            out.writeString(m.container());
            out.writeString(m.name());
            out.writeVarLong(m.size(), true);
            out.writeVarInt(m.extentSize(), true);
            out.writeLong(m.generation());
            out.writeInt(m.crc32c());
            out.writeByte(m.durability().ordinal());
            out.writeLong(m.createdMillis());
        }

        @Override
        public ItemMeta read(final Kryo kryo, final Input in, final Class<? extends ItemMeta> type)
        {
            final int version = in.readByte();
            if (version != 1)
            {
                throw new KryoException("unknown ItemMeta version " + version);
            }
            final ItemKind kind = ItemKind.values()[checkIndex(in.readByte(), ItemKind.values().length)];
            final String container = in.readString();
            final String name = in.readString();
            final long size = in.readVarLong(true);
            final int extentSize = in.readVarInt(true);
            final long generation = in.readLong();
            final int crc32c = in.readInt();
            final Durability durability = Durability.values()[checkIndex(in.readByte(), Durability.values().length)];
            final long created = in.readLong();
            if (container == null || name == null || size < 0 || extentSize <= 0 && size > 0)
            {
                throw new KryoException("invalid ItemMeta");
            }
            return new ItemMeta(kind, container, name, size, extentSize, generation, crc32c, durability, created);
        }

        private static int checkIndex(final int index, final int bound)
        {
            if (index < 0 || index >= bound)
            {
                throw new KryoException("enum ordinal out of range: " + index);
            }
            return index;
        }
    }

    private static final class TombstoneSerializer extends Serializer<Tombstone>
    {
        @Override
        public void write(final Kryo kryo, final Output out, final Tombstone t)
        {
            out.writeString(t.indexKey());
        }

        @Override
        public Tombstone read(final Kryo kryo, final Input in, final Class<? extends Tombstone> type)
        {
            final String key = in.readString();
            if (key == null)
            {
                throw new KryoException("invalid Tombstone");
            }
            return new Tombstone(key);
        }
    }
}
