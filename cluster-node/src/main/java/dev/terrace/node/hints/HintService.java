package dev.terrace.node.hints;

import dev.terrace.mover.TransferClass;
import dev.terrace.mover.TransferExecutor;
import dev.terrace.node.store.ItemKind;
import dev.terrace.node.store.ItemMeta;
import dev.terrace.node.store.NodeStore;
import dev.terrace.placement.Hint;
import dev.terrace.placement.PrefetchBudget;
import dev.terrace.placement.PrefetchPlan;
import dev.terrace.placement.PrefetchPlanner;
import dev.terrace.placement.Residency;
import dev.terrace.protocol.SlotHash;
import dev.terrace.tier.TierKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Scheduler hints on one node: keeps the active hints in the placement module's {@link PrefetchPlanner}, and every
 * tick stages what the planner asks for (flash or capacity to memory) through the mover's {@link TransferExecutor}
 * in the {@code prefetch} class, so prefetches queue behind client reads and ahead of demotion.
 * <p>
 * Items are identified to the planner by their 64-bit name hash ({@link SlotHash}); the budget per job and per
 * namespace (bucket) keeps one job's hints from flushing everyone else's hot data out of memory.
 */
public final class HintService implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(HintService.class);
    private static final long TICK_MILLIS = 100;
    private static final long KEEP_FINISHED_MILLIS = 3600_000;

    /** What a hinted item is. */
    record ItemRef(ItemKind kind, String container, String name)
    {
    }

    /** One accepted hint as the API sees it. */
    static final class HintRecord
    {
        final String id;
        final HintRequest request;
        final long createdMillis;
        final long expiresAtMillis;
        final List<Long> items;
        final List<String> plannerIds;
        volatile boolean cancelled;

        HintRecord(final String id, final HintRequest request, final long createdMillis, final List<Long> items,
            final List<String> plannerIds)
        {
            this.id = id;
            this.request = request;
            this.createdMillis = createdMillis;
            this.expiresAtMillis = request.startAtMillis() + request.ttlMillis();
            this.items = items;
            this.plannerIds = plannerIds;
        }
    }

    /** A hint's progress, for {@code GET /v1/hints/{id}}. */
    public record Status(
        String id,
        String job,
        String state,
        long startAtMillis,
        long expiresAtMillis,
        int items,
        int itemsStaged,
        int itemsMissing,
        long bytesTotal,
        long bytesStaged,
        Map<TierKind, Long> bytesByTier)
    {
    }

    private final NodeStore store;
    private final TransferExecutor mover;
    private final Executor io;
    private final long defaultTtlMillis;
    private final PrefetchPlanner planner;
    private final Map<String, HintRecord> hints = new LinkedHashMap<>();
    private final Map<Long, ItemRef> items = new ConcurrentHashMap<>();
    private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService ticker;
    private final Residency residency = new Residency()
    {
        @Override
        public boolean isStaged(final long id)
        {
            if (inFlight.contains(id))
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
     * @param memoryBudget  bytes of memory the hints may fill in all (the memory tier's high watermark).
     * @param horizonMillis how far ahead of a job's start its data is staged.
     */
    public HintService(
        final NodeStore store,
        final TransferExecutor mover,
        final Executor io,
        final long memoryBudget,
        final long horizonMillis,
        final double maxJobFraction,
        final double maxNamespaceFraction,
        final long defaultTtlMillis)
    {
        this.store = store;
        this.mover = mover;
        this.io = io;
        this.defaultTtlMillis = defaultTtlMillis;
        this.planner = new PrefetchPlanner(new PrefetchBudget(memoryBudget, (long)(memoryBudget * maxJobFraction),
            (long)(memoryBudget * maxNamespaceFraction), horizonMillis));
        this.ticker = Executors.newSingleThreadScheduledExecutor(r ->
        {
            final Thread t = new Thread(r, "terrace-hints");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Accepts a hint. */
    public Status submit(final com.fasterxml.jackson.databind.JsonNode body)
    {
        final long now = System.currentTimeMillis();
        final HintRequest request = HintRequest.parse(body, now, defaultTtlMillis);
        final String id = UUID.randomUUID().toString();
        final List<Long> allItems = new ArrayList<>();
        final List<Hint> plannerHints = new ArrayList<>();
        int group = 0;
        for (final HintRequest.ObjectGroup objects : request.objects())
        {
            final List<String> keys = new ArrayList<>(objects.keys());
            if (objects.prefix() != null)
            {
                for (final ItemMeta meta : store.list(objects.bucket(), objects.prefix(), null, HintRequest.MAX_ITEMS + 1))
                {
                    keys.add(meta.name());
                }
                if (keys.size() > HintRequest.MAX_ITEMS)
                {
                    throw new IllegalArgumentException("prefix '" + objects.prefix() + "' matches more than " +
                        HintRequest.MAX_ITEMS + " objects");
                }
            }
            if (keys.isEmpty())
            {
                continue;
            }
            final long[] ids = new long[keys.size()];
            for (int i = 0; i < ids.length; i++)
            {
                ids[i] = register(new ItemRef(ItemKind.OBJECT, objects.bucket(), keys.get(i)));
                allItems.add(ids[i]);
            }
            plannerHints.add(new Hint(id + '#' + group++, request.job(), objects.bucket(), List.of(ids), false,
                request.startAtMillis(), request.priority(), request.startAtMillis() + request.ttlMillis()));
        }
        for (final HintRequest.KvChain chain : request.kv())
        {
            final long[] ids = new long[chain.hashes().length];
            for (int i = 0; i < ids.length; i++)
            {
                ids[i] = register(new ItemRef(ItemKind.KV_BLOCK, chain.namespace(),
                    Long.toUnsignedString(chain.hashes()[i])));
                allItems.add(ids[i]);
            }
            plannerHints.add(new Hint(id + '#' + group++, request.job(), chain.namespace(), List.of(ids), true,
                request.startAtMillis(), request.priority(), request.startAtMillis() + request.ttlMillis()));
        }
        final List<String> plannerIds = new ArrayList<>();
        final HintRecord record = new HintRecord(id, request, now, allItems, plannerIds);
        synchronized (this)
        {
            for (final Hint hint : plannerHints)
            {
                planner.add(hint);
                plannerIds.add(hint.hintId());
            }
            hints.put(id, record);
        }
        ticker.execute(this::tick);
        return status(record, now);
    }

    /** The status of a hint, or null when unknown. */
    public Status status(final String id)
    {
        final HintRecord record;
        synchronized (this)
        {
            record = hints.get(id);
        }
        return record == null ? null : status(record, System.currentTimeMillis());
    }

    /** Cancels a hint; returns false when unknown. */
    public boolean cancel(final String id)
    {
        synchronized (this)
        {
            final HintRecord record = hints.get(id);
            if (record == null)
            {
                return false;
            }
            record.cancelled = true;
            record.plannerIds.forEach(planner::cancel);
            return true;
        }
    }

    /** Number of hints known (active or recently finished). */
    public synchronized int size()
    {
        return hints.size();
    }

    @Override
    public void close()
    {
        ticker.shutdownNow();
    }

    private long register(final ItemRef ref)
    {
        final long id = ref.kind() == ItemKind.OBJECT
            ? SlotHash.objectHash(ref.container(), ref.name())
            : SlotHash.kvHash(ref.container(), Long.parseUnsignedLong(ref.name()));
        items.put(id, ref);
        return id;
    }

    private ItemMeta meta(final long id)
    {
        final ItemRef ref = items.get(id);
        // peek, not head: a hint must not make this node take over items of slots it does not own.
        return ref == null ? null : store.peek(ref.kind(), ref.container(), ref.name());
    }

    private void tick()
    {
        try
        {
            final long now = System.currentTimeMillis();
            final PrefetchPlan plan;
            synchronized (this)
            {
                planner.expire(now);
                hints.values().removeIf(r -> (r.cancelled || now > r.expiresAtMillis) &&
                    now - Math.max(r.createdMillis, r.expiresAtMillis) > KEEP_FINISHED_MILLIS);
                plan = planner.plan(now, residency);
            }
            for (int i = 0; i < plan.size(); i++)
            {
                final long id = plan.id(i);
                final ItemMeta meta = meta(id);
                if (meta == null || !inFlight.add(id))
                {
                    continue;
                }
                mover.submit(TransferClass.PREFETCH, meta.indexKey(), "local", meta.size(),
                        ticket -> CompletableFuture.supplyAsync(() -> store.stage(meta), io))
                    .whenComplete((bytes, error) ->
                    {
                        inFlight.remove(id);
                        if (error != null)
                        {
                            LOG.debug("staging {} failed: {}", meta.indexKey(), error.toString());
                        }
                    });
            }
        }
        catch (final RuntimeException ex)
        {
            LOG.warn("hint tick failed", ex);
        }
    }

    private Status status(final HintRecord record, final long now)
    {
        int staged = 0;
        int missing = 0;
        long total = 0;
        long stagedBytes = 0;
        final Map<TierKind, Long> byTier = new EnumMap<>(TierKind.class);
        for (final TierKind tier : TierKind.values())
        {
            byTier.put(tier, 0L);
        }
        for (final long id : record.items)
        {
            final ItemMeta meta = meta(id);
            final TierKind tier = meta == null ? null : store.residentTier(meta);
            if (tier == null)
            {
                missing++;
                continue;
            }
            total += meta.size();
            final boolean inMemory = store.inMemory(meta);
            if (inMemory)
            {
                staged++;
                stagedBytes += meta.size();
            }
            byTier.merge(inMemory ? TierKind.MEMORY : tier, meta.size(), Long::sum);
        }
        final int stageable = record.items.size() - missing;
        final String state;
        if (record.cancelled)
        {
            state = "cancelled";
        }
        else if (now > record.expiresAtMillis)
        {
            state = "expired";
        }
        else if (staged == stageable)
        {
            state = "staged";
        }
        else if (record.request.startAtMillis() > now + planner.budget().horizonMillis())
        {
            state = "pending";
        }
        else
        {
            state = "staging";
        }
        return new Status(record.id, record.request.job(), state, record.request.startAtMillis(),
            record.expiresAtMillis, record.items.size(), staged, missing, total, stagedBytes, byTier);
    }
}
