package dev.terrace.node.store;

import dev.terrace.node.testing.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Data moves between tiers as the design says: past the memory high watermark the coldest extents go to flash,
 * reads from flash promote, a graceful restart reuses flash, and a write no tier can take is a 507.
 */
class TierMovementIT
{
    @TempDir
    Path dataDir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HttpResponse<byte[]> put(final TestNode node, final String path, final byte[] body, final String durability)
        throws Exception
    {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(node.httpEndpoint() + path))
            .PUT(HttpRequest.BodyPublishers.ofByteArray(body));
        if (durability != null)
        {
            request.header("X-Terrace-Durability", durability);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<byte[]> get(final TestNode node, final String path) throws Exception
    {
        return http.send(HttpRequest.newBuilder(URI.create(node.httpEndpoint() + path)).GET().build(),
            HttpResponse.BodyHandlers.ofByteArray());
    }

    private static byte[] block(final int i)
    {
        final byte[] bytes = new byte[1024 * 1024];
        new Random(i).nextBytes(bytes);
        return bytes;
    }

    @Test
    void coldExtentsAreDemotedToFlashAndPromotedBackOnRead() throws Exception
    {
        // 16 MiB of memory, high watermark 50%: at most 8 one-MiB blocks stay in memory.
        try (TestNode node = TestNode.start(dataDir, Map.of(
            "terrace.memory.capacity", "16MiB", "terrace.memory.high-watermark", "0.5", "terrace.extent-size", "1MiB")))
        {
            for (int i = 0; i < 20; i++)
            {
                assertEquals(200, put(node, "/v1/kv/ns/" + i, block(i), null).statusCode());
            }
            node.node().store().awaitDemotions();
            assertTrue(node.node().store().demotions() >= 12, "demotions: " + node.node().store().demotions());
            final HttpResponse<byte[]> cold = get(node, "/v1/kv/ns/0");
            assertArrayEquals(block(0), cold.body());
            assertEquals("flash", cold.headers().firstValue("X-Terrace-Tier").orElseThrow());
            final HttpResponse<byte[]> again = get(node, "/v1/kv/ns/0");
            assertArrayEquals(block(0), again.body());
            assertEquals("memory", again.headers().firstValue("X-Terrace-Tier").orElseThrow(), "promoted on read");
            final HttpResponse<byte[]> hot = get(node, "/v1/kv/ns/19");
            assertEquals("memory", hot.headers().firstValue("X-Terrace-Tier").orElseThrow());
            for (int i = 0; i < 20; i++)
            {
                assertArrayEquals(block(i), get(node, "/v1/kv/ns/" + i).body(), "block " + i);
            }
            assertEquals(0, node.node().store().cacheLosses());
        }
    }

    @Test
    void writeThroughObjectsFallBackToTheCapacityTier() throws Exception
    {
        try (TestNode node = TestNode.start(dataDir, Map.of(
            "terrace.memory.capacity", "8MiB", "terrace.memory.high-watermark", "0.5",
            "terrace.flash.capacity", "4MiB", "terrace.flash.segment-size", "2MiB", "terrace.extent-size", "1MiB")))
        {
            for (int i = 0; i < 12; i++)
            {
                assertEquals(200, put(node, "/v1/objects/data/o" + i, block(i), null).statusCode());
            }
            node.node().store().awaitDemotions();
            boolean sawCapacity = false;
            for (int i = 0; i < 12; i++)
            {
                final HttpResponse<byte[]> response = get(node, "/v1/objects/data/o" + i);
                assertArrayEquals(block(i), response.body(), "object " + i);
                sawCapacity |= response.headers().firstValue("X-Terrace-Tier").orElseThrow().equals("capacity");
            }
            assertTrue(sawCapacity, "with 4 MiB of memory and 4 MiB of flash some of 12 MiB must come from capacity");
        }
    }

    @Test
    void gracefulRestartReusesFlashData() throws Exception
    {
        final Map<String, String> settings = Map.of("terrace.extent-size", "1MiB");
        try (TestNode node = TestNode.start(dataDir, settings))
        {
            for (int i = 0; i < 5; i++)
            {
                assertEquals(200, put(node, "/v1/kv/ns/" + i, block(i), null).statusCode());
                assertEquals(200, put(node, "/v1/objects/data/o" + i, block(100 + i), null).statusCode());
            }
        }
        try (TestNode node = TestNode.start(dataDir, settings))
        {
            for (int i = 0; i < 5; i++)
            {
                final HttpResponse<byte[]> kv = get(node, "/v1/kv/ns/" + i);
                assertEquals(200, kv.statusCode());
                assertArrayEquals(block(i), kv.body());
                assertEquals("flash", kv.headers().firstValue("X-Terrace-Tier").orElseThrow());
                final HttpResponse<byte[]> object = get(node, "/v1/objects/data/o" + i);
                assertArrayEquals(block(100 + i), object.body());
                assertEquals("flash", object.headers().firstValue("X-Terrace-Tier").orElseThrow(),
                    "reused from flash, not re-fetched from capacity");
            }
            assertEquals(0, node.node().store().cacheLosses());
        }
    }

    @Test
    void aWriteNoTierCanTakeIs507AndStoresNothing() throws Exception
    {
        try (TestNode node = TestNode.start(dataDir, Map.of(
            "terrace.memory.capacity", "2MiB", "terrace.flash.capacity", "4MiB", "terrace.flash.segment-size", "2MiB",
            "terrace.extent-size", "1MiB",
            "terrace.limits.max-kv-block-size", "64MiB")))
        {
            final HttpResponse<byte[]> response = put(node, "/v1/kv/ns/1", new byte[8 * 1024 * 1024], "cache");
            assertEquals(507, response.statusCode(), new String(response.body()));
            assertTrue(new String(response.body()).contains("\"error\":\"insufficient_storage\""));
            assertEquals(404, get(node, "/v1/kv/ns/1").statusCode());
        }
    }
}
