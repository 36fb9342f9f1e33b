package dev.terrace.client.internal;

import dev.terrace.client.InvalidRequestException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AccumulatingSubscriberTest
{
    private static byte[] randomBytes(final int length)
    {
        final byte[] bytes = new byte[length];
        new Random(length).nextBytes(bytes);
        return bytes;
    }

    private static long crc(final byte[] bytes)
    {
        final CRC32C crc = new CRC32C();
        crc.update(bytes);
        return crc.getValue();
    }

    /** Feeds {@code body} in batches of small slices, the way the HTTP client delivers it. */
    private static ByteBuffer feed(final AccumulatingSubscriber subscriber, final byte[] body) throws Exception
    {
        final RecordingSubscription subscription = new RecordingSubscription();
        subscriber.onSubscribe(subscription);
        for (int offset = 0; offset < body.length; offset += 3000)
        {
            final int end = Math.min(body.length, offset + 3000);
            final int middle = (offset + end) / 2;
            subscriber.onNext(List.of(ByteBuffer.wrap(body, offset, middle - offset),
                ByteBuffer.wrap(body, middle, end - middle)));
        }
        subscriber.onComplete();
        return subscriber.getBody().toCompletableFuture().get();
    }

    @Test
    void collectsAKnownLengthIntoAnExactHeapArray() throws Exception
    {
        final byte[] body = randomBytes(100_000);
        final ByteBuffer buffer = feed(new AccumulatingSubscriber(false, body.length, crc(body)), body);
        assertTrue(buffer.hasArray());
        assertEquals(body.length, buffer.array().length);
        assertArrayEquals(body, buffer.array());
    }

    @Test
    void collectsIntoADirectBuffer() throws Exception
    {
        final byte[] body = randomBytes(70_001);
        final ByteBuffer buffer = feed(new AccumulatingSubscriber(true, body.length, Etag.NO_CRC), body);
        assertTrue(buffer.isDirect());
        assertEquals(0, buffer.position());
        assertEquals(body.length, buffer.remaining());
        final byte[] copy = new byte[body.length];
        buffer.get(copy);
        assertArrayEquals(body, copy);
    }

    @Test
    void growsForAnUnknownLengthAndTrimsTheArray() throws Exception
    {
        final byte[] body = randomBytes(300_007);
        final ByteBuffer buffer = feed(new AccumulatingSubscriber(false, -1, crc(body)), body);
        assertArrayEquals(body, buffer.array());
    }

    @Test
    void aChecksumMismatchFailsTheBody()
    {
        final byte[] body = randomBytes(10_000);
        final long wrong = crc(body) ^ 1;
        final ExecutionException failure = assertThrows(ExecutionException.class,
            () -> feed(new AccumulatingSubscriber(false, body.length, wrong), body));
        assertInstanceOf(ChecksumMismatchException.class, failure.getCause());
    }

    @Test
    void aShortBodyFails()
    {
        final byte[] body = randomBytes(1000);
        final ExecutionException failure = assertThrows(ExecutionException.class,
            () -> feed(new AccumulatingSubscriber(false, 1001, Etag.NO_CRC), body));
        assertInstanceOf(IOException.class, failure.getCause());
    }

    @Test
    void moreBytesThanAnnouncedFailAndCancel()
    {
        final AccumulatingSubscriber subscriber = new AccumulatingSubscriber(false, 10, Etag.NO_CRC);
        final RecordingSubscription subscription = new RecordingSubscription();
        subscriber.onSubscribe(subscription);
        subscriber.onNext(List.of(ByteBuffer.wrap(new byte[11])));
        assertTrue(subscription.cancelled);
        final CompletableFuture<ByteBuffer> body = subscriber.getBody().toCompletableFuture();
        assertInstanceOf(IOException.class, assertThrows(ExecutionException.class, body::get).getCause());
    }

    @Test
    void aBodyTooLargeForOneBufferIsRefusedBeforeReading()
    {
        final AccumulatingSubscriber subscriber = new AccumulatingSubscriber(true, 3L << 30, Etag.NO_CRC);
        final RecordingSubscription subscription = new RecordingSubscription();
        subscriber.onSubscribe(subscription);
        assertTrue(subscription.cancelled);
        assertEquals(0, subscription.requested);
        final CompletableFuture<ByteBuffer> body = subscriber.getBody().toCompletableFuture();
        final ExecutionException failure = assertThrows(ExecutionException.class, body::get);
        assertInstanceOf(InvalidRequestException.class, failure.getCause());
    }

    @Test
    void anEmptyBodyIsAnEmptyArray() throws Exception
    {
        final ByteBuffer buffer = feed(new AccumulatingSubscriber(false, 0, crc(new byte[0])), new byte[0]);
        assertEquals(0, buffer.array().length);
    }

    static final class RecordingSubscription implements Flow.Subscription
    {
        long requested;
        boolean cancelled;

        @Override
        public void request(final long n)
        {
            requested += n;
        }

        @Override
        public void cancel()
        {
            cancelled = true;
        }
    }
}
