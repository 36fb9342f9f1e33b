package dev.terrace.tier;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * Runs the {@link TierDriverContractTest} against {@link FlashTier}, with small segments so that rolling, sealing
 * and compaction happen inside the suite.
 */
class FlashTierContractTest extends TierDriverContractTest
{
    @TempDir
    Path directory;

    private int instances;

    @Override
    protected TierDriver newDriver(final long capacityBytes) throws TierException
    {
        return FlashTier.open(new FlashTier.Context()
            .directory(directory.resolve("flash-" + instances++))
            .capacityBytes(capacityBytes)
            .segmentSize(Math.min(1024 * 1024, capacityBytes / 4))
            .fsync(true));
    }

    @Override
    protected boolean bounded()
    {
        return true;
    }
}
