package dev.terrace.mover.internal;

import dev.terrace.mover.TransferClass;
import dev.terrace.mover.TransferTicket;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.zip.CRC32C;

/**
 * State of an extent this plane receives: a fetch it started, or a push a peer sends it. Chunks are assembled in
 * order into an off-heap buffer whose CRC32C is computed as they arrive. Agent-thread only.
 */
final class InboundTransfer
{
    enum Role
    {
        FETCH,
        RECEIPT
    }

    enum Phase
    {
        /** Fetch: the GET_EXTENT must be sent (first time or to resume). */
        REQUEST,
        /** Receiving the begin message and chunks. */
        RECEIVING,
        /** Receipt: verified; the sink is storing it on a service thread. */
        STORING,
        /** Done; only the completing ACK remains to be sent. */
        DONE
    }

    final long id;
    final Role role;
    final String key;
    final TransferClass transferClass;
    final long deadlineNs;
    final int timeoutMs;
    PeerLink link;
    Phase phase;

    // What a fetch asked for.
    long rangeOffset;
    long rangeLength;

    long totalLength = -1;
    int expectedCrc32c;
    ByteBuffer buffer;
    UnsafeBuffer view;
    ByteBuffer crcView;
    final CRC32C crc32c = new CRC32C();
    long received;
    long reservedBytes;

    long lastAckedOffset;
    boolean ackPending;
    boolean resyncPending;
    boolean completeAckPending;
    long lastProgressNs;
    long lastResyncNs;
    long doneAtNs;
    boolean retired;

    CompletableFuture<ByteBuffer> future;
    TransferTicket ticket;
    boolean ownsTicket;

    InboundTransfer(
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
        this.lastProgressNs = nowNs;
    }

    /** Starts assembly into a fresh buffer of {@code totalLength} bytes. */
    void allocate(final long totalLength, final int expectedCrc32c)
    {
        this.totalLength = totalLength;
        this.expectedCrc32c = expectedCrc32c;
        this.buffer = ByteBuffer.allocateDirect((int)totalLength);
        this.view = new UnsafeBuffer(buffer);
        this.crcView = buffer.duplicate();
        restart();
    }

    /** Forgets the bytes received so far (the sender's extent changed, or it restarts from zero). */
    void restart()
    {
        received = 0;
        lastAckedOffset = 0;
        crc32c.reset();
    }

    @Override
    public String toString()
    {
        return role + "{id=" + Long.toHexString(id) + ", key=" + key + ", phase=" + phase + ", received=" +
            received + "/" + totalLength + ", link=" + link + "}";
    }
}
