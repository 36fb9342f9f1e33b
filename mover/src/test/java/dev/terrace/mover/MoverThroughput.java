package dev.terrace.mover;

import io.aeron.Aeron;
import io.aeron.ChannelUriStringBuilder;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.logbuffer.FragmentHandler;
import org.agrona.CloseHelper;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures node-to-node extent streaming between two data planes in this JVM over loopback UDP, and, as a baseline
 * in the same run, raw Aeron throughput between two embedded drivers with the same MTU, term length, threading and
 * message size as the mover's chunks. Not a test: a tool for comparing against Aeron's own samples.
 * <pre>
 * java -cp ... dev.terrace.mover.MoverThroughput [seconds=5] [extentMiB=4] [concurrency=4] [mode=fetch|push]
 *     [mtu=8192] [termLength=4194304]
 * </pre>
 */
public final class MoverThroughput
{
    private static final int MIB = 1024 * 1024;

    private MoverThroughput()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        final int extentMiB = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        final int concurrency = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        final String mode = args.length > 3 ? args[3] : "fetch";
        final int mtu = args.length > 4 ? Integer.parseInt(args[4]) : MoverConfiguration.MTU_LENGTH_DEFAULT;
        final int termLength = args.length > 5 ? Integer.parseInt(args[5]) : MoverConfiguration.TERM_LENGTH_DEFAULT;

        final double mover = moverThroughput(seconds, extentMiB, concurrency, mode, mtu, termLength);
        final int messageLength = mtu - 32;
        final double raw = rawAeronThroughput(seconds, messageLength, mtu, termLength);
        System.out.printf("mover %s: %.1f MiB/s (%d MiB extents, concurrency %d, mtu %d, term %d, SHARED, backoff)%n",
            mode, mover, extentMiB, concurrency, mtu, termLength);
        System.out.printf("raw aeron: %.1f MiB/s (%d-byte messages, same settings)%n", raw, messageLength);
        System.out.printf("ratio: %.2f%n", mover / raw);
    }

    static double moverThroughput(
        final int seconds,
        final int extentMiB,
        final int concurrency,
        final String mode,
        final int mtu,
        final int termLength) throws Exception
    {
        final MapExtentStore serverStore = new MapExtentStore();
        final byte[] value = TestPlanes.randomBytes(extentMiB * MIB, 1);
        serverStore.put("bench/extent", value);
        final ByteBuffer extent = TestPlanes.direct(value);
        try (DataPlane server = DataPlane.launch(context(serverStore, mtu, termLength));
            DataPlane client = DataPlane.launch(context(new MapExtentStore(), mtu, termLength)))
        {
            final AtomicLong bytes = new AtomicLong();
            final AtomicBoolean running = new AtomicBoolean(true);
            final List<CompletableFuture<Void>> loops = new ArrayList<>();
            // Warm up, then measure.
            runFor(client, server, extent, mode, concurrency, 1, new AtomicLong());
            final long start = System.nanoTime();
            final long cpuStart = processCpuNs();
            for (int i = 0; i < concurrency; i++)
            {
                loops.add(loop(client, server, extent, mode, "bench/" + i, running, bytes));
            }
            Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
            running.set(false);
            CompletableFuture.allOf(loops.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
            final double elapsed = (System.nanoTime() - start) / 1e9;
            final double cpuSeconds = (processCpuNs() - cpuStart) / 1e9;
            System.out.printf("mover: %.2f CPU-seconds per GiB moved%n", cpuSeconds / (bytes.get() / (double)(1L << 30)));
            return bytes.get() / (double)MIB / elapsed;
        }
    }

    private static void runFor(
        final DataPlane client,
        final DataPlane server,
        final ByteBuffer extent,
        final String mode,
        final int concurrency,
        final int seconds,
        final AtomicLong bytes) throws Exception
    {
        final AtomicBoolean running = new AtomicBoolean(true);
        final List<CompletableFuture<Void>> loops = new ArrayList<>();
        for (int i = 0; i < concurrency; i++)
        {
            loops.add(loop(client, server, extent, mode, "warm/" + i, running, bytes));
        }
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
        running.set(false);
        CompletableFuture.allOf(loops.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
    }

    private static CompletableFuture<Void> loop(
        final DataPlane client,
        final DataPlane server,
        final ByteBuffer extent,
        final String mode,
        final String key,
        final AtomicBoolean running,
        final AtomicLong bytes)
    {
        if (!running.get())
        {
            return CompletableFuture.completedFuture(null);
        }
        return loop(client, server, extent, mode, key, running, bytes, ByteBuffer.allocateDirect(extent.remaining()));
    }

    private static CompletableFuture<Void> loop(
        final DataPlane client,
        final DataPlane server,
        final ByteBuffer extent,
        final String mode,
        final String key,
        final AtomicBoolean running,
        final AtomicLong bytes,
        final ByteBuffer destination)
    {
        if (!running.get())
        {
            return CompletableFuture.completedFuture(null);
        }
        // Each loop reuses one destination buffer: the allocation-free fetch path.
        final CompletableFuture<?> step = "push".equals(mode) ?
            client.push(server.localEndpoint(), key, extent) :
            client.fetch(server.localEndpoint(), "bench/extent", 0, -1, TransferOptions.defaults(), destination);
        return step.thenCompose(ignored ->
        {
            bytes.addAndGet(extent.remaining());
            return loop(client, server, extent, mode, key, running, bytes, destination);
        });
    }

    private static long processCpuNs()
    {
        return ((com.sun.management.OperatingSystemMXBean)java.lang.management.ManagementFactory
            .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static MoverContext context(final MapExtentStore store, final int mtu, final int termLength)
    {
        return new MoverContext()
            .bindEndpoint("127.0.0.1:0")
            .mtuLength(mtu)
            .termLength(termLength)
            .receiverWindowLength(Math.min(termLength / 2, MoverConfiguration.RECEIVER_WINDOW_LENGTH_DEFAULT))
            .extentSource(store)
            .extentSink(store);
    }

    /** Two embedded drivers, one UDP publication to one subscription, messages offered as fast as accepted. */
    static double rawAeronThroughput(final int seconds, final int messageLength, final int mtu, final int termLength)
        throws Exception
    {
        final MediaDriver sender = launchDriver(mtu, termLength);
        final MediaDriver receiver = launchDriver(mtu, termLength);
        final Aeron senderClient = Aeron.connect(new Aeron.Context()
            .aeronDirectoryName(sender.aeronDirectoryName()).idleStrategy(new BackoffIdleStrategy()));
        final Aeron receiverClient = Aeron.connect(new Aeron.Context()
            .aeronDirectoryName(receiver.aeronDirectoryName()).idleStrategy(new BackoffIdleStrategy()));
        try
        {
            final Subscription subscription = receiverClient.addSubscription("aeron:udp?endpoint=127.0.0.1:0", 10);
            String endpoint;
            while ((endpoint = subscription.resolvedEndpoint()) == null)
            {
                Thread.sleep(1);
            }
            final ExclusivePublication publication = senderClient.addExclusivePublication(
                new ChannelUriStringBuilder().media("udp").endpoint(endpoint).mtu(mtu).termLength(termLength)
                    .sparse(Boolean.TRUE).build(), 10);
            while (!publication.isConnected())
            {
                Thread.sleep(1);
            }
            final AtomicBoolean running = new AtomicBoolean(true);
            final AtomicLong received = new AtomicLong();
            final Thread poller = new Thread(() ->
            {
                final BackoffIdleStrategy idle = new BackoffIdleStrategy();
                final FragmentHandler handler = (buffer, offset, length, header) -> received.addAndGet(length);
                while (running.get())
                {
                    idle.idle(subscription.poll(handler, 64));
                }
            });
            poller.start();
            final UnsafeBuffer message = new UnsafeBuffer(ByteBuffer.allocateDirect(messageLength));
            final BackoffIdleStrategy idle = new BackoffIdleStrategy();
            final long start = System.nanoTime();
            final long end = start + TimeUnit.SECONDS.toNanos(seconds + 1);
            final long measureFrom = start + TimeUnit.SECONDS.toNanos(1);
            long receivedAtMeasureStart = -1;
            long cpuStart = 0;
            while (System.nanoTime() < end)
            {
                if (receivedAtMeasureStart < 0 && System.nanoTime() >= measureFrom)
                {
                    receivedAtMeasureStart = received.get();
                    cpuStart = processCpuNs();
                }
                idle.idle(publication.offer(message, 0, messageLength) > 0 ? 1 : 0);
            }
            final long total = received.get() - Math.max(0, receivedAtMeasureStart);
            final double cpuSeconds = (processCpuNs() - cpuStart) / 1e9;
            System.out.printf("raw aeron: %.2f CPU-seconds per GiB moved%n", cpuSeconds / (total / (double)(1L << 30)));
            running.set(false);
            poller.join();
            return total / (double)MIB / seconds;
        }
        finally
        {
            CloseHelper.closeAll(senderClient, receiverClient, sender, receiver);
        }
    }

    private static MediaDriver launchDriver(final int mtu, final int termLength)
    {
        return MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(MoverConfiguration.defaultAeronDirectoryName())
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new BackoffIdleStrategy(
                BackoffIdleStrategy.DEFAULT_MAX_SPINS, BackoffIdleStrategy.DEFAULT_MAX_YIELDS,
                BackoffIdleStrategy.DEFAULT_MIN_PARK_PERIOD_NS, MoverConfiguration.IDLE_MAX_PARK_DEFAULT_NS))
            .mtuLength(mtu)
            .publicationTermBufferLength(termLength)
            .initialWindowLength(Math.min(termLength / 2, MoverConfiguration.RECEIVER_WINDOW_LENGTH_DEFAULT))
            .socketRcvbufLength(MoverConfiguration.SOCKET_BUFFER_LENGTH_DEFAULT)
            .socketSndbufLength(MoverConfiguration.SOCKET_BUFFER_LENGTH_DEFAULT)
            .termBufferSparseFile(true));
    }
}
