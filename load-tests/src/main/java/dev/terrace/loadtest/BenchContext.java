package dev.terrace.loadtest;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * What a running suite may use: the scratch directory, the quick flag and the progress stream.
 */
public final class BenchContext
{
    private final boolean quick;
    private final Path scratchDir;
    private final PrintStream progressOut;
    private final Instant started = Instant.now();

    /**
     * @param quick       whether this is a {@code --quick} run (smaller data sets, fewer iterations).
     * @param scratchDir  a fresh directory the suite owns for its data; the command deletes it afterwards.
     * @param progressOut where progress lines go.
     */
    public BenchContext(final boolean quick, final Path scratchDir, final PrintStream progressOut)
    {
        this.quick = quick;
        this.scratchDir = scratchDir;
        this.progressOut = progressOut;
    }

    /** Whether this is a {@code --quick} run. */
    public boolean quick()
    {
        return quick;
    }

    /** A fresh directory on the disk under test, owned by this suite for the run. */
    public Path scratchDir()
    {
        return scratchDir;
    }

    /** Prints one progress line, prefixed with the seconds elapsed since the suite started. */
    public void progress(final String line)
    {
        final long seconds = Duration.between(started, Instant.now()).toSeconds();
        progressOut.printf("  [%4ds] %s%n", seconds, line);
        progressOut.flush();
    }
}
