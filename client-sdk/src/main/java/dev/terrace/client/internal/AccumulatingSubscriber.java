package dev.terrace.client.internal;

import dev.terrace.client.InvalidRequestException;
import dev.terrace.client.TerraceException;

import java.io.IOException;
import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.zip.CRC32C;

/**
 * Collects a body into one buffer. With a known {@code Content-Length} the buffer is allocated once at its exact
 * size, so a direct buffer receives the bytes with one copy out of the transport's buffers and a heap array is
 * handed to the caller without a second copy. Bodies too large for one buffer are refused before any byte is
 * read. When a CRC32C is expected the finished buffer is checked against it.
 */
public final class AccumulatingSubscriber implements BodySubscriber<ByteBuffer>
{
    /** Largest body one buffer can hold. */
    public static final long MAX_BUFFER_BYTES = Integer.MAX_VALUE - 8;

    private static final int INITIAL_UNKNOWN_LENGTH_CAPACITY = 64 * 1024;

    private final boolean direct;
    private final long contentLength;
    private final long expectedCrc;
    private final CompletableFuture<ByteBuffer> result = new CompletableFuture<>();
    private Flow.Subscription subscription;
    private ByteBuffer target;

    /**
     * @param direct        allocate off-heap.
     * @param contentLength the announced length, or {@code -1}.
     * @param expectedCrc   the CRC32C the body must have, or {@link Etag#NO_CRC}.
     */
    public AccumulatingSubscriber(final boolean direct, final long contentLength, final long expectedCrc)
    {
        this.direct = direct;
        this.contentLength = contentLength;
        this.expectedCrc = expectedCrc;
    }

    @Override
    public CompletionStage<ByteBuffer> getBody()
    {
        return result;
    }

    @Override
    public void onSubscribe(final Flow.Subscription subscription)
    {
        this.subscription = subscription;
        if (contentLength > MAX_BUFFER_BYTES)
        {
            subscription.cancel();
            result.completeExceptionally(tooLargeForBuffer("a body of " + contentLength + " bytes"));
            return;
        }
        target = allocate(contentLength >= 0 ? (int)contentLength : INITIAL_UNKNOWN_LENGTH_CAPACITY);
        subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(final List<ByteBuffer> items)
    {
        if (result.isDone())
        {
            return;
        }
        for (final ByteBuffer item : items)
        {
            if (item.remaining() > target.remaining())
            {
                if (contentLength >= 0)
                {
                    fail(new IOException("received more bytes than the announced Content-Length " + contentLength));
                    return;
                }
                final long needed = (long)target.position() + item.remaining();
                if (needed > MAX_BUFFER_BYTES)
                {
                    fail(tooLargeForBuffer("a body of more than " + MAX_BUFFER_BYTES + " bytes"));
                    return;
                }
                final ByteBuffer larger = allocate((int)Math.min(MAX_BUFFER_BYTES,
                    Math.max(needed, 2L * target.capacity())));
                target.flip();
                larger.put(target);
                target = larger;
            }
            target.put(item);
        }
    }

    @Override
    public void onError(final Throwable throwable)
    {
        result.completeExceptionally(throwable);
    }

    @Override
    public void onComplete()
    {
        if (result.isDone())
        {
            return;
        }
        target.flip();
        if (contentLength >= 0 && target.limit() != contentLength)
        {
            result.completeExceptionally(new IOException(
                "body ended after " + target.limit() + " of " + contentLength + " announced bytes"));
            return;
        }
        if (expectedCrc != Etag.NO_CRC)
        {
            final CRC32C crc = new CRC32C();
            crc.update(target.duplicate());
            if (crc.getValue() != expectedCrc)
            {
                result.completeExceptionally(
                    new ChecksumMismatchException(expectedCrc, crc.getValue(), target.limit()));
                return;
            }
        }
        if (!direct && target.capacity() != target.limit())
        {
            // Grown for an unknown length: trim so the caller's array is exactly the body.
            final ByteBuffer exact = ByteBuffer.allocate(target.limit());
            exact.put(target).flip();
            target = exact;
        }
        result.complete(target);
    }

    private void fail(final Throwable failure)
    {
        subscription.cancel();
        result.completeExceptionally(failure);
    }

    private static InvalidRequestException tooLargeForBuffer(final String what)
    {
        return new InvalidRequestException(TerraceException.NO_STATUS, "too_large_for_buffer",
            what + " does not fit in one buffer; read it as a stream or into a file");
    }

    private ByteBuffer allocate(final int capacity)
    {
        return direct ? ByteBuffer.allocateDirect(capacity) : ByteBuffer.allocate(capacity);
    }
}
