package dev.terrace.node.cluster.ops;

import dev.terrace.client.TerraceClient;
import dev.terrace.client.TerraceException;
import dev.terrace.protocol.Durability;

import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A steady client load while an operator flow runs: one thread that, in turn, writes a small write-through object,
 * writes a cache-class KV block, and reads back one earlier object and one earlier block, checking its SHA-256.
 * Every failed request (after the SDK's own retries) and every wrong read is recorded. What it writes goes into
 * {@link ExpectedItems}, so it is verified again after the flow.
 */
final class SteadyLoad implements AutoCloseable
{
    private static final int MAX_FAILURES_KEPT = 20;

    private final TerraceClient client;
    private final ExpectedItems written;
    private final String prefix;
    private final long pauseMillis;
    private final SplittableRandom random;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final List<String> failures = new ArrayList<>();
    private final List<ExpectedItems.Item> ownObjects = new ArrayList<>();
    private final List<ExpectedItems.Item> ownBlocks = new ArrayList<>();
    private final Thread thread;
    private long maxLatencyNanos;

    /**
     * Starts the load.
     *
     * @param prefix      names this load's objects and blocks, unique per load.
     * @param pauseMillis pause between rounds, so the load stays steady rather than saturating two cores.
     */
    SteadyLoad(final TerraceClient client, final ExpectedItems written, final String prefix, final long seed,
        final long pauseMillis)
    {
        this.client = client;
        this.written = written;
        this.prefix = prefix;
        this.pauseMillis = pauseMillis;
        this.random = new SplittableRandom(seed);
        this.thread = new Thread(this::run, "steady-load-" + prefix);
        thread.setDaemon(true);
        thread.start();
    }

    long requests()
    {
        return requests.get();
    }

    long failed()
    {
        return failed.get();
    }

    synchronized List<String> failures()
    {
        return new ArrayList<>(failures);
    }

    /** The slowest request, in milliseconds (SDK retries included). */
    synchronized long maxLatencyMillis()
    {
        return maxLatencyNanos / 1_000_000;
    }

    /** Stops after the current request and waits for the thread. */
    @Override
    public void close() throws InterruptedException
    {
        running.set(false);
        thread.join(120_000);
        if (thread.isAlive())
        {
            throw new IllegalStateException("the load thread did not stop");
        }
    }

    private void run()
    {
        int round = 0;
        while (running.get())
        {
            final int n = round++;
            request("put object", () ->
            {
                final byte[] data = ExpectedItems.bytes(random, 4096 + random.nextInt(60 * 1024));
                ownObjects.add(written.putObject(client, "load", prefix + "/obj-" + n, data, Durability.WRITE_THROUGH));
            });
            request("put block", () ->
            {
                final byte[] data = ExpectedItems.bytes(random, 4096 + random.nextInt(28 * 1024));
                ownBlocks.add(written.putBlock(client, "load-" + prefix, blockHash(n), data, Durability.CACHE));
            });
            readOne(ownObjects);
            readOne(ownBlocks);
            try
            {
                Thread.sleep(pauseMillis);
            }
            catch (final InterruptedException ex)
            {
                return;
            }
        }
    }

    private void readOne(final List<ExpectedItems.Item> own)
    {
        if (own.isEmpty())
        {
            return;
        }
        final ExpectedItems.Item item = own.get(random.nextInt(own.size()));
        request("get", () ->
        {
            final String problem = written.check(client, item);
            if (problem != null)
            {
                throw new IllegalStateException(problem);
            }
        });
    }

    private static long blockHash(final long n)
    {
        return 0x9E3779B97F4A7C15L * (n + 1);
    }

    private void request(final String what, final Runnable request)
    {
        final long start = System.nanoTime();
        try
        {
            request.run();
        }
        catch (final TerraceException | IllegalStateException ex)
        {
            failed.incrementAndGet();
            synchronized (this)
            {
                if (failures.size() < MAX_FAILURES_KEPT)
                {
                    // Wall-clock time, to match the failure with the node logs.
                    failures.add(LocalTime.now() + " " + what + ": " + ex);
                }
            }
        }
        finally
        {
            requests.incrementAndGet();
            synchronized (this)
            {
                maxLatencyNanos = Math.max(maxLatencyNanos, System.nanoTime() - start);
            }
        }
    }
}
