package dev.terrace.mover;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static dev.terrace.mover.TestPlanes.MIB;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two data planes in one JVM talking UDP over loopback: fetch and push of multi-MiB extents, ranges, misses.
 */
class DataPlaneTransferTest
{
    private final MapExtentStore storeA = new MapExtentStore();
    private final MapExtentStore storeB = new MapExtentStore();
    private DataPlane planeA;
    private DataPlane planeB;

    @BeforeEach
    void setUp()
    {
        planeA = DataPlane.launch(TestPlanes.context(storeA));
        planeB = DataPlane.launch(TestPlanes.context(storeB));
    }

    @AfterEach
    void tearDown()
    {
        if (null != planeA)
        {
            planeA.close();
        }
        if (null != planeB)
        {
            planeB.close();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = { 4 * MIB, 13 * MIB, 1, 0 })
    void fetchReturnsIdenticalBytes(final int length) throws Exception
    {
        final byte[] value = TestPlanes.randomBytes(length, length);
        storeB.put("bucket/object#0", value);

        final ByteBuffer fetched = planeA.fetch(planeB.localEndpoint(), "bucket/object#0").get(30, TimeUnit.SECONDS);

        assertTrue(fetched.isDirect());
        assertEquals(0, fetched.position());
        assertArrayEquals(value, TestPlanes.bytes(fetched));
        assertEquals(length, planeA.counters().bytesReceived.get());
        assertEquals(0, planeA.counters().crcMismatches.get());
    }

    @ParameterizedTest
    @ValueSource(ints = { 4 * MIB, 13 * MIB, 1, 0 })
    void pushStoresIdenticalBytes(final int length) throws Exception
    {
        final byte[] value = TestPlanes.randomBytes(length, 31L * length);
        final ByteBuffer extent = TestPlanes.direct(value);

        planeA.push(planeB.localEndpoint(), "bucket/pushed#1", extent).get(30, TimeUnit.SECONDS);

        assertArrayEquals(value, storeB.get("bucket/pushed#1"));
        assertEquals(1, storeB.stores.get());
        assertEquals(0, extent.position(), "push must not move the caller's buffer");
        assertEquals(length, planeB.counters().bytesReceived.get());
    }

    @Test
    void fetchOfRangeReturnsOnlyThoseBytes() throws Exception
    {
        final byte[] value = TestPlanes.randomBytes(5 * MIB, 7);
        storeB.put("bucket/ranged", value);

        final ByteBuffer fetched = planeA.fetch(
            planeB.localEndpoint(), "bucket/ranged", MIB + 3, 2 * MIB, TransferOptions.defaults())
            .get(30, TimeUnit.SECONDS);

        final byte[] expected = new byte[2 * MIB];
        System.arraycopy(value, MIB + 3, expected, 0, expected.length);
        assertArrayEquals(expected, TestPlanes.bytes(fetched));
    }

    @Test
    void fetchIntoACallersBufferAllocatesNothingAndLeavesItsPositionAlone() throws Exception
    {
        final byte[] value = TestPlanes.randomBytes(4 * MIB, 21);
        storeB.put("bucket/into", value);
        final ByteBuffer destination = ByteBuffer.allocateDirect(5 * MIB);
        destination.position(100);

        final ByteBuffer result = planeA.fetch(
            planeB.localEndpoint(), "bucket/into", 0, -1, TransferOptions.defaults(), destination)
            .get(30, TimeUnit.SECONDS);

        assertEquals(100, destination.position());
        assertEquals(value.length, result.remaining());
        assertArrayEquals(value, TestPlanes.bytes(result));
        final byte[] inPlace = new byte[value.length];
        destination.duplicate().position(100).get(inPlace);
        assertArrayEquals(value, inPlace);
        assertEquals(0, planeA.counters().inFlightBytes.get());

        final ByteBuffer heap = ByteBuffer.allocate(value.length);
        assertArrayEquals(value, TestPlanes.bytes(planeA.fetch(
            planeB.localEndpoint(), "bucket/into", 0, -1, TransferOptions.defaults(), heap).get(30, TimeUnit.SECONDS)));
    }

    @Test
    void fetchIntoASmallerBufferFailsAsTooLarge()
    {
        storeB.put("bucket/big", TestPlanes.randomBytes(2 * MIB, 22));

        final ExecutionException failure = assertThrows(ExecutionException.class, () -> planeA.fetch(
            planeB.localEndpoint(), "bucket/big", 0, -1, TransferOptions.defaults(), ByteBuffer.allocateDirect(MIB))
            .get(30, TimeUnit.SECONDS));

        assertEquals(MoverErrorCode.TOO_LARGE, assertInstanceOf(MoverException.class, failure.getCause()).code());
    }

    @Test
    void pushedExtentsReuseTheReceiversAssemblyBuffers() throws Exception
    {
        for (int i = 0; i < 5; i++)
        {
            final byte[] value = TestPlanes.randomBytes(2 * MIB - i, 40 + i);
            planeA.push(planeB.localEndpoint(), "bucket/reuse-" + i, TestPlanes.direct(value)).get(30, TimeUnit.SECONDS);
            assertArrayEquals(value, storeB.get("bucket/reuse-" + i));
        }
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (planeB.counters().pooledBytes.get() == 0 && System.nanoTime() < deadline)
        {
            Thread.sleep(2);
        }
        assertEquals(2L * MIB, planeB.counters().pooledBytes.get(), "one buffer, reused for every push");
    }

    @Test
    void fetchOfMissingKeyFailsWithNotFound()
    {
        final ExecutionException failure = assertThrows(
            ExecutionException.class,
            () -> planeA.fetch(planeB.localEndpoint(), "bucket/absent").get(30, TimeUnit.SECONDS));

        final MoverException cause = assertInstanceOf(MoverException.class, failure.getCause());
        assertEquals(MoverErrorCode.NOT_FOUND, cause.code());
    }

    @Test
    void concurrentTransfersInBothDirectionsAllComplete() throws Exception
    {
        final int count = 8;
        final byte[][] values = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            values[i] = TestPlanes.randomBytes(MIB + i * 4099, 100 + i);
            storeB.put("bucket/fetch-" + i, values[i]);
        }
        final java.util.List<java.util.concurrent.CompletableFuture<?>> futures = new java.util.ArrayList<>();
        final java.util.List<java.util.concurrent.CompletableFuture<ByteBuffer>> fetches = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            fetches.add(planeA.fetch(planeB.localEndpoint(), "bucket/fetch-" + i));
            futures.add(planeB.push(planeA.localEndpoint(), "bucket/push-" + i, TestPlanes.direct(values[i])));
        }
        futures.addAll(fetches);
        java.util.concurrent.CompletableFuture.allOf(futures.toArray(new java.util.concurrent.CompletableFuture<?>[0]))
            .get(60, TimeUnit.SECONDS);

        for (int i = 0; i < count; i++)
        {
            assertArrayEquals(values[i], TestPlanes.bytes(fetches.get(i).get()));
            assertArrayEquals(values[i], storeA.get("bucket/push-" + i));
        }
        assertEquals(0, planeA.counters().inFlightBytes.get());
        assertNotNull(planeA.localEndpoint());
    }
}
