package dev.terrace.loadtest.internal.cluster;

import java.util.concurrent.TimeUnit;

import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.domain.Blob;
import org.jclouds.blobstore.options.GetOptions;
import org.jclouds.blobstore.util.ForwardingBlobStore;

/**
 * A blob store that answers every object GET after a fixed delay, the way a remote S3 endpoint's first byte arrives
 * tens of milliseconds after the request while a loopback s3proxy over page-cached files answers at once. Other
 * operations (PUT, HEAD, LIST) are not delayed.
 */
final class DelayedGetBlobStore extends ForwardingBlobStore
{
    private final long delayNanos;

    DelayedGetBlobStore(final BlobStore delegate, final long delayMillis)
    {
        super(delegate);
        this.delayNanos = TimeUnit.MILLISECONDS.toNanos(delayMillis);
    }

    @Override
    public Blob getBlob(final String container, final String name)
    {
        pause();
        return super.getBlob(container, name);
    }

    @Override
    public Blob getBlob(final String container, final String name, final GetOptions options)
    {
        pause();
        return super.getBlob(container, name, options);
    }

    private void pause()
    {
        final long deadline = System.nanoTime() + delayNanos;
        long left = delayNanos;
        try
        {
            while (left > 0)
            {
                TimeUnit.NANOSECONDS.sleep(left);
                left = deadline - System.nanoTime();
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
