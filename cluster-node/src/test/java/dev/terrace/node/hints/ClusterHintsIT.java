package dev.terrace.node.hints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hints across a three-node cluster of child JVMs: a hint posted to a node that owns none of its items is split by
 * slot owner, each owner stages its part from flash into memory, any node reports the parts added up, every hinted
 * read is then served from memory by its owner, a prefix hint is expanded by every node over its own slots, and a
 * cancel sent to any node cancels every part.
 */
@Timeout(value = 480, unit = TimeUnit.SECONDS)
class ClusterHintsIT
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final List<String> NODE_IDS = List.of("hn1", "hn2", "hn3");
    private static final List<String> JVM = List.of("-Xmx256m", "-XX:MaxDirectMemorySize=256m", "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1");
    private static final int KIB = 1024;
    private static final String BUCKET = "dataset";
    private static final String NAMESPACE = "llama";
    /** Hinted objects per owner (of the two owners that are not the outsider). */
    private static final int KEYS_PER_OWNER = 6;
    private static final int OBJECT_BYTES = 512 * KIB;
    private static final int BLOCK_BYTES = 256 * KIB;

    @TempDir
    Path dir;

    @Test
    void aHintIsSplitByOwnerStagedEverywhereReportedAndCancelledFromAnyNode() throws Exception
    {
        final Map<String, NodeProcess> nodes = new LinkedHashMap<>();
        try
        {
            startCluster(nodes);
            final Map<String, String> endpoints = new LinkedHashMap<>();
            nodes.forEach((id, process) -> endpoints.put(id, process.httpEndpoint()));
            final List<String> owners = awaitSlots(endpoints);
            final String outsider = NODE_IDS.get(2);

            // Items on the first two nodes only, so the third owns none of them; a prefix over all three.
            final List<String> keys = new ArrayList<>();
            final Map<String, Integer> perOwner = new LinkedHashMap<>();
            for (int i = 0; keys.size() < 2 * KEYS_PER_OWNER; i++)
            {
                final String key = "train/f-" + i;
                final String owner = owners.get(SlotHash.objectSlot(BUCKET, key, SlotHash.DEFAULT_SLOTS));
                if (!owner.equals(outsider) && perOwner.getOrDefault(owner, 0) < KEYS_PER_OWNER)
                {
                    perOwner.merge(owner, 1, Integer::sum);
                    keys.add(key);
                }
            }
            final List<Long> hashes = new ArrayList<>();
            final Set<String> blockOwners = new HashSet<>();
            for (long h = 1; hashes.size() < 4; h++)
            {
                final String owner = owners.get(SlotHash.kvSlot(NAMESPACE, h, SlotHash.DEFAULT_SLOTS));
                if (!owner.equals(outsider))
                {
                    hashes.add(h);
                    blockOwners.add(owner);
                }
            }
            final List<String> prefixKeys = new ArrayList<>();
            final Set<String> prefixOwners = new TreeSet<>();
            for (int i = 0; prefixKeys.size() < 9 || prefixOwners.size() < 3; i++)
            {
                final String key = "pre/p-" + i;
                prefixKeys.add(key);
                prefixOwners.add(owners.get(SlotHash.objectSlot(BUCKET, key, SlotHash.DEFAULT_SLOTS)));
            }

            try (TerraceClient client = TerraceClient.builder().endpoint(endpoints.get(NODE_IDS.get(0)))
                .maxRetries(10).requestTimeout(Duration.ofSeconds(30)).build())
            {
                for (final String key : keys)
                {
                    client.put(BUCKET, key, payload(key, OBJECT_BYTES));
                }
                for (final long hash : hashes)
                {
                    client.putBlock(NAMESPACE, hash, payload("block-" + hash, BLOCK_BYTES),
                        PutOptions.durability(Durability.CACHE));
                }
                for (final String key : prefixKeys)
                {
                    client.put(BUCKET, key, payload(key, OBJECT_BYTES));
                }
                // Newer data pushes all of that out of every node's memory (16 MiB, 14.4 usable) into flash.
                for (int i = 0; i < 3 * 20; i++)
                {
                    client.put("filler", "x-" + i, payload("filler-" + i, 1024 * KIB));
                }
            }
            final List<String> hintedPaths = new ArrayList<>();
            keys.forEach(key -> hintedPaths.add("/v1/objects/" + BUCKET + "/" + key));
            hashes.forEach(hash -> hintedPaths.add("/v1/kv/" + NAMESPACE + "/" + hash));
            for (final String path : hintedPaths)
            {
                awaitTierOnOwner(endpoints, owners, path, "flash");
            }

            // 1. Posted to the node that owns none of the items: split between the other two.
            final String body = "{\"job\":\"train-1\",\"startInMs\":0,\"objects\":[{\"bucket\":\"" + BUCKET +
                "\",\"keys\":" + JSON.writeValueAsString(keys) + "}],\"kv\":[{\"namespace\":\"" + NAMESPACE +
                "\",\"hashes\":" + hashes + "}]}";
            final HttpResponse<String> accepted = send("POST", endpoints.get(outsider) + "/v1/hints", body);
            assertEquals(202, accepted.statusCode(), accepted.body());
            final JsonNode first = JSON.readTree(accepted.body());
            final String id = first.path("id").asText();
            assertEquals(keys.size() + hashes.size(), first.path("items").asInt(), first::toString);
            final Set<String> partNodes = partNodes(first);
            final Set<String> expectedOwners = new TreeSet<>(perOwner.keySet());
            expectedOwners.addAll(blockOwners);
            assertEquals(expectedOwners, partNodes, "one part per owner, none on the outsider: " + first);

            final JsonNode staged = awaitState(endpoints.get(outsider), id, "staged");
            assertEquals(keys.size() + hashes.size(), staged.path("itemsStaged").asInt(), staged::toString);
            assertEquals((long)keys.size() * OBJECT_BYTES + (long)hashes.size() * BLOCK_BYTES,
                staged.path("bytesStaged").asLong(), staged::toString);
            assertEquals(0, staged.path("partsUnreachable").size(), staged::toString);
            for (final JsonNode part : staged.path("parts"))
            {
                assertEquals("staged", part.path("state").asText(), staged::toString);
            }
            // Any node answers with the same sum.
            final JsonNode fromOwner = status(endpoints.get(NODE_IDS.get(0)), id);
            assertEquals(staged.path("bytesStaged").asLong(), fromOwner.path("bytesStaged").asLong(), fromOwner::toString);

            // 2. Every hinted read is served from memory by its owner, straight from the owner's endpoint.
            for (int i = 0; i < keys.size(); i++)
            {
                final String owner = owners.get(SlotHash.objectSlot(BUCKET, keys.get(i), SlotHash.DEFAULT_SLOTS));
                final HttpResponse<byte[]> read = get(endpoints.get(owner) + hintedPaths.get(i));
                assertEquals(200, read.statusCode());
                assertEquals("memory", read.headers().firstValue("X-Terrace-Tier").orElse(""), keys.get(i));
                assertFalse(read.headers().firstValue("X-Terrace-Owner").isPresent(), "served by its owner");
                assertArrayEquals(payload(keys.get(i), OBJECT_BYTES), read.body(), keys.get(i));
            }
            for (final long hash : hashes)
            {
                final String owner = owners.get(SlotHash.kvSlot(NAMESPACE, hash, SlotHash.DEFAULT_SLOTS));
                final HttpResponse<byte[]> read = get(endpoints.get(owner) + "/v1/kv/" + NAMESPACE + "/" + hash);
                assertEquals("memory", read.headers().firstValue("X-Terrace-Tier").orElse(""), "block " + hash);
                assertArrayEquals(payload("block-" + hash, BLOCK_BYTES), read.body());
            }
            final JsonNode afterReads = status(endpoints.get(outsider), id);
            assertEquals(keys.size() + hashes.size(), afterReads.path("itemsRead").asInt(),
                "the owners saw the job's reads: " + afterReads);

            // 3. A prefix is listed by every node over its own slots.
            for (final String key : prefixKeys)
            {
                awaitTierOnOwner(endpoints, owners, "/v1/objects/" + BUCKET + "/" + key, "flash");
            }
            final HttpResponse<String> prefixAccepted = send("POST", endpoints.get(NODE_IDS.get(1)) + "/v1/hints",
                "{\"job\":\"pre-1\",\"objects\":[{\"bucket\":\"" + BUCKET + "\",\"prefix\":\"pre/\"}]}");
            assertEquals(202, prefixAccepted.statusCode(), prefixAccepted.body());
            final JsonNode prefixHint = JSON.readTree(prefixAccepted.body());
            assertEquals(prefixKeys.size(), prefixHint.path("items").asInt(), prefixHint::toString);
            assertEquals(prefixOwners, partNodes(prefixHint), "the prefix went to every node");
            awaitState(endpoints.get(outsider), prefixHint.path("id").asText(), "staged");
            for (final String key : prefixKeys)
            {
                final String owner = owners.get(SlotHash.objectSlot(BUCKET, key, SlotHash.DEFAULT_SLOTS));
                assertEquals("memory", get(endpoints.get(owner) + "/v1/objects/" + BUCKET + "/" + key).headers()
                    .firstValue("X-Terrace-Tier").orElse(""), key);
            }

            // 4. A cancel sent to any node cancels every part.
            assertEquals(204, send("DELETE", endpoints.get(NODE_IDS.get(1)) + "/v1/hints/" + id, null).statusCode());
            final JsonNode cancelled = status(endpoints.get(outsider), id);
            assertEquals("cancelled", cancelled.path("state").asText(), cancelled::toString);
            for (final JsonNode part : cancelled.path("parts"))
            {
                assertEquals("cancelled", part.path("state").asText(), cancelled::toString);
            }
            assertEquals(404, send("DELETE", endpoints.get(outsider) + "/v1/hints/no-such-hint", null).statusCode());
            assertEquals(404, get(endpoints.get(NODE_IDS.get(0)) + "/v1/hints/no-such-hint").statusCode());
        }
        finally
        {
            for (final NodeProcess node : nodes.values())
            {
                node.close();
            }
        }
    }

    private void startCluster(final Map<String, NodeProcess> nodes) throws Exception
    {
        final int seedPort = freePort();
        for (final String nodeId : NODE_IDS)
        {
            final Map<String, String> settings = new LinkedHashMap<>();
            settings.put("terrace.node.id", nodeId);
            settings.put("terrace.capacity.dir", dir.resolve("capacity").toString());
            settings.put("terrace.memory.capacity", "16MiB");
            settings.put("terrace.flash.capacity", "256MiB");
            settings.put("terrace.flash.segment-size", "32MiB");
            settings.put("terrace.flash.fsync", "false");
            settings.put("terrace.extent-size", "1MiB");
            settings.put("terrace.io-threads", "4");
            settings.put("pekko.cluster.min-nr-of-members", Integer.toString(NODE_IDS.size()));
            final List<String> args = nodes.isEmpty()
                ? List.of("--cluster-port", Integer.toString(seedPort))
                : List.of("--cluster-port", "0", "--seed", "127.0.0.1:" + seedPort);
            nodes.put(nodeId, NodeProcess.start(dir.resolve(nodeId), JVM, settings, args));
        }
    }

    /**
     * Waits until every node serves the rendezvous allocation over the three nodes with no hand-off in progress, and
     * returns the owner of each slot.
     */
    private static List<String> awaitSlots(final Map<String, String> endpoints) throws Exception
    {
        final List<String> expected = SlotAllocation.assignment(SlotHash.DEFAULT_SLOTS, NODE_IDS);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
        String last = "";
        while (System.nanoTime() < deadline)
        {
            boolean settled = true;
            for (final String endpoint : endpoints.values())
            {
                final HttpResponse<byte[]> map = get(endpoint + "/v1/cluster/slots");
                final HttpResponse<byte[]> local = get(endpoint + "/v1/cluster/local");
                if (map.statusCode() != 200 || local.statusCode() != 200)
                {
                    settled = false;
                    break;
                }
                final JsonNode slots = JSON.readTree(map.body());
                final JsonNode own = JSON.readTree(local.body());
                last = own.toString();
                int owned = 0;
                for (int slot = 0; slot < expected.size() && settled; slot++)
                {
                    final String owner = slots.path("nodes").path(slots.path("owners").path(slot).asInt(-1))
                        .path("nodeId").asText();
                    settled = owner.equals(expected.get(slot));
                    owned += owner.equals(own.path("nodeId").asText()) ? 1 : 0;
                }
                settled &= own.path("slotsOwned").asInt(-1) == owned && own.path("handOffsInProgress").asInt(-1) == 0;
                if (!settled)
                {
                    break;
                }
            }
            if (settled)
            {
                return expected;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("slots never settled on " + NODE_IDS + "; last: " + last);
    }

    /** Waits until the owner of {@code path} reports it in {@code tier} (a HEAD, which neither reads nor promotes). */
    private static void awaitTierOnOwner(
        final Map<String, String> endpoints, final List<String> owners, final String path, final String tier)
        throws Exception
    {
        final String[] parts = path.split("/", 5);
        final int slot = parts[2].equals("objects")
            ? SlotHash.objectSlot(parts[3], parts[4], SlotHash.DEFAULT_SLOTS)
            : SlotHash.kvSlot(parts[3], Long.parseUnsignedLong(parts[4]), SlotHash.DEFAULT_SLOTS);
        final String endpoint = endpoints.get(owners.get(slot));
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String seen = "";
        while (System.nanoTime() < deadline)
        {
            final HttpResponse<String> head = send("HEAD", endpoint + path, null);
            seen = head.headers().firstValue("X-Terrace-Tier").orElse(head.statusCode() + "");
            if (seen.equals(tier))
            {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("precondition: " + path + " never reached " + tier + " (last " + seen + ")");
    }

    private static JsonNode awaitState(final String endpoint, final String id, final String state) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        JsonNode status;
        do
        {
            status = status(endpoint, id);
            if (status.path("state").asText().equals(state))
            {
                return status;
            }
            Thread.sleep(100);
        }
        while (System.nanoTime() < deadline);
        throw new AssertionError("hint " + id + " never reached " + state + ": " + status);
    }

    private static JsonNode status(final String endpoint, final String id) throws Exception
    {
        final HttpResponse<byte[]> response = get(endpoint + "/v1/hints/" + id);
        assertEquals(200, response.statusCode(), new String(response.body()));
        return JSON.readTree(response.body());
    }

    private static Set<String> partNodes(final JsonNode hint)
    {
        final Set<String> nodes = new TreeSet<>();
        hint.path("parts").forEach(part ->
        {
            if (part.path("items").asInt() > 0)
            {
                nodes.add(part.path("node").asText());
            }
        });
        return nodes;
    }

    private static HttpResponse<byte[]> get(final String url) throws IOException, InterruptedException
    {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
            HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpResponse<String> send(final String method, final String url, final String body)
        throws IOException, InterruptedException
    {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
            .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] payload(final String name, final int size)
    {
        final byte[] bytes = new byte[size];
        new Random(name.hashCode()).nextBytes(bytes);
        return bytes;
    }

    private static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            return socket.getLocalPort();
        }
    }
}
