package dev.terrace.loadtest.internal.trace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.terrace.placement.sim.Trace;

class ReplayPlanTest
{
    private static final String TRACE = String.join("\n",
        "{\"timestamp\": 1000, \"input_length\": 1500, \"output_length\": 5, \"hash_ids\": [0, 1, 2]}",
        "{\"timestamp\": 1000, \"input_length\": 900, \"output_length\": 5, \"hash_ids\": [0, 3]}",
        "{\"timestamp\": 6000, \"input_length\": 2000, \"output_length\": 5, \"hash_ids\": [0, 1, 2, 4]}",
        "{\"timestamp\": 11000, \"input_length\": 100, \"output_length\": 5, \"hash_ids\": [5]}") + "\n";

    @TempDir
    Path dir;

    private static Trace trace() throws IOException
    {
        return Trace.parse("t", new ByteArrayInputStream(TRACE.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void arrivalsAreCompressedFromTheFirstRequest() throws IOException
    {
        final ReplayPlan plan = new ReplayPlan(trace(), 10, 5.0, 1024);
        assertEquals(4, plan.requests(), "clipped to the trace");
        assertEquals(0, plan.arrivalNanos(0));
        assertEquals(0, plan.arrivalNanos(1));
        assertEquals(1_000_000_000L, plan.arrivalNanos(2), "5 s of trace at x5");
        assertEquals(2_000_000_000L, plan.arrivalNanos(3));
        assertEquals(2.0, plan.durationSeconds(), 1e-9);
    }

    @Test
    void aSubsetKeepsTheFirstRequestsAndTheirBlocks() throws IOException
    {
        final ReplayPlan plan = new ReplayPlan(trace(), 3, 1.0, 1024);
        assertEquals(3, plan.trace().requestCount());
        assertEquals(9, plan.references());
        assertEquals(5, plan.trace().distinctBlocks());
        assertArrayEquals(new long[] {0, 3}, plan.hashes(1));
        assertArrayEquals(new long[] {0, 1, 2, 4}, plan.hashes(2));
        assertTrue(plan.trace().name().contains("first 3 requests"), plan.trace().name());
    }

    @Test
    void theInfiniteCacheCeilingCountsRepeatedReferences() throws IOException
    {
        // references 0 1 2 | 0 3 | 0 1 2 4 | 5: the repeats are 0, 0, 1, 2
        assertEquals(4 / 10.0, new ReplayPlan(trace(), 4, 1.0, 1024).infiniteCacheCeiling(), 1e-12);
        assertEquals(1 / 5.0, new ReplayPlan(trace(), 2, 1.0, 1024).infiniteCacheCeiling(), 1e-12);
    }

    @Test
    void aPayloadCarriesItsHash()
    {
        final byte[] pattern = new byte[64];
        pattern[40] = 7;
        for (final long hash : new long[] {0, 1, 43_923, Long.MAX_VALUE, -1L, 0x8000_0000_0000_0001L})
        {
            final byte[] block = ReplayPlan.payload(hash, pattern);
            assertEquals(64, block.length);
            assertEquals(hash, ReplayPlan.hashOf(block));
            assertEquals(7, block[40], "the rest of the pattern is kept");
        }
        assertEquals(0, pattern[0], "the pattern itself is not modified");
    }

    @Test
    void rejectsNonsense() throws IOException
    {
        final Trace trace = trace();
        assertThrows(IllegalArgumentException.class, () -> new ReplayPlan(trace, 0, 1.0, 1024));
        assertThrows(IllegalArgumentException.class, () -> new ReplayPlan(trace, 1, 0.0, 1024));
        assertThrows(IllegalArgumentException.class, () -> new ReplayPlan(trace, 1, 1.0, 8));
    }

    @Test
    void theSharedTraceIsFoundFromAnyFolderBelowIt() throws IOException
    {
        final Path traces = Files.createDirectories(dir.resolve("shared/traces"));
        Files.writeString(traces.resolve(TraceFiles.SYNTHETIC), TRACE);
        final Path deep = Files.createDirectories(dir.resolve("main/load-tests/target"));
        assertEquals(traces.resolve(TraceFiles.SYNTHETIC), TraceFiles.locate(deep, TraceFiles.SYNTHETIC).orElseThrow());
        assertTrue(TraceFiles.locate(deep, "other.jsonl").isEmpty());
        assertEquals(4, Trace.load(TraceFiles.locate(deep, TraceFiles.SYNTHETIC).orElseThrow()).requestCount());
    }
}
