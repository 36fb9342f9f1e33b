package dev.terrace.loadtest.internal.trace;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import dev.terrace.placement.sim.Trace;

/** A two-request plan for tests that need one. */
final class ReplayPlanTestSupport
{
    ReplayPlan plan()
    {
        try
        {
            final String jsonl = "{\"timestamp\": 0, \"hash_ids\": [1, 2]}\n{\"timestamp\": 10, \"hash_ids\": [1, 3]}\n";
            return new ReplayPlan(Trace.parse("two", new ByteArrayInputStream(jsonl.getBytes(StandardCharsets.UTF_8))),
                2, 1.0, 1024);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
