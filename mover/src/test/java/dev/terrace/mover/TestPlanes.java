package dev.terrace.mover;

import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Contexts and data for data plane tests: loopback UDP on a free port, a private aeron dir, SHARED threading with
 * the backoff idle strategy, short timeouts so that resumption is exercised quickly.
 */
final class TestPlanes
{
    static final int MIB = 1024 * 1024;

    private TestPlanes()
    {
    }

    static MoverContext context(final MapExtentStore store)
    {
        return new MoverContext()
            .bindEndpoint("127.0.0.1:0")
            .connectionTimeoutNs(TimeUnit.SECONDS.toNanos(1))
            .resumeTimeoutNs(TimeUnit.MILLISECONDS.toNanos(200))
            .transferDeadlineNs(TimeUnit.SECONDS.toNanos(20))
            .maxInFlightBytes(128L * MIB)
            .peerIdleTimeoutNs(TimeUnit.SECONDS.toNanos(10))
            .extentSource(store)
            .extentSink(store);
    }

    static byte[] randomBytes(final int length, final long seed)
    {
        final byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static ByteBuffer direct(final byte[] bytes)
    {
        final ByteBuffer buffer = ByteBuffer.allocateDirect(bytes.length);
        buffer.put(bytes).flip();
        return buffer;
    }

    static byte[] bytes(final ByteBuffer buffer)
    {
        final byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
