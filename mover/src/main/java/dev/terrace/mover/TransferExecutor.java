package dev.terrace.mover;

import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Runs transfers under a {@link TransferScheduler}: each submitted piece of work starts once its ticket is admitted,
 * receives the ticket (to pace itself, for example through {@link TransferOptions#of(TransferTicket)}), and its
 * ticket is finished when the work's future completes, which admits the next transfer.
 * <pre>{@code
 * executor.submit(TransferClass.REPLICATION, key, peer.toString(), extent.remaining(),
 *     ticket -> dataPlane.push(peer, key, extent, TransferOptions.of(ticket)));
 * }</pre>
 */
public final class TransferExecutor
{
    private final TransferScheduler scheduler;
    private final Executor executor;
    private final NanoClock clock;

    /**
     * @param executor runs the work functions (they should only start asynchronous work and return quickly).
     */
    public TransferExecutor(final TransferScheduler scheduler, final Executor executor, final NanoClock clock)
    {
        this.scheduler = scheduler;
        this.executor = executor;
        this.clock = clock;
    }

    public TransferExecutor(final TransferScheduler scheduler, final Executor executor)
    {
        this(scheduler, executor, SystemNanoClock.INSTANCE);
    }

    public TransferScheduler scheduler()
    {
        return scheduler;
    }

    /**
     * Queues work. The returned future completes with the work's result; cancelling it while queued withdraws the
     * transfer.
     *
     * @param bytesTotal bytes to move, or -1 when not known.
     */
    public <T> CompletableFuture<T> submit(
        final TransferClass transferClass,
        final String key,
        final String peer,
        final long bytesTotal,
        final Function<TransferTicket, CompletableFuture<T>> work)
    {
        final TransferTicket ticket = scheduler.submit(transferClass, key, peer, bytesTotal, clock.nanoTime());
        final CompletableFuture<T> result = new CompletableFuture<>();
        result.whenComplete((value, error) ->
        {
            if (result.isCancelled())
            {
                ticket.finish(TransferState.CANCELLED, clock.nanoTime());
            }
        });
        ticket.admitted().thenAcceptAsync(admittedTicket -> run(admittedTicket, work, result), executor);
        return result;
    }

    private <T> void run(
        final TransferTicket ticket,
        final Function<TransferTicket, CompletableFuture<T>> work,
        final CompletableFuture<T> result)
    {
        if (result.isDone())
        {
            ticket.finish(TransferState.CANCELLED, clock.nanoTime());
            return;
        }
        final CompletableFuture<T> started;
        try
        {
            started = work.apply(ticket);
        }
        catch (final Throwable error)
        {
            ticket.finish(TransferState.FAILED, clock.nanoTime());
            result.completeExceptionally(error);
            return;
        }
        started.whenComplete((value, error) ->
        {
            ticket.finish(error == null ? TransferState.SUCCEEDED : TransferState.FAILED, clock.nanoTime());
            if (error == null)
            {
                result.complete(value);
            }
            else
            {
                result.completeExceptionally(error instanceof CompletionException && error.getCause() != null ?
                    error.getCause() : error);
            }
        });
    }
}
