package dev.terrace.node.sdk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.terrace.client.ClientStats;
import dev.terrace.client.GetResult;
import dev.terrace.client.PutOptions;
import dev.terrace.client.TerraceClient;
import dev.terrace.node.cluster.SlotAllocation;
import dev.terrace.node.testing.NodeProcess;
import dev.terrace.protocol.Durability;
import dev.terrace.protocol.SlotHash;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SDK's slot routing against two real node JVMs on loopback. A node that does not own a slot forwards the
 * request and marks the answer with {@code X-Terrace-Owner}; the client counts those answers
 * ({@link ClientStats#forwardedResponses()}), so a pass with none of them proves every request went straight to
 * its owner. The client is configured with the first node only and must find the second through the slot map:
 * <ol>
 *   <li>one node: the map is loaded lazily, nothing is forwarded;</li>
 *   <li>a second node joins and takes its slots: the client's first pass meets forwarding nodes, refreshes its map
 *       and then sends the second node's items to it directly; a client with slot routing off keeps being
 *       forwarded, one answer per item the second node owns;</li>
 *   <li>the second node is drained and stopped: the client's map still names it, the connections are refused,
 *       the requests fall back to the configured node, the map is refreshed, and the next pass is forward-free
 *       again.</li>
 * </ol>
 * Every object and block is read back and compared byte for byte in every pass.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class SlotRoutingIT
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String BUCKET = "routing";
    private static final String NAMESPACE = "llama-8b";
    private static final int OBJECTS = 64;
    private static final int BLOCKS = 64;
    private static final long[] HASHES = blockHashes();

    @TempDir
    Path dir;

    @Test
    void requestsGoStraightToOwnersAndTheClientAdaptsWhenTheMapChanges() throws Exception
    {
        final Map<String, String> settings = Map.of(
            "terrace.capacity.dir", dir.resolve("capacity").toString(),
            "terrace.memory.capacity", "64MiB",
            "terrace.flash.capacity", "256MiB",
            "terrace.flash.segment-size", "32MiB",
            "terrace.flash.fsync", "false");
        final List<String> jvm = List.of("-Xmx256m");
        final int seedPort = freePort();
        final List<NodeProcess> nodes = new ArrayList<>();
        try
        {
            final NodeProcess first = NodeProcess.start(dir.resolve("n1"), jvm, settings,
                List.of("--cluster-port", Integer.toString(seedPort)));
            nodes.add(first);
            final String endpointA = first.httpEndpoint();
            final String idA = get(endpointA + "/v1/cluster/local").path("nodeId").asText();
            awaitHrwMap(endpointA, List.of(idA));

            try (TerraceClient client = TerraceClient.builder()
                .endpoint(endpointA)
                .maxRetries(10)
                .backoffMax(Duration.ofSeconds(2))
                .requestTimeout(Duration.ofSeconds(30))
                .build())
            {
                // 1. One node: writes load the map lazily; reads are never forwarded.
                final PutOptions writeThrough = PutOptions.durability(Durability.WRITE_THROUGH);
                for (int i = 0; i < OBJECTS; i++)
                {
                    client.put(BUCKET, key(i), payload(i), writeThrough);
                }
                for (int i = 0; i < BLOCKS; i++)
                {
                    client.putBlock(NAMESPACE, HASHES[i], block(i), writeThrough);
                }
                awaitClientMap(client);
                final Pass single = readAll(client);
                assertEquals(0, single.forwarded(), "one node owns everything");
                assertEquals(OBJECTS + BLOCKS, single.toOwner(), "every read went to the owner by the map");

                System.out.println("slot routing IT: step 2, a second node joins");
                // 2. A second node joins and takes its rendezvous share of the slots.
                final NodeProcess second = NodeProcess.start(dir.resolve("n2"), jvm, settings,
                    List.of("--cluster-port", "0", "--seed", "127.0.0.1:" + seedPort));
                nodes.add(second);
                final String endpointB = second.httpEndpoint();
                final String idB = get(endpointB + "/v1/cluster/local").path("nodeId").asText();
                final JsonNode joined = awaitHrwMap(endpointA, List.of(idA, idB));
                final int ownedByB = itemsOwnedBy(joined, idB);
                assertTrue(ownedByB > 0 && ownedByB < OBJECTS + BLOCKS, "node B owns some items: " + ownedByB);

                System.out.println("slot routing IT: slots settled on two nodes");
                final long epochBefore = client.stats().slotMapEpoch();
                final long adaptStart = System.nanoTime();
                final Pass stale = readAll(client);
                assertTrue(stale.forwarded() > 0, "the client's one-node map is stale: node A forwarded");
                final Pass direct = awaitForwardFreePass(client);
                final long adaptMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - adaptStart);
                assertEquals(OBJECTS + BLOCKS, direct.toOwner(), "every read went to its owner, B's to B");
                assertEquals(0, direct.fallback());
                assertNotEquals(epochBefore, client.stats().slotMapEpoch(), "the client took the new map");
                assertEquals(1024, client.stats().routableSlots());

                // A client that does not route is forwarded once for every item B owns.
                try (TerraceClient unrouted = TerraceClient.builder().endpoint(endpointA).slotRouting(false)
                    .maxRetries(10).build())
                {
                    final Pass forwarded = readAll(unrouted);
                    assertEquals(ownedByB, forwarded.forwarded());
                    assertEquals(0, forwarded.toOwner());
                    assertEquals(0, unrouted.stats().slotMapFetches());
                }

                System.out.println("slot routing IT: step 3, drain the second node");
                // 3. Drain B: its slots go back to A, then it stops. The client's map still names B.
                final HttpResponse<String> drain = HTTP.send(HttpRequest.newBuilder(
                        URI.create(endpointA + "/v1/cluster/nodes/" + idB + "/drain"))
                    .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
                assertEquals(202, drain.statusCode(), drain.body());
                awaitHrwMap(endpointA, List.of(idA));
                second.stop();

                final Pass afterDrain = readAll(client);
                assertTrue(afterDrain.ownerFailures() > 0,
                    "B's endpoint refused the connections and the requests fell back to A: " + afterDrain);
                final Pass settled = awaitForwardFreePass(client);
                assertEquals(OBJECTS + BLOCKS, settled.toOwner());
                assertEquals(0, settled.fallback());
                assertEquals(0, settled.ownerFailures());
                System.out.printf("slot routing IT: B owned %d of %d items; passes over all items took %d ms (one node),"
                    + " %d ms (stale map, %d forwarded), %d ms (direct), %d ms (after the drain: %d owner connection"
                    + " failures, %d fallbacks), %d ms (settled); forward-free %d ms after B's slots moved%n",
                    ownedByB, OBJECTS + BLOCKS, single.millis(), stale.millis(), stale.forwarded(), direct.millis(),
                    afterDrain.millis(), afterDrain.ownerFailures(), afterDrain.fallback(), settled.millis(),
                    adaptMillis);
            }
        }
        finally
        {
            for (final NodeProcess node : nodes)
            {
                node.close();
            }
        }
    }

    /** What one pass over every item changed in a client's counters. */
    private record Pass(long forwarded, long toOwner, long fallback, long ownerFailures, long millis)
    {
    }

    /** Reads every object (one by one) and every block (in one batch), checking each byte. */
    private static Pass readAll(final TerraceClient client)
    {
        final ClientStats before = client.stats();
        final long start = System.nanoTime();
        for (int i = 0; i < OBJECTS; i++)
        {
            final GetResult<byte[]> read = client.getBytes(BUCKET, key(i), null);
            assertArrayEquals(payload(i), read.body(), key(i));
        }
        final List<GetResult<byte[]>> blocks = client.batchGet(NAMESPACE, HASHES);
        for (int i = 0; i < BLOCKS; i++)
        {
            assertNotNull(blocks.get(i), "block " + i);
            assertArrayEquals(block(i), blocks.get(i).body(), "block " + i);
        }
        final ClientStats after = client.stats();
        return new Pass(after.forwardedResponses() - before.forwardedResponses(),
            after.ownerRequests() - before.ownerRequests(),
            after.fallbackRequests() - before.fallbackRequests(),
            after.ownerFailures() - before.ownerFailures(),
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    /** Passes until one has no forwarded answer; the client refreshes its map in the background meanwhile. */
    private static Pass awaitForwardFreePass(final TerraceClient client) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Pass pass = readAll(client);
        while (pass.forwarded() > 0 || pass.fallback() > 0)
        {
            System.out.println("slot routing IT: a pass still met forwarding or fallback: " + pass);
            assertTrue(System.nanoTime() < deadline, "the client never stopped being forwarded: " + pass + ", " +
                client.stats());
            Thread.sleep(250);
            pass = readAll(client);
        }
        return pass;
    }

    private static void awaitClientMap(final TerraceClient client) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (client.stats().slotMapEpoch() < 0 || client.stats().routableSlots() != 1024)
        {
            assertTrue(System.nanoTime() < deadline, "the client never loaded a full map: " + client.stats());
            Thread.sleep(100);
        }
    }

    /**
     * Waits until the map served by {@code endpoint} gives every slot to its rendezvous owner among
     * {@code nodeIds} (so every hand-off is over) and no hand-off is in progress.
     */
    private static JsonNode awaitHrwMap(final String endpoint, final List<String> nodeIds) throws Exception
    {
        final List<String> expected = SlotAllocation.assignment(SlotHash.DEFAULT_SLOTS, nodeIds);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
        JsonNode map = null;
        while (System.nanoTime() < deadline)
        {
            try
            {
                map = get(endpoint + "/v1/cluster/slots");
                if (matches(map, expected) && slotsRunWhereTheMapSays(map))
                {
                    return map;
                }
            }
            catch (final IOException notYet)
            {
                // The node is still starting.
            }
            Thread.sleep(500);
        }
        throw new AssertionError("slots never settled on " + nodeIds + ": " + map);
    }

    /**
     * Whether every node in the map runs exactly the slots the map gives it (its own count of active slots) and
     * hands none off: the map lists the shards Cluster Sharding placed, and a node serves a slot only once the slot
     * is active there.
     */
    private static boolean slotsRunWhereTheMapSays(final JsonNode map) throws InterruptedException
    {
        for (final JsonNode node : map.path("nodes"))
        {
            try
            {
                final JsonNode local = get(node.path("http").asText() + "/v1/cluster/local");
                if (local.path("slotsOwned").asInt(-1) != node.path("slotsOwned").asInt(-2) ||
                    local.path("handOffsInProgress").asInt(-1) != 0)
                {
                    System.out.println("slot routing IT: waiting for " + node + " to run its slots: " + local);
                    return false;
                }
            }
            catch (final IOException | IllegalArgumentException ex)
            {
                return false;
            }
        }
        return true;
    }

    private static boolean matches(final JsonNode map, final List<String> expected)
    {
        final JsonNode owners = map.path("owners");
        if (owners.size() != expected.size())
        {
            return false;
        }
        for (int slot = 0; slot < expected.size(); slot++)
        {
            final int index = owners.get(slot).asInt(-1);
            if (index < 0 || !map.path("nodes").path(index).path("nodeId").asText().equals(expected.get(slot)))
            {
                return false;
            }
        }
        return true;
    }

    private static int itemsOwnedBy(final JsonNode map, final String nodeId)
    {
        final int slots = map.path("slots").asInt();
        int owned = 0;
        for (int i = 0; i < OBJECTS; i++)
        {
            owned += ownerOf(map, SlotHash.objectSlot(BUCKET, key(i), slots)).equals(nodeId) ? 1 : 0;
        }
        for (int i = 0; i < BLOCKS; i++)
        {
            owned += ownerOf(map, SlotHash.kvSlot(NAMESPACE, HASHES[i], slots)).equals(nodeId) ? 1 : 0;
        }
        return owned;
    }

    private static String ownerOf(final JsonNode map, final int slot)
    {
        return map.path("nodes").path(map.path("owners").get(slot).asInt()).path("nodeId").asText();
    }

    private static JsonNode get(final String url) throws IOException, InterruptedException
    {
        final HttpResponse<byte[]> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200)
        {
            throw new IOException(url + " answered " + response.statusCode());
        }
        return JSON.readTree(response.body());
    }

    private static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0))
        {
            return socket.getLocalPort();
        }
    }

    private static String key(final int i)
    {
        return "shard-" + i;
    }

    private static byte[] payload(final int i)
    {
        final byte[] bytes = new byte[8192 + i * 509];
        new Random(i).nextBytes(bytes);
        return bytes;
    }

    private static byte[] block(final int i)
    {
        final byte[] bytes = new byte[4096];
        new Random(1_000_000 + i).nextBytes(bytes);
        return bytes;
    }

    private static long[] blockHashes()
    {
        final Random random = new Random(99);
        final long[] hashes = new long[BLOCKS];
        for (int i = 0; i < BLOCKS; i++)
        {
            hashes[i] = random.nextLong();
        }
        return hashes;
    }
}
