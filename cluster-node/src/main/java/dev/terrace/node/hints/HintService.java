package dev.terrace.node.hints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.terrace.mover.TransferExecutor;
import dev.terrace.node.store.ItemKind;
import dev.terrace.node.store.ItemMeta;
import dev.terrace.node.store.NodeStore;
import dev.terrace.placement.Hint;
import dev.terrace.placement.PrefetchBudget;
import dev.terrace.placement.PrefetchPlan;
import dev.terrace.placement.PrefetchPlanner;
import dev.terrace.placement.Residency;
import dev.terrace.tier.TierKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The hint parts this node holds: the hinted items whose slots it owns ({@link HintCoordinator} splits each hint by
 * slot owner). Every tick it gives the placement module's {@link PrefetchPlanner} each part's staging window, and
 * stages what the planner asks for (flash or capacity to memory) on the {@link HintStager}'s own threads, as
 * {@code prefetch} transfers of the mover.
 * <p>
 * <b>Order and window.</b> Items are staged in the order the hint lists them (a training epoch's read order). The
 * node follows the job's reads ({@link #onRead}): an item read is done, and the window of a part runs from its
 * first unread item for at most the job's budget, so staging keeps a budget's worth of data ahead of the readers
 * instead of staging a long hint all at once (and evicting its own head before it is read). A read consumes the
 * earliest listing of the item among the hints this node holds (reads carry no job id).
 * <p>
 * <b>Budgets.</b> The planner's per-job and per-namespace budgets are fractions of this node's memory tier: each
 * owner enforces them on its own part.
 * <p>
 * <b>Owner changes.</b> Once a second, and whenever the slot map changes, a part looks for unread items whose slot
 * another node owns now (the slot moved, or it was held here because its owner did not answer) and forwards them to
 * that owner as more of the same hint; here they count as forwarded and are no longer reported.
 */
public final class HintService implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(HintService.class);
    private static final long TICK_MILLIS = 100;
    private static final int TICKS_PER_REFRESH = 10;
    private static final long KEEP_FINISHED_MILLIS = 3600_000;
    private static final int MAX_WINDOW_ITEMS = 4096;
    private static final int MAX_TOMBSTONES = 10_000;

    /** A hint part's progress, for {@code GET /internal/v1/hints/{id}/part} and the coordinator's aggregate. */
    public record Status(
        String id,
        String node,
        String job,
        String state,
        long startAtMillis,
        long expiresAtMillis,
        int items,
        int itemsStaged,
        int itemsMissing,
        int itemsRead,
        int itemsForwarding,
        long bytesTotal,
        long bytesStaged,
        Map<TierKind, Long> bytesByTier,
        List<String> nodes)
    {
    }

    /** A hinted item, and the sequences that list it (read tracking). */
    private record Tracked(ItemKind kind, String container, String name, List<HintPart.Sequence> sequences)
    {
    }

    private final NodeStore store;
    private final HintPeers peers;
    private final HintTransport transport;
    private final long defaultTtlMillis;
    private final PrefetchPlanner planner;
    private final HintStager stager;
    private final Map<String, HintPart> parts = new LinkedHashMap<>();
    private final Map<String, Long> tombstones = new LinkedHashMap<>();
    private final Map<Long, Tracked> tracked = new ConcurrentHashMap<>();
    private final ScheduledExecutorService ticker;
    private final AtomicBoolean tickQueued = new AtomicBoolean();
    private final AtomicBoolean rehoming = new AtomicBoolean();
    private long ticks;
    private long rehomedAtEpoch = Long.MIN_VALUE;
    private boolean rehomeNeeded;
    private boolean windowsStale;
    private final Residency residency = new Residency()
    {
        @Override
        public boolean isStaged(final long id)
        {
            if (stager.staging(id))
            {
                return true;
            }
            final ItemMeta meta = meta(id);
            return meta != null && store.inMemory(meta);
        }

        @Override
        public long stageableWeight(final long id)
        {
            final ItemMeta meta = meta(id);
            if (meta == null || store.residentTier(meta) == null)
            {
                return -1;
            }
            return Math.max(1, meta.size());
        }
    };

    /**
     * @param memoryBudget       bytes of memory the hints may fill in all (the memory tier's high watermark).
     * @param horizonMillis      how far ahead of a job's start its data is staged.
     * @param stagingConcurrency items staged at once, on threads of their own (fewer than the node's I/O threads).
     */
    public HintService(
        final NodeStore store,
        final TransferExecutor mover,
        final HintPeers peers,
        final HintTransport transport,
        final long memoryBudget,
        final long horizonMillis,
        final double maxJobFraction,
        final double maxNamespaceFraction,
        final long defaultTtlMillis,
        final int stagingConcurrency)
    {
        this.store = store;
        this.peers = peers;
        this.transport = transport;
        this.defaultTtlMillis = defaultTtlMillis;
        this.planner = new PrefetchPlanner(new PrefetchBudget(memoryBudget, (long)(memoryBudget * maxJobFraction),
            (long)(memoryBudget * maxNamespaceFraction), horizonMillis));
        this.stager = new HintStager(store, mover, stagingConcurrency, this::staged);
        this.ticker = Executors.newSingleThreadScheduledExecutor(r ->
        {
            final Thread t = new Thread(r, "terrace-hints");
            t.setDaemon(true);
            return t;
        });
        store.onRead(this::onRead);
        ticker.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** This node's id, as hint parts name it. */
    public String nodeId()
    {
        return peers.selfId();
    }

    /** Default time to live of a hint without {@code ttlMs}. */
    long defaultTtlMillis()
    {
        return defaultTtlMillis;
    }

    /**
     * Takes on part of hint {@code id} (a {@code POST /internal/v1/hints/{id}/part} body: the hint's fields, its
     * items for this node, and {@code nodes}, the members that hold parts). A second part of the same hint is added
     * to the first. Object prefixes are expanded over the items of this node's slots.
     *
     * @throws IllegalArgumentException when the body is not a valid hint.
     */
    public Status acceptPart(final String id, final JsonNode body)
    {
        final long now = System.currentTimeMillis();
        final HintRequest request = HintRequest.parse(body, now, defaultTtlMillis);
        final List<String> nodes = new ArrayList<>();
        body.path("nodes").forEach(n -> nodes.add(n.asText()));
        return acceptPart(id, request, nodes, now);
    }

    Status acceptPart(final String id, final HintRequest request, final Collection<String> nodes, final long now)
    {
        final List<HintPlan.Group> groups = new ArrayList<>();
        for (final HintRequest.ObjectGroup objects : request.objects())
        {
            final List<String> keys = objects.prefix() == null ? objects.keys() : ownedKeys(objects);
            if (!keys.isEmpty())
            {
                groups.add(new HintPlan.Group(ItemKind.OBJECT, objects.bucket(), keys));
            }
        }
        for (final HintRequest.KvChain chain : request.kv())
        {
            final List<String> names = new ArrayList<>(chain.hashes().length);
            for (final long hash : chain.hashes())
            {
                names.add(Long.toUnsignedString(hash));
            }
            groups.add(new HintPlan.Group(ItemKind.KV_BLOCK, chain.namespace(), names));
        }
        final HintPart part;
        synchronized (this)
        {
            final HintPart existing = parts.get(id);
            part = existing != null ? existing : new HintPart(id, request, now);
            if (existing == null)
            {
                parts.put(id, part);
                part.cancelled = tombstones.containsKey(id);
            }
            part.nodes.add(peers.selfId());
            part.nodes.addAll(nodes);
            for (final HintPlan.Group group : groups)
            {
                // A KV chain is prefix-chained: blocks behind one that no tier holds cannot be used.
                final HintPart.Sequence sequence = new HintPart.Sequence(id + '#' + part.sequences.size(),
                    group.kind(), group.container(), group.kind() == ItemKind.KV_BLOCK, group.names());
                part.sequences.add(sequence);
                if (!part.cancelled)
                {
                    track(sequence);
                }
            }
            rehomeNeeded = true;
        }
        tickSoon();
        return status(part, now);
    }

    /** The status of this node's part of hint {@code id}, or null when it holds none. */
    public Status partStatus(final String id)
    {
        final HintPart part;
        synchronized (this)
        {
            part = parts.get(id);
        }
        return part == null ? null : status(part, System.currentTimeMillis());
    }

    /**
     * Cancels this node's part of hint {@code id}. A part of it that arrives later (forwarded by a node that had not
     * heard of the cancel yet) is kept cancelled.
     *
     * @return false when this node held no part of it.
     */
    public boolean cancelPart(final String id)
    {
        synchronized (this)
        {
            tombstones.put(id, System.currentTimeMillis());
            if (tombstones.size() > MAX_TOMBSTONES)
            {
                final Iterator<String> oldest = tombstones.keySet().iterator();
                oldest.next();
                oldest.remove();
            }
            final HintPart part = parts.get(id);
            if (part == null)
            {
                return false;
            }
            part.cancelled = true;
            retire(part);
            return true;
        }
    }

    /** Number of hint parts held (active or recently finished). */
    public synchronized int size()
    {
        return parts.size();
    }

    /** The staging threads' figures, for {@code GET /v1/mover/transfers}. */
    public record Staging(int threads, int staging, long bytesStaged, long failures)
    {
    }

    /** What the staging threads are doing and have done. */
    public Staging staging()
    {
        return new Staging(stager.concurrency(), stager.staging(), stager.bytesStaged(), stager.failures());
    }

    /**
     * A client opened {@code meta} for reading: where a hint lists it, its earliest unread position is done and the
     * hint's staging window moves on. Cheap when no hint lists the item.
     */
    void onRead(final ItemMeta meta)
    {
        final Tracked item = tracked.get(HintPart.itemId(meta.kind(), meta.container(), meta.name()));
        if (item == null)
        {
            return;
        }
        boolean moved = false;
        synchronized (this)
        {
            // One read consumes one listing: the earliest hint's, so a hint for the next epoch, posted while this
            // epoch's last items are read, keeps those items for its own reads.
            for (final HintPart.Sequence sequence : item.sequences())
            {
                if (sequence.kind == meta.kind() && sequence.container.equals(meta.container()) &&
                    sequence.markRead(HintPart.itemId(meta.kind(), meta.container(), meta.name())))
                {
                    moved = true;
                    break;
                }
            }
        }
        if (moved)
        {
            tickSoon();
        }
    }

    @Override
    public void close()
    {
        ticker.shutdownNow();
        stager.close();
    }

    private List<String> ownedKeys(final HintRequest.ObjectGroup objects)
    {
        final List<String> keys = new ArrayList<>();
        for (final ItemMeta meta : store.list(objects.bucket(), objects.prefix(), null, HintRequest.MAX_ITEMS + 1))
        {
            if (peers.remoteOwnerOf(NodeStore.slotOf(meta, dev.terrace.protocol.SlotHash.DEFAULT_SLOTS)) == null)
            {
                keys.add(meta.name());
            }
        }
        if (keys.size() > HintRequest.MAX_ITEMS)
        {
            throw new IllegalArgumentException("prefix '" + objects.prefix() + "' matches more than " +
                HintRequest.MAX_ITEMS + " objects");
        }
        return keys;
    }

    private void track(final HintPart.Sequence sequence)
    {
        for (int i = 0; i < sequence.size(); i++)
        {
            final Tracked item = tracked.computeIfAbsent(sequence.ids[i],
                k -> new Tracked(sequence.kind, sequence.container, "", new ArrayList<>()));
            if (item.name().isEmpty())
            {
                tracked.put(sequence.ids[i], new Tracked(sequence.kind, sequence.container, sequence.names[i],
                    item.sequences()));
            }
            if (!item.sequences().contains(sequence))
            {
                item.sequences().add(sequence);
            }
        }
    }

    /** A cancelled or expired part stops staging and stops following reads; its status stays for a while. */
    private void retire(final HintPart part)
    {
        if (part.retired)
        {
            return;
        }
        part.retired = true;
        for (final HintPart.Sequence sequence : part.sequences)
        {
            planner.cancel(sequence.plannerId);
            sequence.planned = null;
            untrack(sequence);
        }
    }

    private void untrack(final HintPart.Sequence sequence)
    {
        for (final long id : sequence.ids)
        {
            final Tracked item = tracked.get(id);
            if (item != null && item.sequences().remove(sequence) && item.sequences().isEmpty())
            {
                tracked.remove(id);
            }
        }
    }

    private ItemMeta meta(final long id)
    {
        final Tracked item = tracked.get(id);
        // peek, not head: a hint must not make this node take over items of slots it does not own.
        return item == null ? null : store.peek(item.kind(), item.container(), item.name());
    }

    /** A staging finished: a staging thread is free, so every window may take one more item. */
    private void staged(final long id)
    {
        synchronized (this)
        {
            windowsStale = true;
        }
        tickSoon();
    }

    private void tickSoon()
    {
        if (tickQueued.compareAndSet(false, true) && !ticker.isShutdown())
        {
            try
            {
                ticker.execute(this::tick);
            }
            catch (final java.util.concurrent.RejectedExecutionException ex)
            {
                tickQueued.set(false);
            }
        }
    }

    private void tick()
    {
        tickQueued.set(false);
        try
        {
            final long now = System.currentTimeMillis();
            final PrefetchPlan plan;
            final boolean refresh;
            synchronized (this)
            {
                refresh = ++ticks % TICKS_PER_REFRESH == 0;
                final boolean recompute = refresh || windowsStale;
                windowsStale = false;
                planner.expire(now);
                final Iterator<HintPart> all = parts.values().iterator();
                while (all.hasNext())
                {
                    final HintPart part = all.next();
                    if (!part.active(now))
                    {
                        retire(part);
                        if (now - Math.max(part.createdMillis, part.expiresAtMillis) > KEEP_FINISHED_MILLIS)
                        {
                            all.remove();
                        }
                        continue;
                    }
                    for (final HintPart.Sequence sequence : part.sequences)
                    {
                        if (sequence.dirty || recompute)
                        {
                            updateWindow(part, sequence);
                        }
                    }
                }
                tombstones.values().removeIf(at -> now - at > KEEP_FINISHED_MILLIS);
                plan = planner.plan(now, residency);
            }
            for (int i = 0; i < plan.size() && stager.hasRoom(); i++)
            {
                final long id = plan.id(i);
                final ItemMeta meta = meta(id);
                final TierKind source = meta == null ? null : store.residentTier(meta);
                if (source != null && source != TierKind.MEMORY)
                {
                    stager.stage(id, meta, source);
                }
            }
            if (refresh)
            {
                maybeRehome();
            }
        }
        catch (final RuntimeException ex)
        {
            LOG.warn("hint tick failed", ex);
        }
    }

    /**
     * Gives the planner the sequence's window: its unread items from the first on, a job budget's worth at most, and
     * no more items still to stage than the stager can start (the planner counts every item it plans as a staging).
     */
    private void updateWindow(final HintPart part, final HintPart.Sequence sequence)
    {
        sequence.dirty = false;
        final long limit = planner.budget().maxJobWeight();
        final long[] window = new long[Math.min(MAX_WINDOW_ITEMS, sequence.size() - sequence.first)];
        int n = 0;
        long weight = 0;
        int toStage = stager.freeSlots();
        for (int p = sequence.done.nextClearBit(sequence.first); p < sequence.size() && n < window.length && weight <= limit;
             p = sequence.done.nextClearBit(p + 1))
        {
            final long id = sequence.ids[p];
            final long w = residency.stageableWeight(id);
            if (w >= 0 && !residency.isStaged(id) && toStage-- == 0)
            {
                break;
            }
            window[n++] = id;
            weight += Math.max(0, w);
        }
        final long[] trimmed = java.util.Arrays.copyOf(window, n);
        if (!sequence.changed(trimmed))
        {
            return;
        }
        sequence.planned = trimmed;
        if (n == 0)
        {
            planner.cancel(sequence.plannerId);
            return;
        }
        planner.add(new Hint(sequence.plannerId, part.job, sequence.container, List.of(trimmed),
            sequence.prefixChained, part.startAtMillis, part.priority, part.expiresAtMillis));
    }

    /** Forwards unread items whose slots another node owns now to that owner (see the class comment). */
    private void maybeRehome()
    {
        final long epoch = peers.slotMapEpoch();
        final Map<HintPeers.Peer, Map<HintPart, List<int[]>>> moving = new HashMap<>();
        synchronized (this)
        {
            if ((epoch == rehomedAtEpoch && !rehomeNeeded) || rehoming.get())
            {
                return;
            }
            rehomedAtEpoch = epoch;
            rehomeNeeded = false;
            final long now = System.currentTimeMillis();
            for (final HintPart part : parts.values())
            {
                if (!part.active(now))
                {
                    continue;
                }
                for (int s = 0; s < part.sequences.size(); s++)
                {
                    final HintPart.Sequence sequence = part.sequences.get(s);
                    for (int p = sequence.done.nextClearBit(sequence.first); p < sequence.size();
                         p = sequence.done.nextClearBit(p + 1))
                    {
                        final HintPeers.Peer owner = peers.remoteOwnerOf(sequence.slot(p));
                        if (owner != null)
                        {
                            moving.computeIfAbsent(owner, o -> new LinkedHashMap<>())
                                .computeIfAbsent(part, h -> new ArrayList<>()).add(new int[] {s, p});
                        }
                    }
                }
            }
        }
        if (moving.isEmpty())
        {
            return;
        }
        rehoming.set(true);
        final List<CompletableFuture<?>> sends = new ArrayList<>();
        for (final Map.Entry<HintPeers.Peer, Map<HintPart, List<int[]>>> byOwner : moving.entrySet())
        {
            for (final Map.Entry<HintPart, List<int[]>> byPart : byOwner.getValue().entrySet())
            {
                sends.add(forward(byOwner.getKey(), byPart.getKey(), byPart.getValue()));
            }
        }
        CompletableFuture.allOf(sends.toArray(new CompletableFuture<?>[0])).whenComplete((ok, error) -> rehoming.set(false));
    }

    private CompletableFuture<?> forward(final HintPeers.Peer owner, final HintPart part, final List<int[]> positions)
    {
        final HintPlan split = new HintPlan();
        final HintRequest request;
        final List<String> nodes;
        synchronized (this)
        {
            for (final int[] at : positions)
            {
                final HintPart.Sequence sequence = part.sequences.get(at[0]);
                split.add(owner.nodeId(), at[0], sequence.kind, sequence.container, sequence.names[at[1]]);
            }
            request = split.request(owner.nodeId(), new HintRequest(part.job, part.startAtMillis, part.priority,
                part.expiresAtMillis - part.startAtMillis, List.of(), List.of()));
            nodes = new ArrayList<>(part.nodes);
            nodes.add(owner.nodeId());
        }
        final ObjectNode body = HintJson.partBody(request, nodes);
        return transport.sendPart(owner, part.id, body).handle((status, error) ->
        {
            synchronized (this)
            {
                if (error != null)
                {
                    LOG.debug("forwarding part of hint {} to {} failed: {}", part.id, owner.nodeId(), error.toString());
                    rehomeNeeded = true;
                    return null;
                }
                for (final int[] at : positions)
                {
                    part.sequences.get(at[0]).markMoved(at[1]);
                }
                part.nodes.add(owner.nodeId());
            }
            LOG.debug("forwarded {} items of hint {} to their owner {}", positions.size(), part.id, owner.nodeId());
            return null;
        });
    }

    private Status status(final HintPart part, final long now)
    {
        int items = 0;
        int staged = 0;
        int missing = 0;
        int read = 0;
        int forwarding = 0;
        int unreadNotInMemory = 0;
        long total = 0;
        long stagedBytes = 0;
        final Map<TierKind, Long> byTier = new EnumMap<>(TierKind.class);
        for (final TierKind tier : TierKind.values())
        {
            byTier.put(tier, 0L);
        }
        final List<String> nodes;
        final boolean cancelled;
        synchronized (this)
        {
            nodes = List.copyOf(part.nodes);
            cancelled = part.cancelled;
            for (final HintPart.Sequence sequence : part.sequences)
            {
                for (int p = 0; p < sequence.size(); p++)
                {
                    if (sequence.moved.get(p))
                    {
                        continue;
                    }
                    items++;
                    final boolean wasRead = sequence.done.get(p);
                    read += wasRead ? 1 : 0;
                    final ItemMeta meta = store.peek(sequence.kind, sequence.container, sequence.names[p]);
                    final TierKind tier = meta == null ? null : store.residentTier(meta);
                    if (tier == null)
                    {
                        if (meta == null && peers.remoteOwnerOf(sequence.slot(p)) != null)
                        {
                            forwarding++;
                        }
                        else
                        {
                            missing++;
                        }
                        continue;
                    }
                    total += meta.size();
                    final boolean inMemory = store.inMemory(meta);
                    if (inMemory)
                    {
                        staged++;
                        stagedBytes += meta.size();
                    }
                    else if (!wasRead)
                    {
                        unreadNotInMemory++;
                    }
                    byTier.merge(inMemory ? TierKind.MEMORY : tier, meta.size(), Long::sum);
                }
            }
        }
        final String state;
        if (cancelled)
        {
            state = "cancelled";
        }
        else if (now > part.expiresAtMillis)
        {
            state = "expired";
        }
        else if (unreadNotInMemory == 0 && forwarding == 0)
        {
            state = "staged";
        }
        else if (part.startAtMillis > now + planner.budget().horizonMillis())
        {
            state = "pending";
        }
        else
        {
            state = "staging";
        }
        return new Status(part.id, peers.selfId(), part.job, state, part.startAtMillis, part.expiresAtMillis, items,
            staged, missing, read, forwarding, total, stagedBytes, byTier, nodes);
    }
}
