package dev.terrace.placement;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Behaviour specific to each baseline, beyond the common contract. */
class BaselinePoliciesTest
{
    private final List<Long> evicted = new ArrayList<>();

    @Test
    void lruEvictsTheLeastRecentlyUsedFirst()
    {
        final LruPolicy lru = new LruPolicy(3, (id, w) -> evicted.add(id));
        lru.recordAccess(1, 1, 0);
        lru.recordAccess(2, 1, 0);
        lru.recordAccess(3, 1, 0);
        lru.recordAccess(1, 1, 0);
        lru.recordAccess(4, 1, 0);
        lru.recordAccess(5, 1, 0);
        assertEquals(List.of(2L, 3L), evicted);
    }

    @Test
    void lruEvictsAsManyAsAHeavyItemNeeds()
    {
        final LruPolicy lru = new LruPolicy(10, (id, w) -> evicted.add(id));
        for (long id = 1; id <= 5; id++)
        {
            lru.recordAccess(id, 2, 0);
        }
        lru.recordAccess(9, 5, 0);
        assertEquals(List.of(1L, 2L, 3L), evicted);
        assertEquals(9, lru.weightedSize());
    }

    @Test
    void s3fifoKeepsOneHitWondersOutOfMain()
    {
        final S3FifoPolicy s3 = new S3FifoPolicy(100, (id, w) -> evicted.add(id));
        // A working set of 50 items read twice enters main; then a long run of one-time items only churns S.
        for (int round = 0; round < 2; round++)
        {
            for (long id = 0; id < 50; id++)
            {
                s3.recordAccess(id, 1, 0);
            }
        }
        for (long id = 1_000; id < 5_000; id++)
        {
            s3.recordAccess(id, 1, 0);
        }
        for (long id = 0; id < 50; id++)
        {
            assertTrue(s3.contains(id), "working-set item " + id + " was flushed by one-hit wonders");
        }
    }

    @Test
    void s3fifoSendsGhostHitsStraightToMain()
    {
        final S3FifoPolicy s3 = new S3FifoPolicy(20, (id, w) -> evicted.add(id));
        for (long id = 0; id < 40; id++)
        {
            s3.recordAccess(id, 1, 0);
        }
        assertFalse(s3.contains(0));
        // 0 is remembered in the ghost queue: it comes back into main and survives the next 19 one-time items.
        s3.recordAccess(0, 1, 0);
        for (long id = 100; id < 119; id++)
        {
            s3.recordAccess(id, 1, 0);
        }
        assertTrue(s3.contains(0));
    }

    @Test
    void wTinyLfuRejectsACandidateLessFrequentThanMainsVictim()
    {
        final WTinyLfuPolicy tiny = new WTinyLfuPolicy(100, (id, w) -> evicted.add(id));
        for (int round = 0; round < 5; round++)
        {
            for (long id = 0; id < 100; id++)
            {
                tiny.recordAccess(id, 1, 0);
            }
        }
        for (long id = 1_000; id < 1_100; id++)
        {
            tiny.recordAccess(id, 1, 0);
        }
        int kept = 0;
        for (long id = 0; id < 100; id++)
        {
            kept += tiny.contains(id) ? 1 : 0;
        }
        assertTrue(kept >= 98, "frequent items kept: " + kept);
    }

    @Test
    void baselinesBeatLruOnZipf()
    {
        final long lru = zipfHits(new LruPolicy(500, (id, w) -> { }));
        final long s3fifo = zipfHits(new S3FifoPolicy(500, (id, w) -> { }));
        final long tinyLfu = zipfHits(new WTinyLfuPolicy(500, (id, w) -> { }));
        final long predictive = zipfHits(new PredictivePolicy(500, (id, w) -> { }));
        assertTrue(s3fifo > lru, "s3fifo " + s3fifo + " lru " + lru);
        assertTrue(tinyLfu > lru, "w-tinylfu " + tinyLfu + " lru " + lru);
        assertTrue(predictive > lru, "predictive " + predictive + " lru " + lru);
    }

    @Test
    void factoryKnowsEveryNameAndRejectsOthers()
    {
        for (final String name : Policies.NAMES)
        {
            assertEquals(name, Policies.create(name, 10, (id, w) -> { }).name());
        }
        assertEquals(S3FifoPolicy.NAME, Policies.create(" S3-FIFO ", 10, (id, w) -> { }).name());
        assertEquals(WTinyLfuPolicy.NAME, Policies.create("wtinylfu", 10, (id, w) -> { }).name());
        assertEquals(PredictivePolicy.NAME, Policies.create(Policies.DEFAULT, 10, (id, w) -> { }).name());
        final IllegalArgumentException ex = org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, () -> Policies.create("arc", 10, (id, w) -> { }));
        assertTrue(ex.getMessage().contains("lru, s3fifo, w-tinylfu, predictive"), ex.getMessage());
    }

    private static long zipfHits(final PlacementPolicy policy)
    {
        final SplittableRandom random = new SplittableRandom(17);
        final int items = 20_000;
        final double[] cumulative = new double[items];
        double sum = 0;
        for (int i = 0; i < items; i++)
        {
            sum += 1.0 / Math.pow(i + 1, 0.8);
            cumulative[i] = sum;
        }
        long hits = 0;
        for (int i = 0; i < 100_000; i++)
        {
            final double u = random.nextDouble() * sum;
            int index = java.util.Arrays.binarySearch(cumulative, u);
            index = index < 0 ? -index - 1 : index;
            if (policy.contains(index))
            {
                hits++;
            }
            policy.recordAccess(index, 1, i);
        }
        return hits;
    }
}
