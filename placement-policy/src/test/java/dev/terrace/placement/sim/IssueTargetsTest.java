package dev.terrace.placement.sim;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The targets of the placement issue on the synthetic trace, as far as they are met (see README.md for the
 * figures, including the no-hint target that is not met).
 */
class IssueTargetsTest
{
    private static final double INFINITE_CACHE_CEILING = 0.6396;

    @Test
    void hintsThirtySecondsAheadServeAlmostEveryReuseFromMemory()
    {
        final Trace trace = SharedTraces.synthetic();
        final SimulationOptions options = new SimulationOptions(5000, trace.distinctBlocks(), 30_000, 0);
        final SimulationResult predictive = TraceSimulator.run(trace, "predictive", options);

        assertTrue(predictive.memoryHitRatio() >= 0.95 * INFINITE_CACHE_CEILING,
            "memory-served " + predictive.memoryHitRatio() + " < 95% of " + INFINITE_CACHE_CEILING);
        assertTrue(predictive.prefetchAccuracy() >= 0.9, "accuracy " + predictive.prefetchAccuracy());
        assertEquals(1.0, predictive.prefetchTimeliness(), 1e-9);
        // Memory + flash serve every reuse: flash holds every block.
        assertEquals(trace.referenceCount() - trace.distinctBlocks(), predictive.memoryHits() + predictive.flashHits());
    }

    @Test
    void aSlowPrefetcherIsReportedAsLate()
    {
        final Trace trace = SharedTraces.synthetic();
        final SimulationResult fast = TraceSimulator.run(trace, "predictive",
            new SimulationOptions(5000, trace.distinctBlocks(), 2_000, 0));
        final SimulationResult slow = TraceSimulator.run(trace, "predictive",
            new SimulationOptions(5000, trace.distinctBlocks(), 2_000, 20));

        assertEquals(1.0, fast.prefetchTimeliness(), 1e-9);
        assertTrue(slow.prefetchTimeliness() < 0.9, "timeliness " + slow.prefetchTimeliness());
        assertTrue(slow.memoryHitRatio() < fast.memoryHitRatio());
    }

    @Test
    void withoutHintsPredictiveBeatsBothBaselinesAtFiveThousandBlocks()
    {
        final Trace trace = SharedTraces.synthetic();
        final SimulationOptions options = SimulationOptions.memoryOnly(5000);
        final double lru = TraceSimulator.run(trace, "lru", options).memoryHitRatio();
        final double s3fifo = TraceSimulator.run(trace, "s3fifo", options).memoryHitRatio();
        final double predictive = TraceSimulator.run(trace, "predictive", options).memoryHitRatio();

        // The issue asks for 1.5x LRU (0.419); Belady is 0.526. This is far from met (see README.md).
        assertTrue(predictive > s3fifo && s3fifo > lru, "predictive " + predictive + " s3fifo " + s3fifo + " lru " + lru);
    }
}
