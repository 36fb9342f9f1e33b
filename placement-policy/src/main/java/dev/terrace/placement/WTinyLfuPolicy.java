package dev.terrace.placement;

import dev.terrace.placement.internal.EntryTable;
import dev.terrace.placement.internal.FrequencySketch;
import dev.terrace.placement.internal.SlotList;

import java.util.Objects;

/**
 * W-TinyLFU, the baseline from Gil Einziger, Roy Friedman and Ben Manes, "TinyLFU: A Highly Efficient Cache
 * Admission Policy", ACM Transactions on Storage 13(4), 2017 (the policy behind Caffeine).
 * <p>
 * Design notes. A small admission window (1% of the capacity, LRU) takes every new item, so bursts are not
 * rejected outright. Items leaving the window are candidates for the main space, a segmented LRU (probation 20%,
 * protected 80%). When the main space is full the candidate is compared with main's victim (probation's
 * least-recent item) by their estimated recent frequency from a count-min sketch of 4-bit counters that is halved
 * every {@code 10 x capacity} additions; the candidate is admitted only if it is strictly more frequent, which
 * keeps one-hit wonders out. A probation hit promotes to protected; protected overflow demotes to probation.
 * <p>
 * Weighted: shares are in weight units and the candidate may displace several victims, each of which must be
 * less frequent. Amortized O(1) per access. Not thread-safe.
 */
public final class WTinyLfuPolicy implements PlacementPolicy
{
    /** Name in config and reports. */
    public static final String NAME = "w-tinylfu";

    private static final byte WINDOW = 1;
    private static final byte PROBATION = 2;
    private static final byte PROTECTED = 3;

    private final long capacity;
    private final long windowMax;
    private final long protectedMax;
    private final EvictionListener listener;
    private final EntryTable table;
    private final SlotList window;
    private final SlotList probation;
    private final SlotList protectedList;
    private final FrequencySketch sketch;

    /**
     * @param capacity capacity in weight units (> 0).
     * @param listener told about every eviction.
     */
    public WTinyLfuPolicy(final long capacity, final EvictionListener listener)
    {
        this.capacity = Policies.requirePositive(capacity);
        this.windowMax = Math.max(1, capacity / 100);
        this.protectedMax = (capacity - windowMax) * 4 / 5;
        this.listener = Objects.requireNonNull(listener, "listener");
        this.table = new EntryTable(Policies.expectedEntries(capacity));
        this.window = new SlotList(table);
        this.probation = new SlotList(table);
        this.protectedList = new SlotList(table);
        this.sketch = new FrequencySketch(Policies.expectedEntries(capacity));
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
        sketch.increment(id);
        final int slot = table.find(id);
        if (slot == EntryTable.NONE)
        {
            return insert(id, weight);
        }
        final long old = table.weight(slot);
        if (old != weight)
        {
            table.weight(slot, weight);
            listOf(slot).reweigh(slot, old);
        }
        switch (table.queue(slot))
        {
            case WINDOW:
                window.moveToLast(slot);
                break;
            case PROBATION:
                probation.remove(slot);
                table.queue(slot, PROTECTED);
                protectedList.addLast(slot);
                demoteProtectedOverflow();
                break;
            default:
                protectedList.moveToLast(slot);
                break;
        }
        balance();
        return table.find(id) != EntryTable.NONE;
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
        return window.weight() + probation.weight() + protectedList.weight();
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
        final int slot = table.allocate(id, weight);
        table.queue(slot, WINDOW);
        window.addLast(slot);
        balance();
        return table.find(id) != EntryTable.NONE;
    }

    // Moves window overflow into main through the frequency filter, then trims main to the capacity.
    private void balance()
    {
        while (window.weight() > windowMax && window.size() > 1)
        {
            final int candidate = window.pollFirst();
            admitToMain(candidate);
        }
        while (weightedSize() > capacity)
        {
            final int victim = mainVictim();
            if (victim == EntryTable.NONE)
            {
                evict(window, window.first());
            }
            else
            {
                evict(listOf(victim), victim);
            }
        }
    }

    private void admitToMain(final int candidate)
    {
        final long mainMax = capacity - windowMax;
        final long needed = probation.weight() + protectedList.weight() + table.weight(candidate) - mainMax;
        if (needed > 0)
        {
            // Every victim the candidate would displace (oldest probation first, then oldest protected) must be
            // less frequent than the candidate; check them all before evicting any.
            final int candidateFrequency = sketch.frequency(table.id(candidate));
            long freed = lessFrequentWeight(probation, candidateFrequency, needed, 0);
            if (freed >= 0 && freed < needed)
            {
                freed = lessFrequentWeight(protectedList, candidateFrequency, needed, freed);
            }
            if (freed < needed)
            {
                evictUnlinked(candidate);
                return;
            }
            long evicted = 0;
            while (evicted < needed)
            {
                final SlotList from = probation.isEmpty() ? protectedList : probation;
                final int victim = from.first();
                evicted += table.weight(victim);
                evict(from, victim);
            }
        }
        table.queue(candidate, PROBATION);
        probation.addLast(candidate);
    }

    // Weight of the oldest members of list that are less frequent than frequency, accumulated onto alreadyFreed
    // until needed is reached; -1 as soon as a member at least as frequent is in the way.
    private long lessFrequentWeight(final SlotList list, final int frequency, final long needed, final long alreadyFreed)
    {
        long freed = alreadyFreed;
        int victim = list.first();
        while (freed < needed && victim != EntryTable.NONE)
        {
            if (sketch.frequency(table.id(victim)) >= frequency)
            {
                return -1;
            }
            freed += table.weight(victim);
            victim = table.next(victim);
        }
        return freed;
    }

    private int mainVictim()
    {
        if (!probation.isEmpty())
        {
            return probation.first();
        }
        if (!protectedList.isEmpty())
        {
            return protectedList.first();
        }
        return EntryTable.NONE;
    }

    private void demoteProtectedOverflow()
    {
        while (protectedList.weight() > protectedMax && protectedList.size() > 1)
        {
            final int slot = protectedList.pollFirst();
            table.queue(slot, PROBATION);
            probation.addLast(slot);
        }
    }

    private void evict(final SlotList list, final int slot)
    {
        list.remove(slot);
        evictUnlinked(slot);
    }

    private void evictUnlinked(final int slot)
    {
        final long id = table.id(slot);
        final long w = table.weight(slot);
        table.free(slot);
        listener.onEvict(id, w);
    }

    private SlotList listOf(final int slot)
    {
        switch (table.queue(slot))
        {
            case WINDOW:
                return window;
            case PROBATION:
                return probation;
            default:
                return protectedList;
        }
    }
}
