package dev.terrace.mover;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static dev.terrace.mover.TestPlanes.MIB;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The serving plane schedules by the class each request carries: a client read overtakes a demotion that started
 * first under a shared global budget, the demotion still progresses, transfers of one class share its budget, and
 * the transfers snapshot shows it all.
 */
class DataPlaneSchedulingTest
{
    private DataPlane client;
    private DataPlane server;

    @AfterEach
    void tearDown()
    {
        if (null != client)
        {
            client.close();
        }
        if (null != server)
        {
            server.close();
        }
    }

    @Test
    void clientReadOvertakesDemotionUnderTheGlobalBudget() throws Exception
    {
        final MapExtentStore store = new MapExtentStore();
        final byte[] cold = TestPlanes.randomBytes(6 * MIB, 1);
        final byte[] hot = TestPlanes.randomBytes(6 * MIB, 2);
        store.put("bucket/cold", cold);
        store.put("bucket/hot", hot);
        final TransferScheduler scheduler = new TransferScheduler(new TransferScheduler.Config()
            .bytesPerSecond(16L * MIB, 256 * 1024)
            .budget(TransferClass.DEMOTION, new TransferBudget(2, Long.MAX_VALUE, Long.MAX_VALUE, MIB)),
            System.nanoTime());
        server = DataPlane.launch(TestPlanes.context(store).scheduler(scheduler));
        client = DataPlane.launch(TestPlanes.context(new MapExtentStore()));

        final long start = System.nanoTime();
        final CompletableFuture<ByteBuffer> demotion = client.fetch(
            server.localEndpoint(), "bucket/cold", 0, -1, TransferOptions.of(TransferClass.DEMOTION));
        Thread.sleep(150);
        final CompletableFuture<ByteBuffer> read = client.fetch(
            server.localEndpoint(), "bucket/hot", 0, -1, TransferOptions.of(TransferClass.CLIENT_READ));
        final AtomicLong readDoneNs = new AtomicLong();
        final AtomicLong demotionDoneNs = new AtomicLong();
        read.thenRun(() -> readDoneNs.set(System.nanoTime()));
        demotion.thenRun(() -> demotionDoneNs.set(System.nanoTime()));

        assertArrayEquals(hot, TestPlanes.bytes(read.get(30, TimeUnit.SECONDS)));
        assertArrayEquals(cold, TestPlanes.bytes(demotion.get(30, TimeUnit.SECONDS)));
        awaitNonZero(readDoneNs);
        awaitNonZero(demotionDoneNs);
        assertTrue(readDoneNs.get() < demotionDoneNs.get(), "the client read must finish first");
        final long readMs = TimeUnit.NANOSECONDS.toMillis(readDoneNs.get() - start);
        assertTrue(readMs < 1500, "6 MiB at ~16 MiB/s took " + readMs + "ms");

        final List<TransferSnapshot> rows = server.transfers();
        final TransferSnapshot hotRow = row(rows, "bucket/hot");
        final TransferSnapshot coldRow = row(rows, "bucket/cold");
        assertEquals(TransferClass.CLIENT_READ, hotRow.transferClass());
        assertEquals(TransferClass.DEMOTION, coldRow.transferClass());
        assertEquals(TransferState.SUCCEEDED, hotRow.state());
        assertEquals(6L * MIB, coldRow.bytesTotal());
        assertEquals(6L * MIB, coldRow.bytesDone());
    }

    @Test
    void transfersOfOneClassShareItsBudget() throws Exception
    {
        final MapExtentStore store = new MapExtentStore();
        final byte[] first = TestPlanes.randomBytes(3 * MIB, 3);
        final byte[] second = TestPlanes.randomBytes(3 * MIB, 4);
        store.put("bucket/first", first);
        store.put("bucket/second", second);
        final TransferScheduler scheduler = new TransferScheduler(new TransferScheduler.Config()
            .budget(TransferClass.PREFETCH, TransferBudget.of(4, 8L * MIB)), System.nanoTime());
        server = DataPlane.launch(TestPlanes.context(store).scheduler(scheduler));
        client = DataPlane.launch(TestPlanes.context(new MapExtentStore()));

        final long start = System.nanoTime();
        final CompletableFuture<ByteBuffer> a = client.fetch(
            server.localEndpoint(), "bucket/first", 0, -1, TransferOptions.of(TransferClass.PREFETCH));
        final CompletableFuture<ByteBuffer> b = client.fetch(
            server.localEndpoint(), "bucket/second", 0, -1, TransferOptions.of(TransferClass.PREFETCH));
        final AtomicLong aDone = new AtomicLong();
        final AtomicLong bDone = new AtomicLong();
        a.thenRun(() -> aDone.set(System.nanoTime()));
        b.thenRun(() -> bDone.set(System.nanoTime()));

        assertArrayEquals(first, TestPlanes.bytes(a.get(30, TimeUnit.SECONDS)));
        assertArrayEquals(second, TestPlanes.bytes(b.get(30, TimeUnit.SECONDS)));
        awaitNonZero(aDone);
        awaitNonZero(bDone);
        final double aMs = (aDone.get() - start) / 1e6;
        final double bMs = (bDone.get() - start) / 1e6;
        assertTrue(Math.min(aMs, bMs) > 0.6 * Math.max(aMs, bMs), "taking turns: " + aMs + "ms vs " + bMs + "ms");
        assertTrue(Math.max(aMs, bMs) > 500, "6 MiB at 8 MiB/s cannot finish in " + Math.max(aMs, bMs) + "ms");
    }

    private static TransferSnapshot row(final List<TransferSnapshot> rows, final String key)
    {
        return rows.stream().filter(r -> r.key().equals(key)).findFirst()
            .orElseThrow(() -> new AssertionError("no row for " + key + " in " + rows));
    }

    private static void awaitNonZero(final AtomicLong value) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (value.get() == 0 && System.nanoTime() < deadline)
        {
            Thread.sleep(1);
        }
    }
}
