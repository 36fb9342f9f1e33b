package dev.terrace.client.internal;

import java.nio.ByteBuffer;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publishes the bytes of a buffer (typically direct) as read-only slices of at most {@link #CHUNK_BYTES}, honouring
 * demand, so a direct buffer is written to the socket without a heap copy. Each subscription starts from the
 * buffer's position again, which makes the body replayable on a retry; the caller's buffer is never moved.
 */
public final class ByteBufferPublisher implements Flow.Publisher<ByteBuffer>
{
    /** Largest slice handed to the transport at once. */
    public static final int CHUNK_BYTES = 256 * 1024;

    private final ByteBuffer source;

    public ByteBufferPublisher(final ByteBuffer source)
    {
        this.source = source.asReadOnlyBuffer();
    }

    @Override
    public void subscribe(final Flow.Subscriber<? super ByteBuffer> subscriber)
    {
        final Emitter emitter = new Emitter(subscriber, source.duplicate());
        subscriber.onSubscribe(emitter);
        emitter.drain();
    }

    private static final class Emitter implements Flow.Subscription
    {
        private final Flow.Subscriber<? super ByteBuffer> subscriber;
        private final ByteBuffer remaining;
        private final AtomicLong demand = new AtomicLong();
        private final AtomicInteger drainers = new AtomicInteger();
        private volatile boolean cancelled;
        private boolean terminated;

        Emitter(final Flow.Subscriber<? super ByteBuffer> subscriber, final ByteBuffer remaining)
        {
            this.subscriber = subscriber;
            this.remaining = remaining;
        }

        @Override
        public void request(final long n)
        {
            if (n <= 0)
            {
                cancelled = true;
                subscriber.onError(new IllegalArgumentException("non-positive request: " + n + " (rule 3.9)"));
                return;
            }
            demand.getAndAccumulate(n, (current, added) ->
                current + added < 0 ? Long.MAX_VALUE : current + added);
            drain();
        }

        @Override
        public void cancel()
        {
            cancelled = true;
        }

        // One thread drains at a time; a request() made from inside onNext only adds demand, so emission never
        // recurses (rule 3.3) and never runs twice concurrently.
        void drain()
        {
            if (drainers.getAndIncrement() != 0)
            {
                return;
            }
            int missed = 1;
            do
            {
                while (!cancelled && !terminated)
                {
                    if (!remaining.hasRemaining())
                    {
                        terminated = true;
                        subscriber.onComplete();
                        break;
                    }
                    if (demand.get() == 0)
                    {
                        break;
                    }
                    demand.decrementAndGet();
                    final ByteBuffer chunk = remaining.slice();
                    chunk.limit(Math.min(CHUNK_BYTES, remaining.remaining()));
                    remaining.position(remaining.position() + chunk.limit());
                    subscriber.onNext(chunk);
                }
                missed = drainers.addAndGet(-missed);
            }
            while (missed != 0);
        }
    }
}
