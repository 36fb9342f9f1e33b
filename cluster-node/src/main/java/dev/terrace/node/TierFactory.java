package dev.terrace.node;

import dev.terrace.tier.FileSystemCapacityTier;
import dev.terrace.tier.FlashTier;
import dev.terrace.tier.MemoryTier;
import dev.terrace.tier.TierDriver;
import dev.terrace.tier.TierException;

/**
 * Builds the node's three tiers from its configuration.
 */
final class TierFactory
{
    private TierFactory()
    {
    }

    static TierDriver memory(final NodeConfig config)
    {
        return new MemoryTier(config.memoryCapacity);
    }

    static TierDriver flash(final NodeConfig config)
    {
        try
        {
            return FlashTier.open(new FlashTier.Context()
                .directory(config.flashDir)
                .capacityBytes(config.flashCapacity)
                .segmentSize(config.flashSegmentSize)
                .fsync(config.flashFsync));
        }
        catch (final TierException ex)
        {
            throw new IllegalStateException("cannot open the flash tier in " + config.flashDir + ": " + ex.getMessage(), ex);
        }
    }

    static TierDriver capacity(final NodeConfig config)
    {
        try
        {
            if (config.capacityType.equals("s3"))
            {
                return S3Tiers.open(config.s3);
            }
            return new FileSystemCapacityTier(config.capacityDir);
        }
        catch (final TierException ex)
        {
            throw new IllegalStateException("cannot open the capacity tier: " + ex.getMessage(), ex);
        }
    }
}
