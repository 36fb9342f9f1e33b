package dev.terrace.node.cluster.handoff;

import dev.terrace.node.cluster.ClusterRuntime;
import dev.terrace.node.cluster.SlotAllocation;
import dev.terrace.node.cluster.SlotEntity;
import dev.terrace.node.store.ItemMeta;
import dev.terrace.node.store.NodeStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The sending side of a slot hand-off: streams the slot's items to the next owner over HTTP, then a second pass with
 * what was written meanwhile (the slot keeps serving here until the hand-off ends), then forgets the local copies.
 * The next owner is the rendezvous choice among the other members, which is where the coordinator moves the slot.
 * Hot-data moves use HTTP streaming until the Aeron data plane carries them.
 */
public final class SlotHandOff implements SlotEntity.HandOffWork
{
    private static final Logger LOG = LoggerFactory.getLogger(SlotHandOff.class);
    private static final int ATTEMPTS = 6;

    private final NodeStore store;
    private final Supplier<ClusterRuntime> cluster;
    private final int slots;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicLong slotsMoved = new AtomicLong();
    private final AtomicLong itemsMoved = new AtomicLong();
    private final AtomicLong bytesMoved = new AtomicLong();

    public SlotHandOff(final NodeStore store, final Supplier<ClusterRuntime> cluster, final int slots)
    {
        this.store = store;
        this.cluster = cluster;
        this.slots = slots;
    }

    public long slotsMoved()
    {
        return slotsMoved.get();
    }

    public long itemsMoved()
    {
        return itemsMoved.get();
    }

    /** Extent bytes streamed to other nodes by hand-offs. */
    public long bytesMoved()
    {
        return bytesMoved.get();
    }

    @Override
    public void handOff(final int slot)
    {
        final ClusterRuntime runtime = cluster.get();
        final List<ItemMeta> items = store.itemsInSlot(slot, slots);
        if (items.isEmpty() || runtime == null)
        {
            return;
        }
        final List<String> others = new ArrayList<>(runtime.memberNodeIds());
        others.remove(runtime.selfId());
        if (others.isEmpty())
        {
            LOG.warn("slot {} handed off with no other member up; its {} items stay here", slot, items.size());
            return;
        }
        final String target = SlotAllocation.ownerOf(slot, others);
        final String endpoint = runtime.httpEndpointOf(target);
        if (endpoint == null)
        {
            LOG.warn("slot {}: next owner {} has no HTTP endpoint; its {} items stay here", slot, target, items.size());
            return;
        }
        final long firstPassGeneration = store.nextGeneration();
        if (!push(slot, endpoint, items))
        {
            return;
        }
        final List<ItemMeta> written = new ArrayList<>();
        for (final ItemMeta meta : store.itemsInSlot(slot, slots))
        {
            if (Long.compareUnsigned(meta.generation(), firstPassGeneration) >= 0)
            {
                written.add(meta);
            }
        }
        if (!written.isEmpty() && !push(slot, endpoint, written))
        {
            return;
        }
        for (final ItemMeta meta : store.itemsInSlot(slot, slots))
        {
            store.forget(meta);
        }
        slotsMoved.incrementAndGet();
        LOG.debug("slot {} handed off to {}", slot, target);
    }

    private boolean push(final int slot, final String endpoint, final List<ItemMeta> items)
    {
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++)
        {
            final SlotExportStream[] stream = new SlotExportStream[1];
            try
            {
                final HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create(endpoint + "/internal/v1/slots/" + slot + "/import"))
                    .timeout(Duration.ofMinutes(5))
                    .header("Content-Type", "application/octet-stream")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() ->
                    {
                        stream[0] = new SlotExportStream(store, items);
                        return stream[0];
                    }))
                    .build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200)
                {
                    itemsMoved.addAndGet(stream[0].itemsWritten());
                    bytesMoved.addAndGet(stream[0].dataBytesWritten());
                    return true;
                }
                LOG.warn("slot {} hand-off to {} answered {}: {}", slot, endpoint, response.statusCode(), response.body());
            }
            catch (final java.io.IOException ex)
            {
                LOG.warn("slot {} hand-off to {} failed (attempt {}): {}", slot, endpoint, attempt, ex.toString());
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return false;
            }
            try
            {
                // 0.5, 1, 2, 4, 8 s: a node that just joined may still be starting its HTTP server.
                Thread.sleep(500L << (attempt - 1));
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        LOG.error("slot {} hand-off to {} failed; the slot's data stays on this node", slot, endpoint);
        return false;
    }
}
