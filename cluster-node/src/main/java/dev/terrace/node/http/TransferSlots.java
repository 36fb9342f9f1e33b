package dev.terrace.node.http;

import java.lang.ref.Cleaner;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the object and KV block bodies streaming through the node at once (uploads and downloads). A transfer holds
 * a {@link Lease} from before its response is decided until its body is done; past the limit a request is refused
 * with 429 instead of queueing behind the others.
 */
final class TransferSlots
{
    private static final Cleaner CLEANER = Cleaner.create();

    private final int max;
    private final AtomicInteger inUse = new AtomicInteger();

    /** One transfer's slot; releasing it twice is harmless. */
    static final class Lease implements Runnable
    {
        private final AtomicInteger inUse;
        private final AtomicBoolean released = new AtomicBoolean();

        private Lease(final AtomicInteger inUse)
        {
            this.inUse = inUse;
        }

        /** Gives the slot back. */
        void release()
        {
            if (released.compareAndSet(false, true))
            {
                inUse.decrementAndGet();
            }
        }

        /**
         * Also releases the slot once {@code holder} (what a response body streams from) is unreachable: a response
         * that the server drops unsent, because its client went away, never runs its body, so its end never comes.
         */
        void releaseWhenUnreachable(final Object holder)
        {
            CLEANER.register(holder, this);
        }

        /** The cleaner's action. */
        @Override
        public void run()
        {
            release();
        }
    }

    /**
     * @param max the most transfers at once, at least 1.
     */
    TransferSlots(final int max)
    {
        if (max < 1)
        {
            throw new IllegalArgumentException("max concurrent transfers must be at least 1");
        }
        this.max = max;
    }

    /** A lease when a slot is free now, otherwise null. */
    Lease tryAcquire()
    {
        while (true)
        {
            final int current = inUse.get();
            if (current >= max)
            {
                return null;
            }
            if (inUse.compareAndSet(current, current + 1))
            {
                return new Lease(inUse);
            }
        }
    }

    /** Transfers in flight now. */
    int inUse()
    {
        return inUse.get();
    }

    int max()
    {
        return max;
    }
}
