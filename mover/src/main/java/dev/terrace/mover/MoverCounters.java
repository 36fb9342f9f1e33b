package dev.terrace.mover;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The data plane's counters, for {@code /metrics}. Written mostly by the agent thread, read by anyone. Every frame
 * a peer sends is counted as received, and every frame that is dropped is counted under exactly one reason:
 * a {@link FrameRejection}, an unknown transfer, a duplicate or a gap.
 */
public final class MoverCounters
{
    /** Frames (whole messages) received from peers. */
    public final AtomicLong framesReceived = new AtomicLong();
    /** Frames rejected as malformed, all reasons. */
    public final AtomicLong framesRejected = new AtomicLong();
    /** Well-formed frames naming a transfer this plane does not know. */
    public final AtomicLong unknownTransfers = new AtomicLong();
    /** Requests whose reply media differs from the media they arrived on. */
    public final AtomicLong replyMediaMismatches = new AtomicLong();
    /** Requests naming a key the key validator refused. */
    public final AtomicLong invalidKeys = new AtomicLong();
    /** Chunks accepted into an extent. */
    public final AtomicLong chunksReceived = new AtomicLong();
    /** Payload bytes accepted into extents. */
    public final AtomicLong bytesReceived = new AtomicLong();
    /** Chunks that repeated bytes already held (after a resume). */
    public final AtomicLong duplicateChunks = new AtomicLong();
    /** Chunks past the received offset (bytes lost while disconnected); they trigger a resync. */
    public final AtomicLong gapChunks = new AtomicLong();
    /** Chunks sent. */
    public final AtomicLong chunksSent = new AtomicLong();
    /** Payload bytes sent. */
    public final AtomicLong bytesSent = new AtomicLong();
    /** Extents whose CRC32C did not match; never stored nor handed over. */
    public final AtomicLong crcMismatches = new AtomicLong();
    /** Offers refused with BACK_PRESSURED or ADMIN_ACTION (retried after the idle strategy backs off). */
    public final AtomicLong backPressured = new AtomicLong();
    /** Offers refused because the peer was not connected (the transfer waits to resume). */
    public final AtomicLong notConnected = new AtomicLong();
    /** Times a transfer re-sent its request or begin message to resume. */
    public final AtomicLong resumes = new AtomicLong();
    /** Transfers started (either side). */
    public final AtomicLong transfersStarted = new AtomicLong();
    /** Transfers completed (either side). */
    public final AtomicLong transfersCompleted = new AtomicLong();
    /** Transfers failed (either side), including timeouts. */
    public final AtomicLong transfersFailed = new AtomicLong();
    /** Transfers whose deadline passed. */
    public final AtomicLong timeouts = new AtomicLong();
    /** Requests refused for lack of in-flight memory or peer slots. */
    public final AtomicLong busyRejections = new AtomicLong();
    /** Extent source reads that failed. */
    public final AtomicLong readFailures = new AtomicLong();
    /** Extent sink stores that failed. */
    public final AtomicLong storeFailures = new AtomicLong();
    /** Errors caught on the agent thread (the loop keeps running). */
    public final AtomicLong agentErrors = new AtomicLong();
    /** Errors the media driver or the Aeron client reported (bind failures, unreachable peers). */
    public final AtomicLong aeronErrors = new AtomicLong();
    /** Bytes of extents held now (gauge). */
    public final AtomicLong inFlightBytes = new AtomicLong();
    /** Bytes of idle assembly buffers kept for reuse (gauge). */
    public final AtomicLong pooledBytes = new AtomicLong();

    private final AtomicLong[] rejections = new AtomicLong[FrameRejection.values().length];

    public MoverCounters()
    {
        for (int i = 0; i < rejections.length; i++)
        {
            rejections[i] = new AtomicLong();
        }
    }

    /** Counts a rejected frame under its reason. */
    public void rejected(final FrameRejection reason)
    {
        framesRejected.getAndIncrement();
        rejections[reason.ordinal()].getAndIncrement();
    }

    /** Frames rejected for one reason. */
    public long rejections(final FrameRejection reason)
    {
        return rejections[reason.ordinal()].get();
    }

    /** All counters by Prometheus-style name ({@code mover_*}). */
    public Map<String, Long> snapshot()
    {
        final Map<String, Long> values = new LinkedHashMap<>();
        values.put("mover_frames_received_total", framesReceived.get());
        values.put("mover_frames_rejected_total", framesRejected.get());
        for (final FrameRejection reason : FrameRejection.values())
        {
            if (reason != FrameRejection.NONE)
            {
                values.put("mover_frames_rejected_" + reason.name().toLowerCase() + "_total", rejections(reason));
            }
        }
        values.put("mover_unknown_transfers_total", unknownTransfers.get());
        values.put("mover_reply_media_mismatches_total", replyMediaMismatches.get());
        values.put("mover_invalid_keys_total", invalidKeys.get());
        values.put("mover_chunks_received_total", chunksReceived.get());
        values.put("mover_bytes_received_total", bytesReceived.get());
        values.put("mover_duplicate_chunks_total", duplicateChunks.get());
        values.put("mover_gap_chunks_total", gapChunks.get());
        values.put("mover_chunks_sent_total", chunksSent.get());
        values.put("mover_bytes_sent_total", bytesSent.get());
        values.put("mover_crc_mismatches_total", crcMismatches.get());
        values.put("mover_back_pressured_total", backPressured.get());
        values.put("mover_not_connected_total", notConnected.get());
        values.put("mover_resumes_total", resumes.get());
        values.put("mover_transfers_started_total", transfersStarted.get());
        values.put("mover_transfers_completed_total", transfersCompleted.get());
        values.put("mover_transfers_failed_total", transfersFailed.get());
        values.put("mover_timeouts_total", timeouts.get());
        values.put("mover_busy_rejections_total", busyRejections.get());
        values.put("mover_read_failures_total", readFailures.get());
        values.put("mover_store_failures_total", storeFailures.get());
        values.put("mover_agent_errors_total", agentErrors.get());
        values.put("mover_aeron_errors_total", aeronErrors.get());
        values.put("mover_in_flight_bytes", inFlightBytes.get());
        values.put("mover_pooled_bytes", pooledBytes.get());
        return values;
    }

    @Override
    public String toString()
    {
        return snapshot().toString();
    }
}
