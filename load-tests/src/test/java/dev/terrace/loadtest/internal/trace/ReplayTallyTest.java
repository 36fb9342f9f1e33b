package dev.terrace.loadtest.internal.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.terrace.client.Tier;

class ReplayTallyTest
{
    @Test
    void ratiosArePerBlockReference()
    {
        final ReplayTally tally = new ReplayTally();
        tally.record(4, 3, List.of(Tier.MEMORY, Tier.MEMORY, Tier.FLASH));
        tally.record(2, 0, List.of());
        // the lookup listed 3 blocks, the second had been evicted by the time it was read
        tally.record(4, 3, List.of(Tier.MEMORY));
        assertEquals(3, tally.requests());
        assertEquals(10, tally.references());
        assertEquals(0.3, tally.memoryServedRatio(), 1e-12);
        assertEquals(0.1, tally.flashServedRatio(), 1e-12);
        assertEquals(0.4, tally.prefixReuseRatio(), 1e-12);
        assertEquals(0.6, tally.recomputedRatio(), 1e-12);
        assertEquals(2, tally.vanished());
    }

    @Test
    void failedRequestsAreCountedApart()
    {
        final ReplayTally tally = new ReplayTally();
        tally.recordError();
        assertEquals(1, tally.errors());
        assertEquals(0, tally.references());
        assertEquals(0.0, tally.memoryServedRatio());
    }

    @Test
    void aRequestCannotLoadMoreThanItsCachedPrefix()
    {
        final ReplayTally tally = new ReplayTally();
        assertThrows(IllegalArgumentException.class, () -> tally.record(2, 3, List.of()));
        assertThrows(IllegalArgumentException.class, () -> tally.record(3, 1, List.of(Tier.MEMORY, Tier.MEMORY)));
    }
}
