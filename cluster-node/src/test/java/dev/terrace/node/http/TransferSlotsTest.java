package dev.terrace.node.http;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Transfer slots: at most the limit at once, a lease released twice counts once, and a lease whose body holder was
 * dropped unrun comes back through the cleaner.
 */
class TransferSlotsTest
{
    @Test
    void atMostTheLimitAndReleasingTwiceCountsOnce()
    {
        final TransferSlots slots = new TransferSlots(2);
        final TransferSlots.Lease a = slots.tryAcquire();
        final TransferSlots.Lease b = slots.tryAcquire();
        assertNotNull(a);
        assertNotNull(b);
        assertNull(slots.tryAcquire());
        a.release();
        a.release();
        assertEquals(1, slots.inUse());
        assertNotNull(slots.tryAcquire());
        assertNull(slots.tryAcquire());
    }

    @Test
    void aLeaseWhoseHolderBecameUnreachableIsReleased() throws Exception
    {
        final TransferSlots slots = new TransferSlots(1);
        registerAndDropHolder(slots.tryAcquire());
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (slots.inUse() > 0 && System.nanoTime() < deadline)
        {
            System.gc();
            Thread.sleep(20);
        }
        assertEquals(0, slots.inUse());
        assertTrue(slots.tryAcquire() != null);
    }

    private static void registerAndDropHolder(final TransferSlots.Lease lease)
    {
        lease.releaseWhenUnreachable(new byte[1024]);
    }
}
