package dev.terrace.loadtest.internal.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.terrace.placement.sim.SimulationResult;

class TraceSuiteTest
{
    @Test
    void theMemoryTierIsSizedSoThePolicyBudgetIsTheBlockCount()
    {
        for (final int blocks : new int[] {1, 1_000, 5_000, 20_000})
        {
            final long capacity = TraceSuite.memoryCapacityBytes(blocks, 64 << 10);
            // the node's budget: (long)(capacity * high watermark)
            final long budget = (long)(capacity * TraceSuite.MEMORY_HIGH_WATERMARK);
            assertEquals(blocks, budget / (64 << 10), "blocks " + blocks);
        }
    }

    @Test
    void nodesDifferOnlyInTheirPolicy()
    {
        final Map<String, String> lru = TraceSuite.nodeSettings(TraceSuite.FULL, "lru");
        final Map<String, String> predictive = TraceSuite.nodeSettings(TraceSuite.FULL, "predictive");
        assertEquals("lru", lru.get("terrace.placement.policy"));
        assertEquals("predictive", predictive.get("terrace.placement.policy"));
        lru.remove("terrace.placement.policy");
        predictive.remove("terrace.placement.policy");
        assertEquals(lru, predictive);
    }

    @Test
    void theSimulatorTableHasTheSimulateColumns()
    {
        final ReplayPlanTestSupport support = new ReplayPlanTestSupport();
        final var table = TraceSuite.simulatorTable(support.plan(), TraceSuite.QUICK,
            List.of(new SimulationResult("lru", 10, 3, 2, 0, 0, 0, 0, 1)));
        assertEquals(List.of("policy", "memory-hit", "prefix-reuse", "flash-hit"), table.columns());
        assertEquals(List.of("lru", "0.3000", "0.2000", "-"), table.rows().get(0));
        assertTrue(table.note().contains("Infinite-cache ceiling"), table.note());
    }
}
