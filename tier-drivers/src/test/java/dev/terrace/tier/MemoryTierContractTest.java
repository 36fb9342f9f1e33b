package dev.terrace.tier;

/**
 * Runs the {@link TierDriverContractTest} against {@link MemoryTier}.
 */
class MemoryTierContractTest extends TierDriverContractTest
{
    @Override
    protected TierDriver newDriver(final long capacityBytes)
    {
        return new MemoryTier(capacityBytes);
    }

    @Override
    protected boolean bounded()
    {
        return true;
    }
}
