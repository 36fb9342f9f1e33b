package dev.terrace.placement;

import dev.terrace.placement.internal.EntryTable;
import dev.terrace.placement.internal.FrequencySketch;
import dev.terrace.placement.internal.GhostQueue;
import dev.terrace.placement.internal.LongIntHashMap;
import dev.terrace.placement.internal.SlotList;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;

/**
 * The node's default policy: S3-FIFO-like queues plus what it learns from KV chains (which kinds of new blocks come
 * back) and from scheduler hints (hinted blocks are kept until read). Not thread-safe.
 */
public final class PredictivePolicy implements PlacementPolicy
{
    /** Name in config and reports. */
    public static final String NAME = "predictive";

    static final byte DOOMED = 1;
    static final byte PROBATION = 2;
    static final byte MAIN = 3;
    static final byte HINTED = 4;

    static final int CLASS_UNCHAINED = 0;
    static final int CLASS_FRESH_BODY = 1; // 1..7 by log2 chain length
    static final int CLASS_FRESH_TAIL = 8;
    static final int CLASS_EXTENSION = 9;
    static final int CLASS_EXTENSION_TAIL = 10;
    static final int CLASS_KNOWN = 11;
    static final int CLASSES = 12;

    private static final int MAX_FREQUENCY = 3;

    /** Tunables (package-private for experiments). */
    static final class Tuning
    {
        double probationShare = 0.10;
        double doomedShare = 0.01;
        double doomRelative = 0.34;
        double ghostFactor = 1.0;
        boolean mainLru = false;
        boolean frequencyFilter = false;
        boolean chainAware = true;
        double hintShare = 0.8;
        int minSamples = 64;
    }

    private final long capacity;
    private final EvictionListener listener;
    private final Tuning tuning;
    private final EntryTable table;
    private final SlotList doomed;
    private final SlotList probation;
    private final SlotList main;
    private final SlotList hinted;
    private final GhostQueue ghost;
    private final FrequencySketch sketch;
    private final double[] inserts = new double[CLASSES];
    private final double[] returns = new double[CLASSES];
    private double freshInserts;
    private double freshReturns;
    private long insertsSinceDecay;

    private long[] chainIds = new long[64];
    private byte[] chainClasses = new byte[64];
    private int chainLength;
    private int chainCursor;

    private final LongIntHashMap hintCounts = new LongIntHashMap(64);
    private final Map<String, Hint> hints = new HashMap<>();
    private final PriorityQueue<Hint> hintsByExpiry =
        new PriorityQueue<>((a, b) -> Long.compare(a.expiresAtMillis(), b.expiresAtMillis()));

    /**
     * @param capacity capacity in weight units (> 0).
     * @param listener told about every eviction.
     */
    public PredictivePolicy(final long capacity, final EvictionListener listener)
    {
        this(capacity, listener, new Tuning());
    }

    PredictivePolicy(final long capacity, final EvictionListener listener, final Tuning tuning)
    {
        this.capacity = Policies.requirePositive(capacity);
        this.listener = Objects.requireNonNull(listener, "listener");
        this.tuning = tuning;
        final int expected = Policies.expectedEntries(capacity);
        this.table = new EntryTable(expected);
        this.doomed = new SlotList(table);
        this.probation = new SlotList(table);
        this.main = new SlotList(table);
        this.hinted = new SlotList(table);
        this.ghost = new GhostQueue((int)Math.max(64, expected * tuning.ghostFactor));
        this.sketch = new FrequencySketch(expected);
    }

    @Override
    public String name()
    {
        return NAME;
    }

    @Override
    public void beginChain(final long[] ids, final int length, final long nowMillis)
    {
        if (!tuning.chainAware)
        {
            return;
        }
        if (chainIds.length < length)
        {
            final int n = Math.max(length, chainIds.length * 2);
            chainIds = new long[n];
            chainClasses = new byte[n];
        }
        int known = 0;
        while (known < length && isKnown(ids[known]))
        {
            known++;
        }
        final int lengthBucket = Math.min(7, 32 - Integer.numberOfLeadingZeros(Math.max(1, length - 1)) + 1);
        for (int i = 0; i < length; i++)
        {
            chainIds[i] = ids[i];
            final int cls;
            if (isKnown(ids[i]))
            {
                cls = CLASS_KNOWN;
            }
            else if (known == 0)
            {
                cls = i == length - 1 ? CLASS_FRESH_TAIL : CLASS_FRESH_BODY + lengthBucket - 1;
            }
            else
            {
                cls = i == length - 1 ? CLASS_EXTENSION_TAIL : CLASS_EXTENSION;
            }
            chainClasses[i] = (byte)cls;
        }
        chainLength = length;
        chainCursor = 0;
    }

    @Override
    public boolean recordAccess(final long id, final long weight, final long nowMillis)
    {
        Policies.requireWeight(weight);
        expireHints(nowMillis);
        final int cls = classOf(id);
        sketch.increment(id);
        final int slot = table.find(id);
        if (slot != EntryTable.NONE)
        {
            onHit(slot, weight);
            return table.find(id) != EntryTable.NONE;
        }
        return insert(id, weight, cls, true);
    }

    @Override
    public boolean admit(final long id, final long weight, final long nowMillis)
    {
        Policies.requireWeight(weight);
        expireHints(nowMillis);
        if (table.find(id) != EntryTable.NONE)
        {
            return true;
        }
        return insert(id, weight, CLASS_UNCHAINED, false);
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
        return doomed.weight() + probation.weight() + main.weight() + hinted.weight();
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

    @Override
    public void hint(final Hint hint, final long nowMillis)
    {
        expireHints(nowMillis);
        if (hint.expiresAtMillis() < nowMillis)
        {
            return;
        }
        cancelHint(hint.hintId());
        hints.put(hint.hintId(), hint);
        hintsByExpiry.add(hint);
        for (int s = 0; s < hint.sequenceCount(); s++)
        {
            for (final long id : hint.sequenceUnsafe(s))
            {
                final int count = hintCounts.get(id);
                hintCounts.put(id, count == LongIntHashMap.MISSING ? 1 : count + 1);
                final int slot = table.find(id);
                if (slot != EntryTable.NONE && table.queue(slot) != HINTED)
                {
                    listOf(slot).remove(slot);
                    table.queue(slot, HINTED);
                    hinted.addLast(slot);
                }
            }
        }
        trimHinted();
    }

    @Override
    public void cancelHint(final String hintId)
    {
        final Hint hint = hints.remove(hintId);
        if (hint == null)
        {
            return;
        }
        hintsByExpiry.remove(hint);
        for (int s = 0; s < hint.sequenceCount(); s++)
        {
            for (final long id : hint.sequenceUnsafe(s))
            {
                final int count = hintCounts.get(id);
                if (count == LongIntHashMap.MISSING)
                {
                    continue;
                }
                if (count > 1)
                {
                    hintCounts.put(id, count - 1);
                    continue;
                }
                hintCounts.remove(id);
                final int slot = table.find(id);
                if (slot != EntryTable.NONE && table.queue(slot) == HINTED)
                {
                    hinted.remove(slot);
                    table.queue(slot, MAIN);
                    main.addLast(slot);
                }
            }
        }
    }

    private void expireHints(final long nowMillis)
    {
        while (!hintsByExpiry.isEmpty() && hintsByExpiry.peek().expiresAtMillis() < nowMillis)
        {
            cancelHint(hintsByExpiry.peek().hintId());
        }
    }

    private boolean isKnown(final long id)
    {
        return table.find(id) != EntryTable.NONE || ghost.contains(id);
    }

    private int classOf(final long id)
    {
        if (chainCursor < chainLength && chainIds[chainCursor] == id)
        {
            return chainClasses[chainCursor++];
        }
        return CLASS_UNCHAINED;
    }

    private void onHit(final int slot, final long weight)
    {
        final long old = table.weight(slot);
        if (old != weight)
        {
            table.weight(slot, weight);
            listOf(slot).reweigh(slot, old);
        }
        final int counter = table.counter(slot);
        final int frequency = counter & 0xF;
        final int cls = (counter >>> 8) & 0xFF;
        switch (table.queue(slot))
        {
            case DOOMED:
            case PROBATION:
                learnReturn(cls);
                listOf(slot).remove(slot);
                table.queue(slot, MAIN);
                table.counter(slot, CLASS_KNOWN << 8);
                main.addLast(slot);
                break;
            case MAIN:
                table.counter(slot, (counter & ~0xF) | Math.min(MAX_FREQUENCY, frequency + 1));
                if (tuning.mainLru)
                {
                    main.moveToLast(slot);
                }
                break;
            default:
                table.counter(slot, (counter & ~0xF) | Math.min(MAX_FREQUENCY, frequency + 1));
                break;
        }
        makeRoom(0);
    }

    private boolean insert(final long id, final long weight, final int cls, final boolean demand)
    {
        if (weight > capacity)
        {
            return false;
        }
        final int ghostTag = ghost.tag(id);
        final boolean returning = ghostTag >= 0;
        if (returning)
        {
            ghost.remove(id);
            learnReturn(ghostTag);
        }
        makeRoom(weight);
        final int slot = table.allocate(id, weight);
        if (hintCounts.containsKey(id))
        {
            table.queue(slot, HINTED);
            table.counter(slot, CLASS_KNOWN << 8);
            hinted.addLast(slot);
            trimHinted();
        }
        else if (returning)
        {
            table.queue(slot, MAIN);
            table.counter(slot, CLASS_KNOWN << 8);
            main.addLast(slot);
        }
        else
        {
            learnInsert(cls);
            table.counter(slot, cls << 8);
            if (demand && isDoomed(cls))
            {
                table.queue(slot, DOOMED);
                doomed.addLast(slot);
            }
            else
            {
                table.queue(slot, PROBATION);
                probation.addLast(slot);
            }
        }
        return table.find(id) != EntryTable.NONE;
    }

    private boolean isDoomed(final int cls)
    {
        if (cls == CLASS_UNCHAINED || cls == CLASS_KNOWN || inserts[cls] < tuning.minSamples)
        {
            return false;
        }
        final double p = (returns[cls] + 1) / (inserts[cls] + 2);
        final double average = (freshReturns + 1) / (freshInserts + 2);
        return p < tuning.doomRelative * average;
    }

    private void learnInsert(final int cls)
    {
        inserts[cls]++;
        freshInserts++;
        if (++insertsSinceDecay > 8L * Math.max(64, table.size()))
        {
            insertsSinceDecay = 0;
            for (int c = 0; c < CLASSES; c++)
            {
                inserts[c] /= 2;
                returns[c] /= 2;
            }
            freshInserts /= 2;
            freshReturns /= 2;
        }
    }

    private void learnReturn(final int cls)
    {
        if (cls != CLASS_KNOWN && cls != CLASS_UNCHAINED)
        {
            returns[cls]++;
            freshReturns++;
        }
    }

    private void trimHinted()
    {
        final long limit = (long)(capacity * tuning.hintShare);
        while (hinted.weight() > limit && hinted.size() > 0)
        {
            evict(hinted, hinted.last());
        }
    }

    private void makeRoom(final long incoming)
    {
        final long probationTarget = (long)(capacity * tuning.probationShare);
        final long doomedTarget = (long)(capacity * tuning.doomedShare);
        while (weightedSize() + incoming > capacity)
        {
            if (!doomed.isEmpty() && (doomed.weight() >= doomedTarget || probation.isEmpty() && main.isEmpty()))
            {
                final int slot = doomed.first();
                ghost.limit((int)Math.max(64, table.size() * tuning.ghostFactor));
                ghost.add(table.id(slot), (byte)((table.counter(slot) >>> 8) & 0xFF));
                evict(doomed, slot);
            }
            else if (!probation.isEmpty() && (probation.weight() >= probationTarget || main.isEmpty()))
            {
                evictFromProbation();
            }
            else if (!main.isEmpty())
            {
                evictFromMain();
            }
            else if (!doomed.isEmpty())
            {
                evict(doomed, doomed.first());
            }
            else if (!probation.isEmpty())
            {
                evictFromProbation();
            }
            else
            {
                evict(hinted, hinted.last());
            }
        }
    }

    private void evictFromProbation()
    {
        final int slot = probation.first();
        ghost.limit((int)Math.max(64, table.size() * tuning.ghostFactor));
        ghost.add(table.id(slot), (byte)((table.counter(slot) >>> 8) & 0xFF));
        evict(probation, slot);
    }

    private void evictFromMain()
    {
        while (true)
        {
            final int slot = main.first();
            final int counter = table.counter(slot);
            final int frequency = counter & 0xF;
            if (frequency > 0)
            {
                table.counter(slot, (counter & ~0xF) | (frequency - 1));
                main.moveToLast(slot);
            }
            else
            {
                evict(main, slot);
                return;
            }
        }
    }

    private void evict(final SlotList list, final int slot)
    {
        list.remove(slot);
        final long id = table.id(slot);
        final long w = table.weight(slot);
        table.free(slot);
        listener.onEvict(id, w);
    }

    private SlotList listOf(final int slot)
    {
        switch (table.queue(slot))
        {
            case DOOMED:
                return doomed;
            case PROBATION:
                return probation;
            case MAIN:
                return main;
            default:
                return hinted;
        }
    }
}
