package dev.terrace.node.store;

import dev.terrace.placement.PlacementPolicy;
import dev.terrace.protocol.Durability;
import dev.terrace.tier.TierDriver;
import dev.terrace.tier.TierException;
import dev.terrace.tier.TierFullException;
import dev.terrace.tier.TierKind;
import dev.terrace.tier.TierStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;

/**
 * The node's data path: a node-local index of objects and KV blocks over the memory, flash and capacity tiers.
 * <p>
 * Writes land in memory (and, for {@code write-through}, stream into the capacity tier before the acknowledgement;
 * {@code replicated} is also written to flash until cluster replication exists). Past the memory policy's capacity
 * (the high watermark) the coldest extents are demoted to flash in the background and then dropped from memory.
 * Reads fall through memory, flash, capacity; a read from a lower tier is promoted when the policy admits it.
 * Every write gets a fresh generation, so a replacing write never touches extents a reader is using, and a failed
 * or truncated write never becomes visible.
 */
public final class NodeStore implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(NodeStore.class);

    private final TierDriver memory;
    private final TierDriver flash;
    private final TierDriver capacity;
    private final int extentSize;
    private final TieredPolicy memoryPolicy;
    private final TieredPolicy flashPolicy;
    private final MetadataJournal journal;
    private final ConcurrentSkipListMap<String, ItemMeta> index = new ConcurrentSkipListMap<>();
    private final ExecutorService demoter;
    private final AtomicLong generations;
    private final AtomicLong demotions = new AtomicLong();
    private final AtomicLong promotions = new AtomicLong();
    private final AtomicLong cacheLosses = new AtomicLong();
    private final AtomicLong capacityFallbacks = new AtomicLong();
    private final AtomicLong prefetches = new AtomicLong();
    private final AtomicLong adoptions = new AtomicLong();
    private volatile java.util.function.Consumer<ItemMeta> readListener = meta ->
    {
    };

    /** Where a read's bytes came from, and the bytes. */
    public record ExtentRead(ByteBuffer bytes, TierKind tier)
    {
    }

    /** An open read: the item's metadata, the tier of its first byte, and the byte stream of the requested range. */
    public record ItemRead(ItemMeta meta, TierKind firstTier, long offset, long length, InputStream stream)
    {
    }

    /** The answer to a longest-cached-prefix lookup. */
    public record PrefixLookup(int prefix, List<TierKind> tiers)
    {
    }

    /**
     * @param policyFactory makes a policy from (capacity in bytes, eviction listener); one per tier.
     */
    public NodeStore(
        final TierDriver memory,
        final TierDriver flash,
        final TierDriver capacity,
        final int extentSize,
        final double memoryHighWatermark,
        final BiFunction<Long, PlacementPolicy.EvictionListener, PlacementPolicy> policyFactory,
        final Path metadataDir)
    {
        this.memory = memory;
        this.flash = flash;
        this.capacity = capacity;
        this.extentSize = extentSize;
        final long memoryBudget = (long)(memory.capacityBytes() * memoryHighWatermark);
        final long flashBudget = (long)(flash.capacityBytes() * 0.9);
        this.memoryPolicy = new TieredPolicy(l -> policyFactory.apply(memoryBudget, l), this::scheduleDemotion);
        this.flashPolicy = new TieredPolicy(l -> policyFactory.apply(flashBudget, l), this::dropFromFlash);
        this.demoter = Executors.newSingleThreadExecutor(r ->
        {
            final Thread t = new Thread(r, "terrace-demoter");
            t.setDaemon(true);
            return t;
        });
        this.journal = MetadataJournal.open(metadataDir, index);
        long maxGeneration = System.currentTimeMillis() << 16;
        for (final ItemMeta meta : index.values())
        {
            maxGeneration = Math.max(maxGeneration, meta.generation() + 1);
        }
        this.generations = new AtomicLong(maxGeneration);
        recover();
    }

    // ---------------------------------------------------------------- writes

    /**
     * Stores exactly {@code length} bytes from {@code body} as the new value of an item and returns its metadata.
     *
     * @throws StoreException TRUNCATED when the body ends early or breaks, INSUFFICIENT_STORAGE when no tier can take
     *                        it, UNAVAILABLE when the capacity tier fails a write-through.
     */
    public ItemMeta put(
        final ItemKind kind,
        final String container,
        final String name,
        final InputStream body,
        final long length,
        final Durability durability)
    {
        final long generation = generations.getAndIncrement();
        final int itemExtentSize = kind == ItemKind.KV_BLOCK ? (int)Math.max(1, length) : extentSize;
        final ItemMeta draft = new ItemMeta(kind, container, name, length, itemExtentSize, generation, 0, durability,
            System.currentTimeMillis());
        final ExtentCapture capture = new ExtentCapture(body, length, itemExtentSize);
        try
        {
            if (durability == Durability.WRITE_THROUGH)
            {
                capture.onExtent((i, bytes) -> cacheExtent(draft.extentKey(i), bytes));
                try
                {
                    capacity.put(draft.capacityKey(), capture, length);
                }
                catch (final TierFullException ex)
                {
                    throw new StoreException(StoreException.Reason.INSUFFICIENT_STORAGE,
                        "capacity tier is full: " + ex.getMessage(), ex);
                }
                catch (final TierException ex)
                {
                    capture.rethrowIfBodyFailed();
                    throw new StoreException(StoreException.Reason.UNAVAILABLE,
                        "capacity tier failed the write-through: " + ex.getMessage(), ex);
                }
                capture.rethrowIfBodyFailed();
                capture.requireComplete();
                capture.awaitBodyEnd();
            }
            else
            {
                capture.onExtent((i, bytes) -> storeExtent(draft.extentKey(i), bytes, durability));
                capture.drain();
                capture.awaitBodyEnd();
            }
        }
        catch (final RuntimeException ex)
        {
            deleteExtents(draft);
            throw ex;
        }
        final ItemMeta meta = new ItemMeta(kind, container, name, length, itemExtentSize, generation, capture.crc32c(),
            durability, draft.createdMillis());
        if (durability == Durability.WRITE_THROUGH)
        {
            putSidecar(meta);
        }
        final ItemMeta previous;
        synchronized (journal)
        {
            journal.appendPut(meta, durability != Durability.CACHE);
            previous = index.put(meta.indexKey(), meta);
        }
        if (previous != null)
        {
            if (previous.durability() == Durability.WRITE_THROUGH && durability != Durability.WRITE_THROUGH)
            {
                deleteFromCapacityQuietly(previous);
            }
            deleteExtents(previous);
        }
        maybeCompactJournal();
        return meta;
    }

    /**
     * Deletes an item.
     *
     * @return false when there was none.
     */
    public boolean delete(final ItemKind kind, final String container, final String name)
    {
        final String indexKey = ItemMeta.indexKey(kind, container, name);
        final ItemMeta meta = head(kind, container, name);
        if (meta == null)
        {
            return false;
        }
        if (meta.durability() == Durability.WRITE_THROUGH)
        {
            try
            {
                capacity.delete(sidecarKey(meta.capacityKey()));
                capacity.delete(meta.capacityKey());
            }
            catch (final TierException ex)
            {
                throw new StoreException(StoreException.Reason.UNAVAILABLE,
                    "capacity tier failed the delete: " + ex.getMessage(), ex);
            }
        }
        final boolean removed;
        synchronized (journal)
        {
            removed = index.remove(indexKey, meta);
            if (removed)
            {
                journal.appendDelete(indexKey, meta.durability() != Durability.CACHE);
            }
        }
        if (removed)
        {
            deleteExtents(meta);
        }
        maybeCompactJournal();
        return removed;
    }

    // ---------------------------------------------------------------- reads

    /** The metadata of an item, or null. */
    public ItemMeta head(final ItemKind kind, final String container, final String name)
    {
        final ItemMeta meta = index.get(ItemMeta.indexKey(kind, container, name));
        return meta != null ? meta : adoptFromCapacity(kind, container, name);
    }

    /** The metadata of an item this node holds now, or null; unlike {@link #head} it never takes one over. */
    public ItemMeta peek(final ItemKind kind, final String container, final String name)
    {
        return index.get(ItemMeta.indexKey(kind, container, name));
    }

    /**
     * A {@code write-through} item this node has no metadata for may still be in the shared capacity tier (its owner
     * died, or the slot moved without a hand-off): its metadata sidecar says what it is, and the node takes it over.
     */
    private ItemMeta adoptFromCapacity(final ItemKind kind, final String container, final String name)
    {
        final ItemMeta probe = new ItemMeta(kind, container, name, 0, 1, 0, 0, Durability.WRITE_THROUGH, 0);
        try
        {
            final ByteBuffer sidecar = capacity.get(sidecarKey(probe.capacityKey()), 0, -1);
            if (sidecar == null)
            {
                return null;
            }
            final byte[] bytes = new byte[sidecar.remaining()];
            sidecar.get(bytes);
            final ItemMeta meta = ItemMetaCodec.fromBytes(bytes);
            if (!meta.indexKey().equals(probe.indexKey()) || capacity.size(meta.capacityKey()) != meta.size())
            {
                return null;
            }
            importItem(meta, null);
            adoptions.incrementAndGet();
            LOG.debug("adopted {} from the capacity tier", meta.indexKey());
            return index.get(meta.indexKey());
        }
        catch (final TierException | IOException ex)
        {
            LOG.debug("no adoptable capacity copy of {}: {}", probe.indexKey(), ex.toString());
            return null;
        }
    }

    /** Items held only with {@code cache} durability (lost if this node dies). */
    public long cacheItemCount()
    {
        long n = 0;
        for (final ItemMeta meta : index.values())
        {
            n += meta.durability() == Durability.CACHE ? 1 : 0;
        }
        return n;
    }

    /** Write-through items taken over from the capacity tier without a hand-off. */
    public long adoptions()
    {
        return adoptions.get();
    }

    private void putSidecar(final ItemMeta meta)
    {
        try
        {
            capacity.put(sidecarKey(meta.capacityKey()), ByteBuffer.wrap(ItemMetaCodec.toBytes(meta)));
        }
        catch (final TierException ex)
        {
            throw new StoreException(StoreException.Reason.UNAVAILABLE,
                "capacity tier failed the metadata write: " + ex.getMessage(), ex);
        }
    }

    /** Where an item's metadata sidecar lives in the capacity tier (no bucket can start with '.'). */
    static String sidecarKey(final String capacityKey)
    {
        return ".terrace-meta/" + capacityKey;
    }

    /**
     * Opens bytes {@code [offset, offset + length)} of an item for reading. The caller has checked the range against
     * {@link ItemMeta#size()}. The first extent is fetched now, so the serving tier is known before the response starts.
     *
     * @throws StoreException NOT_FOUND when the item does not exist or its cache-class bytes were evicted.
     */
    public ItemRead open(final ItemMeta meta, final long offset, final long length)
    {
        readListener.accept(meta);
        if (length == 0 || meta.size() == 0)
        {
            return new ItemRead(meta, TierKind.MEMORY, offset, 0, InputStream.nullInputStream());
        }
        final ExtentInputStream stream = new ExtentInputStream(this, meta, offset, length);
        final TierKind first = stream.prefetchFirst();
        return new ItemRead(meta, first, offset, length, stream);
    }

    /** Sets what is told of every item a client opens for reading (hints follow their job's reads). */
    public void onRead(final java.util.function.Consumer<ItemMeta> listener)
    {
        this.readListener = listener;
    }

    /** Reads extent {@code i} of {@code meta} from the fastest tier holding it, promoting per policy. */
    ExtentRead readExtent(final ItemMeta meta, final int i)
    {
        final String key = meta.extentKey(i);
        final int expected = meta.extentLength(i);
        try
        {
            final ByteBuffer fromMemory = memory.get(key, 0, -1);
            if (fromMemory != null && fromMemory.remaining() == expected)
            {
                memoryPolicy.recordAccess(key, expected);
                return new ExtentRead(fromMemory, TierKind.MEMORY);
            }
        }
        catch (final TierException ex)
        {
            LOG.warn("memory tier read of {} failed: {}", key, ex.toString());
        }
        try
        {
            final ByteBuffer fromFlash = flash.get(key, 0, -1);
            if (fromFlash != null && fromFlash.remaining() == expected)
            {
                flashPolicy.recordAccess(key, expected);
                promote(key, fromFlash);
                return new ExtentRead(fromFlash, TierKind.FLASH);
            }
        }
        catch (final TierException ex)
        {
            // A corrupt or unreadable flash record: the driver dropped it; fall through to a durable copy.
            LOG.warn("flash tier read of {} failed, falling through: {}", key, ex.toString());
            flashPolicy.remove(key);
        }
        if (meta.durability() == Durability.WRITE_THROUGH)
        {
            final ByteBuffer fromCapacity;
            try
            {
                fromCapacity = capacity.get(meta.capacityKey(), meta.extentOffset(i), expected);
            }
            catch (final TierException ex)
            {
                throw new StoreException(StoreException.Reason.UNAVAILABLE,
                    "capacity tier read failed: " + ex.getMessage(), ex);
            }
            if (fromCapacity != null && fromCapacity.remaining() == expected && index.get(meta.indexKey()) == meta)
            {
                capacityFallbacks.incrementAndGet();
                promote(key, fromCapacity);
                return new ExtentRead(fromCapacity, TierKind.CAPACITY);
            }
            if (index.get(meta.indexKey()) != meta)
            {
                throw new StoreException(StoreException.Reason.NOT_FOUND, "the item was replaced or deleted during the read");
            }
            throw new StoreException(StoreException.Reason.UNAVAILABLE,
                "capacity tier no longer holds " + meta.capacityKey());
        }
        reportLoss(meta, "extent " + i + " is in no tier");
        throw new StoreException(StoreException.Reason.NOT_FOUND,
            "cache-class data of " + meta.indexKey() + " was evicted");
    }

    /** Whether every extent of the item is in the memory tier now. */
    public boolean inMemory(final ItemMeta meta)
    {
        try
        {
            for (int i = 0; i < meta.extentCount(); i++)
            {
                if (!memory.contains(meta.extentKey(i)))
                {
                    return false;
                }
            }
            return true;
        }
        catch (final TierException ex)
        {
            return false;
        }
    }

    /**
     * Stages an item into memory ahead of a hinted read: each extent not in memory is read from flash or capacity
     * and admitted without counting an access (so prefetches do not look like demand to the policy).
     *
     * @return the bytes copied into memory.
     */
    public long stage(final ItemMeta meta)
    {
        long staged = 0;
        for (int i = 0; i < meta.extentCount(); i++)
        {
            if (index.get(meta.indexKey()) != meta)
            {
                break;
            }
            final String key = meta.extentKey(i);
            try
            {
                if (memory.contains(key))
                {
                    continue;
                }
                ByteBuffer bytes = flash.get(key, 0, -1);
                if (bytes == null && meta.durability() == Durability.WRITE_THROUGH)
                {
                    bytes = capacity.get(meta.capacityKey(), meta.extentOffset(i), meta.extentLength(i));
                }
                if (bytes == null || bytes.remaining() != meta.extentLength(i) || !memoryPolicy.admit(key, bytes.remaining()))
                {
                    break;
                }
                memory.put(key, bytes);
                staged += bytes.remaining();
                prefetches.incrementAndGet();
            }
            catch (final TierException ex)
            {
                memoryPolicy.remove(key);
                LOG.debug("staging {} stopped: {}", key, ex.getMessage());
                break;
            }
        }
        return staged;
    }

    /** Extents staged into memory for hints. */
    public long prefetches()
    {
        return prefetches.get();
    }

    /**
     * The objects of a bucket whose keys start with {@code prefix} and sort after {@code startAfter} (null for none),
     * in key order, at most {@code limit}.
     */
    public List<ItemMeta> list(final String bucket, final String prefix, final String startAfter, final int limit)
    {
        final String from = ItemMeta.indexKey(ItemKind.OBJECT, bucket, prefix);
        final boolean resume = startAfter != null && startAfter.compareTo(prefix) >= 0;
        final String first = resume ? ItemMeta.indexKey(ItemKind.OBJECT, bucket, startAfter) : from;
        final List<ItemMeta> result = new ArrayList<>();
        for (final Map.Entry<String, ItemMeta> e : index.tailMap(first, !resume).entrySet())
        {
            if (!e.getKey().startsWith(from) || result.size() >= limit)
            {
                break;
            }
            result.add(e.getValue());
        }
        return result;
    }

    /** The longest prefix of {@code hashes} whose blocks are all held by some tier, and which tier holds each. */
    public PrefixLookup lookupPrefix(final String namespace, final long[] hashes)
    {
        final List<TierKind> tiers = new ArrayList<>();
        for (final long hash : hashes)
        {
            final ItemMeta meta = index.get(ItemMeta.indexKey(ItemKind.KV_BLOCK, namespace, Long.toUnsignedString(hash)));
            if (meta == null)
            {
                break;
            }
            final TierKind tier = residentTier(meta);
            if (tier == null)
            {
                break;
            }
            tiers.add(tier);
        }
        return new PrefixLookup(tiers.size(), tiers);
    }

    /** The fastest tier holding the whole item, or null when none does. */
    public TierKind residentTier(final ItemMeta meta)
    {
        if (meta.size() == 0)
        {
            return TierKind.MEMORY;
        }
        try
        {
            final String first = meta.extentKey(0);
            if (memory.contains(first))
            {
                return TierKind.MEMORY;
            }
            if (flash.contains(first))
            {
                return TierKind.FLASH;
            }
        }
        catch (final TierException ex)
        {
            LOG.debug("tier lookup failed: {}", ex.toString());
        }
        return meta.durability() == Durability.WRITE_THROUGH ? TierKind.CAPACITY : null;
    }

    // ---------------------------------------------------------------- slot hand-off

    /** The items whose names hash to {@code slot} (of {@code slots}). */
    public List<ItemMeta> itemsInSlot(final int slot, final int slots)
    {
        final List<ItemMeta> result = new ArrayList<>();
        for (final ItemMeta meta : index.values())
        {
            if (slotOf(meta, slots) == slot)
            {
                result.add(meta);
            }
        }
        return result;
    }

    /** The slot of an item. */
    public static int slotOf(final ItemMeta meta, final int slots)
    {
        return meta.kind() == ItemKind.OBJECT
            ? dev.terrace.protocol.SlotHash.objectSlot(meta.container(), meta.name(), slots)
            : dev.terrace.protocol.SlotHash.kvSlot(meta.container(), Long.parseUnsignedLong(meta.name()), slots);
    }

    /** The next generation number; items written from now on have at least this one. */
    public long nextGeneration()
    {
        return generations.get();
    }

    /**
     * Extent {@code i} of {@code meta} from memory or flash, without promoting it or counting an access, or null when
     * neither holds it (a hand-off reads this way).
     */
    public ByteBuffer localExtent(final ItemMeta meta, final int i)
    {
        final String key = meta.extentKey(i);
        try
        {
            ByteBuffer bytes = memory.get(key, 0, -1);
            if (bytes == null)
            {
                bytes = flash.get(key, 0, -1);
            }
            return bytes != null && bytes.remaining() == meta.extentLength(i) ? bytes : null;
        }
        catch (final TierException ex)
        {
            return null;
        }
    }

    /**
     * Drops this node's copy of an item that another node now owns: index, journal and local extents. The capacity
     * tier's copy is shared and stays.
     */
    public void forget(final ItemMeta meta)
    {
        final boolean removed;
        synchronized (journal)
        {
            removed = index.remove(meta.indexKey(), meta);
            if (removed)
            {
                journal.appendDelete(meta.indexKey(), false);
            }
        }
        if (removed)
        {
            deleteExtents(meta);
        }
    }

    /**
     * Takes over an item handed off by its previous owner. When {@code extents} is non-null it yields the item's
     * extents in order, and they are stored here by the item's durability class; when null, only the metadata moves
     * (a {@code write-through} item whose bytes stay in the capacity tier). An item this node already holds in the
     * same or a newer generation is kept (its flash copy is reused, not re-fetched).
     *
     * @return whether the item was imported (false: kept the local one).
     */
    public boolean importItem(final ItemMeta meta, final java.util.function.IntFunction<ByteBuffer> extents)
    {
        final ItemMeta local = index.get(meta.indexKey());
        if (local != null && Long.compareUnsigned(local.generation(), meta.generation()) >= 0 &&
            (local.durability() == Durability.WRITE_THROUGH || residentTier(local) != null))
        {
            return false;
        }
        if (extents != null)
        {
            try
            {
                for (int i = 0; i < meta.extentCount(); i++)
                {
                    final ByteBuffer bytes = extents.apply(i);
                    if (meta.durability() == Durability.WRITE_THROUGH)
                    {
                        cacheExtent(meta.extentKey(i), bytes);
                    }
                    else
                    {
                        storeExtent(meta.extentKey(i), bytes, meta.durability());
                    }
                }
            }
            catch (final RuntimeException ex)
            {
                deleteExtents(meta);
                throw ex;
            }
        }
        final ItemMeta previous;
        synchronized (journal)
        {
            journal.appendPut(meta, meta.durability() != Durability.CACHE);
            previous = index.put(meta.indexKey(), meta);
        }
        if (previous != null && previous.generation() != meta.generation())
        {
            deleteExtents(previous);
        }
        generations.accumulateAndGet(meta.generation() + 1, Math::max);
        return true;
    }

    // ---------------------------------------------------------------- stats

    /** Tier snapshots, fastest first. */
    public List<TierStats> tierStats()
    {
        return List.of(memory.stats(), flash.stats(), capacity.stats());
    }

    /** Number of objects and KV blocks indexed: {@code [objects, kvBlocks]}. */
    public long[] itemCounts()
    {
        final NavigableMap<String, ItemMeta> objects = index.subMap("o/", "o0");
        final long objectCount = objects.size();
        return new long[] {objectCount, index.size() - objectCount};
    }

    public long demotions()
    {
        return demotions.get();
    }

    public long promotions()
    {
        return promotions.get();
    }

    /** Cache-class items lost because their bytes left every tier (evicted, or memory-only at a crash). */
    public long cacheLosses()
    {
        return cacheLosses.get();
    }

    public long capacityFallbacks()
    {
        return capacityFallbacks.get();
    }

    public String memoryPolicyName()
    {
        return memoryPolicy.name();
    }

    /** Waits until queued demotions have run (tests, shutdown). */
    public void awaitDemotions()
    {
        try
        {
            demoter.submit(() ->
            {
            }).get(60, TimeUnit.SECONDS);
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException("demotions did not finish", ex);
        }
    }

    /**
     * Flushes memory-only extents to flash so a restart reuses them, then closes the journal. The tiers are closed by
     * their owner.
     */
    @Override
    public void close()
    {
        demoter.shutdown();
        try
        {
            demoter.awaitTermination(60, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        int flushed = 0;
        for (final ItemMeta meta : index.values())
        {
            for (int i = 0; i < meta.extentCount(); i++)
            {
                final String key = meta.extentKey(i);
                try
                {
                    if (!flash.contains(key))
                    {
                        final ByteBuffer bytes = memory.get(key, 0, -1);
                        if (bytes != null)
                        {
                            flash.put(key, bytes);
                            flushed++;
                        }
                    }
                }
                catch (final TierException ex)
                {
                    LOG.info("shutdown flush to flash stopped: {}", ex.getMessage());
                    i = meta.extentCount();
                }
            }
        }
        LOG.info("flushed {} memory extents to flash at shutdown", flushed);
        journal.close();
    }

    // ---------------------------------------------------------------- internals

    private void storeExtent(final String key, final ByteBuffer bytes, final Durability durability)
    {
        final int weight = bytes.remaining();
        if (durability == Durability.REPLICATED)
        {
            putFlash(key, bytes, true);
            cacheExtent(key, bytes);
            return;
        }
        if (memoryPolicy.admit(key, weight))
        {
            try
            {
                memory.put(key, bytes);
                return;
            }
            catch (final TierException ex)
            {
                memoryPolicy.remove(key);
            }
        }
        putFlash(key, bytes, true);
    }

    /** Best effort: a write-through extent's copy in memory. */
    private void cacheExtent(final String key, final ByteBuffer bytes)
    {
        if (memoryPolicy.admit(key, bytes.remaining()))
        {
            try
            {
                memory.put(key, bytes);
            }
            catch (final TierException ex)
            {
                memoryPolicy.remove(key);
            }
        }
    }

    private void putFlash(final String key, final ByteBuffer bytes, final boolean required)
    {
        if (!tryPutFlash(key, bytes) && required)
        {
            throw new StoreException(StoreException.Reason.INSUFFICIENT_STORAGE,
                "no tier can take the write: memory and flash are full (extent of " + bytes.remaining() + " bytes)");
        }
    }

    /** Stores an extent in flash if the flash policy admits it and the tier has room. */
    private boolean tryPutFlash(final String key, final ByteBuffer bytes)
    {
        if (!flashPolicy.admit(key, bytes.remaining()))
        {
            return false;
        }
        try
        {
            flash.put(key, bytes);
            return true;
        }
        catch (final TierException ex)
        {
            flashPolicy.remove(key);
            LOG.debug("flash refused {}: {}", key, ex.getMessage());
            return false;
        }
    }

    private void promote(final String key, final ByteBuffer bytes)
    {
        if (memoryPolicy.recordAccess(key, bytes.remaining()))
        {
            try
            {
                memory.put(key, bytes.duplicate());
                promotions.incrementAndGet();
            }
            catch (final TierException ex)
            {
                memoryPolicy.remove(key);
            }
        }
    }

    private void scheduleDemotion(final String key)
    {
        if (!demoter.isShutdown())
        {
            demoter.execute(() -> demote(key));
        }
    }

    private void demote(final String key)
    {
        try
        {
            final ItemMeta meta = index.get(ItemMeta.indexKeyOfExtent(key));
            final boolean current = meta != null && meta.generation() == ItemMeta.generationOfExtent(key);
            if (current && !flash.contains(key))
            {
                final ByteBuffer bytes = memory.get(key, 0, -1);
                if (bytes == null)
                {
                    return;
                }
                if (!tryPutFlash(key, bytes) && meta.durability() != Durability.WRITE_THROUGH)
                {
                    reportLoss(meta, "memory evicted it and flash is full");
                }
            }
            if (!memoryPolicy.contains(key))
            {
                memory.delete(key);
                demotions.incrementAndGet();
            }
        }
        catch (final TierException | RuntimeException ex)
        {
            LOG.warn("demotion of {} failed: {}", key, ex.toString());
        }
    }

    private void dropFromFlash(final String key)
    {
        try
        {
            if (memory.contains(key))
            {
                flash.delete(key);
                return;
            }
            final ItemMeta meta = index.get(ItemMeta.indexKeyOfExtent(key));
            flash.delete(key);
            if (meta != null && meta.durability() != Durability.WRITE_THROUGH &&
                meta.generation() == ItemMeta.generationOfExtent(key))
            {
                reportLoss(meta, "evicted from flash");
            }
        }
        catch (final TierException ex)
        {
            LOG.warn("flash eviction of {} failed: {}", key, ex.toString());
        }
    }

    /** A cache-class item lost a piece: the rest is useless, so it is removed and the loss counted. */
    private void reportLoss(final ItemMeta meta, final String why)
    {
        final boolean removed;
        synchronized (journal)
        {
            removed = index.remove(meta.indexKey(), meta);
            if (removed)
            {
                journal.appendDelete(meta.indexKey(), false);
            }
        }
        if (removed)
        {
            cacheLosses.incrementAndGet();
            LOG.info("cache-class item {} dropped: {}", meta.indexKey(), why);
            demoter.execute(() -> deleteExtents(meta));
        }
    }

    private void deleteExtents(final ItemMeta meta)
    {
        for (int i = 0; i < meta.extentCount(); i++)
        {
            final String key = meta.extentKey(i);
            memoryPolicy.remove(key);
            flashPolicy.remove(key);
            try
            {
                memory.delete(key);
                flash.delete(key);
            }
            catch (final TierException ex)
            {
                LOG.warn("deleting extent {} failed: {}", key, ex.toString());
            }
        }
    }

    private void deleteFromCapacityQuietly(final ItemMeta meta)
    {
        try
        {
            capacity.delete(meta.capacityKey());
        }
        catch (final TierException ex)
        {
            LOG.warn("could not delete replaced capacity copy {}: {}", meta.capacityKey(), ex.toString());
        }
    }

    /** Rebuilds the flash policy from what flash holds, drops orphans, and drops cache-class items that lost bytes. */
    private void recover()
    {
        int orphans = 0;
        try
        {
            for (final String key : flash.list(""))
            {
                final ItemMeta meta = index.get(ItemMeta.indexKeyOfExtent(key));
                if (meta == null || meta.generation() != ItemMeta.generationOfExtent(key))
                {
                    flash.delete(key);
                    orphans++;
                    continue;
                }
                flashPolicy.admit(key, Math.max(1, flash.size(key)));
            }
        }
        catch (final TierException ex)
        {
            throw new IllegalStateException("cannot scan the flash tier: " + ex.getMessage(), ex);
        }
        int lost = 0;
        for (final ItemMeta meta : List.copyOf(index.values()))
        {
            if (meta.durability() == Durability.WRITE_THROUGH)
            {
                continue;
            }
            for (int i = 0; i < meta.extentCount(); i++)
            {
                boolean present;
                try
                {
                    present = flash.contains(meta.extentKey(i));
                }
                catch (final TierException ex)
                {
                    present = false;
                }
                if (!present)
                {
                    index.remove(meta.indexKey());
                    deleteExtents(meta);
                    cacheLosses.incrementAndGet();
                    lost++;
                    break;
                }
            }
        }
        if (orphans > 0 || lost > 0)
        {
            journal.rewrite(index.values());
        }
        LOG.info("recovered {} items ({} flash extents reused, {} orphan extents removed, {} cache-class items lost)",
            index.size(), flash.stats().extents(), orphans, lost);
    }

    private void maybeCompactJournal()
    {
        if (journal.records() > 4L * index.size() + 100_000)
        {
            synchronized (journal)
            {
                if (journal.records() > 4L * index.size() + 100_000)
                {
                    journal.rewrite(index.values());
                }
            }
        }
    }

}
