package dev.terrace.placement;

import dev.terrace.placement.internal.EntryTable;
import dev.terrace.placement.internal.SlotList;

import java.util.Objects;

/**
 * Weighted least-recently-used: a hit moves the item to most-recent; a miss inserts it as most-recent and then
 * evicts least-recent items while the weighted size exceeds the capacity. Every operation is O(1) (an id->slot
 * open-addressing map and an intrusive doubly-linked list over primitive arrays).
 * <p>
 * With weight 1 per block this is exactly the LRU of {@code shared/traces/README.md}. An item heavier than the
 * whole capacity is not admitted. Not thread-safe.
 */
public final class LruPolicy implements PlacementPolicy
{
    /** Name in config and reports. */
    public static final String NAME = "lru";

    private final long capacity;
    private final EvictionListener listener;
    private final EntryTable table;
    private final SlotList order;

    /**
     * @param capacity capacity in weight units (> 0).
     * @param listener told about every eviction.
     */
    public LruPolicy(final long capacity, final EvictionListener listener)
    {
        this.capacity = Policies.requirePositive(capacity);
        this.listener = Objects.requireNonNull(listener, "listener");
        this.table = new EntryTable(Policies.expectedEntries(capacity));
        this.order = new SlotList(table);
    }

    @Override
    public String name()
    {
        return NAME;
    }

    @Override
    public boolean recordAccess(final long id, final long weight, final long nowMillis)
    {
        final int slot = table.find(id);
        if (slot != EntryTable.NONE)
        {
            updateWeight(slot, weight);
            order.moveToLast(slot);
            evictWhileOver();
            return table.find(id) != EntryTable.NONE;
        }
        return insert(id, weight);
    }

    @Override
    public boolean admit(final long id, final long weight, final long nowMillis)
    {
        return recordAccess(id, weight, nowMillis);
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
            order.remove(slot);
            table.free(slot);
        }
    }

    @Override
    public long weightedSize()
    {
        return order.weight();
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
        Policies.requireWeight(weight);
        if (weight > capacity)
        {
            return false;
        }
        final int slot = table.allocate(id, weight);
        order.addLast(slot);
        evictWhileOver();
        return true;
    }

    private void updateWeight(final int slot, final long weight)
    {
        Policies.requireWeight(weight);
        final long old = table.weight(slot);
        if (old != weight)
        {
            table.weight(slot, weight);
            order.reweigh(slot, old);
        }
    }

    private void evictWhileOver()
    {
        while (order.weight() > capacity)
        {
            final int victim = order.pollFirst();
            final long id = table.id(victim);
            final long w = table.weight(victim);
            table.free(victim);
            listener.onEvict(id, w);
        }
    }
}
