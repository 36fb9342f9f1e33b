package dev.terrace.tier;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * Runs the {@link TierDriverContractTest} against {@link FileSystemCapacityTier}.
 */
class FileSystemCapacityTierContractTest extends TierDriverContractTest
{
    @TempDir
    Path directory;

    private int instances;

    @Override
    protected TierDriver newDriver(final long capacityBytes) throws TierException
    {
        return new FileSystemCapacityTier(directory.resolve("capacity-" + instances++), true);
    }

    @Override
    protected boolean bounded()
    {
        return false;
    }
}
