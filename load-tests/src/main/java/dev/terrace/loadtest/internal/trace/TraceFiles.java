package dev.terrace.loadtest.internal.trace;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the shared Mooncake traces the way the placement-policy tests do: the first ancestor of a start directory
 * with a {@code shared/traces/<name>} file (in this workspace the checkout is {@code /work/main} and the traces are in
 * {@code /work/shared/traces}).
 */
public final class TraceFiles
{
    /** The trace issue 5's targets are set on. */
    public static final String SYNTHETIC = "synthetic_trace.jsonl";

    private TraceFiles()
    {
    }

    /** {@code shared/traces/<name>} in {@code start} or its nearest ancestor that has one. */
    public static Optional<Path> locate(final Path start, final String name)
    {
        for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent())
        {
            final Path candidate = dir.resolve("shared").resolve("traces").resolve(name);
            if (Files.isRegularFile(candidate))
            {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
