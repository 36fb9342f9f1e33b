package dev.terrace.client.internal;

import java.io.IOException;
import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.zip.CRC32C;

/**
 * Streams a body into a file (created or truncated), computing its CRC32C on the way so that the check costs no
 * second pass over the file. Demand is one batch at a time: the transport never gets ahead of the disk.
 */
public final class FileSubscriber implements BodySubscriber<Path>
{
    private final Path file;
    private final long expectedCrc;
    private final CRC32C crc = new CRC32C();
    private final CompletableFuture<Path> result = new CompletableFuture<>();
    private Flow.Subscription subscription;
    private FileChannel channel;
    private long written;

    /**
     * @param file        where the body goes.
     * @param expectedCrc the CRC32C the body must have, or {@link Etag#NO_CRC}.
     */
    public FileSubscriber(final Path file, final long expectedCrc)
    {
        this.file = file;
        this.expectedCrc = expectedCrc;
    }

    @Override
    public CompletionStage<Path> getBody()
    {
        return result;
    }

    @Override
    public void onSubscribe(final Flow.Subscription subscription)
    {
        this.subscription = subscription;
        try
        {
            channel = FileChannel.open(file,
                StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        }
        catch (final IOException ex)
        {
            subscription.cancel();
            result.completeExceptionally(ex);
            return;
        }
        subscription.request(1);
    }

    @Override
    public void onNext(final List<ByteBuffer> items)
    {
        if (result.isDone())
        {
            return;
        }
        try
        {
            for (final ByteBuffer item : items)
            {
                crc.update(item.duplicate());
                while (item.hasRemaining())
                {
                    written += channel.write(item);
                }
            }
        }
        catch (final IOException ex)
        {
            subscription.cancel();
            closeQuietly();
            result.completeExceptionally(ex);
            return;
        }
        subscription.request(1);
    }

    @Override
    public void onError(final Throwable throwable)
    {
        closeQuietly();
        result.completeExceptionally(throwable);
    }

    @Override
    public void onComplete()
    {
        if (result.isDone())
        {
            return;
        }
        try
        {
            channel.close();
        }
        catch (final IOException ex)
        {
            result.completeExceptionally(ex);
            return;
        }
        if (expectedCrc != Etag.NO_CRC && crc.getValue() != expectedCrc)
        {
            result.completeExceptionally(new ChecksumMismatchException(expectedCrc, crc.getValue(), written));
            return;
        }
        result.complete(file);
    }

    private void closeQuietly()
    {
        try
        {
            if (channel != null)
            {
                channel.close();
            }
        }
        catch (final IOException ex)
        {
            // Already failing; the first failure is the one reported.
        }
    }
}
