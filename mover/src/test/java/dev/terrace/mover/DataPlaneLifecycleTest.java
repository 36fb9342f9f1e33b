package dev.terrace.mover;

import io.aeron.ExclusivePublication;
import io.aeron.driver.ThreadingMode;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static dev.terrace.mover.TestPlanes.MIB;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Start, stop and shape of a data plane: its directory, its threads and their idle cost, IPC clients sharing the
 * node's driver, the INVOKER threading mode, and closing with transfers in flight.
 */
class DataPlaneLifecycleTest
{
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception
    {
        for (int i = closeables.size() - 1; i >= 0; i--)
        {
            closeables.get(i).close();
        }
    }

    @Test
    void closeDeletesTheAeronDirectoryAndIsIdempotent()
    {
        final DataPlane plane = DataPlane.launch(TestPlanes.context(new MapExtentStore()));
        final File dir = new File(plane.aeronDirectoryName());
        assertTrue(dir.isDirectory());
        assertTrue(plane.localEndpoint().port() > 0, "port 0 resolves to the bound port");

        plane.close();
        plane.close();

        assertFalse(dir.exists());
    }

    @Test
    void anIdlePlaneBacksOffInsteadOfSpinning() throws Exception
    {
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final Set<Long> before = new HashSet<>();
        for (final long id : threads.getAllThreadIds())
        {
            before.add(id);
        }
        final DataPlane plane = launch(TestPlanes.context(new MapExtentStore()));
        Thread.sleep(300);
        final List<Long> started = new ArrayList<>();
        final List<String> names = new ArrayList<>();
        for (final long id : threads.getAllThreadIds())
        {
            if (!before.contains(id) && threads.getThreadInfo(id) != null)
            {
                started.add(id);
                names.add(threads.getThreadInfo(id).getThreadName());
            }
        }
        final long cpuBefore = cpu(threads, started);
        final long wallBefore = System.nanoTime();
        Thread.sleep(1000);
        final long cpuNs = cpu(threads, started) - cpuBefore;
        final long wallNs = System.nanoTime() - wallBefore;

        System.out.println("idle plane: " + cpuNs / 1_000 + "us CPU in " + wallNs / 1_000_000 + "ms, threads " + names);
        assertTrue(names.stream().anyMatch(name -> name.equals("terrace-mover")), names.toString());
        assertTrue(started.size() <= 4, "agent, shared driver thread and little else: " + names);
        assertTrue(cpuNs < wallNs / 10, "idle threads used " + cpuNs / 1_000_000 + "ms of CPU in " +
            wallNs / 1_000_000 + "ms: " + names);
        assertEquals(0, plane.counters().agentErrors.get());
    }

    @Test
    void aSameHostClientFetchesAndPushesOverIpcThroughTheNodesDriver() throws Exception
    {
        final MapExtentStore nodeStore = new MapExtentStore();
        final byte[] value = TestPlanes.randomBytes(4 * MIB + 5, 11);
        nodeStore.put("kv/model-a/42", value);
        final DataPlane node = launch(TestPlanes.context(nodeStore));
        final DataPlane client = launch(new MoverContext()
            .launchDriver(false)
            .aeronDirectoryName(node.aeronDirectoryName())
            .udpEnabled(false)
            .resumeTimeoutNs(TimeUnit.MILLISECONDS.toNanos(200))
            .transferDeadlineNs(TimeUnit.SECONDS.toNanos(20)));
        assertNull(client.localEndpoint());

        final ByteBuffer fetched = client.fetch(node.ipcEndpoint(), "kv/model-a/42").get(20, TimeUnit.SECONDS);
        assertArrayEquals(value, TestPlanes.bytes(fetched));

        client.push(node.ipcEndpoint(), "kv/model-a/43", TestPlanes.direct(value)).get(20, TimeUnit.SECONDS);
        assertArrayEquals(value, nodeStore.get("kv/model-a/43"));
        assertEquals(0, node.counters().bytesSent.get() - value.length, "one extent served");
        assertEquals(value.length, node.counters().bytesReceived.get());

        client.close();
        assertTrue(new File(node.aeronDirectoryName()).isDirectory(), "a client must not delete the node's dir");
    }

    @Test
    void aUdpRequestCannotAskForAnIpcReply() throws Exception
    {
        final MapExtentStore store = new MapExtentStore();
        store.put("bucket/k", new byte[100]);
        final DataPlane node = launch(TestPlanes.context(store));
        final RawPeer peer = new RawPeer();
        closeables.add(peer);

        final ExclusivePublication toNode = peer.connect(node.localEndpoint());
        final UnsafeBuffer frame = new UnsafeBuffer(ByteBuffer.allocateDirect(4096));
        final GetExtentFlyweight get = new GetExtentFlyweight();
        get.wrap(frame, 0, frame.capacity());
        final int length = get.encode(
            99, "bucket/k", 0, -1, 0, 5000, TransferClass.CLIENT_READ, ReplyMedia.IPC, "", 0, 4242);
        peer.send(toNode, frame, 0, length);

        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (node.counters().replyMediaMismatches.get() == 0 && System.nanoTime() < deadline)
        {
            Thread.sleep(5);
        }
        assertEquals(1, node.counters().replyMediaMismatches.get());
        assertEquals(0, store.reads.get(), "the request is dropped before any read");
    }

    @Test
    void invokerThreadingRunsTheDriverOnTheAgentThread() throws Exception
    {
        final MapExtentStore store = new MapExtentStore();
        final byte[] value = TestPlanes.randomBytes(2 * MIB, 12);
        store.put("bucket/invoked", value);
        final DataPlane server = launch(TestPlanes.context(store).threadingMode(ThreadingMode.INVOKER));
        final DataPlane client = launch(TestPlanes.context(new MapExtentStore()).threadingMode(ThreadingMode.INVOKER));

        assertArrayEquals(value, TestPlanes.bytes(
            client.fetch(server.localEndpoint(), "bucket/invoked").get(20, TimeUnit.SECONDS)));
    }

    @Test
    void closingWithTransfersInFlightFailsThemAsClosed() throws Exception
    {
        final DataPlane plane = DataPlane.launch(TestPlanes.context(new MapExtentStore()));
        final RawPeer silent = new RawPeer();
        closeables.add(silent);
        final var fetch = plane.fetch(silent.endpoint(), "bucket/never");
        final var push = plane.push(silent.endpoint(), "bucket/never", TestPlanes.direct(new byte[10]));
        Thread.sleep(100);

        plane.close();

        for (final var future : List.of(fetch, push))
        {
            final ExecutionException failure = assertThrows(ExecutionException.class,
                () -> future.get(5, TimeUnit.SECONDS));
            assertEquals(MoverErrorCode.CLOSED, assertInstanceOf(MoverException.class, failure.getCause()).code());
        }
        final ExecutionException late = assertThrows(ExecutionException.class,
            () -> plane.fetch(silent.endpoint(), "bucket/late").get(5, TimeUnit.SECONDS));
        assertEquals(MoverErrorCode.CLOSED, ((MoverException)late.getCause()).code());
    }

    private DataPlane launch(final MoverContext ctx)
    {
        final DataPlane plane = DataPlane.launch(ctx);
        closeables.add(plane);
        return plane;
    }

    private static long cpu(final ThreadMXBean threads, final List<Long> ids)
    {
        long total = 0;
        for (final long id : ids)
        {
            final long cpu = threads.getThreadCpuTime(id);
            if (cpu > 0)
            {
                total += cpu;
            }
        }
        return total;
    }
}
