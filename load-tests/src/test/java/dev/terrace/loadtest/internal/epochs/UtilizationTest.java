package dev.terrace.loadtest.internal.epochs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

class UtilizationTest
{
    private static Utilization.Epoch epoch(final int number, final long compute, final long wall, final long... reads)
    {
        return new Utilization.Epoch(number, compute, wall, wall - compute, reads);
    }

    @Test
    void utilizationIsComputeOverWall()
    {
        assertEquals(0.75, Utilization.ratio(3, 4), 1e-12);
        assertEquals(0.0, Utilization.ratio(0, 0), "nothing ran");
        assertEquals(1.0, Utilization.ratio(5, 4), "clock granularity never yields more than 100%");
        assertEquals(0.5, epoch(1, 50, 100, 1, 0, 1).utilization(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Utilization.ratio(-1, 4));
    }

    @Test
    void theWarmUpEpochIsLeftOutAndEpochsAreWeightedByTheirTime()
    {
        final List<Utilization.Epoch> epochs = List.of(
            epoch(1, 10, 100, 0, 0, 8),
            epoch(2, 90, 100, 6, 0, 2),
            epoch(3, 90, 300, 2, 0, 6));
        // (90 + 90) / (100 + 300), not the mean of 0.9 and 0.3
        assertEquals(0.45, Utilization.afterWarmup(epochs, 1), 1e-12);
        assertEquals((10 + 90 + 90) / 500.0, Utilization.afterWarmup(epochs, 0), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Utilization.afterWarmup(epochs, 3));
    }

    @Test
    void tierSharesCountOnlyTheEpochsAfterTheWarmUp()
    {
        final List<Utilization.Epoch> epochs = List.of(
            epoch(1, 1, 2, 0, 0, 8),
            epoch(2, 1, 2, 6, 1, 1),
            epoch(3, 1, 2, 2, 0, 6));
        assertEquals(8 / 16.0, Utilization.tierShare(epochs, 1, 0), 1e-12);
        assertEquals(1 / 16.0, Utilization.tierShare(epochs, 1, 1), 1e-12);
        assertEquals(7 / 16.0, Utilization.tierShare(epochs, 1, 2), 1e-12);
        assertEquals(0.0, Utilization.tierShare(List.of(), 1, 0));
    }
}
