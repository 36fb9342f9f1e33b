package dev.terrace.mover;

import dev.terrace.tier.TierDriver;

import java.nio.ByteBuffer;

/**
 * Where a data plane reads the extents it serves to peers. Called on a service thread, never on the data plane's
 * agent thread, so it may block on a disk or an object store.
 */
@FunctionalInterface
public interface ExtentSource
{
    /**
     * Returns bytes {@code [offset, offset + length)} of the value under {@code key} (length -1 = to the end), from
     * the buffer's position to its limit, or {@code null} when absent. The data plane only reads the buffer and holds
     * it until the transfer ends; it must stay valid that long.
     */
    ByteBuffer read(String key, long offset, long length) throws Exception;

    /** Serves extents straight from a tier. */
    static ExtentSource of(final TierDriver tier)
    {
        return tier::get;
    }
}
