package dev.terrace.loadtest.internal.epochs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

class EpochPlanTest
{
    @Test
    void everyEpochReadsEveryFileExactlyOnce()
    {
        final EpochPlan plan = new EpochPlan(50, 4, 6, 7);
        assertEquals(300, plan.totalReads());
        for (int epoch = 0; epoch < 6; epoch++)
        {
            final int[] order = plan.epochOrder(epoch);
            final int[] sorted = order.clone();
            Arrays.sort(sorted);
            for (int i = 0; i < 50; i++)
            {
                assertEquals(i, sorted[i], "epoch " + epoch + " is a permutation");
            }
            for (int position = 0; position < 50; position++)
            {
                assertEquals(order[position], plan.fileAt(epoch * 50 + position));
            }
        }
    }

    @Test
    void theOrderIsShuffledAnewEachEpochAndRepeatsForTheSameSeed()
    {
        final EpochPlan plan = new EpochPlan(64, 8, 3, 11);
        assertFalse(Arrays.equals(plan.epochOrder(0), plan.epochOrder(1)), "a fresh shuffle per epoch");
        final int[] identity = new int[64];
        Arrays.setAll(identity, i -> i);
        assertFalse(Arrays.equals(identity, plan.epochOrder(0)), "shuffled, not in key order");
        final EpochPlan again = new EpochPlan(64, 8, 3, 11);
        for (int epoch = 0; epoch < 3; epoch++)
        {
            assertArrayEquals(plan.epochOrder(epoch), again.epochOrder(epoch), "both configurations read the same");
        }
        assertFalse(Arrays.equals(plan.epochOrder(0), new EpochPlan(64, 8, 3, 12).epochOrder(0)));
    }

    @Test
    void batchesCoverTheEpochAndTheLastOneMayBeShort()
    {
        final EpochPlan plan = new EpochPlan(10, 4, 2, 1);
        assertEquals(3, plan.batchesPerEpoch());
        assertEquals(4, plan.batchLength(0));
        assertEquals(4, plan.batchLength(1));
        assertEquals(2, plan.batchLength(2));
        assertEquals(0, plan.firstReadOfBatch(0, 0));
        assertEquals(8, plan.firstReadOfBatch(0, 2));
        assertEquals(14, plan.firstReadOfBatch(1, 1));
    }

    @Test
    void aHintWindowRunsIntoTheNextEpochWithoutRepeatsAndStopsAtTheEnd()
    {
        final EpochPlan plan = new EpochPlan(8, 2, 2, 3);
        final List<Integer> window = plan.window(6, 6);
        final int[] first = plan.epochOrder(0);
        final int[] second = plan.epochOrder(1);
        assertEquals(first[6], window.get(0));
        assertEquals(first[7], window.get(1));
        // the next four reads of epoch 2, minus any file the window already holds
        int expected = 2;
        for (int position = 0; position < 4; position++)
        {
            final int file = second[position];
            if (file != first[6] && file != first[7])
            {
                assertEquals(file, window.get(expected++));
            }
        }
        assertEquals(expected, window.size());
        assertEquals(List.of(second[7]), plan.window(15, 10), "clipped to the last read of the run");
        assertEquals(List.of(), plan.window(16, 4));
    }

    @Test
    void rejectsEmptyPlans()
    {
        assertThrows(IllegalArgumentException.class, () -> new EpochPlan(0, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new EpochPlan(1, 0, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new EpochPlan(1, 1, 0, 1));
    }
}
