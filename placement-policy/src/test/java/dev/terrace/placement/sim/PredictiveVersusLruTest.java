package dev.terrace.placement.sim;

import dev.terrace.placement.PredictivePolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The predictive policy does not lose to LRU on any trace we have, and wins where its learning applies. */
class PredictiveVersusLruTest
{
    @ParameterizedTest(name = "synthetic trace, {0} blocks")
    @ValueSource(longs = {2000, 5000, 10000, 20000})
    void notWorseThanLruOnTheMooncakeTrace(final long blocks)
    {
        final Trace trace = SharedTraces.synthetic();
        final SimulationResult lru = TraceSimulator.run(trace, "lru", SimulationOptions.memoryOnly(blocks));
        final SimulationResult predictive = TraceSimulator.run(trace, "predictive", SimulationOptions.memoryOnly(blocks));

        assertTrue(predictive.memoryHits() > lru.memoryHits(),
            "predictive " + predictive.memoryHitRatio() + " vs lru " + lru.memoryHitRatio());
        assertTrue(predictive.prefixHits() >= lru.prefixHits(),
            "prefix reuse: predictive " + predictive.prefixReuseRatio() + " vs lru " + lru.prefixReuseRatio());
    }

    static Stream<Arguments> generated()
    {
        return Stream.of(
            Arguments.of(SyntheticTraces.epochs(4000, 6, 8, true, 1), 2000L),
            Arguments.of(SyntheticTraces.epochs(4000, 6, 1, true, 2), 3000L),
            Arguments.of(SyntheticTraces.epochs(4000, 6, 8, false, 3), 2000L),
            Arguments.of(SyntheticTraces.epochs(1500, 6, 4, false, 4), 2000L),
            Arguments.of(SyntheticTraces.hotSetWithScans(5000, 200_000, 20_000, 6000, 4, 5), 2000L),
            Arguments.of(SyntheticTraces.zipf(50_000, 0.9, 200_000, 1, 6), 2000L),
            Arguments.of(SyntheticTraces.conversations(3000, 8, 20, 4, 60, 7), 500L),
            Arguments.of(SyntheticTraces.conversations(3000, 8, 20, 4, 60, 8), 2000L));
    }

    @ParameterizedTest(name = "{0} at {1} blocks")
    @MethodSource("generated")
    void notWorseThanLruOnGeneratedWorkloads(final Trace trace, final long blocks)
    {
        final SimulationResult lru = TraceSimulator.run(trace, "lru", SimulationOptions.memoryOnly(blocks));
        final SimulationResult predictive = TraceSimulator.run(trace, "predictive", SimulationOptions.memoryOnly(blocks));

        assertTrue(predictive.memoryHits() >= lru.memoryHits(),
            trace.name() + ": predictive " + predictive.memoryHitRatio() + " vs lru " + lru.memoryHitRatio());
    }

    @Test
    void epochsLargerThanTheCacheKeepAStableSubset()
    {
        // A dataset twice the memory read in the same order every epoch: LRU always evicts what the next epoch
        // reads first and gets nothing; switching to the frequency mode keeps a stable part of the dataset.
        final Trace sequential = SyntheticTraces.epochs(4000, 6, 8, false, 9);
        final SimulationResult lru = TraceSimulator.run(sequential, "lru", SimulationOptions.memoryOnly(2000));
        final PredictivePolicy[] made = new PredictivePolicy[1];
        final SimulationResult predictive = TraceSimulator.run(sequential, (capacity, listener) ->
        {
            made[0] = new PredictivePolicy(capacity, listener);
            return made[0];
        }, SimulationOptions.memoryOnly(2000));
        assertTrue(lru.memoryHitRatio() < 0.01, "lru " + lru.memoryHitRatio());
        assertTrue(predictive.memoryHitRatio() > 0.2, "predictive " + predictive.memoryHitRatio());
        assertEquals(PredictivePolicy.Mode.FREQUENCY, made[0].mode());

        // Shuffled epochs: a random order each epoch still rewards keeping a stable subset.
        final Trace shuffled = SyntheticTraces.epochs(4000, 6, 1, true, 10);
        final SimulationResult lruShuffled = TraceSimulator.run(shuffled, "lru", SimulationOptions.memoryOnly(3000));
        final SimulationResult predictiveShuffled =
            TraceSimulator.run(shuffled, "predictive", SimulationOptions.memoryOnly(3000));
        assertTrue(predictiveShuffled.memoryHitRatio() > lruShuffled.memoryHitRatio() + 0.1,
            "predictive " + predictiveShuffled.memoryHitRatio() + " vs lru " + lruShuffled.memoryHitRatio());
    }
}
