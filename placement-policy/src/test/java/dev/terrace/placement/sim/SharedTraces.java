package dev.terrace.placement.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Finds and caches {@code shared/traces/synthetic_trace.jsonl}: from the working directory (the module during
 * surefire) upwards, the first ancestor that has a {@code shared/traces/synthetic_trace.jsonl} sibling folder.
 * Fails, never skips, when it is missing.
 */
final class SharedTraces
{
    private static Trace synthetic;

    private SharedTraces()
    {
    }

    static synchronized Trace synthetic()
    {
        if (synthetic == null)
        {
            try
            {
                synthetic = Trace.load(locateSynthetic());
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
        }
        return synthetic;
    }

    static Path locateSynthetic()
    {
        final Path start = Paths.get("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent())
        {
            final Path candidate = dir.resolve("shared").resolve("traces").resolve("synthetic_trace.jsonl");
            if (Files.isRegularFile(candidate))
            {
                return candidate;
            }
        }
        return fail("shared/traces/synthetic_trace.jsonl not found in any ancestor of " + start +
            " (expected /work/shared/traces/synthetic_trace.jsonl next to the repository): the exactness tests " +
            "need the Mooncake trace described in shared/traces/README.md");
    }
}
