package dev.terrace.node.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.terrace.node.testing.NodeHttp;
import dev.terrace.node.testing.TestNode;
import dev.terrace.tier.S3ProxyFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The capacity tier (an S3 endpoint, s3proxy) goes down under a running node and comes back on the same port with the
 * same data: hot data (memory, flash) is served throughout, cold data and {@code write-through} writes and deletes
 * get a prompt 503 with a JSON message and {@code Retry-After}, {@code cache} writes keep working, and once the store
 * is back everything works again without restarting the node. Every byte read is checked.
 */
class CapacityOutageIT
{
    private static final int EXTENT = 256 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;

    @Test
    void hotDataIsServedWriteThroughFailsFastAndEverythingRecoversWhenTheStoreReturns() throws Exception
    {
        try (S3ProxyFixture s3 = S3ProxyFixture.start())
        {
            final String bucket = s3.newBucket();
            try (TestNode node = TestNode.start(dataDir, Map.ofEntries(
                Map.entry("terrace.capacity.type", "s3"),
                Map.entry("terrace.capacity.s3.endpoint", s3.endpoint().toString()),
                Map.entry("terrace.capacity.s3.bucket", bucket),
                Map.entry("terrace.capacity.s3.prefix", "outage/"),
                Map.entry("terrace.capacity.s3.access-key", S3ProxyFixture.ACCESS_KEY),
                Map.entry("terrace.capacity.s3.secret-key", S3ProxyFixture.SECRET_KEY),
                Map.entry("terrace.capacity.s3.connect-timeout", "1s"),
                Map.entry("terrace.capacity.s3.fail-fast-for", "1s"),
                Map.entry("terrace.extent-size", "256KiB"),
                Map.entry("terrace.memory.capacity", "2MiB"),
                Map.entry("terrace.memory.high-watermark", "0.5"),
                Map.entry("terrace.flash.capacity", "2MiB"),
                Map.entry("terrace.flash.segment-size", "512KiB"))))
            {
                final NodeStore store = node.node().store();
                final NodeHttp client = new NodeHttp(node);
                // Twelve one-extent objects through 1 MiB of memory and 2 MiB of flash: some stay hot, the rest only in
                // S3.
                final Map<String, byte[]> objects = new LinkedHashMap<>();
                final long writing = System.nanoTime();
                for (int i = 0; i < 12; i++)
                {
                    final byte[] bytes = NodeHttp.random(EXTENT, i);
                    objects.put("/v1/objects/data/o" + i, bytes);
                    assertEquals(200, client.put("/v1/objects/data/o" + i, bytes, null).statusCode());
                }
                final byte[] block = NodeHttp.random(64 * 1024, 100);
                assertEquals(200, client.put("/v1/kv/ns/1", block, null).statusCode());
                store.awaitDemotions();

                System.out.printf("CapacityOutageIT: 3 MiB written through in %d ms%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - writing));
                s3.stopServing();
                final long outageStarted = System.nanoTime();
                int hot = 0;
                int cold = 0;
                for (final Map.Entry<String, byte[]> object : objects.entrySet())
                {
                    final String tier = client.tierOf(object.getKey());
                    final HttpResponse<byte[]> get = client.get(object.getKey());
                    if (tier.equals("capacity"))
                    {
                        cold++;
                        assertUnavailable(get);
                    }
                    else
                    {
                        hot++;
                        assertEquals(200, get.statusCode(), object.getKey() + " was in " + tier);
                        assertArrayEquals(object.getValue(), get.body(), object.getKey());
                        assertEquals(tier, get.headers().firstValue("X-Terrace-Tier").orElseThrow());
                    }
                    // A read from flash promotes, which may push another object out: settle before the next look.
                    store.awaitDemotions();
                }
                assertTrue(hot > 0 && cold > 0, "hot " + hot + ", cold " + cold + ": the test needs both");
                assertArrayEquals(block, client.get("/v1/kv/ns/1").body(), "a cache-class block is served");

                // Write-through writes and deletes need the capacity tier: a prompt 503 that says so.
                final byte[] refused = NodeHttp.random(3 * EXTENT + 5, 200);
                for (int attempt = 0; attempt < 3; attempt++)
                {
                    final long started = System.nanoTime();
                    final HttpResponse<byte[]> response = client.put("/v1/objects/data/during", refused, null);
                    final long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                    final JsonNode body = assertUnavailable(response);
                    assertTrue(body.path("message").asText().contains("capacity tier"), body::toString);
                    assertTrue(millis < 20_000, "a write-through PUT during the outage took " + millis + " ms");
                    System.out.printf("CapacityOutageIT: write-through PUT %d during the outage: 503 after %d ms%n",
                        attempt, millis);
                }
                assertEquals(404, client.get("/v1/objects/data/during").statusCode(), "nothing was stored");
                final String anyObject = objects.keySet().iterator().next();
                assertUnavailable(client.delete(anyObject));

                // Cache-class writes do not need it.
                final byte[] cached = NodeHttp.random(300_000, 300);
                assertEquals(200, client.put("/v1/objects/data/cached", cached, "cache").statusCode());
                final byte[] newBlock = NodeHttp.random(32 * 1024, 301);
                assertEquals(200, client.put("/v1/kv/ns/2", newBlock, null).statusCode());
                assertArrayEquals(cached, client.get("/v1/objects/data/cached").body());
                assertArrayEquals(newBlock, client.get("/v1/kv/ns/2").body());

                // The store comes back on the same port with the same data: the node recovers by itself.
                System.out.printf("CapacityOutageIT: outage checks took %d ms (%d hot, %d cold objects)%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - outageStarted), hot, cold);
                s3.resumeServing();
                final long resumed = System.nanoTime();
                final byte[] after = NodeHttp.random(2 * EXTENT + 3, 400);
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                HttpResponse<byte[]> recovered = client.put("/v1/objects/data/after", after, null);
                while (recovered.statusCode() != 200 && System.nanoTime() < deadline)
                {
                    assertUnavailable(recovered);
                    TimeUnit.MILLISECONDS.sleep(200);
                    recovered = client.put("/v1/objects/data/after", after, null);
                }
                assertEquals(200, recovered.statusCode(), new String(recovered.body(), StandardCharsets.UTF_8));
                System.out.printf("CapacityOutageIT: first write-through PUT accepted %d ms after the store returned%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - resumed));
                objects.put("/v1/objects/data/after", after);
                final long verifying = System.nanoTime();
                for (final Map.Entry<String, byte[]> object : objects.entrySet())
                {
                    final HttpResponse<byte[]> get = client.get(object.getKey());
                    assertEquals(200, get.statusCode(), object.getKey());
                    assertArrayEquals(object.getValue(), get.body(), object.getKey());
                }
                System.out.printf("CapacityOutageIT: %d objects read back in %d ms%n", objects.size(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - verifying));
                assertArrayEquals(after, s3.blobStore().getBlob(bucket, "outage/data/after").getPayload().openStream()
                    .readAllBytes(), "written through to the store whole");
                // Cache-class data written during the outage may since have been evicted by these reads (the tiers
                // are tiny): then it is gone and counted, never served wrong.
                assertCachedOrLost(node, client, "/v1/objects/data/cached", cached);
                assertCachedOrLost(node, client, "/v1/kv/ns/2", newBlock);
                assertEquals(204, client.delete(anyObject).statusCode());
                assertEquals(null, s3.blobStore().getBlob(bucket, "outage" + anyObject.substring("/v1/objects".length())),
                    "deleted from the store too");
            }
        }
    }

    private static void assertCachedOrLost(final TestNode node, final NodeHttp client, final String path,
        final byte[] expected) throws Exception
    {
        final HttpResponse<byte[]> get = client.get(path);
        if (get.statusCode() == 404)
        {
            assertTrue(node.node().store().cacheLosses() > 0, path + " is gone but no loss was counted");
            return;
        }
        assertEquals(200, get.statusCode(), path);
        assertArrayEquals(expected, get.body(), path);
    }

    private static JsonNode assertUnavailable(final HttpResponse<byte[]> response) throws Exception
    {
        assertEquals(503, response.statusCode(), () -> new String(response.body(), StandardCharsets.UTF_8));
        final JsonNode body = JSON.readTree(response.body());
        assertEquals("unavailable", body.path("error").asText(), body::toString);
        assertNotNull(response.headers().firstValue("Retry-After").orElse(null), "503 carries Retry-After");
        return body;
    }
}
