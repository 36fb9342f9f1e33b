package dev.terrace.loadtest.internal.tiers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import dev.terrace.loadtest.internal.Processes;

/**
 * Drops the kernel page cache ({@code sync; echo 3 > /proc/sys/vm/drop_caches}) so a read measures the disk, not memory.
 * Needs root and a writable {@code /proc/sys}; the suite reports whether it worked.
 */
final class PageCache
{
    private static final Path DROP_CACHES = Path.of("/proc/sys/vm/drop_caches");

    private PageCache()
    {
    }

    /** Syncs and drops the page cache; returns {@code null} on success, else why it failed. */
    static String drop()
    {
        final Processes.Result sync = Processes.run(Duration.ofMinutes(2), "sync");
        if (!sync.ok())
        {
            return "sync failed: " + sync.lastErrorLine();
        }
        try
        {
            Files.writeString(DROP_CACHES, "3");
            return null;
        }
        catch (final IOException | SecurityException ex)
        {
            return "cannot write " + DROP_CACHES + ": " + ex.getMessage();
        }
    }
}
