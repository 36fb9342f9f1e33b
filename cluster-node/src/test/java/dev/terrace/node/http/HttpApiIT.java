package dev.terrace.node.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.terrace.node.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The HTTP API of one real node, driven with a plain HTTP client: every route, and every error case of the API
 * contract (docs/http-api.md) answered with the right status and a JSON body.
 */
class HttpApiIT
{
    @TempDir
    static Path dataDir;
    static TestNode node;
    static HttpClient http;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start()
    {
        node = TestNode.start(dataDir, Map.of(
            "terrace.limits.max-object-size", "8MiB",
            "terrace.limits.max-kv-block-size", "1MiB",
            "terrace.extent-size", "1MiB"));
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop()
    {
        node.close();
    }

    static HttpResponse<byte[]> send(final HttpRequest.Builder request) throws Exception
    {
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static HttpRequest.Builder at(final String path)
    {
        return HttpRequest.newBuilder(URI.create(node.httpEndpoint() + path));
    }

    static byte[] random(final int size, final long seed)
    {
        final byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static JsonNode assertError(final HttpResponse<byte[]> response, final int status, final String code) throws Exception
    {
        assertEquals(status, response.statusCode(), () -> new String(response.body(), StandardCharsets.UTF_8));
        final JsonNode body = JSON.readTree(response.body());
        assertEquals(code, body.path("error").asText(), body::toString);
        assertFalse(body.path("message").asText().isEmpty(), "error message must say what was wrong");
        return body;
    }

    @Test
    void objectRoundTripAcrossExtentsWithRangesHeadListAndDelete() throws Exception
    {
        final byte[] data = random(3 * 1024 * 1024 + 123, 1);
        final HttpResponse<byte[]> put = send(at("/v1/objects/photos/2026/cat%20one.bin")
            .PUT(HttpRequest.BodyPublishers.ofByteArray(data)));
        assertEquals(200, put.statusCode(), new String(put.body(), StandardCharsets.UTF_8));
        final JsonNode stored = JSON.readTree(put.body());
        assertEquals("2026/cat one.bin", stored.path("key").asText());
        assertEquals("write-through", stored.path("durability").asText());
        final String etag = put.headers().firstValue("ETag").orElseThrow();

        final HttpResponse<byte[]> get = send(at("/v1/objects/photos/2026/cat%20one.bin").GET());
        assertEquals(200, get.statusCode());
        assertArrayEquals(data, get.body());
        assertEquals(etag, get.headers().firstValue("ETag").orElseThrow());
        assertEquals("memory", get.headers().firstValue("X-Terrace-Tier").orElseThrow());

        // The capacity tier holds the whole object under bucket/key, readable by ordinary tools.
        assertArrayEquals(data, Files.readAllBytes(dataDir.resolve("capacity/photos/2026/cat one.bin")));

        final HttpResponse<byte[]> range = send(at("/v1/objects/photos/2026/cat%20one.bin")
            .header("Range", "bytes=1048570-2097160").GET());
        assertEquals(206, range.statusCode());
        assertEquals("bytes 1048570-2097160/" + data.length, range.headers().firstValue("Content-Range").orElseThrow());
        assertArrayEquals(java.util.Arrays.copyOfRange(data, 1048570, 2097161), range.body());

        final HttpResponse<byte[]> suffix = send(at("/v1/objects/photos/2026/cat%20one.bin")
            .header("Range", "bytes=-100").GET());
        assertEquals(206, suffix.statusCode());
        assertArrayEquals(java.util.Arrays.copyOfRange(data, data.length - 100, data.length), suffix.body());

        final HttpResponse<Void> head = http.send(at("/v1/objects/photos/2026/cat%20one.bin")
            .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        assertEquals(200, head.statusCode());
        assertEquals(String.valueOf(data.length), head.headers().firstValue("Content-Length").orElseThrow());
        assertEquals(etag, head.headers().firstValue("ETag").orElseThrow());

        send(at("/v1/objects/photos/2026/dog.bin").PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[10])));
        send(at("/v1/objects/photos/2025/old.bin").PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[0])));
        final JsonNode listing = JSON.readTree(send(at("/v1/objects/photos?prefix=2026/").GET()).body());
        assertEquals(2, listing.path("objects").size(), listing::toString);
        assertEquals("2026/cat one.bin", listing.path("objects").get(0).path("key").asText());
        assertEquals("2026/dog.bin", listing.path("objects").get(1).path("key").asText());
        final JsonNode page1 = JSON.readTree(send(at("/v1/objects/photos?prefix=2026/&limit=1").GET()).body());
        assertTrue(page1.path("truncated").asBoolean(), page1::toString);
        assertEquals("2026/cat one.bin", page1.path("nextStartAfter").asText());
        final JsonNode page2 = JSON.readTree(send(at("/v1/objects/photos?prefix=2026/&limit=1&start-after=" +
            java.net.URLEncoder.encode(page1.path("nextStartAfter").asText(), StandardCharsets.UTF_8)
                .replace("+", "%20")).GET()).body());
        assertEquals(1, page2.path("objects").size(), page2::toString);
        assertEquals("2026/dog.bin", page2.path("objects").get(0).path("key").asText());
        assertFalse(page2.path("truncated").asBoolean());
        final HttpResponse<byte[]> empty = send(at("/v1/objects/photos/2025/old.bin").GET());
        assertEquals(200, empty.statusCode());
        assertEquals(0, empty.body().length);

        assertEquals(204, send(at("/v1/objects/photos/2026/cat%20one.bin").DELETE()).statusCode());
        assertError(send(at("/v1/objects/photos/2026/cat%20one.bin").GET()), 404, "not_found");
        assertError(send(at("/v1/objects/photos/2026/cat%20one.bin").DELETE()), 404, "not_found");
        assertFalse(Files.exists(dataDir.resolve("capacity/photos/2026/cat one.bin")));
    }

    @Test
    void replacingAnObjectServesTheNewBytesOnly() throws Exception
    {
        final byte[] first = random(2_500_000, 2);
        final byte[] second = random(1_200_000, 3);
        send(at("/v1/objects/replace/k").PUT(HttpRequest.BodyPublishers.ofByteArray(first)));
        send(at("/v1/objects/replace/k").PUT(HttpRequest.BodyPublishers.ofByteArray(second)));
        assertArrayEquals(second, send(at("/v1/objects/replace/k").GET()).body());
    }

    @Test
    void malformedNamesAreRefusedAndNeverEscapeTheTierDirectories() throws Exception
    {
        assertError(send(at("/v1/objects/UPPER/key").GET()), 400, "invalid_name");
        assertError(send(at("/v1/objects/ab/key").GET()), 400, "invalid_name");
        assertError(send(at("/v1/objects/bucket/a/%2e%2e/%2e%2e/escape")
            .PUT(HttpRequest.BodyPublishers.ofString("x"))), 400, "invalid_name");
        assertError(send(at("/v1/objects/bucket/..%2F..%2Fescape")
            .PUT(HttpRequest.BodyPublishers.ofString("x"))), 400, "invalid_name");
        final String raw = rawRequest("GET /v1/objects/bucket/a%ZZ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertTrue(raw.startsWith("HTTP/1.1 400"), raw);
        assertError(send(at("/v1/kv/Bad%20Ns/1").GET()), 400, "invalid_name");
        assertError(send(at("/v1/kv/ns/notahash").GET()), 400, "invalid_name");
        assertError(send(at("/v1/kv/ns/18446744073709551616").GET()), 400, "invalid_name");
        try (Stream<Path> files = Files.walk(dataDir.getParent()))
        {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().equals("escape")),
                "a traversal attempt created a file");
        }
    }

    static String rawRequest(final String request) throws Exception
    {
        final URI uri = URI.create(node.httpEndpoint());
        try (Socket socket = new Socket(uri.getHost(), uri.getPort()))
        {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void malformedAndUnsatisfiableRanges() throws Exception
    {
        send(at("/v1/objects/ranges/k").PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[100])));
        assertError(send(at("/v1/objects/ranges/k").header("Range", "bytes=9-3").GET()), 400, "invalid_range");
        assertError(send(at("/v1/objects/ranges/k").header("Range", "bytes=a-b").GET()), 400, "invalid_range");
        assertError(send(at("/v1/objects/ranges/k").header("Range", "items=0-1").GET()), 400, "invalid_range");
        assertError(send(at("/v1/objects/ranges/k").header("Range", "bytes=0-1,5-6").GET()), 400, "invalid_range");
        final HttpResponse<byte[]> past = send(at("/v1/objects/ranges/k").header("Range", "bytes=100-").GET());
        assertError(past, 416, "range_not_satisfiable");
        assertEquals("bytes */100", past.headers().firstValue("Content-Range").orElseThrow());
        final HttpResponse<byte[]> clipped = send(at("/v1/objects/ranges/k").header("Range", "bytes=90-500").GET());
        assertEquals(206, clipped.statusCode());
        assertEquals(10, clipped.body().length);
    }

    @Test
    void oversizedBodiesGet413AndStoreNothing() throws Exception
    {
        final HttpResponse<byte[]> big = send(at("/v1/objects/limits/big")
            .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[9 * 1024 * 1024])));
        assertError(big, 413, "too_large");
        assertError(send(at("/v1/objects/limits/big").GET()), 404, "not_found");
        assertError(send(at("/v1/kv/ns/7").PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[1024 * 1024 + 1]))),
            413, "too_large");
    }

    @Test
    void badDurabilityHeaderAndMissingLength() throws Exception
    {
        assertError(send(at("/v1/objects/hdr/k").header("X-Terrace-Durability", "forever")
            .PUT(HttpRequest.BodyPublishers.ofString("x"))), 400, "invalid_header");
        // A chunked body (no Content-Length).
        final HttpResponse<byte[]> chunked = send(at("/v1/objects/hdr/k").PUT(HttpRequest.BodyPublishers.ofInputStream(
            () -> new java.io.ByteArrayInputStream(new byte[10]))));
        assertError(chunked, 411, "length_required");
    }

    @Test
    void truncatedUploadLeavesThePreviousObjectIntact() throws Exception
    {
        final byte[] original = random(100_000, 4);
        assertEquals(200, send(at("/v1/objects/trunc/k").PUT(HttpRequest.BodyPublishers.ofByteArray(original)))
            .statusCode());
        final URI uri = URI.create(node.httpEndpoint());
        try (Socket socket = new Socket(uri.getHost(), uri.getPort()))
        {
            final OutputStream out = socket.getOutputStream();
            out.write(("PUT /v1/objects/trunc/k HTTP/1.1\r\nHost: x\r\nContent-Length: 3000000\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[1_500_000]);
            out.flush();
            socket.shutdownOutput();
            final InputStream in = socket.getInputStream();
            try
            {
                in.readAllBytes();
            }
            catch (final java.net.SocketException reset)
            {
                // The server may answer a truncated body by resetting the connection; either way nothing is stored.
            }
        }
        // New bytes never became visible, old bytes still served; and no temp file is listed.
        final HttpResponse<byte[]> get = send(at("/v1/objects/trunc/k").GET());
        assertEquals(200, get.statusCode());
        assertArrayEquals(original, get.body());
        final JsonNode listing = JSON.readTree(send(at("/v1/objects/trunc").GET()).body());
        assertEquals(1, listing.path("objects").size(), listing::toString);
        assertArrayEquals(original, Files.readAllBytes(dataDir.resolve("capacity/trunc/k")));
    }

    @Test
    void kvBlocksAndLongestCachedPrefix() throws Exception
    {
        for (final long hash : new long[] {11, 12, 13, 15})
        {
            final HttpResponse<byte[]> put = send(at("/v1/kv/llama-8b/" + hash)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(random(64 * 1024, hash))));
            assertEquals(200, put.statusCode());
            assertEquals("cache", JSON.readTree(put.body()).path("durability").asText());
        }
        final HttpResponse<byte[]> get = send(at("/v1/kv/llama-8b/13").GET());
        assertArrayEquals(random(64 * 1024, 13), get.body());
        assertEquals("memory", get.headers().firstValue("X-Terrace-Tier").orElseThrow());

        final JsonNode lookup = JSON.readTree(send(at("/v1/kv/llama-8b/lookup")
            .POST(HttpRequest.BodyPublishers.ofString("{\"hashes\":[11,\"12\",13,14,15]}"))).body());
        assertEquals(3, lookup.path("prefix").asInt(), lookup::toString);
        assertEquals(3, lookup.path("tiers").size());
        assertEquals("memory", lookup.path("tiers").get(0).asText());

        // Another namespace sees nothing.
        final JsonNode other = JSON.readTree(send(at("/v1/kv/tenant-b/lookup")
            .POST(HttpRequest.BodyPublishers.ofString("{\"hashes\":[11,12]}"))).body());
        assertEquals(0, other.path("prefix").asInt());

        // Unsigned 64-bit hashes round-trip.
        assertEquals(200, send(at("/v1/kv/llama-8b/18446744073709551615")
            .PUT(HttpRequest.BodyPublishers.ofString("top"))).statusCode());
        final JsonNode top = JSON.readTree(send(at("/v1/kv/llama-8b/lookup")
            .POST(HttpRequest.BodyPublishers.ofString("{\"hashes\":[18446744073709551615]}"))).body());
        assertEquals(1, top.path("prefix").asInt());

        assertEquals(204, send(at("/v1/kv/llama-8b/12").DELETE()).statusCode());
        final JsonNode after = JSON.readTree(send(at("/v1/kv/llama-8b/lookup")
            .POST(HttpRequest.BodyPublishers.ofString("{\"hashes\":[11,12,13]}"))).body());
        assertEquals(1, after.path("prefix").asInt());
    }

    @Test
    void malformedLookupBodies() throws Exception
    {
        for (final String body : new String[] {"", "{", "[]", "{\"hashes\":7}", "{\"hashes\":[-1]}",
            "{\"hashes\":[1.5]}", "{\"hashes\":[\"x\"]}", "{\"hashes\":[18446744073709551616]}"})
        {
            assertError(send(at("/v1/kv/ns/lookup").POST(HttpRequest.BodyPublishers.ofString(body))), 400,
                "invalid_json");
        }
        assertError(send(at("/v1/kv/ns/lookup").GET()), 405, "method_not_allowed");
    }

    @Test
    void nodeHealthMetricsAndUnknownRoutes() throws Exception
    {
        final JsonNode health = JSON.readTree(send(at("/health").GET()).body());
        assertEquals("ok", health.path("status").asText());
        final JsonNode info = JSON.readTree(send(at("/v1/node").GET()).body());
        assertEquals(3, info.path("tiers").size());
        assertEquals("memory", info.path("tiers").get(0).path("tier").asText());
        assertTrue(info.path("tiers").get(0).path("capacityBytes").asLong() > 0);
        final String metrics = new String(send(at("/metrics").GET()).body(), StandardCharsets.UTF_8);
        assertTrue(metrics.contains("terrace_tier_used_bytes{tier=\"memory\"}"), metrics);
        assertTrue(metrics.contains("terrace_requests_total"), metrics);
        assertError(send(at("/v2/nothing").GET()), 404, "not_found");
        assertNotNull(info.path("nodeId").asText());
    }
}
