package dev.terrace.mover;

/**
 * Where a transfer is in its life, as shown by {@link TransferScheduler#snapshot(long)}.
 */
public enum TransferState
{
    /** Waiting for a concurrency slot. */
    QUEUED,
    /** Admitted and moving bytes. */
    RUNNING,
    /** Done, bytes verified. */
    SUCCEEDED,
    /** Ended with an error or a timeout. */
    FAILED,
    /** Withdrawn before it finished. */
    CANCELLED;

    /** Whether the transfer has ended. */
    public boolean isTerminal()
    {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
