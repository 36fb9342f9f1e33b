package dev.terrace.mover;

/**
 * One row of {@code GET /v1/mover/transfers}: a transfer as it was when the snapshot was taken.
 *
 * @param id            the scheduler's id for the transfer.
 * @param transferClass its class.
 * @param key           the extent's key.
 * @param peer          the other side (an endpoint, or a description such as {@code memory->flash}).
 * @param bytesDone     bytes moved so far.
 * @param bytesTotal    bytes to move, or -1 while unknown (a fetch before the peer answers).
 * @param state         its state.
 * @param queuedMs      time spent waiting for admission.
 * @param runningMs     time since admission (until the end, for finished transfers).
 */
public record TransferSnapshot(
    long id,
    TransferClass transferClass,
    String key,
    String peer,
    long bytesDone,
    long bytesTotal,
    TransferState state,
    long queuedMs,
    long runningMs)
{
}
