package dev.terrace.mover;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The executor wrapper starts work only when admitted, finishes tickets when the work ends, and propagates results.
 */
class TransferExecutorTest
{
    private final ExecutorService pool = Executors.newFixedThreadPool(2);

    @AfterEach
    void tearDown() throws InterruptedException
    {
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(5, TimeUnit.SECONDS));
    }

    @Test
    void runsWorkWithinTheConcurrencyBudgetAndInPriorityOrder() throws Exception
    {
        final TransferScheduler scheduler = new TransferScheduler(
            new TransferScheduler.Config().maxConcurrent(1), System.nanoTime());
        final TransferExecutor executor = new TransferExecutor(scheduler, pool);
        final List<CompletableFuture<String>> gates = new ArrayList<>();
        final List<String> started = java.util.Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger concurrent = new AtomicInteger();
        final AtomicInteger maxConcurrent = new AtomicInteger();
        for (int i = 0; i < 3; i++)
        {
            gates.add(new CompletableFuture<>());
        }

        final CompletableFuture<String> demotion = executor.submit(TransferClass.DEMOTION, "d", "p", 10,
            ticket -> run("d", ticket, gates.get(0), started, concurrent, maxConcurrent));
        awaitStarted(started, 1);
        final CompletableFuture<String> replication = executor.submit(TransferClass.REPLICATION, "r", "p", 10,
            ticket -> run("r", ticket, gates.get(1), started, concurrent, maxConcurrent));
        final CompletableFuture<String> clientRead = executor.submit(TransferClass.CLIENT_READ, "c", "p", 10,
            ticket -> run("c", ticket, gates.get(2), started, concurrent, maxConcurrent));

        gates.get(0).complete("d-done");
        assertEquals("d-done", demotion.get(5, TimeUnit.SECONDS));
        awaitStarted(started, 2);
        assertEquals("c", started.get(1), "the client read overtakes the replication queued before it");
        gates.get(2).complete("c-done");
        assertEquals("c-done", clientRead.get(5, TimeUnit.SECONDS));
        gates.get(1).completeExceptionally(new MoverException(MoverErrorCode.NOT_FOUND, "gone"));
        final ExecutionException failure = assertThrows(ExecutionException.class,
            () -> replication.get(5, TimeUnit.SECONDS));
        assertEquals(MoverErrorCode.NOT_FOUND, ((MoverException)failure.getCause()).code());

        assertEquals(1, maxConcurrent.get());
        final List<TransferSnapshot> rows = scheduler.snapshot(System.nanoTime());
        assertEquals(3, rows.size());
        assertEquals(TransferState.FAILED, rows.get(0).state());
        assertEquals(TransferState.SUCCEEDED, rows.get(1).state());
    }

    @Test
    void cancellingQueuedWorkWithdrawsItAndItNeverRuns() throws Exception
    {
        final TransferScheduler scheduler = new TransferScheduler(
            new TransferScheduler.Config().maxConcurrent(1), System.nanoTime());
        final TransferExecutor executor = new TransferExecutor(scheduler, pool);
        final CompletableFuture<Void> gate = new CompletableFuture<>();
        final AtomicInteger runs = new AtomicInteger();

        final CompletableFuture<Void> first = executor.submit(TransferClass.PREFETCH, "a", "p", 1, ticket -> gate);
        final CompletableFuture<Void> second = executor.submit(TransferClass.PREFETCH, "b", "p", 1, ticket ->
        {
            runs.incrementAndGet();
            return CompletableFuture.completedFuture(null);
        });
        assertTrue(second.cancel(false));
        gate.complete(null);
        first.get(5, TimeUnit.SECONDS);
        Thread.sleep(50);

        assertEquals(0, runs.get());
        assertEquals(0, scheduler.queued(TransferClass.PREFETCH));
        assertEquals(0, scheduler.running(TransferClass.PREFETCH));
        assertTrue(scheduler.snapshot(System.nanoTime()).stream()
            .anyMatch(row -> row.key().equals("b") && row.state() == TransferState.CANCELLED));
    }

    @Test
    void workThatThrowsFailsAndFreesItsSlot() throws Exception
    {
        final TransferScheduler scheduler = new TransferScheduler(
            new TransferScheduler.Config().maxConcurrent(1), System.nanoTime());
        final TransferExecutor executor = new TransferExecutor(scheduler, pool);
        final IllegalStateException boom = new IllegalStateException("boom");

        final CompletableFuture<Void> failed = executor.submit(TransferClass.REBALANCE, "x", "p", 1, ticket ->
        {
            throw boom;
        });
        final ExecutionException failure = assertThrows(ExecutionException.class, () -> failed.get(5, TimeUnit.SECONDS));
        assertSame(boom, failure.getCause());
        final CompletableFuture<String> next = executor.submit(TransferClass.REBALANCE, "y", "p", 1,
            ticket -> CompletableFuture.completedFuture(ticket.key()));
        assertEquals("y", next.get(5, TimeUnit.SECONDS));
        assertFalse(scheduler.snapshot(System.nanoTime()).isEmpty());
    }

    private static CompletableFuture<String> run(
        final String name,
        final TransferTicket ticket,
        final CompletableFuture<String> gate,
        final List<String> started,
        final AtomicInteger concurrent,
        final AtomicInteger maxConcurrent)
    {
        assertTrue(ticket.isRunning());
        started.add(name);
        maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
        return gate.whenComplete((value, error) -> concurrent.decrementAndGet());
    }

    private static void awaitStarted(final List<String> started, final int count) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (started.size() < count && System.nanoTime() < deadline)
        {
            Thread.sleep(2);
        }
        assertEquals(count, started.size(), "started: " + started);
    }
}
