package dev.terrace.placement;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrefetchPlannerTest
{
    private final FakeResidency residency = new FakeResidency();

    @Test
    void plansEarliestStartFirstThenHigherPriorityThenArrival()
    {
        final PrefetchPlanner planner = new PrefetchPlanner(new PrefetchBudget(100, 100, 100, 10_000));
        residency.available(1, 2, 3, 4, 5, 6, 7, 8);
        planner.add(hint("late-low", "j1", "ns", 200, 0, 1, 2));
        planner.add(hint("early", "j2", "ns", 100, 0, 3, 4));
        planner.add(hint("late-high", "j3", "ns", 200, 5, 5, 6));
        planner.add(hint("late-low-2", "j4", "ns", 200, 0, 7, 8));

        final PrefetchPlan plan = planner.plan(0, residency);

        assertEquals(List.of(3L, 4L, 5L, 6L, 1L, 2L, 7L, 8L), ids(plan));
        assertEquals("early", plan.hintId(0));
        assertEquals(100, plan.deadline(0));
        assertEquals(8, plan.totalWeight());
    }

    @Test
    void stagedItemsAreSkippedButCountAgainstTheJobBudget()
    {
        final PrefetchPlanner planner = new PrefetchPlanner(new PrefetchBudget(100, 3, 100, 10_000));
        residency.available(1, 2, 3, 4, 5);
        residency.staged(1, 2);
        planner.add(hint("h", "job", "ns", 100, 0, 1, 2, 3, 4, 5));

        assertEquals(List.of(3L), ids(planner.plan(0, residency)));
    }

    @Test
    void oneNamespaceCannotTakeMoreThanItsBudgetAcrossJobs()
    {
        final PrefetchPlanner planner = new PrefetchPlanner(new PrefetchBudget(100, 100, 4, 10_000));
        residency.available(1, 2, 3, 4, 5, 6, 11, 12);
        planner.add(hint("a", "job-a", "tenant", 100, 0, 1, 2, 3));
        planner.add(hint("b", "job-b", "tenant", 110, 0, 4, 5, 6));
        planner.add(hint("c", "job-c", "other", 120, 0, 11, 12));

        assertEquals(List.of(1L, 2L, 3L, 4L, 11L, 12L), ids(planner.plan(0, residency)));
    }

    @Test
    void weightsAreChargedNotItemCounts()
    {
        final PrefetchPlanner planner = new PrefetchPlanner(new PrefetchBudget(100, 10, 100, 10_000));
        residency.available(1, 2, 3);
        residency.weigh(1, 4);
        residency.weigh(2, 4);
        residency.weigh(3, 4);
        planner.add(hint("h", "job", "ns", 100, 0, 1, 2, 3));

        final PrefetchPlan plan = planner.plan(0, residency);
        assertEquals(List.of(1L, 2L), ids(plan));
        assertEquals(8, plan.totalWeight());
        assertEquals(4, plan.weight(1));
    }

    @Test
    void thePlanBudgetStopsPlanningAltogether()
    {
        final PrefetchPlanner planner = new PrefetchPlanner(new PrefetchBudget(3, 100, 100, 10_000));
        residency.available(1, 2, 3, 4, 5);
        planner.add(hint("a", "j1", "ns", 100, 0, 1, 2));
        planner.add(hint("b", "j2", "other", 200, 0, 3, 4, 5));

        assertEquals(List.of(1L, 2L, 3L), ids(planner.plan(0, residency)));
    }

    @Test
    void aPrefixChainStopsAtItsFirstMissingBlockButAnOrderedListSkipsIt()
    {
        final PrefetchPlanner planner = new PrefetchPlanner(new PrefetchBudget(100, 100, 100, 10_000));
        residency.available(1, 2, 4, 5);
        planner.add(new Hint("chain", "j", "ns", List.of(new long[] {1, 2, 3, 4, 5}), true, 100, 0, 200));
        planner.add(new Hint("files", "j2", "ns", List.of(new long[] {5, 6, 4, 2}), false, 150, 0, 200));

        // The chain stops at 3 (nobody holds it: 4 and 5 are useless to that request); the file list skips 6, and
        // 2 is already planned for the chain.
        assertEquals(List.of(1L, 2L, 5L, 4L), ids(planner.plan(0, residency)));
    }

    @Test
    void onlyHintsWithinTheHorizonArePlanned()
    {
        final PrefetchPlanner planner = new PrefetchPlanner(new PrefetchBudget(100, 100, 100, 1_000));
        residency.available(1, 2);
        planner.add(hint("soon", "j", "ns", 900, 0, 1));
        planner.add(hint("later", "j", "ns", 5_000, 0, 2));

        assertEquals(List.of(1L), ids(planner.plan(0, residency)));
        assertEquals(List.of(2L), ids(planner.plan(4_500, residency)));
    }

    @Test
    void expiredAndCancelledHintsAreDropped()
    {
        final PrefetchPlanner planner = new PrefetchPlanner(new PrefetchBudget(100, 100, 100, 10_000));
        residency.available(1, 2, 3);
        planner.add(new Hint("short", "j", "ns", List.of(new long[] {1}), true, 100, 0, 150));
        planner.add(new Hint("long", "j", "ns", List.of(new long[] {2}), true, 100, 0, 5_000));
        planner.add(new Hint("gone", "j", "ns", List.of(new long[] {3}), true, 100, 0, 5_000));

        assertTrue(planner.cancel("gone"));
        assertFalse(planner.cancel("gone"));
        assertEquals(List.of("short"), planner.expire(151));
        assertEquals(1, planner.size());
        assertNull(planner.get("short"));
        assertEquals(List.of(2L), ids(planner.plan(151, residency)));
    }

    @Test
    void anItemTheTierKeepsEvictingIsStagedAtMostThreeTimesPerHint()
    {
        final PrefetchPlanner planner = new PrefetchPlanner(new PrefetchBudget(100, 100, 100, 10_000));
        residency.available(1);
        planner.add(hint("h", "j", "ns", 100, 0, 1));
        int stagings = 0;
        for (int round = 0; round < 10; round++)
        {
            // The fake tier never keeps what is staged.
            stagings += planner.plan(round, residency).size();
        }
        assertEquals(PrefetchPlanner.MAX_STAGINGS, stagings);
    }

    @Test
    void progressReportsStagedItemsAndWeight()
    {
        final PrefetchPlanner planner = new PrefetchPlanner(new PrefetchBudget(100, 100, 100, 10_000));
        residency.available(1, 2, 3, 4);
        residency.weigh(4, 10);
        residency.staged(1, 4);
        planner.add(hint("h", "j", "ns", 100, 0, 1, 2, 3, 4));

        final HintProgress progress = planner.progress("h", residency);
        assertEquals(new HintProgress(4, 2, 13, 11), progress);
        assertEquals(0.5, progress.stagedFraction());
        assertNull(planner.progress("nope", residency));
    }

    @Test
    void replacingAHintKeepsOneCopy()
    {
        final PrefetchPlanner planner = new PrefetchPlanner(new PrefetchBudget(100, 100, 100, 10_000));
        residency.available(1, 2);
        planner.add(hint("h", "j", "ns", 100, 0, 1));
        planner.add(hint("h", "j", "ns", 100, 0, 2));
        assertEquals(1, planner.size());
        assertEquals(List.of(2L), ids(planner.plan(0, residency)));
    }

    private static Hint hint(
        final String id,
        final String job,
        final String namespace,
        final long start,
        final int priority,
        final long... items)
    {
        return new Hint(id, job, namespace, List.of(items), true, start, priority, start + 1_000);
    }

    private static List<Long> ids(final PrefetchPlan plan)
    {
        final List<Long> ids = new ArrayList<>();
        for (int i = 0; i < plan.size(); i++)
        {
            ids.add(plan.id(i));
        }
        return ids;
    }

    private static final class FakeResidency implements Residency
    {
        private final Set<Long> staged = new HashSet<>();
        private final Map<Long, Long> weights = new HashMap<>();

        void available(final long... ids)
        {
            for (final long id : ids)
            {
                weights.putIfAbsent(id, 1L);
            }
        }

        void weigh(final long id, final long weight)
        {
            weights.put(id, weight);
        }

        void staged(final long... ids)
        {
            for (final long id : ids)
            {
                staged.add(id);
            }
        }

        @Override
        public boolean isStaged(final long id)
        {
            return staged.contains(id);
        }

        @Override
        public long stageableWeight(final long id)
        {
            return weights.getOrDefault(id, -1L);
        }
    }
}
