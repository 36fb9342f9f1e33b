package dev.terrace.tier.internal;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One append-only segment file of the flash tier, with the counters compaction decides by.
 * <p>
 * {@link #size()} is the bytes of records (padding included) appended so far; {@link #liveBytes()} the part of them
 * that the index still points at. A segment is written only while it is the active one; once sealed, its size is
 * final and its live bytes only shrink. Writers that hold a reserved slot are counted as pending so that compaction
 * never picks a segment a record is still being written into.
 * <p>
 * The file channel is shared by all readers and writers (positional I/O only). Because an interrupted thread closes
 * a {@link FileChannel} for everyone, {@link #reopen(FileChannel)} replaces a channel that was closed that way.
 * <p>
 * The active segment's file may run ahead of {@link #size()}: the tier zero-fills it ahead of the appends (so that a
 * force of an append does not also have to commit the file's growth) and trims the zeros off when it seals the
 * segment. The fields of that preallocation are guarded by the tier's append lock.
 */
public final class Segment
{
    private static final String PREFIX = "segment-";
    private static final String SUFFIX = ".seg";

    private final long id;
    private final Path path;
    private final AtomicLong liveBytes = new AtomicLong();
    private final AtomicInteger pendingWrites = new AtomicInteger();
    private final GroupCommit commits = new GroupCommit(this::force);
    private volatile FileChannel channel;
    private volatile long size;
    private volatile boolean sealed;
    private volatile boolean deleted;
    private volatile boolean closed;
    /** Guarded by the tier's append lock: the file is allocated (zeros or records) and durable below this. */
    private long preparedEnd;
    /** Guarded by the tier's append lock: where an in-flight zero-fill starts, or -1. */
    private long zeroFillFrom = -1;
    /** Guarded by the tier's append lock: a zero-fill is queued or running, or preallocation gave up. */
    private boolean preparing;

    private Segment(final long id, final Path path, final FileChannel channel, final long size)
    {
        this.id = id;
        this.path = path;
        this.channel = channel;
        this.size = size;
    }

    /** Creates a new, empty segment file; fails if it exists. */
    public static Segment create(final Path directory, final long id) throws IOException
    {
        final Path path = directory.resolve(fileName(id));
        final FileChannel channel = FileChannel.open(
            path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
        return new Segment(id, path, channel, 0);
    }

    /** Opens an existing segment file as sealed; its size is the file length rounded up to the record alignment. */
    public static Segment open(final Path path, final long id) throws IOException
    {
        final FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        final Segment segment = new Segment(id, path, channel, FlashRecord.align(channel.size()));
        segment.sealed = true;
        return segment;
    }

    /** The file name of segment {@code id}: fixed-width hex, so names sort in id order. */
    public static String fileName(final long id)
    {
        return PREFIX + String.format("%016x", id) + SUFFIX;
    }

    /** The id encoded in a segment file name, or -1 when the name is not a segment's. */
    public static long idOf(final String fileName)
    {
        if (!fileName.startsWith(PREFIX) || !fileName.endsWith(SUFFIX) ||
            fileName.length() != PREFIX.length() + 16 + SUFFIX.length())
        {
            return -1;
        }
        try
        {
            return Long.parseUnsignedLong(fileName.substring(PREFIX.length(), PREFIX.length() + 16), 16);
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }

    public long id()
    {
        return id;
    }

    public Path path()
    {
        return path;
    }

    /**
     * The channel for positional reads and writes.
     *
     * @throws ClosedChannelException when the segment has been deleted by compaction.
     */
    public FileChannel channel() throws ClosedChannelException
    {
        if (deleted)
        {
            throw new ClosedChannelException();
        }
        return channel;
    }

    /**
     * Replaces {@code failed} with a freshly opened channel unless another thread already did, or the segment was
     * deleted or closed (then the caller must look its key up again, or give up).
     */
    public synchronized FileChannel reopen(final FileChannel failed) throws IOException
    {
        if (deleted || closed)
        {
            throw new ClosedChannelException();
        }
        if (channel == failed && !failed.isOpen())
        {
            channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        }
        return channel;
    }

    /** Bytes of records appended (padding included); final once sealed. */
    public long size()
    {
        return size;
    }

    /** Advances the append size; only the writer that holds the tier's append lock calls this. */
    public void size(final long size)
    {
        this.size = size;
    }

    public long liveBytes()
    {
        return liveBytes.get();
    }

    public void addLiveBytes(final long delta)
    {
        liveBytes.addAndGet(delta);
    }

    public long deadBytes()
    {
        return size - liveBytes.get();
    }

    public boolean isSealed()
    {
        return sealed;
    }

    public void seal()
    {
        sealed = true;
    }

    public boolean isDeleted()
    {
        return deleted;
    }

    public void beginWrite()
    {
        pendingWrites.incrementAndGet();
    }

    public void endWrite()
    {
        pendingWrites.decrementAndGet();
    }

    public boolean hasPendingWrites()
    {
        return pendingWrites.get() > 0;
    }

    /** See {@link #preparedEnd}; the tier's append lock must be held. */
    public long preparedEnd()
    {
        return preparedEnd;
    }

    public void preparedEnd(final long preparedEnd)
    {
        this.preparedEnd = preparedEnd;
    }

    /** See {@link #zeroFillFrom}; the tier's append lock must be held. */
    public long zeroFillFrom()
    {
        return zeroFillFrom;
    }

    public void zeroFillFrom(final long zeroFillFrom)
    {
        this.zeroFillFrom = zeroFillFrom;
    }

    /** See {@link #preparing}; the tier's append lock must be held. */
    public boolean preparing()
    {
        return preparing;
    }

    public void preparing(final boolean preparing)
    {
        this.preparing = preparing;
    }

    /** Makes the appended bytes durable. */
    public void force() throws IOException
    {
        FileChannel current = channel();
        try
        {
            current.force(false);
        }
        catch (final ClosedChannelException ex)
        {
            current = reopen(current);
            current.force(false);
        }
    }

    /**
     * Returns once everything written to this segment before the call is durable, sharing forces with the writers
     * that wait at the same time ({@link GroupCommit}).
     */
    public void awaitDurable() throws IOException
    {
        commits.awaitDurable();
    }

    /** Closes the channel for good (readers that still hold it get a ClosedChannelException and look again). */
    public synchronized void close()
    {
        closed = true;
        try
        {
            channel.close();
        }
        catch (final IOException ignored)
        {
            // Nothing to recover: the file is not written through this channel any more.
        }
    }

    /** Marks the segment deleted, closes it and removes its file. */
    public synchronized void delete() throws IOException
    {
        deleted = true;
        close();
        Files.deleteIfExists(path);
    }

    @Override
    public String toString()
    {
        return "Segment{id=" + id + ", size=" + size + ", live=" + liveBytes.get() + ", sealed=" + sealed + "}";
    }
}
