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
    /** Who owns an assembly buffer, which decides what happens to it when the transfer ends. */
    enum BufferOrigin
    {
        /** Allocated for a fetch; becomes the caller's on success, freed on failure. */
        ALLOCATED,
        /** From the agent's pool; returned to it. */
        POOLED,
        /** The caller's destination buffer; never freed. */
        CALLER
    }

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
    ByteBuffer backing;
    BufferOrigin origin;
    ByteBuffer destination;
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

    /**
     * Starts assembly into {@code region} (position 0, limit = the extent length).
     *
     * @param backing where the region came from, handed back to its owner when the transfer ends.
     * @param origin  who owns the backing buffer.
     */
    void assembleInto(
        final ByteBuffer region,
        final ByteBuffer backing,
        final BufferOrigin origin,
        final long totalLength,
        final int expectedCrc32c)
    {
        this.totalLength = totalLength;
        this.expectedCrc32c = expectedCrc32c;
        this.buffer = region;
        this.backing = backing;
        this.origin = origin;
        this.view = new UnsafeBuffer(region, 0, region.limit());
        this.crcView = region.duplicate();
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
