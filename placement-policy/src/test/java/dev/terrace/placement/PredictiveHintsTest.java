package dev.terrace.placement;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PredictiveHintsTest
{
    private final List<Long> evicted = new ArrayList<>();

    @Test
    void hintedItemsSurviveAFloodUntilTheHintIsCancelled()
    {
        final PredictivePolicy policy = new PredictivePolicy(100, (id, w) -> evicted.add(id));
        for (long id = 0; id < 10; id++)
        {
            policy.recordAccess(id, 1, 0);
        }
        policy.hint(Hint.forChain("h", "job", "ns", new long[] {0, 1, 2, 3, 4}, 1_000, 2_000), 0);
        flood(policy, 10_000, 1_000);

        for (long id = 0; id < 5; id++)
        {
            assertTrue(policy.contains(id), "hinted " + id + " was evicted");
        }
        assertFalse(policy.contains(5), "an unhinted item of the same age survived a flood ten times the capacity");

        policy.cancelHint("h");
        flood(policy, 20_000, 1_000);
        for (long id = 0; id < 5; id++)
        {
            assertFalse(policy.contains(id), "released " + id + " was kept");
        }
    }

    @Test
    void prefetchedItemsStayUntilRead()
    {
        final PredictivePolicy policy = new PredictivePolicy(100, (id, w) -> evicted.add(id));
        final long[] chain = {500, 501, 502};
        policy.hint(Hint.forChain("h", "job", "ns", chain, 1_000, 2_000), 0);
        for (final long id : chain)
        {
            assertTrue(policy.admit(id, 1, 10));
        }
        flood(policy, 10_000, 1_000);
        policy.beginChain(chain, chain.length, 1_000);
        for (final long id : chain)
        {
            assertTrue(policy.contains(id));
            assertTrue(policy.recordAccess(id, 1, 1_000));
        }
    }

    @Test
    void eachReadConsumesOneHintsClaim()
    {
        final PredictivePolicy policy = new PredictivePolicy(100, (id, w) -> evicted.add(id));
        policy.recordAccess(1, 1, 0);
        policy.hint(Hint.forChain("a", "job-a", "ns", new long[] {1}, 1_000, 9_000), 0);
        policy.hint(Hint.forChain("b", "job-b", "ns", new long[] {1}, 2_000, 9_000), 0);

        policy.recordAccess(1, 1, 1_000);
        flood(policy, 10_000, 1_000);
        assertTrue(policy.contains(1), "job b has not read it yet");

        policy.recordAccess(1, 1, 2_000);
        flood(policy, 20_000, 2_000);
        assertFalse(policy.contains(1), "both claims are consumed: nothing protects it any more");
        assertEquals(2, policy.activeHints());
    }

    @Test
    void aLongHintReleasesWhatItsJobHasRead()
    {
        // A whole epoch hinted at once: items read early must not keep the protected share full.
        final PredictivePolicy policy = new PredictivePolicy(100, (id, w) -> evicted.add(id));
        final long[] epoch = new long[300];
        for (int i = 0; i < epoch.length; i++)
        {
            epoch[i] = 5_000 + i;
        }
        policy.hint(new Hint("epoch", "trainer", "ns", List.of(epoch), false, 0, 0, 100_000), 0);
        int hits = 0;
        for (int i = 0; i < epoch.length; i++)
        {
            // Stage the next 50 items ahead of the reader, then read one.
            if (i + 50 < epoch.length)
            {
                policy.admit(epoch[i + 50], 1, i);
            }
            if (i < 50)
            {
                policy.admit(epoch[i], 1, i);
            }
            hits += policy.contains(epoch[i]) ? 1 : 0;
            policy.recordAccess(epoch[i], 1, i);
        }
        assertEquals(epoch.length, hits);
    }

    @Test
    void hintsExpireWithTheTimePassedIn()
    {
        final PredictivePolicy policy = new PredictivePolicy(100, (id, w) -> evicted.add(id));
        policy.recordAccess(1, 1, 0);
        policy.hint(new Hint("h", "job", "ns", List.of(new long[] {1}), true, 100, 0, 200), 0);
        assertEquals(1, policy.activeHints());
        flood(policy, 5_000, 150);
        assertTrue(policy.contains(1));

        flood(policy, 5_000, 201);
        assertEquals(0, policy.activeHints());
        assertFalse(policy.contains(1));
    }

    @Test
    void hintedItemsCannotTakeMoreThanTheirShareOfTheCapacity()
    {
        final PredictivePolicy policy = new PredictivePolicy(100, (id, w) -> evicted.add(id));
        final long[] many = new long[150];
        for (int i = 0; i < many.length; i++)
        {
            many[i] = 1_000 + i;
        }
        policy.hint(Hint.forChain("big", "job", "ns", many, 1_000, 2_000), 0);
        int staged = 0;
        for (final long id : many)
        {
            policy.admit(id, 1, 0);
        }
        for (final long id : many)
        {
            staged += policy.contains(id) ? 1 : 0;
        }
        assertTrue(staged <= 100 * PredictivePolicy.HINT_SHARE, "hinted items hold " + staged + " of 100");
        // The earliest-announced items are kept, the latest are the ones given up.
        assertTrue(policy.contains(many[0]));
        assertFalse(policy.contains(many[many.length - 1]));
        // The rest of the cache still works for unhinted items.
        policy.recordAccess(7, 1, 0);
        assertTrue(policy.recordAccess(7, 1, 0));
    }

    @Test
    void baselinesIgnoreHints()
    {
        final PlacementPolicy lru = new LruPolicy(10, (id, w) -> evicted.add(id));
        lru.recordAccess(1, 1, 0);
        lru.hint(Hint.forChain("h", "job", "ns", new long[] {1}, 100, 200), 0);
        for (long id = 2; id < 20; id++)
        {
            lru.recordAccess(id, 1, 0);
        }
        assertFalse(lru.contains(1));
        lru.cancelHint("h");
    }

    private static void flood(final PlacementPolicy policy, final long first, final long now)
    {
        for (long id = first; id < first + 1_000; id++)
        {
            policy.recordAccess(id, 1, now);
        }
    }
}
