package dev.terrace.placement;

import dev.terrace.placement.internal.EntryTable;
import dev.terrace.placement.internal.GhostQueue;
import dev.terrace.placement.internal.SlotList;

import java.util.Objects;

/**
 * S3-FIFO, the baseline from Juncheng Yang, Yazhuo Zhang, Ziyue Qiu, Yao Yue and Rashmi Vinayak,
 * "FIFO queues are all you need for cache eviction", SOSP 2023.
 * <p>
 * Design notes. Three FIFO queues: a small queue S (10% of the capacity) that filters one-hit wonders, a main
 * queue M (the rest), and a ghost queue G of recently evicted ids, as many as M holds. Each resident item has a
 * 2-bit access counter (capped at 3), incremented on a hit; a hit moves nothing. New items enter S, or M when G
 * remembers them. Evicting from S: the oldest item goes to M if it was hit while in S (its counter cleared),
 * otherwise it is evicted and remembered in G. Evicting from M: the oldest item is reinserted at the tail with its
 * counter decremented if the counter is positive (FIFO-reinsertion, like CLOCK), otherwise it is evicted. S is
 * evicted from while it holds at least its 10% share (the original algorithm, libCacheSim's {@code S3FIFOv0}).
 * <p>
 * Weighted: shares and sizes are in weight units; an item heavier than the capacity is not admitted. Amortized
 * O(1) per access. Not thread-safe.
 */
public final class S3FifoPolicy implements PlacementPolicy
{
    /** Name in config and reports. */
    public static final String NAME = "s3fifo";

    private static final byte SMALL = 1;
    private static final byte MAIN = 2;
    private static final int MAX_FREQUENCY = 3;
    private static final int MIN_GHOST = 16;

    private final long capacity;
    private final long smallTarget;
    private final EvictionListener listener;
    private final EntryTable table;
    private final SlotList small;
    private final SlotList main;
    private final GhostQueue ghost;

    /**
     * @param capacity capacity in weight units (> 0).
     * @param listener told about every eviction.
     */
    public S3FifoPolicy(final long capacity, final EvictionListener listener)
    {
        this.capacity = Policies.requirePositive(capacity);
        this.smallTarget = Math.max(1, capacity / 10);
        this.listener = Objects.requireNonNull(listener, "listener");
        this.table = new EntryTable(Policies.expectedEntries(capacity));
        this.small = new SlotList(table);
        this.main = new SlotList(table);
        this.ghost = new GhostQueue(Math.max(MIN_GHOST, Policies.expectedEntries(capacity)));
    }

    @Override
    public String name()
    {
        return NAME;
    }

    @Override
    public boolean recordAccess(final long id, final long weight, final long nowMillis)
    {
        Policies.requireWeight(weight);
        final int slot = table.find(id);
        if (slot != EntryTable.NONE)
        {
            table.counter(slot, Math.min(MAX_FREQUENCY, table.counter(slot) + 1));
            if (table.weight(slot) != weight)
            {
                final long old = table.weight(slot);
                table.weight(slot, weight);
                listOf(slot).reweigh(slot, old);
                makeRoom(0);
            }
            return table.find(id) != EntryTable.NONE;
        }
        return insert(id, weight);
    }

    @Override
    public boolean admit(final long id, final long weight, final long nowMillis)
    {
        Policies.requireWeight(weight);
        if (table.find(id) != EntryTable.NONE)
        {
            return true;
        }
        return insert(id, weight);
    }

    @Override
    public boolean contains(final long id)
    {
        return table.find(id) != EntryTable.NONE;
    }

    @Override
    public void remove(final long id)
    {
        final int slot = table.find(id);
        if (slot != EntryTable.NONE)
        {
            listOf(slot).remove(slot);
            table.free(slot);
        }
    }

    @Override
    public long weightedSize()
    {
        return small.weight() + main.weight();
    }

    @Override
    public long capacity()
    {
        return capacity;
    }

    @Override
    public int size()
    {
        return table.size();
    }

    private boolean insert(final long id, final long weight)
    {
        if (weight > capacity)
        {
            return false;
        }
        makeRoom(weight);
        final int slot = table.allocate(id, weight);
        if (ghost.remove(id))
        {
            table.queue(slot, MAIN);
            main.addLast(slot);
        }
        else
        {
            table.queue(slot, SMALL);
            small.addLast(slot);
        }
        return true;
    }

    private void makeRoom(final long incoming)
    {
        while (weightedSize() + incoming > capacity)
        {
            if (small.weight() >= smallTarget || main.isEmpty())
            {
                evictFromSmall();
            }
            else
            {
                evictFromMain();
            }
        }
    }

    private void evictFromSmall()
    {
        final int slot = small.pollFirst();
        if (table.counter(slot) > 0)
        {
            table.counter(slot, 0);
            table.queue(slot, MAIN);
            main.addLast(slot);
            return;
        }
        ghost.limit(Math.max(MIN_GHOST, main.size()));
        ghost.add(table.id(slot));
        evict(slot);
    }

    private void evictFromMain()
    {
        while (true)
        {
            final int slot = main.pollFirst();
            final int frequency = table.counter(slot);
            if (frequency > 0)
            {
                table.counter(slot, frequency - 1);
                main.addLast(slot);
            }
            else
            {
                evict(slot);
                return;
            }
        }
    }

    private void evict(final int slot)
    {
        final long id = table.id(slot);
        final long w = table.weight(slot);
        table.free(slot);
        listener.onEvict(id, w);
    }

    private SlotList listOf(final int slot)
    {
        return table.queue(slot) == SMALL ? small : main;
    }
}
