package dev.terrace.node.hints;

import dev.terrace.mover.TransferClass;
import dev.terrace.mover.TransferExecutor;
import dev.terrace.node.store.ItemMeta;
import dev.terrace.node.store.NodeStore;
import dev.terrace.tier.TierKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Copies hinted items into memory on its own small, fixed pool of threads, never on the node's I/O threads: staging
 * waits on flash or on the capacity tier (tens of milliseconds per S3 request), and with fewer staging threads than
 * I/O threads a burst of prefetch can never occupy the threads that client reads need, while client reads cannot
 * take the staging threads either. Every staging is a {@code prefetch} transfer of the mover's scheduler, so it
 * shows in {@code GET /v1/mover/transfers} and yields to client reads under the node's transfer budgets.
 */
final class HintStager implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(HintStager.class);

    private final NodeStore store;
    private final TransferExecutor mover;
    private final int concurrency;
    private final ExecutorService threads;
    private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();
    private final java.util.function.LongConsumer onDone;
    private final AtomicLong bytesStaged = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();

    /**
     * @param concurrency items staged at once (one thread each).
     * @param onDone      called with the item id when a staging finishes, so the next item starts without waiting
     *                    for a tick.
     */
    HintStager(final NodeStore store, final TransferExecutor mover, final int concurrency,
        final java.util.function.LongConsumer onDone)
    {
        this.store = store;
        this.mover = mover;
        this.concurrency = concurrency;
        this.onDone = onDone;
        final AtomicInteger ids = new AtomicInteger();
        this.threads = Executors.newFixedThreadPool(concurrency, r ->
        {
            final Thread t = new Thread(r, "terrace-hint-stager-" + ids.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Whether another item can start staging now. */
    boolean hasRoom()
    {
        return inFlight.size() < concurrency;
    }

    /** Stagings that could start now. */
    int freeSlots()
    {
        return Math.max(0, concurrency - inFlight.size());
    }

    /** Whether item {@code id} is being staged. */
    boolean staging(final long id)
    {
        return inFlight.contains(id);
    }

    /**
     * Starts staging {@code meta} (item id {@code id}) from {@code source} unless it is already being staged or all
     * staging threads are busy.
     *
     * @return whether it started.
     */
    boolean stage(final long id, final ItemMeta meta, final TierKind source)
    {
        if (!hasRoom() || !inFlight.add(id))
        {
            return false;
        }
        mover.submit(TransferClass.PREFETCH, meta.indexKey(), source.label(), meta.size(),
                ticket -> CompletableFuture.supplyAsync(() -> store.stage(meta), threads))
            .whenComplete((bytes, error) ->
            {
                inFlight.remove(id);
                if (error != null)
                {
                    failures.incrementAndGet();
                    LOG.debug("staging {} failed: {}", meta.indexKey(), error.toString());
                }
                else
                {
                    bytesStaged.addAndGet(bytes);
                }
                onDone.accept(id);
            });
        return true;
    }

    int concurrency()
    {
        return concurrency;
    }

    /** Items being staged now. */
    int staging()
    {
        return inFlight.size();
    }

    /** Bytes copied into memory so far. */
    long bytesStaged()
    {
        return bytesStaged.get();
    }

    /** Stagings that failed (the item is planned again while its hint lasts). */
    long failures()
    {
        return failures.get();
    }

    @Override
    public void close()
    {
        threads.shutdownNow();
        try
        {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
