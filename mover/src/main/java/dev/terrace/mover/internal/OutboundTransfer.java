package dev.terrace.mover.internal;

import dev.terrace.mover.TransferClass;
import dev.terrace.mover.TransferTicket;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * State of an extent this plane sends: a push it started, or an extent it serves for a peer's GET_EXTENT.
 * Agent-thread only.
 */
final class OutboundTransfer
{
    enum Role
    {
        PUSH,
        SERVE
    }

    enum Phase
    {
        /** Serve: the extent source is being read on a service thread. */
        READING,
        /** Serve: waiting for the scheduler to admit the transfer. */
        ADMISSION,
        /** The PUT_EXTENT (push) or the reply PUT_EXTENT (serve) must be sent. */
        BEGIN,
        /** Push: waiting for the receiver's ACK naming the offset to stream from. */
        AWAIT_BEGIN_ACK,
        /** Sending chunks. */
        STREAMING,
        /** Every chunk sent; waiting for the receiver's completing ACK. */
        AWAIT_COMPLETE
    }

    final long id;
    final Role role;
    final String key;
    final TransferClass transferClass;
    final long deadlineNs;
    final int timeoutMs;
    PeerLink link;
    Phase phase;

    ByteBuffer extent;
    UnsafeBuffer data;
    int length;
    int crc32c;
    long reservedBytes;

    long sendOffset;
    long ackedOffset;
    long lastActivityNs;
    long resendAtNs;
    boolean retired;

    CompletableFuture<Void> future;
    TransferTicket ticket;
    boolean ownsTicket;

    OutboundTransfer(
        final long id,
        final Role role,
        final String key,
        final TransferClass transferClass,
        final long deadlineNs,
        final int timeoutMs,
        final long nowNs)
    {
        this.id = id;
        this.role = role;
        this.key = key;
        this.transferClass = transferClass;
        this.deadlineNs = deadlineNs;
        this.timeoutMs = timeoutMs;
        this.lastActivityNs = nowNs;
    }

    void extent(final ByteBuffer extent, final int crc32c)
    {
        this.extent = extent;
        this.length = extent.remaining();
        this.data = new UnsafeBuffer(extent, extent.position(), extent.remaining());
        this.crc32c = crc32c;
    }

    @Override
    public String toString()
    {
        return role + "{id=" + Long.toHexString(id) + ", key=" + key + ", phase=" + phase + ", sent=" + sendOffset +
            "/" + length + ", link=" + link + "}";
    }
}
