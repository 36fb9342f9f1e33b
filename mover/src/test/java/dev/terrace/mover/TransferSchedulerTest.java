package dev.terrace.mover;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Admission order, concurrency and bandwidth budgets of the scheduler, driven by an injected clock.
 */
class TransferSchedulerTest
{
    private static final long MB = 1_000_000;
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final int CHUNK = 64 * 1024;

    private long now = 1_000 * MS;

    @Test
    void freedNodeSlotsGoToTheHighestClassWaitingAndRunningTransfersAreNotPreempted()
    {
        final TransferScheduler scheduler = new TransferScheduler(new TransferScheduler.Config().maxConcurrent(2), now);
        final TransferTicket demotion1 = submit(scheduler, TransferClass.DEMOTION, "d1");
        final TransferTicket demotion2 = submit(scheduler, TransferClass.DEMOTION, "d2");
        final TransferTicket replication = submit(scheduler, TransferClass.REPLICATION, "r1");
        final TransferTicket clientRead = submit(scheduler, TransferClass.CLIENT_READ, "c1");
        final TransferTicket prefetch = submit(scheduler, TransferClass.PREFETCH, "p1");

        assertTrue(demotion1.isRunning() && demotion2.isRunning(), "running transfers keep their slots");
        assertEquals(TransferState.QUEUED, clientRead.state());
        assertTrue(demotion1.admitted().isDone());
        assertFalse(clientRead.admitted().isDone());

        demotion1.finish(TransferState.SUCCEEDED, now);
        assertTrue(clientRead.isRunning(), "client read first");
        assertEquals(TransferState.QUEUED, prefetch.state());
        assertEquals(TransferState.QUEUED, replication.state());

        demotion2.finish(TransferState.SUCCEEDED, now);
        assertTrue(prefetch.isRunning(), "then prefetch");
        assertEquals(TransferState.QUEUED, replication.state());

        clientRead.finish(TransferState.FAILED, now);
        assertTrue(replication.isRunning(), "then replication");
        assertTrue(clientRead.admitted().isDone());
    }

    @Test
    void aClassAtItsOwnLimitDoesNotHoldBackLowerClasses()
    {
        final TransferScheduler scheduler = new TransferScheduler(new TransferScheduler.Config()
            .maxConcurrent(4)
            .budget(TransferClass.CLIENT_READ, TransferBudget.concurrency(1)), now);
        final TransferTicket first = submit(scheduler, TransferClass.CLIENT_READ, "c1");
        final TransferTicket second = submit(scheduler, TransferClass.CLIENT_READ, "c2");
        final TransferTicket demotion = submit(scheduler, TransferClass.DEMOTION, "d1");

        assertTrue(first.isRunning());
        assertEquals(TransferState.QUEUED, second.state());
        assertTrue(demotion.isRunning());
        assertEquals(1, scheduler.running(TransferClass.CLIENT_READ));
        assertEquals(1, scheduler.queued(TransferClass.CLIENT_READ));

        first.finish(TransferState.SUCCEEDED, now);
        assertTrue(second.isRunning());
    }

    @Test
    void classBandwidthBudgetHoldsItsRate()
    {
        final long rate = 10 * MB;
        final long burst = MB;
        final TransferScheduler scheduler = new TransferScheduler(new TransferScheduler.Config()
            .budget(TransferClass.PREFETCH, new TransferBudget(4, rate, burst, MB)), now);
        final TransferTicket a = submit(scheduler, TransferClass.PREFETCH, "a");
        final TransferTicket b = submit(scheduler, TransferClass.PREFETCH, "b");

        final long[] granted = new long[2];
        final int steps = 2000;
        for (int step = 0; step < steps; step++)
        {
            now += MS;
            // The data plane rotates which transfer of a class asks first; so does this loop.
            if ((step & 1) == 0)
            {
                granted[0] += drain(a);
                granted[1] += drain(b);
            }
            else
            {
                granted[1] += drain(b);
                granted[0] += drain(a);
            }
        }

        final long total = granted[0] + granted[1];
        final long expected = rate * steps / 1000 + burst;
        assertTrue(Math.abs(total - expected) <= 2L * CHUNK, "granted " + total + ", expected about " + expected);
        assertTrue(Math.abs(granted[0] - granted[1]) <= total / 10, "shared fairly: " + granted[0] + " vs " + granted[1]);
    }

    @Test
    void globalBudgetServesHigherClassesFirstButRunningLowerClassesKeepTheirFloor()
    {
        final long globalRate = 20 * MB;
        final long floor = MB;
        final TransferScheduler scheduler = new TransferScheduler(new TransferScheduler.Config()
            .bytesPerSecond(globalRate, 256 * 1024)
            .budget(TransferClass.DEMOTION, new TransferBudget(2, Long.MAX_VALUE, Long.MAX_VALUE, floor)), now);
        final TransferTicket read = submit(scheduler, TransferClass.CLIENT_READ, "read");
        final TransferTicket demotion = submit(scheduler, TransferClass.DEMOTION, "demote");

        long readBytes = 0;
        long demotionBytes = 0;
        final int steps = 4000;
        for (int step = 0; step < steps; step++)
        {
            now += MS;
            // Alternate who asks first: priority must not depend on call order.
            if ((step & 1) == 0)
            {
                demotionBytes += drain(demotion);
                readBytes += drain(read);
            }
            else
            {
                readBytes += drain(read);
                demotionBytes += drain(demotion);
            }
        }

        final double seconds = steps / 1000.0;
        assertTrue(readBytes >= 0.9 * globalRate * seconds, "client reads got " + readBytes / seconds + " B/s");
        assertTrue(demotionBytes > 0, "a running demotion must not starve");
        assertTrue(demotionBytes <= 1.2 * floor * seconds + 2 * CHUNK + floor,
            "demotion got " + demotionBytes / seconds + " B/s, more than its floor while reads were hungry");
    }

    @Test
    void lowerClassUsesTheWholeGlobalBudgetWhileHigherClassesAreIdle()
    {
        final long globalRate = 20 * MB;
        final TransferScheduler scheduler = new TransferScheduler(new TransferScheduler.Config()
            .bytesPerSecond(globalRate, 256 * 1024), now);
        submit(scheduler, TransferClass.CLIENT_READ, "idle-read");
        final TransferTicket demotion = submit(scheduler, TransferClass.DEMOTION, "demote");

        long bytes = 0;
        for (int step = 0; step < 1000; step++)
        {
            now += MS;
            bytes += drain(demotion);
        }
        assertTrue(bytes >= 0.9 * globalRate, "demotion alone got " + bytes + " B/s");
    }

    @Test
    void refundedTokensCanBeTakenAgain()
    {
        final TransferScheduler scheduler = new TransferScheduler(new TransferScheduler.Config()
            .budget(TransferClass.CLIENT_READ, new TransferBudget(1, MB, CHUNK, MB)), now);
        final TransferTicket ticket = submit(scheduler, TransferClass.CLIENT_READ, "k");

        assertTrue(ticket.tryAcquire(CHUNK, now));
        assertFalse(ticket.tryAcquire(CHUNK, now), "bucket empty");
        ticket.refund(CHUNK);
        assertTrue(ticket.tryAcquire(CHUNK, now), "refund restored the tokens");
    }

    @Test
    void queuedTicketsDoNotSendAndCancelledOnesLeaveTheQueue()
    {
        final TransferScheduler scheduler = new TransferScheduler(new TransferScheduler.Config().maxConcurrent(1), now);
        final TransferTicket running = submit(scheduler, TransferClass.CLIENT_READ, "running");
        final TransferTicket queued = submit(scheduler, TransferClass.CLIENT_READ, "queued");
        final TransferTicket behind = submit(scheduler, TransferClass.CLIENT_READ, "behind");

        assertFalse(queued.tryAcquire(1, now), "a queued transfer may not send");
        queued.finish(TransferState.CANCELLED, now);
        assertEquals(1, scheduler.queued(TransferClass.CLIENT_READ));
        running.finish(TransferState.SUCCEEDED, now);
        assertTrue(behind.isRunning());
        assertFalse(queued.admitted().isDone(), "a withdrawn transfer is never admitted");
        assertThrows(IllegalArgumentException.class, () -> behind.finish(TransferState.RUNNING, now));
    }

    @Test
    void snapshotListsRunningQueuedAndFinishedWithProgress()
    {
        final TransferScheduler scheduler = new TransferScheduler(new TransferScheduler.Config()
            .maxConcurrent(1).historyLength(2), now);
        final TransferTicket running = scheduler.submit(TransferClass.REBALANCE, "b/k1", "10.0.0.2:4000/1001", 100, now);
        final TransferTicket queued = scheduler.submit(TransferClass.CLIENT_READ, "b/k2", "peer", 50, now);
        final TransferTicket tracked = scheduler.track(TransferClass.REPLICATION, "b/k3", "peer", -1, now);
        now += 250 * MS;
        running.progress(40, 100);
        tracked.progress(10, 30);

        final List<TransferSnapshot> rows = scheduler.snapshot(now);
        assertEquals(3, rows.size());
        final TransferSnapshot first = rows.get(0);
        assertEquals("b/k1", first.key());
        assertEquals(TransferClass.REBALANCE, first.transferClass());
        assertEquals(TransferState.RUNNING, first.state());
        assertEquals(40, first.bytesDone());
        assertEquals(100, first.bytesTotal());
        assertEquals(250, first.runningMs());
        assertEquals("10.0.0.2:4000/1001", first.peer());
        assertEquals(TransferState.RUNNING, rows.get(1).state(), "tracked transfers run outside the budgets");
        assertEquals(30, rows.get(1).bytesTotal());
        assertEquals(TransferState.QUEUED, rows.get(2).state());
        assertEquals(250, rows.get(2).queuedMs());
        assertTrue(tracked.tryAcquire(Long.MAX_VALUE / 2, now), "tracked transfers are never paced");

        running.finish(TransferState.SUCCEEDED, now);
        queued.finish(TransferState.SUCCEEDED, now + MS);
        tracked.finish(TransferState.FAILED, now + 2 * MS);
        final List<TransferSnapshot> after = scheduler.snapshot(now);
        final List<String> keys = new ArrayList<>();
        after.forEach(row -> keys.add(row.key() + ":" + row.state()));
        assertEquals(List.of("b/k3:FAILED", "b/k2:SUCCEEDED"), keys, "newest first, history bounded to 2");
    }

    @Test
    void budgetsRejectNonsense()
    {
        assertThrows(IllegalArgumentException.class, () -> new TransferBudget(0, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new TransferBudget(1, -1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new TransferScheduler.Config().maxConcurrent(0));
        assertEquals(TransferClass.DEMOTION, TransferClass.get(4));
        assertEquals("client-read", TransferClass.CLIENT_READ.label());
    }

    private TransferTicket submit(final TransferScheduler scheduler, final TransferClass transferClass, final String key)
    {
        return scheduler.submit(transferClass, key, "peer", 1L << 30, now);
    }

    /** Takes chunks until refused, as the data plane's send loop does; returns the bytes granted. */
    private long drain(final TransferTicket ticket)
    {
        long granted = 0;
        for (int i = 0; i < 10_000 && ticket.tryAcquire(CHUNK, now); i++)
        {
            granted += CHUNK;
        }
        return granted;
    }
}
