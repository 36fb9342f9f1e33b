package dev.terrace.placement;

import dev.terrace.placement.internal.LongIntHashMap;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the active {@link Hint}s into an ordered {@link PrefetchPlan} for one target tier, within a
 * {@link PrefetchBudget}. Pure: it keeps the hints it is given and asks a {@link Residency} about items, with no
 * clock and no I/O, so the node and the simulator run the same planning.
 * <p>
 * Planning order: hints by earliest start, then higher priority, then arrival; within a hint, sequences in order
 * and items in read order. Items already staged count against their job's and namespace's budget (they occupy
 * the tier on the hint's behalf); an item is planned once even if several hints want it. A hint stops being
 * planned where its job or namespace budget runs out (later items of a read order are worth less than earlier
 * ones), and a prefix-chained sequence stops at its first item no tier holds, because KV blocks behind a missing
 * block cannot be used. An item is planned at most {@value #MAX_STAGINGS} times per hint: if the tier keeps evicting
 * it before it is read, the planner stops fighting the tier's policy. Not thread-safe.
 */
public final class PrefetchPlanner
{
    private static final Comparator<Active> URGENCY = Comparator
        .comparingLong((Active a) -> a.hint.startAtMillis())
        .thenComparing(Comparator.comparingInt((Active a) -> a.hint.priority()).reversed())
        .thenComparingLong(a -> a.sequence);

    /** How many times one hint may stage the same item (the tier may evict it before it is read). */
    static final int MAX_STAGINGS = 3;

    private final PrefetchBudget budget;
    private final Map<String, Active> hints = new LinkedHashMap<>();
    // Ids visited by the current plan, stamped with the plan's number so the map is reused without clearing.
    private final LongIntHashMap visited = new LongIntHashMap(1024);
    private int planNumber;
    private long arrivals;

    /**
     * @param budget the limits every plan respects.
     */
    public PrefetchPlanner(final PrefetchBudget budget)
    {
        this.budget = budget;
    }

    /** The limits this planner applies. */
    public PrefetchBudget budget()
    {
        return budget;
    }

    /** Adds {@code hint}, replacing an earlier hint with the same id. */
    public void add(final Hint hint)
    {
        hints.put(hint.hintId(), new Active(hint, arrivals++));
    }

    /** Removes the hint {@code hintId}; returns whether it was active. */
    public boolean cancel(final String hintId)
    {
        return hints.remove(hintId) != null;
    }

    /** The active hint {@code hintId}, or null. */
    public Hint get(final String hintId)
    {
        final Active active = hints.get(hintId);
        return active == null ? null : active.hint;
    }

    /** Number of active hints. */
    public int size()
    {
        return hints.size();
    }

    /**
     * Drops every hint whose expiry is before {@code nowMillis}.
     *
     * @return the ids of the dropped hints (so the caller can withdraw them from its policy too).
     */
    public List<String> expire(final long nowMillis)
    {
        final List<String> expired = new ArrayList<>();
        hints.values().removeIf(a ->
        {
            if (a.hint.expiresAtMillis() < nowMillis)
            {
                expired.add(a.hint.hintId());
                return true;
            }
            return false;
        });
        return expired;
    }

    /**
     * Plans what to stage now: items of hints that start within the budget's horizon and have not expired.
     *
     * @param nowMillis the caller's current time.
     * @param residency what is staged already and what can be staged.
     * @return the ordered plan, bounded by the budget; empty when nothing needs staging.
     */
    public PrefetchPlan plan(final long nowMillis, final Residency residency)
    {
        final PrefetchPlan plan = new PrefetchPlan();
        if (hints.isEmpty())
        {
            return plan;
        }
        final List<Active> ordered = new ArrayList<>(hints.size());
        for (final Active active : hints.values())
        {
            final Hint hint = active.hint;
            if (hint.expiresAtMillis() >= nowMillis && hint.startAtMillis() <= nowMillis + budget.horizonMillis())
            {
                ordered.add(active);
            }
        }
        ordered.sort(URGENCY);

        final Map<String, long[]> jobUse = new HashMap<>();
        final Map<String, long[]> namespaceUse = new HashMap<>();
        if (++planNumber == Integer.MAX_VALUE || visited.size() > 4 * Math.max(1024, totalItems()))
        {
            visited.clear();
            planNumber = 1;
        }
        for (final Active active : ordered)
        {
            final Hint hint = active.hint;
            final long[] job = jobUse.computeIfAbsent(hint.namespace() + '\u0000' + hint.jobId(), k -> new long[1]);
            final long[] namespace = namespaceUse.computeIfAbsent(hint.namespace(), k -> new long[1]);
            if (!planHint(active, residency, plan, job, namespace))
            {
                break;
            }
        }
        return plan;
    }

    /**
     * How much of hint {@code hintId} is staged.
     *
     * @return the progress, or null when the hint is not active.
     */
    public HintProgress progress(final String hintId, final Residency residency)
    {
        final Active active = hints.get(hintId);
        if (active == null)
        {
            return null;
        }
        int items = 0;
        int staged = 0;
        long weight = 0;
        long stagedWeight = 0;
        final Hint hint = active.hint;
        for (int s = 0; s < hint.sequenceCount(); s++)
        {
            for (final long id : hint.sequenceUnsafe(s))
            {
                final boolean isStaged = residency.isStaged(id);
                final long w = Math.max(0, residency.stageableWeight(id));
                items++;
                weight += w;
                if (isStaged)
                {
                    staged++;
                    stagedWeight += w;
                }
            }
        }
        return new HintProgress(items, staged, weight, stagedWeight);
    }

    private long totalItems()
    {
        long n = 0;
        for (final Active active : hints.values())
        {
            n += active.hint.itemCount();
        }
        return n;
    }

    // Returns false when the plan's own budget is exhausted and planning must stop altogether.
    private boolean planHint(
        final Active active,
        final Residency residency,
        final PrefetchPlan plan,
        final long[] jobUse,
        final long[] namespaceUse)
    {
        final Hint hint = active.hint;
        for (int s = 0; s < hint.sequenceCount(); s++)
        {
            final long[] sequence = hint.sequenceUnsafe(s);
            for (final long id : sequence)
            {
                if (visited.get(id) == planNumber)
                {
                    continue;
                }
                if (residency.isStaged(id))
                {
                    final long w = Math.max(0, residency.stageableWeight(id));
                    visited.put(id, planNumber);
                    jobUse[0] += w;
                    namespaceUse[0] += w;
                    continue;
                }
                final int stagings = active.staged.get(id);
                if (stagings >= MAX_STAGINGS)
                {
                    continue;
                }
                final long w = residency.stageableWeight(id);
                if (w < 0)
                {
                    if (hint.prefixChained())
                    {
                        break;
                    }
                    continue;
                }
                if (jobUse[0] + w > budget.maxJobWeight() || namespaceUse[0] + w > budget.maxNamespaceWeight())
                {
                    return true;
                }
                if (plan.totalWeight() + w > budget.maxPlanWeight())
                {
                    return false;
                }
                visited.put(id, planNumber);
                active.staged.put(id, stagings == LongIntHashMap.MISSING ? 1 : stagings + 1);
                jobUse[0] += w;
                namespaceUse[0] += w;
                plan.add(id, w, hint.startAtMillis(), hint.hintId());
            }
        }
        return true;
    }

    // staged: how many times this planner put each id in a plan for this hint; after MAX_STAGINGS the id is left
    // alone, so a policy that refuses or keeps evicting staged items does not make the planner churn forever.
    private record Active(Hint hint, long sequence, LongIntHashMap staged)
    {
        Active(final Hint hint, final long sequence)
        {
            this(hint, sequence, new LongIntHashMap(Math.min(1024, hint.itemCount())));
        }
    }
}
