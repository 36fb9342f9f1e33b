package dev.terrace.placement.sim;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Belady's MIN against an exhaustive search of every eviction choice on small random traces. */
class BeladyPolicyTest
{
    @Test
    void matchesExhaustiveOptimumOnSmallTraces()
    {
        final SplittableRandom random = new SplittableRandom(11);
        for (int round = 0; round < 300; round++)
        {
            final int length = 6 + random.nextInt(9);
            final long[] ids = new long[length];
            for (int i = 0; i < length; i++)
            {
                ids[i] = random.nextInt(6);
            }
            final int capacity = 1 + random.nextInt(3);
            final Trace trace = new Trace("random", new long[] {0}, new int[] {0, length}, ids);
            final SimulationResult belady = TraceSimulator.run(trace, "belady", SimulationOptions.memoryOnly(capacity));
            final SimulationResult lru = TraceSimulator.run(trace, "lru", SimulationOptions.memoryOnly(capacity));
            final int optimum = best(ids, 0, new HashSet<>(), capacity);
            assertEquals(optimum, belady.memoryHits(), "trace " + java.util.Arrays.toString(ids) + " cap " + capacity);
            assertTrue(lru.memoryHits() <= belady.memoryHits());
        }
    }

    @Test
    void refusesToReplayOutOfOrder()
    {
        final Trace trace = new Trace("t", new long[] {0}, new int[] {0, 2}, new long[] {1, 2});
        final BeladyPolicy belady = new BeladyPolicy(trace, 1, (id, w) -> { });
        assertThrows(IllegalStateException.class, () -> belady.recordAccess(2, 1, 0));
    }

    @Test
    void reportsEvictionsOfResidentBlocksOnly()
    {
        // 1 2 1 3 at capacity 1: 2 bypasses (1 is needed sooner), 3 bypasses too (neither is needed again).
        final Trace bypassing = new Trace("t", new long[] {0}, new int[] {0, 4}, new long[] {1, 2, 1, 3});
        final StringBuilder evicted = new StringBuilder();
        final BeladyPolicy belady = new BeladyPolicy(bypassing, 1, (id, w) -> evicted.append(id).append(' '));
        assertTrue(belady.recordAccess(1, 1, 0));
        assertEquals(false, belady.recordAccess(2, 1, 0));
        assertTrue(belady.recordAccess(1, 1, 0));
        assertEquals(false, belady.recordAccess(3, 1, 0));
        assertEquals("", evicted.toString());
        assertTrue(belady.contains(1));

        // 1 2 2 1 at capacity 1: 2 is needed sooner than 1, so the resident 1 is evicted (and reported); the last
        // 1 bypasses.
        final Trace evicting = new Trace("t", new long[] {0}, new int[] {0, 4}, new long[] {1, 2, 2, 1});
        final StringBuilder evicted2 = new StringBuilder();
        final BeladyPolicy belady2 = new BeladyPolicy(evicting, 1, (id, w) -> evicted2.append(id).append(' '));
        belady2.recordAccess(1, 1, 0);
        assertTrue(belady2.recordAccess(2, 1, 0));
        assertTrue(belady2.recordAccess(2, 1, 0));
        assertEquals(false, belady2.recordAccess(1, 1, 0));
        assertEquals("1 ", evicted2.toString());
    }

    // Maximum hits over every policy that may keep or drop any block after each reference.
    private static int best(final long[] ids, final int index, final Set<Long> resident, final int capacity)
    {
        if (index == ids.length)
        {
            return 0;
        }
        final long id = ids[index];
        final int hit = resident.contains(id) ? 1 : 0;
        final Set<Long> after = new HashSet<>(resident);
        after.add(id);
        if (after.size() <= capacity)
        {
            return hit + best(ids, index + 1, after, capacity);
        }
        int bestRest = 0;
        for (final Long victim : after)
        {
            final Set<Long> next = new HashSet<>(after);
            next.remove(victim);
            bestRest = Math.max(bestRest, best(ids, index + 1, next, capacity));
        }
        return hit + bestRest;
    }
}
