package dev.terrace.node.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.terrace.client.GetResult;
import dev.terrace.client.TerraceClient;
import dev.terrace.node.testing.NodeProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGKILL of a node in a 3-node cluster: its slots are re-homed on the survivors, and every {@code write-through}
 * object stays readable, taken over from the shared capacity tier by the new owners.
 */
class KillNodeIT
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    static int freePort() throws Exception
    {
        try (ServerSocket socket = new ServerSocket(0))
        {
            return socket.getLocalPort();
        }
    }

    static JsonNode get(final String url) throws Exception
    {
        final HttpResponse<byte[]> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        return JSON.readTree(response.body());
    }

    /** Waits until the slot map seen from {@code endpoint} has {@code members} members and every slot assigned. */
    static JsonNode awaitSlots(final String endpoint, final int members) throws Exception
    {
        final long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        JsonNode map = null;
        while (System.nanoTime() < deadline)
        {
            try
            {
                map = get(endpoint + "/v1/cluster/slots");
                boolean assigned = map.path("nodes").size() == members;
                for (final JsonNode owner : map.path("owners"))
                {
                    assigned &= owner.asInt() >= 0;
                }
                if (assigned)
                {
                    return map;
                }
            }
            catch (final java.io.IOException ignored)
            {
                // not up yet
            }
            Thread.sleep(500);
        }
        throw new AssertionError("slots never settled on " + members + " members: " + map);
    }

    /** Waits until all slots are assigned on {@code members} members and the map has not changed for 6 s. */
    static JsonNode awaitStable(final String endpoint, final int members) throws Exception
    {
        final long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < deadline)
        {
            final JsonNode before = awaitSlots(endpoint, members);
            Thread.sleep(6000);
            final JsonNode after = awaitSlots(endpoint, members);
            if (before.path("epoch").asLong() == after.path("epoch").asLong())
            {
                return after;
            }
        }
        throw new AssertionError("the slot map never settled");
    }

    static byte[] payload(final int i)
    {
        final byte[] bytes = new byte[4096 + i * 977];
        new Random(i).nextBytes(bytes);
        return bytes;
    }

    @Test
    void writeThroughObjectsSurviveTheirOwnersDeath() throws Exception
    {
        final Path capacity = dir.resolve("capacity");
        final Map<String, String> settings = Map.of(
            "terrace.capacity.dir", capacity.toString(),
            "terrace.memory.capacity", "64MiB",
            "terrace.flash.capacity", "256MiB",
            "terrace.flash.segment-size", "32MiB",
            "terrace.flash.fsync", "false");
        final List<String> jvm = List.of("-Xmx256m");
        final int seedPort = freePort();
        final List<NodeProcess> nodes = new ArrayList<>();
        try
        {
            nodes.add(NodeProcess.start(dir.resolve("n1"), jvm, settings, List.of("--cluster-port", "" + seedPort)));
            for (int n = 2; n <= 3; n++)
            {
                nodes.add(NodeProcess.start(dir.resolve("n" + n), jvm, settings,
                    List.of("--cluster-port", "0", "--seed", "127.0.0.1:" + seedPort)));
            }
            awaitStable(nodes.get(0).httpEndpoint(), 3);
            try (TerraceClient client = TerraceClient.builder()
                .endpoint(nodes.get(0).httpEndpoint()).endpoint(nodes.get(1).httpEndpoint()).maxRetries(8).build())
            {
                for (int i = 0; i < 40; i++)
                {
                    client.put("models", "shard-" + i, payload(i));
                }
                final String victim = get(nodes.get(2).httpEndpoint() + "/v1/cluster/local").path("nodeId").asText();
                final int victimSlots = get(nodes.get(2).httpEndpoint() + "/v1/cluster/local").path("slotsOwned").asInt();
                assertTrue(victimSlots > 200, "the victim owns a third of the slots: " + victimSlots);
                nodes.get(2).kill();

                // The split brain resolver downs the dead node after stable-after; its slots move to the survivors.
                final JsonNode map = awaitStable(nodes.get(0).httpEndpoint(), 2);
                for (final JsonNode member : map.path("nodes"))
                {
                    assertTrue(!member.path("nodeId").asText().equals(victim), map::toString);
                }
                for (int i = 0; i < 40; i++)
                {
                    final GetResult<byte[]> read = client.getBytes("models", "shard-" + i, null);
                    assertArrayEquals(payload(i), read.body(), "shard-" + i);
                }
                long adopted = 0;
                for (int n = 0; n < 2; n++)
                {
                    adopted += get(nodes.get(n).httpEndpoint() + "/v1/node").path("adoptions").asLong();
                }
                assertTrue(adopted > 0, "some objects were taken over from the capacity tier");
                assertEquals(2, map.path("nodes").size());
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
}
