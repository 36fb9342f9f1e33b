package dev.terrace.tier;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The SPI every tier implements: a keyed store of extents (or whole objects, on a capacity tier).
 * <p>
 * Keys are opaque strings that the node has already validated with {@code dev.terrace.protocol.Names}
 * and composed (for example {@code "bucket/key"} or {@code "bucket/key#3"}); a driver may rely on them
 * being free of control characters, {@code ..} segments and leading {@code /}, but must still refuse to
 * resolve one outside its own root. A put replaces any previous value atomically: a reader sees the old
 * bytes or the new bytes, never a mix, and a put that fails leaves the old value in place.
 * <p>
 * Every implementation passes the one contract suite {@code TierDriverContractTest}.
 * Implementations are thread-safe.
 */
public interface TierDriver extends AutoCloseable
{
    /** Which tier this driver is. */
    TierKind kind();

    /**
     * Stores {@code data} (from its position to its limit) under {@code key}, replacing any previous value.
     * Returns once the bytes are as durable as the tier promises (for flash: fsynced if so configured).
     * The buffer's position is not changed.
     *
     * @throws TierFullException when the tier cannot make room; nothing is stored.
     */
    void put(String key, ByteBuffer data) throws TierException;

    /**
     * Stores exactly {@code length} bytes read from {@code in} under {@code key}, without holding them all in
     * memory at once (used for large objects on a capacity tier). If {@code in} ends early or fails, nothing
     * becomes visible and the previous value stays.
     *
     * @throws TierFullException when the tier cannot make room; nothing is stored.
     */
    void put(String key, InputStream in, long length) throws TierException;

    /**
     * Returns bytes {@code [offset, offset + length)} of the value under {@code key}, or {@code null} when the key is
     * absent. A {@code length} of {@code -1} means "to the end"; a range past the end is cut at the end. The returned
     * buffer is read-only where the driver can make it so, positioned at 0, limited to the bytes read, and stays valid
     * after the key is deleted or replaced (a memory tier returns a view, never a heap copy). The driver verifies
     * its checksums before it returns bytes: it never returns corrupt data.
     *
     * @throws TierException on I/O failure or detected corruption (the corrupt record is dropped and counted).
     */
    ByteBuffer get(String key, long offset, long length) throws TierException;

    /**
     * Copies bytes {@code [offset, offset + destination.remaining())} of the value under {@code key} (cut at the end of
     * the value) into {@code destination}, advancing its position; the hot-path alternative to {@link #get} for callers
     * that own their buffers (transfer buffers, benchmarks), since it lets a driver read without allocating. The same
     * checksum guarantees hold: on corruption nothing is claimed to be read and a {@link TierException} is thrown.
     *
     * @return the number of bytes copied, or {@code -1} when the key is absent.
     */
    default long read(final String key, final long offset, final ByteBuffer destination) throws TierException
    {
        final ByteBuffer bytes = get(key, offset, destination.remaining());
        if (bytes == null)
        {
            return -1;
        }
        final int count = bytes.remaining();
        destination.put(bytes);
        return count;
    }

    /**
     * Opens a stream over bytes {@code [offset, offset + length)} of the value, or returns {@code null} when absent.
     * Used for values too large for one buffer. {@code length} of {@code -1} means "to the end".
     */
    InputStream openStream(String key, long offset, long length) throws TierException;

    /** The size in bytes of the value under {@code key}, or {@code -1} when absent. */
    long size(String key) throws TierException;

    /** Whether a value is stored under {@code key}. */
    boolean contains(String key) throws TierException;

    /** Removes the value under {@code key}; returns whether there was one. Space is reclaimed now or by compaction. */
    boolean delete(String key) throws TierException;

    /** The keys starting with {@code prefix}, in ascending order. */
    List<String> list(String prefix) throws TierException;

    /** Bytes this tier may hold ({@code Long.MAX_VALUE} when unbounded). */
    long capacityBytes();

    /** Payload bytes held now. */
    long usedBytes();

    /** A snapshot of the counters. */
    TierStats stats();

    /** Releases files, memory and connections. Idempotent. */
    @Override
    void close();
}
