package dev.terrace.node;

import dev.terrace.tier.S3CapacityTier;
import dev.terrace.tier.TierDriver;
import dev.terrace.tier.TierException;

import java.net.URI;

/**
 * Opens the S3 capacity tier from the node's {@code terrace.capacity.s3.*} settings.
 */
final class S3Tiers
{
    private S3Tiers()
    {
    }

    static TierDriver open(final NodeConfig.S3 s3) throws TierException
    {
        final S3CapacityTier.Context context = new S3CapacityTier.Context()
            .region(s3.region)
            .bucket(s3.bucket)
            .prefix(s3.prefix)
            .pathStyle(s3.pathStyle)
            .multipartThreshold(s3.multipartThreshold)
            .partSize(s3.partSize)
            .createBucket(s3.createBucket)
            .connectTimeout(s3.connectTimeout)
            .socketTimeout(s3.socketTimeout)
            .maxAttempts(s3.maxAttempts)
            .failFastFor(s3.failFastFor);
        if (!s3.endpoint.isEmpty())
        {
            context.endpoint(URI.create(s3.endpoint));
        }
        if (!s3.accessKey.isEmpty())
        {
            context.credentials(s3.accessKey, s3.secretKey);
        }
        return S3CapacityTier.open(context);
    }
}
