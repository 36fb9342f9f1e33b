package dev.terrace.client.internal;

import java.io.InputStream;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.BodySubscribers;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Where the body of a successful (2xx) answer goes. A sink makes a reactive {@link BodySubscriber} per attempt;
 * any transport that delivers bytes as a {@code Flow} of buffers can feed it. Error bodies never reach a sink.
 *
 * @param <T> what the body becomes.
 */
@FunctionalInterface
public interface ResponseSink<T>
{
    /**
     * A subscriber for one answer.
     *
     * @param contentLength the announced length, or {@code -1} when unknown.
     * @param expectedCrc   the CRC32C the whole body must have, or {@link Etag#NO_CRC} to skip the check.
     */
    BodySubscriber<T> newSubscriber(long contentLength, long expectedCrc);

    /** Into one heap array. */
    static ResponseSink<byte[]> bytes()
    {
        return (length, crc) -> BodySubscribers.mapping(
            new AccumulatingSubscriber(false, length, crc), ResponseSink::toArray);
    }

    /** Into one direct buffer, positioned at 0 and limited to the body. */
    static ResponseSink<ByteBuffer> directBuffer()
    {
        return (length, crc) -> new AccumulatingSubscriber(true, length, crc);
    }

    /** As a stream the caller reads (and must close); checked at its end when a CRC is known. */
    static ResponseSink<InputStream> stream()
    {
        return (length, crc) -> BodySubscribers.mapping(
            BodySubscribers.ofInputStream(),
            in -> crc == Etag.NO_CRC ? in : new VerifyingInputStream(in, crc, length));
    }

    /** Into {@code file}, created or truncated. */
    static ResponseSink<Path> file(final Path file)
    {
        return (length, crc) -> new FileSubscriber(file, crc);
    }

    /** Dropped (HEAD, DELETE). */
    static ResponseSink<Void> discard()
    {
        return (length, crc) -> BodySubscribers.discarding();
    }

    private static byte[] toArray(final ByteBuffer buffer)
    {
        if (buffer.hasArray() && buffer.arrayOffset() == 0 && buffer.position() == 0 &&
            buffer.limit() == buffer.array().length)
        {
            return buffer.array();
        }
        final byte[] array = new byte[buffer.remaining()];
        buffer.duplicate().get(array);
        return array;
    }
}
