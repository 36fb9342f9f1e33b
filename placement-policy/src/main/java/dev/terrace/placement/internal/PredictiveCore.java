package dev.terrace.placement.internal;

import dev.terrace.placement.PlacementPolicy.EvictionListener;
import dev.terrace.placement.PredictivePolicy.Mode;

/**
 * The queue engine behind {@code PredictivePolicy}: one resident set managed in one of three {@link Mode}s that
 * can be switched at any time, plus chain-aware classification of new blocks and protection of hinted items.
 * <p>
 * Queues, evicted from in this order: {@code doomed} (new blocks of a class that rarely comes back), {@code probation}
 * (new blocks, FIFO), {@code main} (blocks that proved themselves: CLOCK with a 2-bit counter, or LRU in
 * {@link Mode#RECENCY}), {@code hinted} (blocks a scheduler announced; newest hint first). Two ghost queues remember
 * what probation and main evicted.
 * <p>
 * Chain classes. {@link #beginChain} classifies each block of a KV request: already known (resident or in a
 * ghost), new in a request whose whole chain is new (by log2 length), new behind a reused prefix (an extension), and
 * whether it ends the chain (usually a partial block). The engine counts, per class, how many new blocks came back
 * and how many did not: a block that leaves the cache without having been hit is a failure once the next
 * {@value #OUTCOME_WINDOW} (or cache-size, if smaller) evicted blocks have pushed it out of a pending window, and the
 * failure is turned into a return if it still comes back while a ghost queue remembers it. Counting outcomes only
 * once they are known keeps a class whose blocks come back late from looking like one that never does. New blocks of a
 * class that comes back far less than average go to {@code doomed}, of a class that usually comes back to main.
 * <p>
 * Not thread-safe; amortized O(1) per access.
 */
public final class PredictiveCore
{
    /** Queue tags. */
    private static final byte DOOMED = 1;
    private static final byte PROBATION = 2;
    private static final byte MAIN = 3;
    private static final byte HINTED = 4;

    /** Chain classes (stored in bits 8..15 of a slot's counter, and as ghost tags). */
    private static final int CLASS_UNCHAINED = 0;
    private static final int CLASS_FRESH = 1; // 1..7: new chain, body block, by log2 of the chain length
    private static final int CLASS_FRESH_TAIL = 8;
    private static final int CLASS_EXTENSION = 9;
    private static final int CLASS_EXTENSION_TAIL = 10;
    private static final int CLASS_KNOWN = 11;
    private static final int CLASSES = 12;

    private static final int MAX_FREQUENCY = 3;
    private static final int FREQUENCY_MASK = 0xF;
    private static final int MIN_GHOST = 64;
    private static final int MIN_SAMPLES = 64;
    private static final double PROBATION_SHARE = 0.10;
    private static final double DOOMED_SHARE = 0.01;
    private static final double MIN_PROBATION_SHARE = 0.01;
    private static final double MAX_PROBATION_SHARE = 0.90;
    private static final double DOOM_RELATIVE = 0.34;
    private static final double DOOM_EVIDENCE = 20;
    private static final int OUTCOME_WINDOW = 4096;
    private static final double PROMOTE_PROBABILITY = 0.5;
    private static final int ADMIT_MARGIN = 1;

    private final long capacity;
    private final EvictionListener listener;
    private final EntryTable table;
    private final SlotList doomed;
    private final SlotList probation;
    private final SlotList main;
    private final SlotList hinted;
    private final GhostQueue probationGhost;
    private final GhostQueue mainGhost;
    private final GhostQueue pendingOutcomes;
    private final FrequencySketch sketch;
    private final double[] returns = new double[CLASSES];
    private final double[] failures = new double[CLASSES];
    private double allReturns;
    private double allFailures;
    private long outcomesSinceDecay;
    private double probationTarget;
    private Mode mode = Mode.ADAPTIVE;

    private long[] chainIds = new long[64];
    private byte[] chainClasses = new byte[64];
    private int chainLength;
    private int chainCursor;

    /**
     * @param capacity        capacity in weight units.
     * @param expectedEntries roughly how many items fit (sizes tables and the sketch).
     * @param listener        told about every eviction.
     */
    public PredictiveCore(final long capacity, final int expectedEntries, final EvictionListener listener)
    {
        this.capacity = capacity;
        this.listener = listener;
        final int expected = Math.max(16, expectedEntries);
        this.table = new EntryTable(expected);
        this.doomed = new SlotList(table);
        this.probation = new SlotList(table);
        this.main = new SlotList(table);
        this.hinted = new SlotList(table);
        this.probationGhost = new GhostQueue(Math.max(MIN_GHOST, expected));
        this.mainGhost = new GhostQueue(Math.max(MIN_GHOST, expected));
        this.pendingOutcomes = new GhostQueue(Math.max(MIN_GHOST, Math.min(OUTCOME_WINDOW, expected)), this::onFailure);
        this.sketch = new FrequencySketch(expected);
        this.probationTarget = capacity * PROBATION_SHARE;
    }

    /** The current mode. */
    public Mode mode()
    {
        return mode;
    }

    /** Share of the capacity the probation queue aims at in {@link Mode#ADAPTIVE} mode. */
    public double probationShare()
    {
        return probationTarget / capacity;
    }

    /** Sets the adaptive probation share (say, learned by a miniature of this engine), within its bounds. */
    public void probationShare(final double share)
    {
        probationTarget = capacity * Math.max(MIN_PROBATION_SHARE, Math.min(MAX_PROBATION_SHARE, share));
    }

    /**
     * Switches the mode. Leaving {@link Mode#RECENCY} moves main's never-hit blocks to probation (O(n), once per
     * switch); otherwise resident items stay where they are and later decisions follow the new mode.
     */
    public void mode(final Mode newMode)
    {
        if (mode == Mode.RECENCY && newMode != Mode.RECENCY)
        {
            // RECENCY put new blocks straight into main; the modes with a probation queue keep blocks that have not
            // been hit there, so move them (oldest first) as if they had been managed that way.
            int slot = main.first();
            while (slot != EntryTable.NONE)
            {
                final int next = table.next(slot);
                if (((table.counter(slot) >>> 8) & 0xFF) != CLASS_KNOWN)
                {
                    main.remove(slot);
                    table.queue(slot, PROBATION);
                    probation.addLast(slot);
                }
                slot = next;
            }
        }
        mode = newMode;
    }

    /** Classifies the blocks of a KV request that the next {@link #access} calls will read in order. */
    public void beginChain(final long[] ids, final int length)
    {
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
        final int lengthClass = CLASS_FRESH + Math.min(6, 31 - Integer.numberOfLeadingZeros(Math.max(1, length)));
        for (int i = 0; i < length; i++)
        {
            final long id = ids[i];
            chainIds[i] = id;
            final boolean last = i == length - 1;
            final int cls;
            if (i < known || isKnown(id))
            {
                cls = CLASS_KNOWN;
            }
            else if (known == 0)
            {
                cls = last ? CLASS_FRESH_TAIL : lengthClass;
            }
            else
            {
                cls = last ? CLASS_EXTENSION_TAIL : CLASS_EXTENSION;
            }
            chainClasses[i] = (byte)cls;
        }
        chainLength = length;
        chainCursor = 0;
    }

    /**
     * A demand read or write of {@code id}.
     *
     * @param protect whether a hint covers it (a new item then goes to the hinted queue).
     * @return whether it is resident afterwards.
     */
    public boolean access(final long id, final long weight, final boolean protect)
    {
        final int cls = nextClass(id);
        sketch.increment(id);
        final int slot = table.find(id);
        if (slot != EntryTable.NONE)
        {
            onHit(slot, weight);
            return table.find(id) != EntryTable.NONE;
        }
        return insert(id, weight, cls, true, protect);
    }

    /**
     * Makes {@code id} resident without a demand read (a prefetch).
     *
     * @param protect whether a hint covers it.
     * @return whether it is resident afterwards.
     */
    public boolean stage(final long id, final long weight, final boolean protect)
    {
        if (table.find(id) != EntryTable.NONE)
        {
            return true;
        }
        return insert(id, weight, CLASS_UNCHAINED, false, protect);
    }

    /** Whether {@code id} is resident. */
    public boolean contains(final long id)
    {
        return table.find(id) != EntryTable.NONE;
    }

    /** Drops {@code id} without reporting an eviction. */
    public void remove(final long id)
    {
        final int slot = table.find(id);
        if (slot != EntryTable.NONE)
        {
            listOf(slot).remove(slot);
            table.free(slot);
        }
    }

    /** Sum of resident weights. */
    public long weightedSize()
    {
        return doomed.weight() + probation.weight() + main.weight() + hinted.weight();
    }

    /** Number of resident items. */
    public int size()
    {
        return table.size();
    }

    /** Weight of resident hinted items. */
    public long hintedWeight()
    {
        return hinted.weight();
    }

    /** Moves a resident {@code id} to the hinted queue (a hint now covers it). */
    public void protect(final long id)
    {
        final int slot = table.find(id);
        if (slot != EntryTable.NONE && table.queue(slot) != HINTED)
        {
            listOf(slot).remove(slot);
            table.queue(slot, HINTED);
            hinted.addLast(slot);
        }
    }

    /** Returns a resident hinted {@code id} to main (no hint covers it any more). */
    public void release(final long id)
    {
        final int slot = table.find(id);
        if (slot != EntryTable.NONE && table.queue(slot) == HINTED)
        {
            hinted.remove(slot);
            table.queue(slot, MAIN);
            main.addLast(slot);
        }
    }

    /** Evicts the most recently hinted items while hinted weight exceeds {@code limit}. */
    public void trimHinted(final long limit)
    {
        while (hinted.weight() > limit && !hinted.isEmpty())
        {
            evict(hinted, hinted.last());
        }
    }

    private boolean isKnown(final long id)
    {
        return table.find(id) != EntryTable.NONE || probationGhost.contains(id) || mainGhost.contains(id);
    }

    private int nextClass(final long id)
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
        switch (table.queue(slot))
        {
            case DOOMED:
            case PROBATION:
                learnReturn(table.id(slot), (counter >>> 8) & 0xFF);
                listOf(slot).remove(slot);
                table.queue(slot, MAIN);
                table.counter(slot, CLASS_KNOWN << 8);
                main.addLast(slot);
                break;
            case MAIN:
                final int cls = (counter >>> 8) & 0xFF;
                if (cls != CLASS_KNOWN)
                {
                    // First hit of a block that went straight to main: its class came back.
                    learnReturn(table.id(slot), cls);
                }
                table.counter(slot, (CLASS_KNOWN << 8) | Math.min(MAX_FREQUENCY, (counter & FREQUENCY_MASK) + 1));
                if (mode == Mode.RECENCY)
                {
                    main.moveToLast(slot);
                }
                break;
            default:
                table.counter(slot, (counter & ~FREQUENCY_MASK) | Math.min(MAX_FREQUENCY, (counter & FREQUENCY_MASK) + 1));
                break;
        }
        makeRoom(0);
    }

    private boolean insert(final long id, final long weight, final int cls, final boolean demand, final boolean protect)
    {
        if (weight > capacity)
        {
            return false;
        }
        final boolean returning = noteReturn(id, weight);
        makeRoom(weight);
        final int slot = table.allocate(id, weight);
        if (protect)
        {
            table.queue(slot, HINTED);
            table.counter(slot, CLASS_KNOWN << 8);
            hinted.addLast(slot);
        }
        else if (returning && (mode != Mode.FREQUENCY || admitsToMain(id, weight)))
        {
            table.queue(slot, MAIN);
            table.counter(slot, CLASS_KNOWN << 8);
            main.addLast(slot);
        }
        else
        {
            table.counter(slot, (returning ? CLASS_KNOWN : cls) << 8);
            if (demand && isDoomed(cls))
            {
                table.queue(slot, DOOMED);
                doomed.addLast(slot);
            }
            else if (mode == Mode.RECENCY || demand && isPromising(cls))
            {
                table.queue(slot, MAIN);
                main.addLast(slot);
            }
            else
            {
                table.queue(slot, PROBATION);
                probation.addLast(slot);
            }
        }
        return table.find(id) != EntryTable.NONE;
    }

    // Whether id comes back from a ghost; learns from it and adapts the probation share (ARC-style).
    private boolean noteReturn(final long id, final long weight)
    {
        final int tag = probationGhost.tag(id);
        if (tag >= 0)
        {
            probationGhost.remove(id);
            learnReturn(id, tag);
            if (mode == Mode.ADAPTIVE)
            {
                final double step = weight * Math.max(1.0, (double)mainGhost.size() / Math.max(1, probationGhost.size()));
                probationTarget = Math.min(capacity * MAX_PROBATION_SHARE, probationTarget + step);
            }
            return true;
        }
        final int mainTag = mainGhost.tag(id);
        if (mainTag >= 0)
        {
            mainGhost.remove(id);
            learnReturn(id, mainTag);
            if (mode == Mode.ADAPTIVE)
            {
                final double step = weight * Math.max(1.0, (double)probationGhost.size() / Math.max(1, mainGhost.size()));
                probationTarget = Math.max(capacity * MIN_PROBATION_SHARE, probationTarget - step);
            }
            return true;
        }
        return false;
    }

    private boolean admitsToMain(final long id, final long weight)
    {
        if (main.isEmpty() || main.weight() + weight <= capacity - currentProbationTarget())
        {
            return true;
        }
        return sketch.frequency(id) > sketch.frequency(table.id(main.first())) + ADMIT_MARGIN;
    }

    private double currentProbationTarget()
    {
        return mode == Mode.ADAPTIVE ? probationTarget : capacity * PROBATION_SHARE;
    }

    private boolean isDoomed(final int cls)
    {
        if (!isLearned(cls))
        {
            return false;
        }
        final double average = (allReturns + 1) / (allReturns + allFailures + 2);
        // Only with evidence: at the average rate the class would have shown at least DOOM_EVIDENCE returns.
        return (returns[cls] + failures[cls]) * average >= DOOM_EVIDENCE && returnRate(cls) < DOOM_RELATIVE * average;
    }

    private boolean isPromising(final int cls)
    {
        return isLearned(cls) && returnRate(cls) >= PROMOTE_PROBABILITY;
    }

    private boolean isLearned(final int cls)
    {
        return cls != CLASS_UNCHAINED && cls != CLASS_KNOWN && returns[cls] + failures[cls] >= MIN_SAMPLES;
    }

    private double returnRate(final int cls)
    {
        return (returns[cls] + 1) / (returns[cls] + failures[cls] + 2);
    }

    // A block of class tag left the pending window without coming back.
    private void onFailure(final long id, final byte tag)
    {
        failures[tag]++;
        allFailures++;
        countOutcome();
    }

    // A block of class cls came back: while resident, from the pending window, or later from a ghost (then its
    // failure was counted already and is reversed).
    private void learnReturn(final long id, final int cls)
    {
        if (cls == CLASS_KNOWN || cls == CLASS_UNCHAINED)
        {
            return;
        }
        if (!pendingOutcomes.remove(id) && table.find(id) == EntryTable.NONE && failures[cls] >= 1)
        {
            failures[cls]--;
            allFailures--;
        }
        returns[cls]++;
        allReturns++;
        countOutcome();
    }

    // Halves the counts now and then so that the estimates follow a changing workload.
    private void countOutcome()
    {
        if (++outcomesSinceDecay > 8L * Math.max(MIN_GHOST, table.size()))
        {
            outcomesSinceDecay = 0;
            for (int c = 0; c < CLASSES; c++)
            {
                returns[c] /= 2;
                failures[c] /= 2;
            }
            allReturns /= 2;
            allFailures /= 2;
        }
    }

    private void makeRoom(final long incoming)
    {
        final long doomedTarget = (long)(capacity * DOOMED_SHARE);
        final double target = currentProbationTarget();
        while (weightedSize() + incoming > capacity)
        {
            if (!doomed.isEmpty() && (doomed.weight() >= doomedTarget || probation.isEmpty() && main.isEmpty()))
            {
                evictToGhost(doomed, doomed.first(), probationGhost);
            }
            else if (!probation.isEmpty() && (probation.weight() >= target || main.isEmpty()))
            {
                evictFromProbation();
            }
            else if (!main.isEmpty())
            {
                evictFromMain();
            }
            else if (!doomed.isEmpty())
            {
                evictToGhost(doomed, doomed.first(), probationGhost);
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
        if (mode == Mode.FREQUENCY)
        {
            final boolean room = main.weight() + table.weight(slot) <= capacity - currentProbationTarget();
            if (room || !main.isEmpty() &&
                sketch.frequency(table.id(slot)) > sketch.frequency(table.id(main.first())) + ADMIT_MARGIN)
            {
                probation.remove(slot);
                table.queue(slot, MAIN);
                table.counter(slot, table.counter(slot) & ~FREQUENCY_MASK);
                main.addLast(slot);
                return;
            }
        }
        evictToGhost(probation, slot, probationGhost);
    }

    private void evictFromMain()
    {
        while (true)
        {
            final int slot = main.first();
            final int counter = table.counter(slot);
            final int frequency = counter & FREQUENCY_MASK;
            if (frequency > 0 && mode != Mode.RECENCY)
            {
                table.counter(slot, (counter & ~FREQUENCY_MASK) | (frequency - 1));
                main.moveToLast(slot);
            }
            else
            {
                evictToGhost(main, slot, mainGhost);
                return;
            }
        }
    }

    private void evictToGhost(final SlotList list, final int slot, final GhostQueue ghost)
    {
        final byte cls = (byte)((table.counter(slot) >>> 8) & 0xFF);
        ghost.limit(Math.max(MIN_GHOST, table.size()));
        ghost.add(table.id(slot), cls);
        if (cls != CLASS_KNOWN && cls != CLASS_UNCHAINED)
        {
            pendingOutcomes.add(table.id(slot), cls);
        }
        evict(list, slot);
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
