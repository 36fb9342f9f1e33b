package dev.terrace.mover;

import dev.terrace.tier.TierDriver;

import java.nio.ByteBuffer;

/**
 * Where a data plane stores the extents peers push to it, after their CRC32C has been verified. Called on a
 * service thread, never on the data plane's agent thread, so it may block; the push is acknowledged to the sender
 * only once this returns, so it should return once the bytes are as durable as promised.
 */
@FunctionalInterface
public interface ExtentSink
{
    /**
     * Stores {@code extent} (position 0 to its limit, read-only) under {@code key}. The buffer is owned by the data
     * plane: copy what must outlive the call.
     *
     * @throws Exception when the extent could not be stored; the sender is told {@link MoverErrorCode#STORE_FAILED}.
     */
    void store(String key, ByteBuffer extent) throws Exception;

    /** Stores pushed extents into a tier. */
    static ExtentSink of(final TierDriver tier)
    {
        return tier::put;
    }
}
