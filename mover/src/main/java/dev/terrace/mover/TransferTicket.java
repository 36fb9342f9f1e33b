package dev.terrace.mover;

import java.util.concurrent.CompletableFuture;

/**
 * A transfer known to a {@link TransferScheduler}: its admission, its pacing and its progress. Whoever moves the
 * bytes asks {@link #tryAcquire(long, long)} before sending a chunk, reports {@link #progress(long, long)}, and
 * calls {@link #finish(TransferState, long)} once at the end. Thread-safe.
 */
public final class TransferTicket
{
    private final TransferScheduler scheduler;
    private final long id;
    private final TransferClass transferClass;
    private final String key;
    private final String peer;
    private final boolean tracked;
    private final long queuedAtNs;
    private final CompletableFuture<TransferTicket> admitted = new CompletableFuture<>();

    private volatile TransferState state = TransferState.QUEUED;
    private volatile long bytesDone;
    private volatile long bytesTotal;
    private volatile long startedAtNs;
    private volatile long finishedAtNs;

    /** Scheduler-private: whether the last grant came from the floor bucket rather than the global bucket. */
    boolean lastGrantFromFloor;

    TransferTicket(
        final TransferScheduler scheduler,
        final long id,
        final TransferClass transferClass,
        final String key,
        final String peer,
        final long bytesTotal,
        final boolean tracked,
        final long queuedAtNs)
    {
        this.scheduler = scheduler;
        this.id = id;
        this.transferClass = transferClass;
        this.key = key;
        this.peer = peer;
        this.bytesTotal = bytesTotal;
        this.tracked = tracked;
        this.queuedAtNs = queuedAtNs;
    }

    public long id()
    {
        return id;
    }

    public TransferClass transferClass()
    {
        return transferClass;
    }

    public String key()
    {
        return key;
    }

    public String peer()
    {
        return peer;
    }

    /** Whether the ticket is only tracked for visibility: admitted at once and never paced. */
    public boolean isTracked()
    {
        return tracked;
    }

    public TransferState state()
    {
        return state;
    }

    /** Whether the transfer has been admitted and not yet finished. */
    public boolean isRunning()
    {
        return state == TransferState.RUNNING;
    }

    /** Completes when the transfer is admitted (never, if it is cancelled while queued). */
    public CompletableFuture<TransferTicket> admitted()
    {
        return admitted;
    }

    public long bytesDone()
    {
        return bytesDone;
    }

    public long bytesTotal()
    {
        return bytesTotal;
    }

    /**
     * Asks to send {@code bytes} now. On {@code true} the bytes are charged to the class (and global) budgets;
     * call {@link #refund(long)} if they were not sent after all. On {@code false} try again later.
     */
    public boolean tryAcquire(final long bytes, final long nowNs)
    {
        return scheduler.tryAcquire(this, bytes, nowNs);
    }

    /** Returns tokens acquired for bytes that could not be sent. */
    public void refund(final long bytes)
    {
        scheduler.refund(this, bytes);
    }

    /** Records how far the transfer is: absolute bytes done, and the total (-1 while unknown). */
    public void progress(final long bytesDone, final long bytesTotal)
    {
        this.bytesDone = bytesDone;
        this.bytesTotal = bytesTotal;
    }

    /** Ends the transfer, freeing its slot; later calls are ignored. */
    public void finish(final TransferState endState, final long nowNs)
    {
        scheduler.finish(this, endState, nowNs);
    }

    /** A snapshot row for this ticket. */
    public TransferSnapshot snapshot(final long nowNs)
    {
        final long started = startedAtNs;
        final long finished = finishedAtNs;
        final TransferState current = state;
        final long queuedNs = (current == TransferState.QUEUED ? nowNs : (started != 0 ? started : nowNs)) -
            queuedAtNs;
        final long runningNs = started == 0 ? 0 : (finished != 0 ? finished : nowNs) - started;
        return new TransferSnapshot(
            id, transferClass, key, peer, bytesDone, bytesTotal, current, queuedNs / 1_000_000, runningNs / 1_000_000);
    }

    void markRunning(final long nowNs)
    {
        startedAtNs = nowNs;
        state = TransferState.RUNNING;
    }

    void markFinished(final TransferState endState, final long nowNs)
    {
        finishedAtNs = nowNs;
        state = endState;
    }

    void completeAdmission()
    {
        admitted.complete(this);
    }

    @Override
    public String toString()
    {
        return "TransferTicket{id=" + id + ", class=" + transferClass + ", key=" + key + ", state=" + state + "}";
    }
}
