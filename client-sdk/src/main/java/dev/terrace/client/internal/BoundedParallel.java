package dev.terrace.client.internal;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Runs {@code count} asynchronous tasks with at most {@code parallelism} in flight and collects their results in
 * task order (nulls allowed). No thread waits: each completion starts the next task. The first failure fails the
 * whole and starts no further task.
 */
public final class BoundedParallel<T>
{
    private final int count;
    private final IntFunction<CompletableFuture<T>> task;
    private final Object[] results;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger outstanding;
    private final CompletableFuture<List<T>> result = new CompletableFuture<>();

    private BoundedParallel(final int count, final IntFunction<CompletableFuture<T>> task)
    {
        this.count = count;
        this.task = task;
        this.results = new Object[count];
        this.outstanding = new AtomicInteger(count);
    }

    /**
     * Runs {@code task.apply(0..count-1)}.
     *
     * @return the results in index order.
     */
    public static <T> CompletableFuture<List<T>> run(
        final int count, final int parallelism, final IntFunction<CompletableFuture<T>> task)
    {
        if (parallelism < 1)
        {
            throw new IllegalArgumentException("parallelism must be at least 1: " + parallelism);
        }
        final BoundedParallel<T> run = new BoundedParallel<>(count, task);
        if (count == 0)
        {
            run.result.complete(List.of());
            return run.result;
        }
        for (int i = 0, lanes = Math.min(parallelism, count); i < lanes; i++)
        {
            run.launch();
        }
        return run.result;
    }

    // A lane starts tasks until one is still running; tasks that complete at once are handled in this loop
    // rather than by recursion, so a long run of already-completed futures cannot overflow the stack.
    private void launch()
    {
        while (!result.isDone())
        {
            final int index = next.getAndIncrement();
            if (index >= count)
            {
                return;
            }
            CompletableFuture<T> future;
            try
            {
                future = task.apply(index);
            }
            catch (final RuntimeException ex)
            {
                future = CompletableFuture.failedFuture(ex);
            }
            if (future.isDone())
            {
                if (!record(index, future))
                {
                    return;
                }
                continue;
            }
            future.whenComplete((value, failure) ->
            {
                if (record(index, value, failure))
                {
                    launch();
                }
            });
            return;
        }
    }

    private boolean record(final int index, final CompletableFuture<T> done)
    {
        try
        {
            return record(index, done.join(), null);
        }
        catch (final RuntimeException ex)
        {
            return record(index, null, ex.getCause() != null ? ex.getCause() : ex);
        }
    }

    @SuppressWarnings("unchecked")
    private boolean record(final int index, final T value, final Throwable failure)
    {
        if (failure != null)
        {
            result.completeExceptionally(failure);
            return false;
        }
        results[index] = value;
        if (outstanding.decrementAndGet() == 0)
        {
            result.complete(Collections.unmodifiableList(Arrays.asList((T[])results)));
        }
        return true;
    }
}
