package dev.terrace.mover;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import static dev.terrace.mover.TestPlanes.MIB;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Transfers broken in the middle (a peer restarts, a subscription closes) resume from the last acknowledged offset
 * instead of starting over, and transfers that cannot finish fail at their deadline. Senders are slowed with a
 * scheduler budget so the break lands mid-transfer.
 */
class DataPlaneResumeTest
{
    private static final int LENGTH = 13 * MIB;
    private static final long SLOW_BYTES_PER_SECOND = 8L * MIB;

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
    void fetchResumesFromReceivedOffsetAfterServerRestarts() throws Exception
    {
        final byte[] value = TestPlanes.randomBytes(LENGTH, 1);
        final MapExtentStore serverStore = new MapExtentStore();
        serverStore.put("bucket/large", value);
        final DataPlane client = launch(TestPlanes.context(new MapExtentStore()));
        final DataPlane server = launch(TestPlanes.context(serverStore)
            .scheduler(slowScheduler(TransferClass.CLIENT_READ)));
        final MoverEndpoint serverEndpoint = server.localEndpoint();

        final CompletableFuture<ByteBuffer> fetch = client.fetch(
            serverEndpoint, "bucket/large", 0, -1, TransferOptions.defaults().withDeadline(Duration.ofSeconds(30)));
        awaitAtLeast(() -> client.counters().bytesReceived.get(), 4L * MIB);
        server.close();
        final long receivedBeforeRestart = client.counters().bytesReceived.get();
        assertTrue(receivedBeforeRestart < LENGTH, "the break must land mid-transfer");

        final DataPlane restarted = launch(TestPlanes.context(serverStore)
            .bindEndpoint("127.0.0.1:" + serverEndpoint.port()));
        final ByteBuffer fetched = fetch.get(30, TimeUnit.SECONDS);

        assertArrayEquals(value, TestPlanes.bytes(fetched));
        assertTrue(client.counters().resumes.get() >= 1);
        final long resent = restarted.counters().bytesSent.get();
        assertTrue(resent <= LENGTH - receivedBeforeRestart + 2L * MIB,
            "the restarted server should send only what was missing: sent " + resent + " after " +
            receivedBeforeRestart + " had arrived");
        assertEquals(LENGTH, client.counters().bytesReceived.get(), "every byte accepted exactly once");
    }

    @Test
    void pushResumesFromAcknowledgedOffsetAfterReceiverSubscriptionReopens() throws Exception
    {
        final byte[] value = TestPlanes.randomBytes(LENGTH, 2);
        final MapExtentStore receiverStore = new MapExtentStore();
        final TransferScheduler scheduler = slowScheduler(TransferClass.REPLICATION);
        final DataPlane sender = launch(TestPlanes.context(new MapExtentStore()).scheduler(scheduler));
        final DataPlane receiver = launch(TestPlanes.context(receiverStore));
        final TransferExecutor executor = new TransferExecutor(scheduler, ForkJoinPool.commonPool());

        final CompletableFuture<Void> push = executor.submit(
            TransferClass.REPLICATION, "bucket/replica", receiver.localEndpoint().toString(), LENGTH,
            ticket -> sender.push(receiver.localEndpoint(), "bucket/replica", TestPlanes.direct(value),
                TransferOptions.of(ticket).withDeadline(Duration.ofSeconds(30))));
        awaitAtLeast(() -> receiver.counters().bytesReceived.get(), 4L * MIB);
        receiver.closeInbound().get(5, TimeUnit.SECONDS);
        final long receivedBeforeBreak = receiver.counters().bytesReceived.get();
        awaitAtLeast(() -> sender.counters().notConnected.get(), 1);
        receiver.openInbound().get(30, TimeUnit.SECONDS);

        push.get(30, TimeUnit.SECONDS);

        assertArrayEquals(value, receiverStore.get("bucket/replica"));
        assertTrue(receivedBeforeBreak < LENGTH);
        assertTrue(sender.counters().resumes.get() >= 1);
        final int chunk = sender.context().chunkLength();
        assertTrue(receiver.counters().duplicateChunks.get() <= MIB / chunk,
            "the sender must resume from the receiver's offset, not from zero: " + receiver.counters());
        assertEquals(LENGTH, receiver.counters().bytesReceived.get());
        assertEquals(1, receiverStore.stores.get());
        final TransferSnapshot row = scheduler.snapshot(System.nanoTime()).stream()
            .filter(s -> s.key().equals("bucket/replica")).findFirst().orElseThrow();
        assertEquals(TransferState.SUCCEEDED, row.state());
        assertEquals(LENGTH, row.bytesDone());
    }

    @Test
    void fetchResumesAfterClientSubscriptionReopens() throws Exception
    {
        final byte[] value = TestPlanes.randomBytes(LENGTH, 3);
        final MapExtentStore serverStore = new MapExtentStore();
        serverStore.put("bucket/large", value);
        final DataPlane client = launch(TestPlanes.context(new MapExtentStore()));
        final DataPlane server = launch(TestPlanes.context(serverStore)
            .scheduler(slowScheduler(TransferClass.PREFETCH)));

        final CompletableFuture<ByteBuffer> fetch = client.fetch(
            server.localEndpoint(), "bucket/large", 0, -1, TransferOptions.of(TransferClass.PREFETCH));
        awaitAtLeast(() -> client.counters().bytesReceived.get(), 4L * MIB);
        client.closeInbound().get(5, TimeUnit.SECONDS);
        awaitAtLeast(() -> server.counters().notConnected.get(), 1);
        client.openInbound().get(30, TimeUnit.SECONDS);

        assertArrayEquals(value, TestPlanes.bytes(fetch.get(30, TimeUnit.SECONDS)));
        final int chunk = client.context().chunkLength();
        // At least 4 MiB had arrived before the break, so a restart from zero would duplicate at least 4 MiB of
        // chunks; resumes from the acknowledged offset duplicate only what was in flight (more resumes on a loaded
        // machine, each re-sending at most its window).
        assertTrue(client.counters().duplicateChunks.get() < 4L * MIB / chunk,
            "resumed near the break, not from zero: " + client.counters());
        assertTrue(server.counters().bytesSent.get() < LENGTH + 4L * MIB, server.counters().toString());
    }

    @Test
    void transfersToAnAbsentPeerFailAtTheirDeadline() throws Exception
    {
        final DataPlane plane = launch(TestPlanes.context(new MapExtentStore()));
        final MoverEndpoint nobody = MoverEndpoint.udp("127.0.0.1", freeUdpPort());
        final TransferOptions options = TransferOptions.defaults().withDeadline(Duration.ofMillis(700));

        final long start = System.nanoTime();
        final ExecutionException fetchFailure = assertThrows(ExecutionException.class,
            () -> plane.fetch(nobody, "bucket/k", 0, -1, options).get(10, TimeUnit.SECONDS));
        final ExecutionException pushFailure = assertThrows(ExecutionException.class,
            () -> plane.push(nobody, "bucket/k", TestPlanes.direct(new byte[1000]), options).get(10, TimeUnit.SECONDS));
        final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertEquals(MoverErrorCode.TIMEOUT, assertInstanceOf(MoverException.class, fetchFailure.getCause()).code());
        assertEquals(MoverErrorCode.TIMEOUT, assertInstanceOf(MoverException.class, pushFailure.getCause()).code());
        assertTrue(elapsedMs >= 1400 && elapsedMs < 5000, "failed after " + elapsedMs + "ms");
        assertEquals(2, plane.counters().timeouts.get());
        assertEquals(0, plane.counters().inFlightBytes.get());
    }

    @Test
    void pushBrokenForGoodFailsWithTheAcknowledgedOffset() throws Exception
    {
        final byte[] value = TestPlanes.randomBytes(LENGTH, 4);
        final TransferScheduler scheduler = slowScheduler(TransferClass.DEMOTION);
        final DataPlane sender = launch(TestPlanes.context(new MapExtentStore()).scheduler(scheduler));
        final DataPlane receiver = launch(TestPlanes.context(new MapExtentStore()));
        final TransferTicket ticket = scheduler.submit(
            TransferClass.DEMOTION, "bucket/doomed", "receiver", LENGTH, System.nanoTime());

        final CompletableFuture<Void> push = sender.push(receiver.localEndpoint(), "bucket/doomed",
            TestPlanes.direct(value), TransferOptions.of(ticket).withDeadline(Duration.ofMillis(2500)));
        awaitAtLeast(() -> receiver.counters().bytesReceived.get(), 2L * MIB);
        receiver.close();

        final ExecutionException failure = assertThrows(ExecutionException.class, () -> push.get(10, TimeUnit.SECONDS));
        final MoverException cause = assertInstanceOf(MoverException.class, failure.getCause());
        assertEquals(MoverErrorCode.TIMEOUT, cause.code());
        assertTrue(cause.bytesAcknowledged() >= MIB && cause.bytesAcknowledged() < LENGTH,
            "acknowledged " + cause.bytesAcknowledged());
        ticket.finish(TransferState.FAILED, System.nanoTime());
    }

    private DataPlane launch(final MoverContext ctx)
    {
        final DataPlane plane = DataPlane.launch(ctx);
        closeables.add(plane);
        return plane;
    }

    private static TransferScheduler slowScheduler(final TransferClass transferClass)
    {
        return new TransferScheduler(
            new TransferScheduler.Config().budget(transferClass, TransferBudget.of(4, SLOW_BYTES_PER_SECOND)),
            System.nanoTime());
    }

    private static void awaitAtLeast(final LongSupplier value, final long threshold) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (value.getAsLong() < threshold)
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("value stayed at " + value.getAsLong() + " < " + threshold);
            }
            Thread.sleep(5);
        }
    }

    private static int freeUdpPort() throws Exception
    {
        try (java.net.DatagramSocket socket = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress()))
        {
            return socket.getLocalPort();
        }
    }
}
