package dev.terrace.mover;

import io.aeron.ExclusivePublication;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

import static dev.terrace.mover.TestPlanes.MIB;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a data plane does with bytes it cannot trust: corrupted extents are refused with an ERROR and counted,
 * never stored nor handed to a caller; thousands of malformed frames from a peer are counted and dropped while the
 * plane keeps serving.
 */
class DataPlaneIntegrityTest
{
    private final MapExtentStore storeA = new MapExtentStore();
    private final MapExtentStore storeB = new MapExtentStore();
    private DataPlane planeA;
    private DataPlane planeB;
    private RawPeer rawPeer;

    @BeforeEach
    void setUp()
    {
        planeA = DataPlane.launch(TestPlanes.context(storeA));
        planeB = DataPlane.launch(TestPlanes.context(storeB));
        rawPeer = new RawPeer();
    }

    @AfterEach
    void tearDown()
    {
        for (final AutoCloseable closeable : new AutoCloseable[]{ planeA, planeB, rawPeer })
        {
            try
            {
                if (null != closeable)
                {
                    closeable.close();
                }
            }
            catch (final Exception ex)
            {
                throw new IllegalStateException(ex);
            }
        }
    }

    @Test
    void pushWithCorruptedChunkIsRefusedAndNothingIsStored()
    {
        final byte[] value = TestPlanes.randomBytes(MIB, 3);
        final long transferId = 0x7700_0001L;
        final ExclusivePublication toB = rawPeer.connect(planeB.localEndpoint());
        final UnsafeBuffer frame = new UnsafeBuffer(ByteBuffer.allocateDirect(16 * 1024));

        final PutExtentFlyweight begin = new PutExtentFlyweight();
        begin.wrap(frame, 0, frame.capacity());
        final int beginLength = begin.encode(transferId, 0, "bucket/corrupt", value.length, crc32c(value), 10_000,
            TransferClass.REPLICATION, ReplyMedia.UDP, "127.0.0.1", rawPeer.replyPort(),
            MoverConfiguration.STREAM_ID_DEFAULT);
        rawPeer.send(toB, frame, 0, beginLength);
        final AckFlyweight ack = new AckFlyweight();
        ack.wrap(rawPeer.await(f -> RawPeer.is(f, MessageType.ACK, transferId)));
        assertEquals(0, ack.ackedOffset(), "a new transfer starts at offset 0");

        // Stream the extent with one byte flipped in the middle chunk: lengths and offsets all correct.
        final byte[] corrupted = value.clone();
        corrupted[value.length / 2] ^= 0x5A;
        sendChunks(toB, frame, transferId, corrupted, 4096);

        final ErrorFlyweight error = new ErrorFlyweight();
        error.wrap(rawPeer.await(f -> RawPeer.is(f, MessageType.ERROR, transferId)));
        assertEquals(MoverErrorCode.CRC_MISMATCH, MoverErrorCode.get(error.code()));
        assertEquals(1, planeB.counters().crcMismatches.get());
        assertEquals(0, storeB.stores.get());
        assertNull(storeB.get("bucket/corrupt"));
        assertEquals(0, planeB.counters().agentErrors.get());
    }

    @Test
    void fetchAnsweredWithCorruptedChunkFailsAndCounts() throws Exception
    {
        final byte[] value = TestPlanes.randomBytes(2 * MIB + 17, 5);
        final CompletableFuture<ByteBuffer> fetch = planeA.fetch(rawPeer.endpoint(), "bucket/served-badly");

        // Act as the server: take A's GET_EXTENT, answer with the right CRC but a corrupted byte.
        final GetExtentFlyweight request = new GetExtentFlyweight();
        request.wrap(rawPeer.await(f -> new UnsafeBuffer(f).getByte(1) == MessageType.GET_EXTENT.id()));
        assertEquals(FrameRejection.NONE, request.validate());
        assertEquals("bucket/served-badly", request.key());
        final long transferId = request.transferId();
        final ExclusivePublication toA = rawPeer.connect(
            MoverEndpoint.udp(request.replyHost(), request.replyPort(), request.replyStreamId()));
        final UnsafeBuffer frame = new UnsafeBuffer(ByteBuffer.allocateDirect(16 * 1024));
        final PutExtentFlyweight begin = new PutExtentFlyweight();
        begin.wrap(frame, 0, frame.capacity());
        final int beginLength = begin.encode(transferId, PutExtentFlyweight.FLAG_REPLY, "bucket/served-badly",
            value.length, crc32c(value), 10_000, TransferClass.CLIENT_READ, ReplyMedia.UDP, "127.0.0.1",
            rawPeer.replyPort(), MoverConfiguration.STREAM_ID_DEFAULT);
        rawPeer.send(toA, frame, 0, beginLength);
        final byte[] corrupted = value.clone();
        corrupted[value.length - 1] ^= 1;
        sendChunks(toA, frame, transferId, corrupted, 8000);

        final ExecutionException failure = assertThrows(ExecutionException.class, () -> fetch.get(20, TimeUnit.SECONDS));
        assertEquals(MoverErrorCode.CRC_MISMATCH, assertInstanceOf(MoverException.class, failure.getCause()).code());
        assertEquals(1, planeA.counters().crcMismatches.get());
        final ErrorFlyweight error = new ErrorFlyweight();
        error.wrap(rawPeer.await(f -> RawPeer.is(f, MessageType.ERROR, transferId)));
        assertEquals(MoverErrorCode.CRC_MISMATCH, MoverErrorCode.get(error.code()));
        assertEquals(0, planeA.counters().inFlightBytes.get(), "the assembly buffer must be released");
    }

    @Test
    void thousandsOfMalformedFramesAreCountedDroppedAndThePlaneKeepsServing() throws Exception
    {
        final ExclusivePublication toB = rawPeer.connect(planeB.localEndpoint());
        final UnsafeBuffer frame = new UnsafeBuffer(ByteBuffer.allocateDirect(64 * 1024));
        final Random random = new Random(42);
        final int frames = 5000;
        for (int i = 0; i < frames; i++)
        {
            final int length = malformedFrame(frame, random, i);
            rawPeer.send(toB, frame, 0, length);
        }
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (planeB.counters().framesReceived.get() < frames && System.nanoTime() < deadline)
        {
            Thread.sleep(10);
        }

        final MoverCounters counters = planeB.counters();
        assertEquals(frames, counters.framesReceived.get(), "Aeron delivers every frame");
        assertEquals(0, counters.agentErrors.get());
        assertEquals(frames, counters.framesRejected.get() + counters.unknownTransfers.get(),
            "every frame is rejected as malformed or names no transfer: " + counters);
        assertTrue(counters.rejections(FrameRejection.SHORT_FRAME) > 0);
        assertTrue(counters.rejections(FrameRejection.UNSUPPORTED_VERSION) > 0);
        assertTrue(counters.rejections(FrameRejection.UNKNOWN_TYPE) > 0);
        assertTrue(counters.rejections(FrameRejection.BAD_LENGTH) > 0);
        assertTrue(counters.rejections(FrameRejection.OVERSIZED) > 0);
        assertTrue(counters.unknownTransfers.get() > 0);
        assertEquals(0, storeB.stores.get(), "nothing may be stored");
        assertEquals(0, counters.inFlightBytes.get());

        // Still serving in both directions.
        final byte[] value = TestPlanes.randomBytes(3 * MIB, 9);
        storeB.put("bucket/after-fuzz", value);
        assertArrayEquals(value, TestPlanes.bytes(
            planeA.fetch(planeB.localEndpoint(), "bucket/after-fuzz").get(20, TimeUnit.SECONDS)));
        planeA.push(planeB.localEndpoint(), "bucket/pushed-after-fuzz", TestPlanes.direct(value))
            .get(20, TimeUnit.SECONDS);
        assertArrayEquals(value, storeB.get("bucket/pushed-after-fuzz"));
    }

    @Test
    void abandonedPushesAreDroppedAndPeerTransfersAreCapped() throws Exception
    {
        final MapExtentStore store = new MapExtentStore();
        try (DataPlane plane = DataPlane.launch(TestPlanes.context(store)
            .resumeTimeoutNs(TimeUnit.MILLISECONDS.toNanos(100))
            .connectionTimeoutNs(TimeUnit.MILLISECONDS.toNanos(250))
            .maxPeerTransfers(2)))
        {
            final ExclusivePublication toPlane = rawPeer.connect(plane.localEndpoint());
            final UnsafeBuffer frame = new UnsafeBuffer(ByteBuffer.allocateDirect(4096));
            final PutExtentFlyweight begin = new PutExtentFlyweight();
            for (long id = 1; id <= 3; id++)
            {
                begin.wrap(frame, 0, frame.capacity());
                final int length = begin.encode(id, 0, "bucket/abandoned-" + id, MIB, 0, 60_000,
                    TransferClass.REPLICATION, ReplyMedia.UDP, "127.0.0.1", rawPeer.replyPort(),
                    MoverConfiguration.STREAM_ID_DEFAULT);
                rawPeer.send(toPlane, frame, 0, length);
            }
            rawPeer.await(f -> RawPeer.is(f, MessageType.ACK, 1));
            rawPeer.await(f -> RawPeer.is(f, MessageType.ACK, 2));
            final ErrorFlyweight error = new ErrorFlyweight();
            error.wrap(rawPeer.await(f -> RawPeer.is(f, MessageType.ERROR, 3)));
            assertEquals(MoverErrorCode.BUSY, MoverErrorCode.get(error.code()), "the third exceeds the cap");
            awaitValue(() -> plane.counters().inFlightBytes.get(), 2L * MIB);

            // The pusher never sends a chunk: after the idle limit (1 s here) both receipts are dropped.
            awaitValue(() -> plane.counters().inFlightBytes.get(), 0);
            assertEquals(2, plane.counters().timeouts.get());
            assertEquals(0, store.stores.get());
        }
    }

    private static void awaitValue(final java.util.function.LongSupplier value, final long expected)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (value.getAsLong() != expected && System.nanoTime() < deadline)
        {
            Thread.sleep(5);
        }
        assertEquals(expected, value.getAsLong());
    }

    /**
     * A frame that must never reach a transfer: random bytes, truncated or over-long messages, bad versions and
     * types, oversized lengths, and well-formed chunks, acks and errors for transfers that do not exist.
     */
    private static int malformedFrame(final UnsafeBuffer frame, final Random random, final int i)
    {
        final long id = random.nextLong();
        switch (i % 8)
        {
            case 0:
            {
                final int length = 1 + random.nextInt(200);
                for (int j = 0; j < length; j++)
                {
                    frame.putByte(j, (byte)random.nextInt());
                }
                frame.putByte(0, (byte)(2 + random.nextInt(100)));
                return length;
            }
            case 1:
                return 1 + random.nextInt(MessageFlyweight.HEADER_LENGTH - 1);

            case 2:
            {
                final AckFlyweight ack = new AckFlyweight();
                ack.wrap(frame, 0, frame.capacity());
                ack.encode(id, 0, 0);
                frame.putByte(MessageFlyweight.TYPE_OFFSET, (byte)(6 + random.nextInt(200)));
                return AckFlyweight.LENGTH;
            }
            case 3:
            {
                final ExtentChunkFlyweight chunk = new ExtentChunkFlyweight();
                chunk.wrap(frame, 0, frame.capacity());
                chunk.encodeHeader(id, 0, 1 << 20);
                return ExtentChunkFlyweight.HEADER_LENGTH + 1000;
            }
            case 4:
            {
                final PutExtentFlyweight put = new PutExtentFlyweight();
                put.wrap(frame, 0, frame.capacity());
                final int length = put.encode(id, 0, "bucket/huge", Long.MAX_VALUE / 2, 0, 1000,
                    TransferClass.CLIENT_READ, ReplyMedia.UDP, "127.0.0.1", 9, 1);
                return random.nextBoolean() ? length : length - 1 - random.nextInt(10);
            }
            case 5:
            {
                final ExtentChunkFlyweight chunk = new ExtentChunkFlyweight();
                chunk.wrap(frame, 0, frame.capacity());
                final int payload = 1 + random.nextInt(4000);
                chunk.encodeHeader(id, random.nextInt(1 << 20), payload);
                return ExtentChunkFlyweight.HEADER_LENGTH + payload;
            }
            case 6:
            {
                final AckFlyweight ack = new AckFlyweight();
                ack.wrap(frame, 0, frame.capacity());
                return ack.encode(id, random.nextInt(4), random.nextInt(1 << 20));
            }
            default:
            {
                final ErrorFlyweight error = new ErrorFlyweight();
                error.wrap(frame, 0, frame.capacity());
                return error.encode(id, MoverErrorCode.CANCELLED, "fuzz " + i);
            }
        }
    }

    private void sendChunks(
        final ExclusivePublication publication,
        final UnsafeBuffer frame,
        final long transferId,
        final byte[] bytes,
        final int chunkLength)
    {
        final ExtentChunkFlyweight chunk = new ExtentChunkFlyweight();
        final UnsafeBuffer source = new UnsafeBuffer(bytes);
        for (int offset = 0; offset < bytes.length; offset += chunkLength)
        {
            final int length = Math.min(chunkLength, bytes.length - offset);
            chunk.wrap(frame, 0, frame.capacity());
            final int frameLength = chunk.encode(transferId, offset, source, offset, length);
            rawPeer.send(publication, frame, 0, frameLength);
        }
    }

    private static int crc32c(final byte[] bytes)
    {
        final CRC32C crc = new CRC32C();
        crc.update(bytes);
        return (int)crc.getValue();
    }
}
