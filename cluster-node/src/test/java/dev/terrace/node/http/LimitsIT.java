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
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The request limits of {@code terrace.limits.*} on a real node: the object size limit (413), the token bucket per
 * key (429 {@code rate_limited} with a {@code Retry-After} that is enough) and the transfers streaming at once (429
 * {@code too_many_transfers}, slots given back when uploads finish or break off).
 */
class LimitsIT
{
    private static final long MAX_OBJECT_SIZE = 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dataDir;
    static TestNode node;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start()
    {
        node = TestNode.start(dataDir, Map.of(
            "terrace.extent-size", "64KiB",
            "terrace.limits.max-object-size", Long.toString(MAX_OBJECT_SIZE),
            "terrace.limits.requests-per-second-per-key", "0.5",
            "terrace.limits.request-burst-per-key", "10",
            "terrace.limits.max-concurrent-transfers", "2"));
    }

    @AfterAll
    static void stop()
    {
        node.close();
    }

    private HttpResponse<byte[]> send(final HttpRequest.Builder request) throws Exception
    {
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpRequest.Builder at(final String path)
    {
        return HttpRequest.newBuilder(URI.create(node.httpEndpoint() + path));
    }

    private static byte[] random(final int size, final long seed)
    {
        final byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static JsonNode assertError(final HttpResponse<byte[]> response, final int status, final String code)
        throws Exception
    {
        assertEquals(status, response.statusCode(), () -> new String(response.body(), StandardCharsets.UTF_8));
        final JsonNode body = JSON.readTree(response.body());
        assertEquals(code, body.path("error").asText(), body::toString);
        assertFalse(body.path("message").asText().isEmpty());
        return body;
    }

    @Test
    void objectsUpToTheSizeLimitAreStoredAndOneByteMoreIs413() throws Exception
    {
        final byte[] exact = random((int)MAX_OBJECT_SIZE, 1);
        assertEquals(200, send(at("/v1/objects/limits/exact").PUT(HttpRequest.BodyPublishers.ofByteArray(exact)))
            .statusCode());
        assertArrayEquals(exact, send(at("/v1/objects/limits/exact").GET()).body());
        final JsonNode tooLarge = assertError(send(at("/v1/objects/limits/over")
            .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[(int)MAX_OBJECT_SIZE + 1]))), 413, "too_large");
        assertTrue(tooLarge.path("message").asText().contains(Long.toString(MAX_OBJECT_SIZE)), tooLarge::toString);
        assertError(send(at("/v1/objects/limits/over").GET()), 404, "not_found");
    }

    @Test
    void aKeyPastItsBurstGets429WithARetryAfterThatIsEnough() throws Exception
    {
        final byte[] bytes = random(1000, 2);
        assertEquals(200, send(at("/v1/objects/rate/hot").PUT(HttpRequest.BodyPublishers.ofByteArray(bytes))).statusCode());
        // A burst of 10 at half a request per second: within a few more requests the key is refused.
        HttpResponse<byte[]> limited = null;
        for (int i = 0; i < 30 && limited == null; i++)
        {
            final HttpResponse<byte[]> response = send(at("/v1/objects/rate/hot").GET());
            if (response.statusCode() == 429)
            {
                limited = response;
            }
            else
            {
                assertEquals(200, response.statusCode());
                assertArrayEquals(bytes, response.body());
            }
        }
        assertNotNull(limited, "30 requests to one key at 0.5 per second never got a 429");
        final JsonNode body = assertError(limited, 429, "rate_limited");
        assertTrue(body.path("message").asText().contains("rate/hot"), body::toString);
        final long retryAfter = Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter >= 1 && retryAfter <= 2, "one token every 2 s: Retry-After " + retryAfter);
        // Other keys are not limited by this one's traffic, whatever the method.
        assertError(send(at("/v1/objects/rate/cold").GET()), 404, "not_found");
        assertEquals(200, send(at("/v1/objects/rate/cold").PUT(HttpRequest.BodyPublishers.ofByteArray(bytes))).statusCode());
        // Waiting as long as the node said is enough.
        TimeUnit.SECONDS.sleep(retryAfter);
        final HttpResponse<byte[]> again = send(at("/v1/objects/rate/hot").GET());
        assertEquals(200, again.statusCode());
        assertArrayEquals(bytes, again.body());
        assertTrue(scrape().contains("status=\"429\""), "429s are counted in terrace_requests_total");
    }

    @Test
    void transfersPastTheLimitGet429AndSlotsComeBack() throws Exception
    {
        final byte[] existing = random(100_000, 3);
        assertEquals(200, send(at("/v1/objects/slots/existing").PUT(HttpRequest.BodyPublishers.ofByteArray(existing)))
            .statusCode());
        awaitTransfersInFlight(0);
        final URI endpoint = URI.create(node.httpEndpoint());
        final byte[] first = random(50_000, 4);
        final byte[] second = random(50_000, 5);
        try (Socket finishing = new Socket(endpoint.getHost(), endpoint.getPort());
             Socket abandoned = new Socket(endpoint.getHost(), endpoint.getPort()))
        {
            // Two uploads that start and then wait: both slots taken.
            final OutputStream finishingOut = startUpload(finishing, "/v1/objects/slots/first", first);
            startUpload(abandoned, "/v1/objects/slots/existing", second);
            awaitTransfersInFlight(2);

            assertError(send(at("/v1/objects/slots/third").PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[100]))),
                429, "too_many_transfers");
            final HttpResponse<byte[]> refusedRead = send(at("/v1/objects/slots/existing").GET());
            assertError(refusedRead, 429, "too_many_transfers");
            assertEquals("1", refusedRead.headers().firstValue("Retry-After").orElseThrow());
            // What moves no body is still served.
            assertEquals(200, http.send(at("/v1/objects/slots/existing").method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode());
            assertEquals(200, send(at("/health").GET()).statusCode());

            // One upload finishes: its slot comes back and the next transfer goes through.
            finishingOut.write(first, 100, first.length - 100);
            finishingOut.flush();
            final String answer = readResponse(finishing);
            assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
            awaitTransfersInFlight(1);
            final HttpResponse<byte[]> read = send(at("/v1/objects/slots/first").GET());
            assertEquals(200, read.statusCode());
            assertArrayEquals(first, read.body());

            // The other client gives up mid-body: its slot comes back and the object it was replacing is unchanged.
            abandoned.close();
            awaitTransfersInFlight(0);
        }
        final HttpResponse<byte[]> unchanged = send(at("/v1/objects/slots/existing").GET());
        assertEquals(200, unchanged.statusCode());
        assertArrayEquals(existing, unchanged.body());
    }

    /** Sends the request head and the first 100 bytes of the body, and leaves the rest for later. */
    private static OutputStream startUpload(final Socket socket, final String path, final byte[] body) throws Exception
    {
        socket.setSoTimeout(30_000);
        final OutputStream out = socket.getOutputStream();
        out.write(("PUT " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        out.write(body, 0, 100);
        out.flush();
        return out;
    }

    private static String readResponse(final Socket socket) throws Exception
    {
        final InputStream in = socket.getInputStream();
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    private void awaitTransfersInFlight(final long expected) throws Exception
    {
        final Pattern inFlight = Pattern.compile("(?m)^terrace_transfers_in_flight (\\S+)");
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long last = -1;
        while (System.nanoTime() < deadline)
        {
            final Matcher matcher = inFlight.matcher(scrape());
            assertTrue(matcher.find());
            last = (long)Double.parseDouble(matcher.group(1));
            if (last == expected)
            {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        fail("transfers in flight stayed at " + last + ", expected " + expected);
    }

    private String scrape() throws Exception
    {
        return new String(send(at("/metrics").GET()).body(), StandardCharsets.UTF_8);
    }
}
