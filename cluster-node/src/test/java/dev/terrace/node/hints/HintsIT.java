package dev.terrace.node.hints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.terrace.client.HintStatus;
import dev.terrace.client.NotFoundException;
import dev.terrace.client.PrefetchHint;
import dev.terrace.client.TerraceClient;
import dev.terrace.client.Tier;
import dev.terrace.node.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
 * Scheduler hints end to end on a real node: data evicted to flash is staged back into memory before the job reads
 * it, within the job's budget, and bad hints are refused with a reason.
 */
class HintsIT
{
    private static final int MIB = 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dataDir;
    static TestNode node;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception
    {
        // 16 MiB of memory, 14.4 MiB usable; a job may stage 7.2 MiB of it.
        node = TestNode.start(dataDir, Map.of("terrace.memory.capacity", "16MiB", "terrace.extent-size", "1MiB"));
        for (int i = 0; i < 40; i++)
        {
            assertEquals(200, put("/v1/objects/dataset/shard-" + String.format("%03d", i), bytes(i, MIB)).statusCode());
        }
        for (int i = 1; i <= 3; i++)
        {
            assertEquals(200, put("/v1/kv/llama/" + i, bytes(1000 + i, 256 * 1024)).statusCode());
        }
        // Push everything above out of memory with newer data.
        for (int i = 0; i < 20; i++)
        {
            assertEquals(200, put("/v1/objects/other/hot-" + i, bytes(5000 + i, MIB)).statusCode());
        }
        node.node().store().awaitDemotions();
    }

    @AfterAll
    static void stop()
    {
        node.close();
    }

    static byte[] bytes(final long seed, final int size)
    {
        final byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static HttpResponse<byte[]> put(final String path, final byte[] body) throws Exception
    {
        return HTTP.send(HttpRequest.newBuilder(URI.create(node.httpEndpoint() + path))
            .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static HttpResponse<byte[]> get(final String path) throws Exception
    {
        return HTTP.send(HttpRequest.newBuilder(URI.create(node.httpEndpoint() + path)).GET().build(),
            HttpResponse.BodyHandlers.ofByteArray());
    }

    static HttpResponse<String> post(final String path, final String json) throws Exception
    {
        return HTTP.send(HttpRequest.newBuilder(URI.create(node.httpEndpoint() + path))
            .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode awaitState(final String id, final String state) throws Exception
    {
        final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonNode status;
        do
        {
            status = JSON.readTree(get("/v1/hints/" + id).body());
            if (status.path("state").asText().equals(state))
            {
                return status;
            }
            Thread.sleep(50);
        }
        while (System.nanoTime() < deadline);
        throw new AssertionError("hint " + id + " never reached " + state + ": " + status);
    }

    @Test
    void hintedDataIsInMemoryBeforeTheJobReadsIt() throws Exception
    {
        for (int i = 0; i < 5; i++)
        {
            assertEquals("flash", get("/v1/objects/dataset/shard-" + String.format("%03d", i + 10))
                .headers().firstValue("X-Terrace-Tier").orElseThrow(), "precondition: cold data is not in memory");
        }
        final HttpResponse<String> accepted = post("/v1/hints", """
            {"job": "epoch-1", "startInMs": 0, "priority": 1,
             "objects": [{"bucket": "dataset", "keys": ["shard-000", "shard-001", "shard-002", "shard-003", "shard-004"]}],
             "kv": [{"namespace": "llama", "hashes": [1, 2, 3]}]}""");
        assertEquals(202, accepted.statusCode(), accepted.body());
        final String id = JSON.readTree(accepted.body()).path("id").asText();
        final JsonNode staged = awaitState(id, "staged");
        assertEquals(8, staged.path("itemsStaged").asInt(), staged::toString);
        assertEquals(5L * MIB + 3 * 256 * 1024, staged.path("bytesStaged").asLong());

        for (int i = 0; i < 5; i++)
        {
            final HttpResponse<byte[]> read = get("/v1/objects/dataset/shard-00" + i);
            assertArrayEquals(bytes(i, MIB), read.body());
            assertEquals("memory", read.headers().firstValue("X-Terrace-Tier").orElseThrow(), "shard " + i);
        }
        for (int i = 1; i <= 3; i++)
        {
            final HttpResponse<byte[]> read = get("/v1/kv/llama/" + i);
            assertArrayEquals(bytes(1000 + i, 256 * 1024), read.body());
            assertEquals("memory", read.headers().firstValue("X-Terrace-Tier").orElseThrow(), "block " + i);
        }
        final JsonNode transfers = JSON.readTree(get("/v1/mover/transfers").body());
        assertTrue(transfers.path("transfers").toString().contains("\"class\":\"prefetch\""), transfers::toString);
        assertTrue(transfers.path("hintStaging").path("bytesStaged").asLong() >= 5L * MIB, transfers::toString);
    }

    @Test
    void oneJobCannotFlushMemory() throws Exception
    {
        final StringBuilder keys = new StringBuilder();
        for (int i = 20; i < 40; i++)
        {
            keys.append(i > 20 ? "," : "").append("\"shard-").append(String.format("%03d", i)).append('"');
        }
        final HttpResponse<String> accepted = post("/v1/hints",
            "{\"job\":\"greedy\",\"objects\":[{\"bucket\":\"dataset\",\"keys\":[" + keys + "]}]}");
        assertEquals(202, accepted.statusCode(), accepted.body());
        final String id = JSON.readTree(accepted.body()).path("id").asText();
        Thread.sleep(2000);
        final JsonNode status = JSON.readTree(get("/v1/hints/" + id).body());
        assertEquals("staging", status.path("state").asText(), status::toString);
        final long budget = (long)(16 * MIB * 0.9 * 0.5);
        assertTrue(status.path("bytesStaged").asLong() <= budget,
            "staged " + status.path("bytesStaged").asLong() + " of a job budget of " + budget);
        assertTrue(status.path("bytesStaged").asLong() >= 4L * MIB, status::toString);
        assertEquals(204, HTTP.send(HttpRequest.newBuilder(URI.create(node.httpEndpoint() + "/v1/hints/" + id))
            .DELETE().build(), HttpResponse.BodyHandlers.discarding()).statusCode());
        assertEquals("cancelled", JSON.readTree(get("/v1/hints/" + id).body()).path("state").asText());
    }

    @Test
    void prefixHintsAndHintsInTheFuture() throws Exception
    {
        final HttpResponse<String> later = post("/v1/hints",
            "{\"job\":\"tomorrow\",\"startInMs\":3600000,\"objects\":[{\"bucket\":\"dataset\",\"prefix\":\"shard-03\"}]}");
        assertEquals(202, later.statusCode(), later.body());
        final JsonNode status = JSON.readTree(later.body());
        assertEquals("pending", status.path("state").asText(), status::toString);
        assertEquals(10, status.path("items").asInt());
    }

    @Test
    void theSdkSendsHintsAndFollowsThem() throws Exception
    {
        try (TerraceClient client = TerraceClient.builder().endpoint(node.httpEndpoint()).build())
        {
            final HintStatus accepted = client.hint(PrefetchHint.forJob("sdk-job")
                .objects("dataset", "shard-005", "shard-006")
                .kvChain("llama", 1, 2, 99));
            assertEquals(5, accepted.items());
            HintStatus status = accepted;
            final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!status.isStaged() && System.nanoTime() < deadline)
            {
                Thread.sleep(50);
                status = client.hintStatus(accepted.id());
            }
            assertTrue(status.isStaged(), status::toString);
            assertEquals(1, status.itemsMissing(), "block 99 was never written");
            assertEquals(Tier.MEMORY, client.getBytes("dataset", "shard-005", null).tier());
            assertTrue(client.cancelHint(accepted.id()));
            assertEquals("cancelled", client.hintStatus(accepted.id()).state());
            org.junit.jupiter.api.Assertions.assertThrows(NotFoundException.class, () -> client.hintStatus("nope"));
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> PrefetchHint.forJob("x").objects("BAD", "k"));
        }
    }

    @Test
    void badHintsAreRefusedWithAReason() throws Exception
    {
        for (final String body : new String[] {
            "", "[]", "{}", "{\"job\":\"\"}", "{\"job\":\"j\"}", "{\"job\":\"j\",\"objects\":[{\"bucket\":\"UP\",\"keys\":[\"a\"]}]}",
            "{\"job\":\"j\",\"objects\":[{\"bucket\":\"abc\",\"keys\":[\"../x\"]}]}",
            "{\"job\":\"j\",\"objects\":[{\"bucket\":\"abc\"}]}",
            "{\"job\":\"j\",\"kv\":[{\"namespace\":\"ns\",\"hashes\":[-1]}]}",
            "{\"job\":\"j\",\"kv\":[{\"namespace\":\"ns\",\"hashes\":[]}]}",
            "{\"job\":\"j\",\"startAt\":1,\"ttlMs\":1,\"kv\":[{\"namespace\":\"ns\",\"hashes\":[1]}]}",
            "{\"job\":\"j\",\"priority\":\"high\",\"kv\":[{\"namespace\":\"ns\",\"hashes\":[1]}]}"})
        {
            final HttpResponse<String> response = post("/v1/hints", body);
            assertEquals(400, response.statusCode(), body + " -> " + response.body());
            final JsonNode error = JSON.readTree(response.body());
            assertTrue(error.path("error").asText().startsWith("invalid_"), response.body());
            assertTrue(!error.path("message").asText().isEmpty());
        }
        assertEquals(404, get("/v1/hints/no-such-hint").statusCode());
    }
}
