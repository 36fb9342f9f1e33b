package dev.terrace.tier;

import org.junit.jupiter.api.BeforeAll;

/**
 * Runs the {@link TierDriverContractTest} against {@link S3CapacityTier} on an in-process s3proxy, one bucket per
 * driver.
 */
class S3CapacityTierContractTest extends TierDriverContractTest
{
    private static S3ProxyFixture s3;

    @BeforeAll
    static void startS3() throws Exception
    {
        s3 = S3ProxyFixture.shared();
    }

    @Override
    protected TierDriver newDriver(final long capacityBytes) throws TierException
    {
        return S3CapacityTier.open(s3.context(s3.newBucket(), "tier/"));
    }

    @Override
    protected boolean bounded()
    {
        return false;
    }

    @Override
    protected int concurrentOperationsPerThread()
    {
        return 40;
    }
}
