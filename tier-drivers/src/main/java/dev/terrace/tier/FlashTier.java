package dev.terrace.tier;

import dev.terrace.tier.internal.ByteBufferInputStream;
import dev.terrace.tier.internal.FileIo;
import dev.terrace.tier.internal.FlashRecord;
import dev.terrace.tier.internal.IndexEntry;
import dev.terrace.tier.internal.Keys;
import dev.terrace.tier.internal.Ranges;
import dev.terrace.tier.internal.Segment;
import dev.terrace.tier.internal.SegmentScanner;
import dev.terrace.tier.internal.TierCounters;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The flash tier: a directory of append-only segment files on a local SSD, with an in-memory index.
 * <p>
 * Each put appends one record (layout in {@link FlashRecord}: header, key, value, CRC32C over all of them) to the
 * active segment and, when {@link Context#fsync(boolean) fsync} is on, forces it to the device before returning.
 * A delete appends a tombstone. When a segment reaches {@link Context#segmentSize(long)} it is sealed and a new one
 * starts. Opening the tier scans every segment, verifies every record's checksums and rebuilds the index: a torn
 * tail or a flipped bit is detected, dropped, counted in {@link TierStats#corruptions()} and never served. Reads
 * verify the checksums again before they return bytes.
 * <p>
 * <b>Compaction</b> reclaims the space of replaced and deleted records: a sealed segment whose live fraction falls
 * below {@link Context#compactionThreshold(double)} is compacted in the background, {@link #compact()} compacts on
 * demand, and a put that does not fit compacts synchronously first. Live records are copied forward into the
 * active segment with their original sequence, the copies are forced, and only then is the old file deleted, so a
 * crash at any point loses nothing that was acknowledged. Tombstones are kept until no segment that may hold an
 * older version of their key remains.
 * <p>
 * <b>Budget</b>: {@link Context#capacityBytes(long)} bounds the segment files' total size. Puts may use all of it
 * but one segment, which is held back so compaction always has room to copy; a put that cannot fit even after
 * compaction fails with {@link TierFullException}. Tombstones are never refused, so a delete can always free room.
 * <p>
 * <b>Concurrency</b>: reads take no lock. Writers serialise only to reserve their place in the active segment;
 * they write, checksum and fsync outside any lock, so a read never waits for another put's fsync. Concurrent forced
 * writers share forces where one covers them ({@link dev.terrace.tier.internal.GroupCommit}).
 * <p>
 * <b>Throughput</b>: with fsync off, written bytes are forced in the background every
 * {@link Context#bytesPerSync(long)}, so the device writes while puts go on. {@link Context#preallocate(boolean)}
 * zero-fills the active segment ahead of its appends so that forcing them commits no file growth. {@code get} reads
 * a record in one call; {@link #read(String, long, ByteBuffer)} into a reused buffer allocates nothing.
 */
public final class FlashTier implements TierDriver
{
    private static final Logger LOG = LoggerFactory.getLogger(FlashTier.class);
    private static final String LOCK_FILE = "LOCK";
    private static final int MAX_READ_ATTEMPTS = 16;
    private static final int STREAM_CHUNK = 1024 * 1024;
    /** The largest step of zero-filling ahead of the active segment's end. */
    private static final long MAX_PREALLOCATE_STEP = 16L * 1024 * 1024;
    /** Largest value a thread keeps a scratch buffer for (a default extent plus room). */
    private static final int MAX_SCRATCH = 4 * 1024 * 1024 + 64 * 1024;
    private static final ThreadLocal<ByteBuffer> HEAD_BUFFER = new ThreadLocal<>();
    private static final ThreadLocal<ByteBuffer> SCRATCH_BUFFER = new ThreadLocal<>();

    private final Context context;
    private final Path directory;
    private final long capacityBytes;
    private final long putLimit;
    private final long segmentSize;
    private final boolean fsync;
    private final double compactionThreshold;
    /** Bytes the active segment is zero-filled ahead of its end, in two steps; 0 when preallocation is off. */
    private final long preallocateAhead;
    private final long bytesPerSync;

    private final ConcurrentHashMap<String, IndexEntry> index = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<Long, Segment> segments = new ConcurrentSkipListMap<>();
    private final ReentrantLock appendLock = new ReentrantLock();
    /** Signalled (under {@link #appendLock}) when a zero-fill of the active segment ends. */
    private final Condition zeroFillEnded = appendLock.newCondition();
    private final ReentrantLock compactionLock = new ReentrantLock();
    private final AtomicLong diskBytes = new AtomicLong();
    private final AtomicLong usedBytes = new AtomicLong();
    private final AtomicLong extents = new AtomicLong();
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicBoolean compactionScheduled = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final TierCounters counters = new TierCounters();
    private final ExecutorService compactor;
    /** One thread for zero-filling, trimming and background flushing: file work no put should wait for. */
    private final ExecutorService background;
    /** Segments written since the last background flush (fsync off). */
    private final Set<Segment> unsynced = ConcurrentHashMap.newKeySet();
    private final AtomicLong unsyncedBytes = new AtomicLong();
    private final AtomicBoolean syncScheduled = new AtomicBoolean();
    /** Zeros for preallocation; used only on the background thread. */
    private ByteBuffer zeros;
    private final FileChannel lockChannel;
    private final FileLock lock;

    /** Guarded by {@link #appendLock}; null until the first append after opening or sealing. */
    private Segment active;
    /** Guarded by {@link #appendLock}. */
    private long nextSegmentId = 1;

    private FlashTier(final Context context, final FileChannel lockChannel, final FileLock lock)
    {
        this.context = context;
        this.directory = context.directory();
        this.capacityBytes = context.capacityBytes();
        this.segmentSize = context.segmentSize();
        this.putLimit = capacityBytes - segmentSize;
        this.fsync = context.fsync();
        this.compactionThreshold = context.compactionThreshold();
        this.preallocateAhead = context.preallocate() ? 2 * Math.min(MAX_PREALLOCATE_STEP, segmentSize / 8) : 0;
        this.bytesPerSync = fsync ? 0 : context.bytesPerSync();
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.compactor = singleDaemonThread("terrace-flash-compactor");
        this.background = singleDaemonThread("terrace-flash-io");
    }

    private static ExecutorService singleDaemonThread(final String name)
    {
        return new ThreadPoolExecutor(0, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), runnable ->
        {
            final Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Opens the tier described by {@code context} (validated here), creating its directory if needed, and rebuilds
     * the index from the segments already there. The directory is locked for this instance until {@link #close()}.
     */
    public static FlashTier open(final Context context) throws TierException
    {
        context.conclude();
        final Path directory = context.directory();
        FileChannel lockChannel = null;
        try
        {
            Files.createDirectories(directory);
            lockChannel = FileChannel.open(
                directory.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            final FileLock lock;
            try
            {
                lock = lockChannel.tryLock();
            }
            catch (final OverlappingFileLockException ex)
            {
                throw new TierException("flash directory " + directory + " is already open in this process");
            }
            if (lock == null)
            {
                throw new TierException("flash directory " + directory + " is in use by another process");
            }
            final FlashTier tier = new FlashTier(context, lockChannel, lock);
            try
            {
                tier.recover();
            }
            catch (final IOException | RuntimeException ex)
            {
                tier.close();
                throw ex;
            }
            return tier;
        }
        catch (final IOException ex)
        {
            closeQuietly(lockChannel);
            throw new TierException("cannot open flash directory " + directory + ": " + ex.getMessage(), ex);
        }
        catch (final TierException | RuntimeException ex)
        {
            closeQuietly(lockChannel);
            throw ex;
        }
    }

    /** The configuration this tier was opened with. */
    public Context context()
    {
        return context;
    }

    @Override
    public TierKind kind()
    {
        return TierKind.FLASH;
    }

    @Override
    public void put(final String key, final ByteBuffer data) throws TierException
    {
        checkOpen();
        final byte[] keyBytes = encode(key);
        final long valueLength = data.remaining();
        final long aligned = FlashRecord.alignedLength(keyBytes.length, valueLength);
        checkFits(key, aligned);
        final long recordSequence = sequence.incrementAndGet();
        final ByteBuffer head = headerAndKey(keyBytes, 0, valueLength, recordSequence);
        final CRC32C crc = FlashRecord.startBodyCrc(head, keyBytes.length);
        crc.update(data.duplicate());
        final int bodyCrc = (int)crc.getValue();

        acquireBudget(key, aligned);
        final Slot slot = reserveSlotOrRelease(key, aligned);
        try
        {
            FlashRecord.writeLocation(head, slot.segment.id(), slot.offset, bodyCrc);
            write(slot.segment, head, slot.offset);
            write(slot.segment, data.duplicate(), slot.offset + head.capacity());
            written(slot.segment, aligned);
            install(key, entryAt(slot, keyBytes.length, valueLength, recordSequence, false));
            counters.bytesWritten.add(valueLength);
        }
        catch (final IOException ex)
        {
            abandon(slot, aligned);
            throw failure("writing " + key, ex);
        }
        catch (final RuntimeException ex)
        {
            abandon(slot, aligned);
            throw ex;
        }
        finally
        {
            slot.segment.endWrite();
        }
    }

    /**
     * Streams the value straight into its reserved place in the active segment, then writes the header (which carries
     * the checksum) last. If the stream ends early the place is turned into padding and nothing becomes visible.
     */
    @Override
    public void put(final String key, final InputStream in, final long length) throws TierException
    {
        checkOpen();
        Keys.requireLength(length);
        final byte[] keyBytes = encode(key);
        final long aligned = FlashRecord.alignedLength(keyBytes.length, length);
        checkFits(key, aligned);
        final long recordSequence = sequence.incrementAndGet();
        final ByteBuffer head = headerAndKey(keyBytes, 0, length, recordSequence);
        final CRC32C crc = FlashRecord.startBodyCrc(head, keyBytes.length);

        acquireBudget(key, aligned);
        final Slot slot = reserveSlotOrRelease(key, aligned);
        try
        {
            final byte[] chunk = new byte[(int)Math.min(STREAM_CHUNK, Math.max(1, length))];
            final ByteBuffer wrapper = ByteBuffer.wrap(chunk);
            final long valueStart = slot.offset + head.capacity();
            long copied = 0;
            while (copied < length)
            {
                final int read = in.read(chunk, 0, (int)Math.min(chunk.length, length - copied));
                if (read < 0)
                {
                    throw new EOFException("stream ended after " + copied + " of " + length + " bytes");
                }
                wrapper.clear().limit(read);
                crc.update(wrapper);
                wrapper.flip();
                write(slot.segment, wrapper, valueStart + copied);
                copied += read;
            }
            FlashRecord.writeLocation(head, slot.segment.id(), slot.offset, (int)crc.getValue());
            write(slot.segment, head, slot.offset);
            written(slot.segment, aligned);
            install(key, entryAt(slot, keyBytes.length, length, recordSequence, false));
            counters.bytesWritten.add(length);
        }
        catch (final IOException ex)
        {
            abandon(slot, aligned);
            throw failure("writing " + key, ex);
        }
        catch (final RuntimeException ex)
        {
            abandon(slot, aligned);
            throw ex;
        }
        finally
        {
            slot.segment.endWrite();
        }
    }

    /**
     * Returns a read-only heap buffer holding the range, which the caller owns. The record is read whole (one
     * positional read) into a per-thread scratch buffer and checked there first; {@link #read(String, long, ByteBuffer)}
     * into a buffer the caller reuses costs no allocation at all.
     */
    @Override
    public ByteBuffer get(final String key, final long offset, final long length) throws TierException
    {
        Ranges.check(offset, length);
        checkOpen();
        Keys.require(key);
        for (int attempt = 0; attempt < MAX_READ_ATTEMPTS; attempt++)
        {
            final IndexEntry entry = index.get(key);
            if (entry == null || entry.tombstone)
            {
                counters.miss();
                return null;
            }
            final int count = (int)Ranges.count(entry.valueLength, offset, length);
            // The whole record in one read into this thread's scratch buffer, checked there, then the range copied
            // into a heap buffer: reused memory is hot and already mapped, where a fresh direct buffer would cost
            // zeroing and a page fault per page (more than the read itself).
            final ByteBuffer record = scratch(entry.recordLength()).clear().limit(entry.recordLength());
            if (!readRecord(key, entry, record))
            {
                continue;
            }
            final byte[] bytes = new byte[count];
            record.get(FlashRecord.HEADER_LENGTH + entry.keyLength + (count == 0 ? 0 : (int)offset), bytes);
            counters.hit(count);
            return ByteBuffer.wrap(bytes).asReadOnlyBuffer();
        }
        throw new TierException("flash record for " + key + " kept moving under compaction; giving up");
    }

    /**
     * Reads straight into {@code destination}: a whole-value read costs two positional reads and no allocation; a
     * partial one reads the value into a per-thread scratch buffer first, because the checksum covers the whole value.
     */
    @Override
    public long read(final String key, final long offset, final ByteBuffer destination) throws TierException
    {
        Ranges.check(offset, 0);
        checkOpen();
        Keys.require(key);
        for (int attempt = 0; attempt < MAX_READ_ATTEMPTS; attempt++)
        {
            final IndexEntry entry = index.get(key);
            if (entry == null || entry.tombstone)
            {
                counters.miss();
                return -1;
            }
            final int count = (int)Ranges.count(entry.valueLength, offset, destination.remaining());
            final int position = destination.position();
            if (count == entry.valueLength)
            {
                if (!readValue(key, entry, destination.slice(position, count)))
                {
                    continue;
                }
            }
            else
            {
                final ByteBuffer value = scratch((int)entry.valueLength);
                if (!readValue(key, entry, value))
                {
                    continue;
                }
                destination.put(position, value, count == 0 ? 0 : (int)offset, count);
            }
            destination.position(position + count);
            counters.hit(count);
            return count;
        }
        throw new TierException("flash record for " + key + " kept moving under compaction; giving up");
    }

    @Override
    public InputStream openStream(final String key, final long offset, final long length) throws TierException
    {
        final ByteBuffer bytes = get(key, offset, length);
        return bytes == null ? null : new ByteBufferInputStream(bytes);
    }

    @Override
    public long size(final String key) throws TierException
    {
        checkOpen();
        final IndexEntry entry = index.get(Keys.require(key));
        return entry == null || entry.tombstone ? -1 : entry.valueLength;
    }

    @Override
    public boolean contains(final String key) throws TierException
    {
        return size(key) >= 0;
    }

    @Override
    public boolean delete(final String key) throws TierException
    {
        checkOpen();
        final byte[] keyBytes = encode(key);
        final IndexEntry current = index.get(key);
        if (current == null || current.tombstone)
        {
            return false;
        }
        try
        {
            return appendTombstone(key, keyBytes, sequence.incrementAndGet(), null);
        }
        catch (final IOException ex)
        {
            throw failure("deleting " + key, ex);
        }
    }

    @Override
    public List<String> list(final String prefix) throws TierException
    {
        checkOpen();
        final List<String> keys = new ArrayList<>();
        index.forEach((key, entry) ->
        {
            if (!entry.tombstone && key.startsWith(prefix))
            {
                keys.add(key);
            }
        });
        keys.sort(null);
        return keys;
    }

    @Override
    public long capacityBytes()
    {
        return capacityBytes;
    }

    @Override
    public long usedBytes()
    {
        return usedBytes.get();
    }

    /** Bytes the segment files occupy: live records, and dead ones not yet compacted away. */
    public long diskBytes()
    {
        return diskBytes.get();
    }

    /** How many segment files the tier has. */
    public int segmentCount()
    {
        return segments.size();
    }

    @Override
    public TierStats stats()
    {
        return new TierStats(
            TierKind.FLASH,
            capacityBytes,
            usedBytes.get(),
            extents.get(),
            counters.hits.sum(),
            counters.misses.sum(),
            counters.bytesRead.sum(),
            counters.bytesWritten.sum(),
            counters.corruptions.sum());
    }

    /**
     * Seals the active segment if it holds dead records, then compacts every sealed segment that holds any.
     *
     * @return the net bytes by which the segment files shrank.
     */
    public long compact() throws TierException
    {
        checkOpen();
        compactionLock.lock();
        try
        {
            final long before = diskBytes.get();
            // Each round can free tombstones whose shadowed segments the previous round deleted.
            long roundStart;
            do
            {
                roundStart = diskBytes.get();
                dropObsoleteTombstones();
                sealActiveIfItHasDeadBytes();
                final Set<Segment> tried = new HashSet<>();
                Segment victim;
                while (!closed.get() && (victim = pickVictim(tried, 1.0)) != null)
                {
                    tried.add(victim);
                    compactSegment(victim);
                }
            }
            while (!closed.get() && diskBytes.get() < roundStart);
            return before - diskBytes.get();
        }
        catch (final IOException ex)
        {
            throw failure("compacting " + directory, ex);
        }
        finally
        {
            compactionLock.unlock();
        }
    }

    /** Waits for a running compaction, then closes every file and releases the directory. Idempotent. */
    @Override
    public void close()
    {
        if (!closed.compareAndSet(false, true))
        {
            return;
        }
        compactor.shutdown();
        background.shutdown();
        try
        {
            if (!compactor.awaitTermination(30, TimeUnit.SECONDS))
            {
                LOG.warn("flash compaction in {} did not stop within 30 s", directory);
            }
            if (!background.awaitTermination(30, TimeUnit.SECONDS))
            {
                LOG.warn("flash background I/O in {} did not stop within 30 s", directory);
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        compactionLock.lock();
        try
        {
            appendLock.lock();
            try
            {
                if (active != null && preallocateAhead > 0)
                {
                    trim(active);
                }
                segments.values().forEach(Segment::close);
            }
            finally
            {
                appendLock.unlock();
            }
        }
        finally
        {
            compactionLock.unlock();
        }
        try
        {
            lock.release();
        }
        catch (final IOException ex)
        {
            LOG.warn("could not release the lock on {}: {}", directory, ex.getMessage());
        }
        closeQuietly(lockChannel);
    }

    @Override
    public String toString()
    {
        return "FlashTier{directory=" + directory + ", capacity=" + capacityBytes + ", disk=" + diskBytes.get() +
            ", used=" + usedBytes.get() + ", segments=" + segments.size() + "}";
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Appending

    /** A place reserved for one record in a segment; the writer holds one pending write on the segment. */
    private record Slot(Segment segment, long offset)
    {
    }

    private void checkFits(final String key, final long aligned) throws TierFullException
    {
        if (aligned > segmentSize || aligned > putLimit)
        {
            throw new TierFullException("a flash record of " + aligned + " bytes for " + key +
                " exceeds the segment size " + segmentSize + " or the usable capacity " + putLimit);
        }
    }

    private static ByteBuffer headerAndKey(
        final byte[] keyBytes, final int flags, final long valueLength, final long recordSequence)
    {
        final ByteBuffer head = ByteBuffer.allocate(FlashRecord.HEADER_LENGTH + keyBytes.length)
            .order(ByteOrder.LITTLE_ENDIAN);
        FlashRecord.writeFixedFields(head, flags, keyBytes.length, valueLength, recordSequence);
        head.put(FlashRecord.HEADER_LENGTH, keyBytes);
        return head;
    }

    private static IndexEntry entryAt(
        final Slot slot, final int keyLength, final long valueLength, final long recordSequence, final boolean tombstone)
    {
        return new IndexEntry(slot.segment, slot.offset, keyLength, valueLength, recordSequence, tombstone,
            IndexEntry.NO_SHADOW_MIN, IndexEntry.NO_SHADOW_MAX);
    }

    /** Takes {@code aligned} bytes of the put budget, compacting synchronously when they are not free. */
    private void acquireBudget(final String key, final long aligned) throws TierException
    {
        if (tryReserve(aligned))
        {
            return;
        }
        compactionLock.lock();
        try
        {
            final Set<Segment> tried = new HashSet<>();
            boolean tombstonesDropped = false;
            while (!tryReserve(aligned))
            {
                checkOpen();
                final Segment victim = pickVictim(tried, 1.0);
                if (victim != null)
                {
                    tried.add(victim);
                    compactSegment(victim);
                }
                else if (!tombstonesDropped)
                {
                    tombstonesDropped = true;
                    dropObsoleteTombstones();
                }
                else if (!sealActiveIfItHasDeadBytes())
                {
                    throw new TierFullException("flash tier full: " + aligned + " bytes for " + key + " do not fit; " +
                        diskBytes.get() + " of " + capacityBytes + " bytes on disk, " + usedBytes.get() + " live");
                }
            }
        }
        catch (final IOException ex)
        {
            throw failure("making room for " + key, ex);
        }
        finally
        {
            compactionLock.unlock();
        }
    }

    private boolean tryReserve(final long aligned)
    {
        while (true)
        {
            final long current = diskBytes.get();
            if (current + aligned > putLimit)
            {
                return false;
            }
            if (diskBytes.compareAndSet(current, current + aligned))
            {
                return true;
            }
        }
    }

    private Slot reserveSlotOrRelease(final String key, final long aligned) throws TierException
    {
        try
        {
            return reserveSlot(aligned);
        }
        catch (final IOException ex)
        {
            diskBytes.addAndGet(-aligned);
            throw failure("starting a segment for " + key, ex);
        }
    }

    /**
     * Reserves {@code aligned} bytes at the end of the active segment, starting a new segment when it is full. A slot
     * that would overlap a zero-fill in flight waits for it (the zeros must land first); with preallocation on, the
     * next zero-fill is queued once the end comes within {@link #preallocateAhead} of the zero-filled part.
     */
    private Slot reserveSlot(final long aligned) throws IOException
    {
        appendLock.lock();
        try
        {
            while (true)
            {
                if (active == null || active.size() + aligned > segmentSize)
                {
                    startSegment();
                }
                final Segment segment = active;
                final long offset = segment.size();
                if (segment.zeroFillFrom() >= 0 && offset + aligned > segment.zeroFillFrom())
                {
                    zeroFillEnded.awaitUninterruptibly();
                    continue;
                }
                segment.size(offset + aligned);
                segment.beginWrite();
                maybePreallocate(segment);
                return new Slot(segment, offset);
            }
        }
        finally
        {
            appendLock.unlock();
        }
    }

    /** Seals the active segment (if any) and starts a new, durable, empty one. Holds {@link #appendLock}. */
    private void startSegment() throws IOException
    {
        if (closed.get())
        {
            throw new ClosedChannelException();
        }
        final Segment next = Segment.create(directory, nextSegmentId++);
        FileIo.fsyncDirectory(directory);
        segments.put(next.id(), next);
        final Segment previous = active;
        active = next;
        if (previous != null)
        {
            seal(previous);
            maybeScheduleCompaction(previous);
        }
        maybePreallocate(next);
    }

    /** Seals {@code segment}, which was the active one, and trims any zero-filled tail off its file. */
    private void seal(final Segment segment)
    {
        segment.seal();
        if (preallocateAhead > 0)
        {
            runInBackground(() -> trim(segment));
        }
    }

    /** Seals the active segment so compaction may take it, when it holds dead bytes. */
    private boolean sealActiveIfItHasDeadBytes()
    {
        appendLock.lock();
        try
        {
            if (active == null || active.deadBytes() <= 0)
            {
                return false;
            }
            final Segment sealed = active;
            active = null;
            seal(sealed);
            return true;
        }
        finally
        {
            appendLock.unlock();
        }
    }

    /** Appends a tombstone (never refused for budget) and installs it; returns whether it removed a live value. */
    private boolean appendTombstone(
        final String key, final byte[] keyBytes, final long recordSequence, final IndexEntry replacing)
        throws IOException
    {
        final ByteBuffer head = headerAndKey(keyBytes, FlashRecord.FLAG_TOMBSTONE, 0, recordSequence);
        final int bodyCrc = (int)FlashRecord.startBodyCrc(head, keyBytes.length).getValue();
        final long aligned = FlashRecord.alignedLength(keyBytes.length, 0);
        diskBytes.addAndGet(aligned);
        final Slot slot;
        try
        {
            slot = reserveSlot(aligned);
        }
        catch (final IOException ex)
        {
            diskBytes.addAndGet(-aligned);
            throw ex;
        }
        try
        {
            FlashRecord.writeLocation(head, slot.segment.id(), slot.offset, bodyCrc);
            write(slot.segment, head, slot.offset);
            written(slot.segment, aligned);
            final IndexEntry tombstone = entryAt(slot, keyBytes.length, 0, recordSequence, true);
            return replacing == null ? install(key, tombstone) : swap(key, replacing, tombstone.shadowing(replacing));
        }
        catch (final IOException ex)
        {
            abandon(slot, aligned);
            throw ex;
        }
        finally
        {
            slot.segment.endWrite();
        }
    }

    /** Writes the remaining bytes of {@code buffer} at {@code position} of the segment. */
    private void write(final Segment segment, final ByteBuffer buffer, final long position) throws IOException
    {
        final FileChannel channel = segment.channel();
        try
        {
            FileIo.writeFully(channel, buffer, position);
        }
        catch (final ClosedChannelException ex)
        {
            // An interrupted thread closed the shared channel: give the others a fresh one, fail this write.
            if (!closed.get() && !segment.isDeleted())
            {
                segment.reopen(channel);
            }
            throw ex;
        }
    }

    /**
     * After a record is written: with fsync on, returns once it is durable, sharing a force with concurrent writers
     * where one covers it ({@link Segment#awaitDurable()}); with fsync off, counts it toward the next background flush.
     */
    private void written(final Segment segment, final long bytes) throws IOException
    {
        if (fsync)
        {
            segment.awaitDurable();
        }
        else if (bytesPerSync > 0)
        {
            unsynced.add(segment);
            if (unsyncedBytes.addAndGet(bytes) >= bytesPerSync && syncScheduled.compareAndSet(false, true))
            {
                runInBackground(this::syncInBackground);
            }
        }
    }

    /** Forces what was written since the last flush, so the device writes while puts copy, not all at the end. */
    private void syncInBackground()
    {
        unsyncedBytes.set(0);
        syncScheduled.set(false);
        for (final Segment segment : unsynced)
        {
            unsynced.remove(segment);
            try
            {
                segment.force();
            }
            catch (final IOException ex)
            {
                if (!segment.isDeleted() && !closed.get())
                {
                    LOG.debug("background flush of {} failed: {}", segment.path(), ex.toString());
                }
            }
        }
    }

    /**
     * Queues a zero-fill of the active segment when its end has come within half of {@link #preallocateAhead} of the
     * zero-filled part, unless one is queued already. Holds {@link #appendLock}.
     */
    private void maybePreallocate(final Segment segment)
    {
        if (preallocateAhead == 0 || segment.preparing() || segment.preparedEnd() >= segmentSize ||
            segment.size() + preallocateAhead / 2 <= segment.preparedEnd())
        {
            return;
        }
        segment.preparing(true);
        if (!runInBackground(() -> preallocate(segment)))
        {
            segment.preparing(false);
        }
    }

    /**
     * Zero-fills the active segment up to {@link #preallocateAhead} past its end, one step at a time, forcing each
     * step: appends into the filled part then change neither the file's size nor its block map, so forcing them
     * flushes data only. Slots that reach into a step being filled wait for it. Stays within the capacity budget;
     * gives up on a segment after an I/O failure (appends then simply grow the file). Runs on {@link #background}.
     */
    private void preallocate(final Segment segment)
    {
        final long step = preallocateAhead / 2;
        boolean filled = true;
        while (filled)
        {
            final long from;
            final long to;
            appendLock.lock();
            try
            {
                from = Math.max(segment.size(), segment.preparedEnd());
                final long goal = Math.min(segmentSize, segment.size() + preallocateAhead);
                if (closed.get() || segment != active || from >= goal ||
                    diskBytes.get() + goal - segment.size() > capacityBytes)
                {
                    segment.preparing(false);
                    return;
                }
                to = Math.min(goal, from + step);
                segment.zeroFillFrom(from);
            }
            finally
            {
                appendLock.unlock();
            }
            filled = false;
            try
            {
                zeroFill(segment, from, to);
                filled = true;
            }
            catch (final IOException ex)
            {
                LOG.debug("zero-filling {} [{}, {}) failed, appends will grow it instead: {}", segment.path(), from,
                    to, ex.toString());
            }
            finally
            {
                appendLock.lock();
                try
                {
                    segment.zeroFillFrom(-1);
                    if (filled)
                    {
                        segment.preparedEnd(to);
                    }
                    zeroFillEnded.signalAll();
                }
                finally
                {
                    appendLock.unlock();
                }
            }
        }
    }

    private void zeroFill(final Segment segment, final long from, final long to) throws IOException
    {
        if (zeros == null)
        {
            zeros = ByteBuffer.allocateDirect(1024 * 1024);
        }
        final FileChannel channel = segment.channel();
        long at = from;
        while (at < to)
        {
            zeros.clear().limit((int)Math.min(zeros.capacity(), to - at));
            FileIo.writeFully(channel, zeros, at);
            at += zeros.limit();
        }
        channel.force(false);
    }

    /** Cuts the zero-filled tail off a sealed segment's file. Runs on {@link #background}, after any zero-fill. */
    private void trim(final Segment segment)
    {
        try
        {
            final FileChannel channel = segment.channel();
            if (channel.size() > segment.size())
            {
                channel.truncate(segment.size());
            }
        }
        catch (final IOException ex)
        {
            if (!segment.isDeleted() && !closed.get())
            {
                LOG.debug("could not trim {}: {}", segment.path(), ex.toString());
            }
        }
    }

    /** Queues file work that no put waits for; false when the tier is closing. */
    private boolean runInBackground(final Runnable task)
    {
        try
        {
            background.execute(task);
            return true;
        }
        catch (final RejectedExecutionException ex)
        {
            return false;
        }
    }

    /** Turns a reserved place whose write failed into padding, so a later scan skips it cleanly. */
    private void abandon(final Slot slot, final long aligned)
    {
        try
        {
            write(slot.segment, FlashRecord.paddingHeader(slot.segment.id(), slot.offset, aligned), slot.offset);
        }
        catch (final IOException ex)
        {
            LOG.debug("could not pad abandoned record in {} at {}: {}", slot.segment.path(), slot.offset,
                ex.getMessage());
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Index

    /**
     * Makes {@code written} the current version of {@code key} unless a higher sequence is already installed (then
     * {@code written} is dead on arrival). Returns whether a live value was replaced.
     */
    private boolean install(final String key, final IndexEntry written)
    {
        final IndexEntry[] replaced = new IndexEntry[1];
        index.compute(key, (ignored, current) ->
        {
            if (current != null && current.supersedes(written))
            {
                return written.tombstone ? current : current.shadowing(written.segment.id());
            }
            replaced[0] = current;
            if (current != null)
            {
                account(current, -1);
            }
            account(written, 1);
            return current == null ? written : written.shadowing(current);
        });
        final IndexEntry previous = replaced[0];
        if (previous != null)
        {
            maybeScheduleCompaction(previous.segment);
        }
        return previous != null && !previous.tombstone;
    }

    /**
     * Replaces {@code expected} by {@code replacement} if {@code expected} is still current; otherwise the replacement
     * record is dead on arrival. Returns whether the swap happened.
     */
    private boolean swap(final String key, final IndexEntry expected, final IndexEntry replacement)
    {
        final boolean[] swapped = new boolean[1];
        index.compute(key, (ignored, current) ->
        {
            if (current != expected)
            {
                return current == null || replacement.tombstone ? current : current.shadowing(replacement.segment.id());
            }
            swapped[0] = true;
            account(expected, -1);
            account(replacement, 1);
            return replacement;
        });
        if (swapped[0])
        {
            maybeScheduleCompaction(expected.segment);
        }
        return swapped[0];
    }

    private void account(final IndexEntry entry, final int sign)
    {
        entry.segment.addLiveBytes(sign * entry.alignedLength());
        if (!entry.tombstone)
        {
            usedBytes.addAndGet(sign * entry.valueLength);
            extents.addAndGet(sign);
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Reading

    /**
     * Reads the header and key of {@code entry} into a per-thread buffer and its whole value into {@code value}
     * (exactly {@code entry.valueLength} bytes from index 0), then verifies both checksums. Returns false when the
     * record moved under the read (look again); throws after dropping the record when it is corrupt.
     */
    private boolean readValue(final String key, final IndexEntry entry, final ByteBuffer value) throws TierException
    {
        final int headLength = FlashRecord.HEADER_LENGTH + entry.keyLength;
        final ByteBuffer head = headBuffer(headLength);
        value.clear().limit((int)entry.valueLength);
        if (!read(entry.segment, head, entry.offset, key) ||
            !read(entry.segment, value, entry.offset + headLength, key))
        {
            return false;
        }
        if (head.hasRemaining() || value.hasRemaining() || !verifyHeader(head, entry))
        {
            return corrupt(key, entry);
        }
        final CRC32C crc = new CRC32C();
        crc.update(head.slice(0, FlashRecord.BODY_CRC_HEADER_BYTES));
        crc.update(head.slice(FlashRecord.HEADER_LENGTH, entry.keyLength));
        crc.update(value.flip());
        value.rewind();
        if ((int)crc.getValue() != FlashRecord.bodyCrc(head))
        {
            return corrupt(key, entry);
        }
        return true;
    }

    /**
     * Reads the whole record of {@code entry} (header, key, value) into {@code record}, from index 0 to its limit (the
     * record's length), and verifies it. Returns false when the record moved under the read; throws after dropping it
     * when it is corrupt.
     */
    private boolean readRecord(final String key, final IndexEntry entry, final ByteBuffer record) throws TierException
    {
        if (!read(entry.segment, record.rewind(), entry.offset, key))
        {
            return false;
        }
        if (!verify(record, entry))
        {
            return corrupt(key, entry);
        }
        return true;
    }

    private boolean corrupt(final String key, final IndexEntry entry) throws TierException
    {
        dropCorrupt(key, entry);
        throw new TierException("flash record for " + key + " in " + entry.segment.path() + " at offset " +
            entry.offset + " failed its checksum; it was dropped");
    }

    /** A per-thread direct buffer for a record's header and key, positioned at 0 with {@code length} remaining. */
    private static ByteBuffer headBuffer(final int length)
    {
        ByteBuffer head = HEAD_BUFFER.get();
        if (head == null || head.capacity() < length)
        {
            head = ByteBuffer.allocateDirect(Math.max(length, 1024)).order(ByteOrder.LITTLE_ENDIAN);
            HEAD_BUFFER.set(head);
        }
        head.clear().limit(length);
        return head;
    }

    /**
     * A direct buffer of at least {@code length} bytes for a value that is read only to be checked and copied from.
     * Buffers up to {@link #MAX_SCRATCH} are kept per thread; larger ones are allocated for the one read.
     */
    private static ByteBuffer scratch(final int length)
    {
        if (length > MAX_SCRATCH)
        {
            return ByteBuffer.allocateDirect(length);
        }
        ByteBuffer scratch = SCRATCH_BUFFER.get();
        if (scratch == null || scratch.capacity() < length)
        {
            scratch = ByteBuffer.allocateDirect(Math.max(length, 64 * 1024));
            SCRATCH_BUFFER.set(scratch);
        }
        return scratch;
    }

    /**
     * Reads {@code buffer.remaining()} bytes at {@code position} of the segment. Returns false when the segment went
     * away under the read (compaction moved the record): the caller looks the key up again.
     */
    private boolean read(final Segment segment, final ByteBuffer buffer, final long position, final String key)
        throws TierException
    {
        FileChannel channel = null;
        try
        {
            channel = segment.channel();
            FileIo.readFully(channel, buffer, position);
            return true;
        }
        catch (final ClosedChannelException ex)
        {
            checkOpen();
            if (segment.isDeleted())
            {
                return false;
            }
            reopenQuietly(segment, channel);
            if (Thread.currentThread().isInterrupted())
            {
                throw new TierException("interrupted while reading " + key + " from flash", ex);
            }
            return false;
        }
        catch (final EOFException ex)
        {
            // The file is shorter than the index says: treat like a failed checksum.
            return true;
        }
        catch (final IOException ex)
        {
            throw new TierException("reading " + key + " from " + segment.path() + " failed: " + ex.getMessage(), ex);
        }
    }

    /** Whether {@code record} (header, key, value; read from the entry's place) is intact and is the entry's. */
    private static boolean verify(final ByteBuffer record, final IndexEntry entry)
    {
        if (record.position() != record.limit() || !verifyHeader(record, entry))
        {
            return false;
        }
        final ByteBuffer header = record.slice(0, FlashRecord.HEADER_LENGTH);
        final CRC32C crc = new CRC32C();
        crc.update(record.slice(0, FlashRecord.BODY_CRC_HEADER_BYTES));
        crc.update(record.slice(FlashRecord.HEADER_LENGTH, (int)(entry.keyLength + entry.valueLength)));
        return (int)crc.getValue() == FlashRecord.bodyCrc(header);
    }

    /** Whether the header at index 0 of {@code buffer} is intact and describes exactly {@code entry}'s record. */
    private static boolean verifyHeader(final ByteBuffer buffer, final IndexEntry entry)
    {
        final ByteBuffer header = buffer.slice(0, FlashRecord.HEADER_LENGTH);
        return FlashRecord.isValidHeader(header, entry.segment.id(), entry.offset) &&
            FlashRecord.keyLength(header) == entry.keyLength &&
            FlashRecord.valueLength(header) == entry.valueLength &&
            FlashRecord.sequence(header) == entry.sequence &&
            ((FlashRecord.flags(header) & FlashRecord.FLAG_TOMBSTONE) != 0) == entry.tombstone;
    }

    /**
     * Counts and drops a record that failed its checksum. A tombstone with the record's own sequence replaces it, so
     * that an older version of the key cannot come back on restart, while any newer put still wins.
     */
    private void dropCorrupt(final String key, final IndexEntry entry)
    {
        counters.corruptions.increment();
        LOG.warn("flash record for {} in {} at offset {} is corrupt; dropping it", key, entry.segment.path(),
            entry.offset);
        try
        {
            appendTombstone(key, key.getBytes(StandardCharsets.UTF_8), entry.sequence, entry);
        }
        catch (final IOException ex)
        {
            LOG.warn("could not write a tombstone for corrupt {}: {}", key, ex.getMessage());
            if (index.remove(key, entry))
            {
                account(entry, -1);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Compaction

    private void maybeScheduleCompaction(final Segment segment)
    {
        if (compactionThreshold <= 0 || closed.get() || !segment.isSealed() || segment.size() == 0 ||
            segment.liveBytes() >= compactionThreshold * segment.size())
        {
            return;
        }
        if (compactionScheduled.compareAndSet(false, true))
        {
            try
            {
                compactor.execute(this::compactInBackground);
            }
            catch (final RejectedExecutionException ex)
            {
                compactionScheduled.set(false);
            }
        }
    }

    private void compactInBackground()
    {
        compactionScheduled.set(false);
        compactionLock.lock();
        try
        {
            dropObsoleteTombstones();
            final Set<Segment> tried = new HashSet<>();
            Segment victim;
            while (!closed.get() && (victim = pickVictim(tried, compactionThreshold)) != null)
            {
                tried.add(victim);
                compactSegment(victim);
            }
        }
        catch (final IOException | TierException | RuntimeException ex)
        {
            if (!closed.get())
            {
                LOG.warn("background compaction of {} failed: {}", directory, ex.toString());
            }
        }
        finally
        {
            compactionLock.unlock();
        }
    }

    /**
     * The sealed segment, not yet tried, with no write in flight, whose live fraction is below {@code maxLiveRatio}
     * (1.0: any dead bytes at all) and whose live records fit in the room left: the one with the most dead bytes.
     */
    private Segment pickVictim(final Set<Segment> tried, final double maxLiveRatio)
    {
        Segment victim = null;
        final long room = capacityBytes - diskBytes.get();
        for (final Segment segment : segments.values())
        {
            if (segment.isSealed() && !segment.isDeleted() && !segment.hasPendingWrites() && !tried.contains(segment) &&
                segment.deadBytes() > 0 && segment.liveBytes() < maxLiveRatio * segment.size() &&
                segment.liveBytes() <= room &&
                (victim == null || segment.deadBytes() > victim.deadBytes()))
            {
                victim = segment;
            }
        }
        return victim;
    }

    /**
     * Copies the live records of {@code victim} forward, forces the copies, then deletes its file. Tombstones that
     * no longer shadow anything are dropped instead of copied. Holds {@link #compactionLock}.
     */
    private void compactSegment(final Segment victim) throws IOException, TierException
    {
        final List<Map.Entry<String, IndexEntry>> live = new ArrayList<>();
        index.forEach((key, entry) ->
        {
            if (entry.segment == victim)
            {
                live.add(Map.entry(key, entry));
            }
        });
        live.sort(Comparator.comparingLong(item -> item.getValue().offset));

        final Set<Segment> destinations = new HashSet<>();
        ByteBuffer record = null;
        for (final Map.Entry<String, IndexEntry> item : live)
        {
            if (closed.get())
            {
                return;
            }
            final String key = item.getKey();
            final IndexEntry entry = item.getValue();
            if (entry.tombstone && !shadowsAnythingOutside(entry, victim))
            {
                if (index.remove(key, entry))
                {
                    account(entry, -1);
                }
                continue;
            }
            final int recordLength = entry.recordLength();
            if (record == null || record.capacity() < recordLength)
            {
                record = ByteBuffer.allocateDirect(Math.max(recordLength, record == null ? 0 : record.capacity() * 2));
            }
            record.clear().limit(recordLength);
            final ByteBuffer view = record.slice(0, recordLength);
            if (!read(victim, view, entry.offset, key) || !verify(view, entry))
            {
                if (index.get(key) == entry)
                {
                    dropCorrupt(key, entry);
                }
                continue;
            }
            final long aligned = entry.alignedLength();
            diskBytes.addAndGet(aligned);
            final Slot slot = reserveSlot(aligned);
            try
            {
                FlashRecord.writeLocation(view, slot.segment.id(), slot.offset, FlashRecord.bodyCrc(view));
                write(slot.segment, view.clear(), slot.offset);
                destinations.add(slot.segment);
                swap(key, entry, entry.movedTo(slot.segment, slot.offset));
            }
            catch (final IOException ex)
            {
                abandon(slot, aligned);
                throw ex;
            }
            finally
            {
                slot.segment.endWrite();
            }
        }
        for (final Segment destination : destinations)
        {
            destination.force();
        }
        if (victim.liveBytes() != 0)
        {
            LOG.warn("segment {} still holds {} live bytes after compaction; keeping it", victim.path(),
                victim.liveBytes());
            return;
        }
        segments.remove(victim.id());
        victim.delete();
        FileIo.fsyncDirectory(directory);
        diskBytes.addAndGet(-victim.size());
    }

    /**
     * Forgets tombstones that no longer shadow anything outside their own segment, so that segment's space counts as
     * dead and compaction can take it. Safe: the tombstone stays on disk, beside any older version in that segment,
     * until the segment itself is compacted away.
     */
    private void dropObsoleteTombstones()
    {
        index.forEach((key, entry) ->
        {
            if (entry.tombstone && !shadowsAnythingOutside(entry, entry.segment) && index.remove(key, entry))
            {
                account(entry, -1);
                maybeScheduleCompaction(entry.segment);
            }
        });
    }

    /** Whether a segment other than {@code victim} that may hold an older version of the tombstone's key exists. */
    private boolean shadowsAnythingOutside(final IndexEntry tombstone, final Segment victim)
    {
        if (!tombstone.hasShadow())
        {
            return false;
        }
        for (final Long id : segments.subMap(tombstone.shadowMin, true, tombstone.shadowMax, true).keySet())
        {
            if (id != victim.id())
            {
                return true;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Recovery

    /** A stretch of a segment that a scan found damaged; {@code key} and {@code sequence} when its header was intact. */
    private record Damage(Segment segment, long start, long end, String key, long sequence)
    {
    }

    private void recover() throws IOException
    {
        final List<Segment> opened = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory))
        {
            for (final Path file : (Iterable<Path>)files.sorted()::iterator)
            {
                final long id = Segment.idOf(file.getFileName().toString());
                if (id < 0)
                {
                    continue;
                }
                nextSegmentId = Math.max(nextSegmentId, id + 1);
                if (Files.size(file) == 0)
                {
                    Files.delete(file);
                    continue;
                }
                final Segment segment = Segment.open(file, id);
                segments.put(id, segment);
                opened.add(segment);
                diskBytes.addAndGet(segment.size());
            }
        }

        final List<Damage> damages = new ArrayList<>();
        final long[] maxSequence = {0};
        final SegmentScanner scanner = new SegmentScanner();
        for (final Segment segment : opened)
        {
            scanner.scan(segment, new SegmentScanner.Visitor()
            {
                @Override
                public void record(final long offset, final ByteBuffer header, final String key)
                {
                    final long recordSequence = FlashRecord.sequence(header);
                    maxSequence[0] = Math.max(maxSequence[0], recordSequence);
                    final IndexEntry found = new IndexEntry(segment, offset, FlashRecord.keyLength(header),
                        FlashRecord.valueLength(header), recordSequence,
                        (FlashRecord.flags(header) & FlashRecord.FLAG_TOMBSTONE) != 0,
                        IndexEntry.NO_SHADOW_MIN, IndexEntry.NO_SHADOW_MAX);
                    index.merge(key, found, (current, candidate) -> candidate.supersedes(current) ?
                        candidate.shadowing(current) : current.shadowing(candidate.segment.id()));
                }

                @Override
                public void damagedRecord(final long offset, final long end, final ByteBuffer header, final String key)
                {
                    final long recordSequence = FlashRecord.sequence(header);
                    maxSequence[0] = Math.max(maxSequence[0], recordSequence);
                    damages.add(new Damage(segment, offset, end, key, recordSequence));
                }

                @Override
                public void damagedRegion(final long start, final long end)
                {
                    damages.add(new Damage(segment, start, end, null, -1));
                }

                @Override
                public void zeroTail(final long start) throws IOException
                {
                    // Zero-filled ahead and never written (the tier stopped without trimming): not damage.
                    segment.channel().truncate(start);
                    diskBytes.addAndGet(start - segment.size());
                    segment.size(start);
                }
            });
        }
        sequence.set(maxSequence[0]);

        // Tombstones that shadow nothing on disk are not needed; everything else is live.
        index.entrySet().removeIf(item -> item.getValue().tombstone && !item.getValue().hasShadow());
        index.values().forEach(entry -> account(entry, 1));

        if (!damages.isEmpty())
        {
            repair(damages, opened.get(opened.size() - 1).id());
        }
        for (final Segment segment : opened)
        {
            if (segment.size() == 0)
            {
                segments.remove(segment.id());
                segment.delete();
            }
        }
        LOG.info("opened flash tier {}: {} segments, {} extents, {} live bytes, {} damaged records dropped",
            directory, segments.size(), extents.get(), usedBytes.get(), damages.size());
        for (final Segment segment : segments.values())
        {
            maybeScheduleCompaction(segment);
        }
    }

    /**
     * Deals with what the scan found damaged, so that the next scan neither counts it again nor judges it differently.
     * <ul>
     *   <li>A damaged record newer than the surviving version of its key: in the newest segment it is taken for a write
     *       torn by the crash (never acknowledged), so the older version stands; anywhere else the newest version was
     *       lost to media damage, and a tombstone drops the key rather than serve stale bytes.</li>
     *   <li>Damage at the end of a file is truncated away; damage in the middle becomes a padding record.</li>
     * </ul>
     */
    private void repair(final List<Damage> damages, final long newestSegmentId) throws IOException
    {
        final Set<Segment> touched = new HashSet<>();
        for (final Damage damage : damages)
        {
            counters.corruptions.increment();
            LOG.warn("flash segment {} is damaged in [{}, {}){}", damage.segment.path(), damage.start, damage.end,
                damage.key == null ? "" : " (record for " + damage.key + ")");
            if (damage.key != null)
            {
                final IndexEntry survivor = index.get(damage.key);
                if (survivor != null && !survivor.tombstone && survivor.sequence < damage.sequence &&
                    damage.segment.id() != newestSegmentId)
                {
                    appendTombstone(damage.key, damage.key.getBytes(StandardCharsets.UTF_8), damage.sequence, survivor);
                }
            }
            final FileChannel channel = damage.segment.channel();
            if (damage.end >= damage.segment.size())
            {
                channel.truncate(damage.start);
                diskBytes.addAndGet(damage.start - damage.segment.size());
                damage.segment.size(damage.start);
                touched.add(damage.segment);
            }
            else if (damage.end - damage.start >= FlashRecord.HEADER_LENGTH)
            {
                FileIo.writeFully(channel,
                    FlashRecord.paddingHeader(damage.segment.id(), damage.start, damage.end - damage.start),
                    damage.start);
                touched.add(damage.segment);
            }
        }
        for (final Segment segment : touched)
        {
            segment.force();
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    private static byte[] encode(final String key) throws TierException
    {
        final byte[] bytes = Keys.require(key).getBytes(StandardCharsets.UTF_8);
        if (bytes.length > FlashRecord.MAX_KEY_LENGTH)
        {
            throw new TierException("flash keys are at most " + FlashRecord.MAX_KEY_LENGTH + " UTF-8 bytes");
        }
        return bytes;
    }

    private TierException failure(final String what, final IOException ex)
    {
        if (FileIo.isOutOfSpace(ex))
        {
            return new TierFullException("flash device full while " + what + ": " + ex.getMessage());
        }
        if (closed.get())
        {
            return new TierException("flash tier " + directory + " is closed");
        }
        return new TierException(what + " failed: " + ex, ex);
    }

    private void checkOpen() throws TierException
    {
        if (closed.get())
        {
            throw new TierException("flash tier " + directory + " is closed");
        }
    }

    private static void reopenQuietly(final Segment segment, final FileChannel failed)
    {
        try
        {
            segment.reopen(failed);
        }
        catch (final IOException ignored)
        {
            // Deleted meanwhile, or the file is gone: the caller looks the key up again.
        }
    }

    private static void closeQuietly(final FileChannel channel)
    {
        if (channel != null)
        {
            try
            {
                channel.close();
            }
            catch (final IOException ignored)
            {
                // Nothing else to release.
            }
        }
    }

    /**
     * Configuration of a {@link FlashTier}: set what differs from the defaults, then pass it to
     * {@link FlashTier#open(Context)}, which validates it once ({@link #conclude()}).
     * <pre>{@code
     * FlashTier flash = FlashTier.open(new FlashTier.Context()
     *     .directory(Path.of("var/flash"))
     *     .capacityBytes(16L << 30)
     *     .segmentSize(256L << 20)
     *     .fsync(true));
     * }</pre>
     */
    public static final class Context
    {
        /** Smallest segment size accepted (tests use small segments to exercise rolling and compaction). */
        public static final long MIN_SEGMENT_SIZE = 4 * 1024;
        /** Largest segment size accepted: a record must fit in one buffer. */
        public static final long MAX_SEGMENT_SIZE = 1L << 30;

        private Path directory;
        private long capacityBytes = 16L * 1024 * 1024 * 1024;
        private long segmentSize = 256L * 1024 * 1024;
        private boolean fsync = true;
        private boolean preallocate;
        private long bytesPerSync = 8L * 1024 * 1024;
        private double compactionThreshold = 0.5;
        private boolean concluded;

        /** The directory holding the segment files (created if missing). Required. */
        public Context directory(final Path directory)
        {
            this.directory = directory;
            return this;
        }

        public Path directory()
        {
            return directory;
        }

        /** Total bytes the segment files may occupy; at least two segments. Default 16 GiB. */
        public Context capacityBytes(final long capacityBytes)
        {
            this.capacityBytes = capacityBytes;
            return this;
        }

        public long capacityBytes()
        {
            return capacityBytes;
        }

        /** Size at which a segment is sealed; also the largest record. Default 256 MiB. */
        public Context segmentSize(final long segmentSize)
        {
            this.segmentSize = segmentSize;
            return this;
        }

        public long segmentSize()
        {
            return segmentSize;
        }

        /** Whether each put and delete is forced to the device before it returns. Default true. */
        public Context fsync(final boolean fsync)
        {
            this.fsync = fsync;
            return this;
        }

        public boolean fsync()
        {
            return fsync;
        }

        /**
         * Whether the active segment's file is zero-filled (in the background, up to 32 MiB ahead of its end) before
         * records are appended there. A forced append into allocated, written blocks changes neither the file's size
         * nor its block map, so on ext4 and XFS the force flushes data only instead of also committing the journal.
         * The price is writing every segment twice: measured on ext4 over virtio, forced puts of 256 KiB and more
         * lost up to half their throughput and 64 KiB ones gained only sometimes, so it is off by default; consider
         * it for small forced puts on a journaling file system whose commits are slow. Default false.
         */
        public Context preallocate(final boolean preallocate)
        {
            this.preallocate = preallocate;
            return this;
        }

        public boolean preallocate()
        {
            return preallocate;
        }

        /**
         * With fsync off: after this many bytes are written, a background thread forces them, so the device writes
         * while puts go on rather than all at once at the next fsync (or when the kernel gets to it), and dirty pages
         * stay bounded. 0 turns it off. Ignored with fsync on, where every put is forced. Default 8 MiB.
         */
        public Context bytesPerSync(final long bytesPerSync)
        {
            this.bytesPerSync = bytesPerSync;
            return this;
        }

        public long bytesPerSync()
        {
            return bytesPerSync;
        }

        /**
         * Live fraction below which a sealed segment is compacted in the background; 0 turns background compaction off
         * ({@link FlashTier#compact()} and full-tier puts still compact). Default 0.5.
         */
        public Context compactionThreshold(final double compactionThreshold)
        {
            this.compactionThreshold = compactionThreshold;
            return this;
        }

        public double compactionThreshold()
        {
            return compactionThreshold;
        }

        /**
         * Checks the settings; called by {@link FlashTier#open(Context)}.
         *
         * @throws IllegalArgumentException naming the first bad setting.
         */
        public Context conclude()
        {
            if (concluded)
            {
                return this;
            }
            if (directory == null)
            {
                throw new IllegalArgumentException("flash directory is required");
            }
            if (segmentSize < MIN_SEGMENT_SIZE || segmentSize > MAX_SEGMENT_SIZE)
            {
                throw new IllegalArgumentException("flash segment size must be in [" + MIN_SEGMENT_SIZE + ", " +
                    MAX_SEGMENT_SIZE + "]: " + segmentSize);
            }
            if (capacityBytes < 2 * segmentSize)
            {
                throw new IllegalArgumentException("flash capacity " + capacityBytes +
                    " must be at least two segments of " + segmentSize);
            }
            if (bytesPerSync < 0)
            {
                throw new IllegalArgumentException("flash bytesPerSync must be >= 0: " + bytesPerSync);
            }
            if (!(compactionThreshold >= 0 && compactionThreshold < 1))
            {
                throw new IllegalArgumentException("flash compaction threshold must be in [0, 1): " +
                    compactionThreshold);
            }
            directory = directory.toAbsolutePath().normalize();
            concluded = true;
            return this;
        }

        @Override
        public String toString()
        {
            return "FlashTier.Context{directory=" + directory + ", capacityBytes=" + capacityBytes +
                ", segmentSize=" + segmentSize + ", fsync=" + fsync + ", preallocate=" + preallocate +
                ", bytesPerSync=" + bytesPerSync + ", compactionThreshold=" + compactionThreshold + "}";
        }
    }
}
