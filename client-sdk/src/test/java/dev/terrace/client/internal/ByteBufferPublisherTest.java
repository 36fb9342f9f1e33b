package dev.terrace.client.internal;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.Flow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ByteBufferPublisherTest
{
    /** Requests one chunk at a time from inside onNext, the pattern that breaks a naively recursive publisher. */
    static class OneAtATime implements Flow.Subscriber<ByteBuffer>
    {
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        Flow.Subscription subscription;
        int chunks;
        int depth;
        int maxDepth;
        boolean complete;
        boolean readOnlyChunks = true;

        @Override
        public void onSubscribe(final Flow.Subscription subscription)
        {
            this.subscription = subscription;
            subscription.request(1);
        }

        @Override
        public void onNext(final ByteBuffer item)
        {
            depth++;
            maxDepth = Math.max(maxDepth, depth);
            chunks++;
            readOnlyChunks &= item.isReadOnly();
            final byte[] bytes = new byte[item.remaining()];
            item.get(bytes);
            received.write(bytes, 0, bytes.length);
            subscription.request(1);
            depth--;
        }

        @Override
        public void onError(final Throwable throwable)
        {
            throw new AssertionError(throwable);
        }

        @Override
        public void onComplete()
        {
            complete = true;
        }
    }

    private static ByteBuffer directBufferWith(final byte[] bytes)
    {
        final ByteBuffer buffer = ByteBuffer.allocateDirect(bytes.length + 100);
        buffer.position(50);
        buffer.put(bytes);
        buffer.flip().position(50);
        return buffer;
    }

    @Test
    void publishesTheBytesBetweenPositionAndLimitInChunksWithoutRecursion()
    {
        final byte[] bytes = new byte[ByteBufferPublisher.CHUNK_BYTES * 5 + 123];
        new Random(11).nextBytes(bytes);
        final ByteBuffer source = directBufferWith(bytes);
        final OneAtATime subscriber = new OneAtATime();
        new ByteBufferPublisher(source).subscribe(subscriber);
        assertTrue(subscriber.complete);
        assertEquals(6, subscriber.chunks);
        assertEquals(1, subscriber.maxDepth, "request() from onNext must not re-enter onNext");
        assertTrue(subscriber.readOnlyChunks);
        assertArrayEquals(bytes, subscriber.received.toByteArray());
        assertEquals(50, source.position(), "the caller's buffer does not move");
    }

    @Test
    void everySubscriptionReplaysFromTheStart()
    {
        final byte[] bytes = new byte[1000];
        new Random(5).nextBytes(bytes);
        final ByteBufferPublisher publisher = new ByteBufferPublisher(directBufferWith(bytes));
        for (int i = 0; i < 2; i++)
        {
            final OneAtATime subscriber = new OneAtATime();
            publisher.subscribe(subscriber);
            assertArrayEquals(bytes, subscriber.received.toByteArray());
        }
    }

    @Test
    void anEmptyBufferCompletesWithoutDemand()
    {
        final boolean[] completed = new boolean[1];
        new ByteBufferPublisher(ByteBuffer.allocate(0)).subscribe(new Flow.Subscriber<>()
        {
            @Override
            public void onSubscribe(final Flow.Subscription subscription)
            {
            }

            @Override
            public void onNext(final ByteBuffer item)
            {
                throw new AssertionError("no bytes to publish");
            }

            @Override
            public void onError(final Throwable throwable)
            {
                throw new AssertionError(throwable);
            }

            @Override
            public void onComplete()
            {
                completed[0] = true;
            }
        });
        assertTrue(completed[0]);
    }

    @Test
    void stopsOnCancel()
    {
        final OneAtATime subscriber = new OneAtATime()
        {
            @Override
            public void onNext(final ByteBuffer item)
            {
                chunks++;
                subscription.cancel();
            }
        };
        new ByteBufferPublisher(ByteBuffer.allocate(ByteBufferPublisher.CHUNK_BYTES * 3)).subscribe(subscriber);
        assertEquals(1, subscriber.chunks);
        assertFalse(subscriber.complete);
    }
}
