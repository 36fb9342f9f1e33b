package dev.terrace.placement.sim;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.RoundingMode;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The simulator's LRU and Belady columns reproduce {@code shared/traces/README.md} on the synthetic trace.
 * <p>
 * The hit counts were also computed by an independent script (Python, OrderedDict LRU and heap-based MIN with the
 * README's semantics). The README's 3-decimal figures match these counts when the ratio is rounded to 4 decimals
 * first and then to 3 (0.42349 -> 0.4235 -> 0.424 and 0.57147 -> 0.5715 -> 0.572); a single rounding gives
 * 0.423 and 0.571 for those two cells and agrees with the README everywhere else.
 */
class ReferenceFiguresTest
{
    private static Trace trace;

    @BeforeAll
    static void load()
    {
        trace = SharedTraces.synthetic();
    }

    @Test
    void traceShapeMatchesReadme()
    {
        assertEquals(3993, trace.requestCount());
        assertEquals(121_877, trace.referenceCount());
        assertEquals(43_924, trace.distinctBlocks());
    }

    @ParameterizedTest(name = "{0} blocks: lru {1} hits = {2}, belady {3} hits = {4}")
    @CsvSource({
        "2000,  17541, 0.144, 46255, 0.380",
        "5000,  34018, 0.279, 64139, 0.526",
        "10000, 51614, 0.424, 75316, 0.618",
        "20000, 69649, 0.572, 77953, 0.640",
    })
    void lruAndBeladyMatchReadme(
        final long blocks,
        final long lruHits,
        final String lruFigure,
        final long beladyHits,
        final String beladyFigure)
    {
        final SimulationResult lru = TraceSimulator.run(trace, "lru", SimulationOptions.memoryOnly(blocks));
        final SimulationResult belady = TraceSimulator.run(trace, "belady", SimulationOptions.memoryOnly(blocks));

        assertEquals(lruHits, lru.memoryHits(), "lru hits");
        assertEquals(beladyHits, belady.memoryHits(), "belady hits");
        assertEquals(lruFigure, readmeRounding(lru.memoryHits(), lru.references()), "lru figure");
        assertEquals(beladyFigure, readmeRounding(belady.memoryHits(), belady.references()), "belady figure");
        assertEquals(0.0, Math.abs(lru.memoryHitRatio() - Double.parseDouble(lruFigure)), 0.0006);
        assertEquals(0.0, Math.abs(belady.memoryHitRatio() - Double.parseDouble(beladyFigure)), 0.0006);
    }

    @Test
    void infiniteCacheIsTheReuseCeiling()
    {
        final long everything = trace.distinctBlocks();
        final SimulationResult lru = TraceSimulator.run(trace, "lru", SimulationOptions.memoryOnly(everything));
        final SimulationResult belady = TraceSimulator.run(trace, "belady", SimulationOptions.memoryOnly(everything));

        // Every reference but each block's first is a hit.
        assertEquals(trace.referenceCount() - trace.distinctBlocks(), lru.memoryHits());
        assertEquals(lru.memoryHits(), belady.memoryHits());
        assertEquals("0.640", readmeRounding(lru.memoryHits(), lru.references()));
    }

    @Test
    void replaysTheTraceInSeconds()
    {
        final SimulationResult predictive =
            TraceSimulator.run(trace, "predictive", SimulationOptions.memoryOnly(5000));
        final SimulationResult belady = TraceSimulator.run(trace, "belady", SimulationOptions.memoryOnly(5000));

        // Generous for a shared 2-core machine; a replay takes well under a second when warm.
        assertEquals(true, predictive.elapsedNanos() < 10_000_000_000L, "predictive replay took too long");
        assertEquals(true, belady.elapsedNanos() < 10_000_000_000L, "belady replay took too long");
    }

    private static String readmeRounding(final long hits, final long references)
    {
        return new BigDecimal(hits).divide(new BigDecimal(references), 10, RoundingMode.HALF_UP)
            .setScale(4, RoundingMode.HALF_UP)
            .setScale(3, RoundingMode.HALF_UP)
            .toPlainString();
    }
}
