package dev.terrace.client.internal;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BoundedParallelTest
{
    @Test
    void keepsAtMostParallelismInFlightAndReturnsResultsInOrder() throws Exception
    {
        final List<CompletableFuture<Integer>> started = new ArrayList<>();
        final CompletableFuture<List<Integer>> all = BoundedParallel.run(10, 3, i ->
        {
            final CompletableFuture<Integer> future = new CompletableFuture<>();
            started.add(future);
            return future;
        });
        assertEquals(3, started.size());
        // Complete out of order: the last started first.
        started.get(2).complete(2);
        assertEquals(4, started.size());
        started.get(0).complete(0);
        started.get(1).complete(null);
        assertEquals(6, started.size());
        for (int i = 3; i < 10; i++)
        {
            assertTrue(started.size() <= i + 3, "at most 3 in flight");
            started.get(i).complete(i * 10);
        }
        assertEquals(Arrays.asList(0, null, 2, 30, 40, 50, 60, 70, 80, 90), all.get(1, TimeUnit.SECONDS));
    }

    @Test
    void theFirstFailureFailsTheWholeAndStartsNothingMore()
    {
        final AtomicInteger started = new AtomicInteger();
        final IllegalStateException boom = new IllegalStateException("boom");
        final List<CompletableFuture<String>> pending = new ArrayList<>();
        final CompletableFuture<List<String>> all = BoundedParallel.run(100, 2, i ->
        {
            started.incrementAndGet();
            final CompletableFuture<String> future = new CompletableFuture<>();
            pending.add(future);
            return future;
        });
        pending.get(0).completeExceptionally(boom);
        final ExecutionException failure = assertThrows(ExecutionException.class, () -> all.get(1, TimeUnit.SECONDS));
        assertSame(boom, failure.getCause());
        pending.get(1).complete("late");
        assertEquals(2, started.get());
    }

    @Test
    void manySynchronouslyCompletedTasksDoNotOverflowTheStack() throws Exception
    {
        final List<Integer> results = BoundedParallel.run(200_000, 4, CompletableFuture::completedFuture)
            .get(10, TimeUnit.SECONDS);
        assertEquals(200_000, results.size());
        assertEquals(199_999, results.get(199_999));
    }

    @Test
    void aTaskThatThrowsFailsTheWhole()
    {
        final CompletableFuture<List<Object>> all = BoundedParallel.run(3, 1, i ->
        {
            throw new IllegalArgumentException("bad input " + i);
        });
        final ExecutionException failure = assertThrows(ExecutionException.class, all::get);
        assertEquals("bad input 0", failure.getCause().getMessage());
    }

    @Test
    void noTasksIsAnEmptyList() throws Exception
    {
        assertTrue(BoundedParallel.run(0, 8, i -> CompletableFuture.completedFuture(i)).get().isEmpty());
        assertThrows(IllegalArgumentException.class, () -> BoundedParallel.run(1, 0, CompletableFuture::completedFuture));
        assertNull(BoundedParallel.run(1, 1, i -> CompletableFuture.completedFuture((Object)null)).get().get(0));
    }
}
