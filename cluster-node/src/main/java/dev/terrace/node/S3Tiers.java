package dev.terrace.node;

import dev.terrace.tier.TierDriver;
import dev.terrace.tier.TierException;

/**
 * Opens the S3 capacity tier from the node's S3 settings.
 */
final class S3Tiers
{
    private S3Tiers()
    {
    }

    static TierDriver open(final NodeConfig.S3 s3) throws TierException
    {
        throw new TierException("the S3 capacity tier is not available in this build");
    }
}
