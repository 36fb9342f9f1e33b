package dev.terrace.node.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.terrace.node.testing.RawHttp;
import dev.terrace.node.testing.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * More than 10,000 malformed requests ({@link FuzzCases}, from a seed printed at the start and in every failure) over
 * raw sockets to a running node, while slow clients trickle bytes and stop: no answer is a 5xx, every 4xx carries a
 * JSON body saying what was wrong, the node stays up, nothing escapes the tier directories, no transfer slot leaks,
 * and every object and block stored before the fuzz reads back byte for byte with its original ETag (CRC32C).
 * Rerun a failure with {@code -Dterrace.fuzz.seed=SEED}.
 */
class HttpFuzzIT
{
    private static final int REQUESTS = 10_400;
    private static final int CLIENTS = 4;
    private static final int SLOW_CLIENTS = 12;
    private static final long MAX_OBJECT_SIZE = 1024 * 1024;
    private static final long MAX_KV_BLOCK_SIZE = 128 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SERVER_ERRORS = Pattern.compile("terrace_requests_total\\{[^}]*status=\"5\\d\\d\"[^}]*} (\\S+)");

    @TempDir
    Path temp;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** An item stored before the fuzz: its URL path, bytes and ETag. */
    private record Kept(String path, byte[] bytes, String etag)
    {
    }

    @Test
    void malformedRequestsGetNo5xxAndStoredDataStaysIntact() throws Exception
    {
        final long seed = Long.getLong("terrace.fuzz.seed", new SecureRandom().nextLong());
        System.out.println("HttpFuzzIT seed " + seed + " (rerun with -Dterrace.fuzz.seed=" + seed + ")");
        final Path dataDir = temp.resolve("node");
        try (TestNode node = TestNode.start(dataDir, Map.of(
            "terrace.extent-size", "64KiB",
            "terrace.limits.max-object-size", Long.toString(MAX_OBJECT_SIZE),
            "terrace.limits.max-kv-block-size", Long.toString(MAX_KV_BLOCK_SIZE))))
        {
            final URI endpoint = URI.create(node.httpEndpoint());
            final InetSocketAddress server = new InetSocketAddress(endpoint.getHost(), endpoint.getPort());
            final List<Kept> kept = storeKeptItems(node, new Random(seed));
            final List<String> objectPaths = kept.stream().map(Kept::path).filter(p -> p.startsWith("/v1/objects/")).toList();
            final List<String> blockPaths = kept.stream().map(Kept::path).filter(p -> p.startsWith("/v1/kv/")).toList();

            final List<Socket> slowClients = startSlowClients(server, objectPaths, seed);
            final Queue<String> failures = new ConcurrentLinkedQueue<>();
            final Map<String, AtomicInteger> statuses = new ConcurrentHashMap<>();
            final long started = System.nanoTime();
            final ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            try
            {
                final List<Future<?>> runs = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++)
                {
                    final FuzzCases cases = new FuzzCases(seed + c, endpoint.getHost() + ':' + endpoint.getPort(),
                        objectPaths, blockPaths, "/v1/objects/keep-objects/big", MAX_OBJECT_SIZE, MAX_KV_BLOCK_SIZE);
                    runs.add(clients.submit(() -> fuzz(server, cases, REQUESTS / CLIENTS, seed, failures, statuses)));
                }
                for (final Future<?> run : runs)
                {
                    run.get(5, TimeUnit.MINUTES);
                }
            }
            finally
            {
                clients.shutdownNow();
                for (final Socket slow : slowClients)
                {
                    slow.close();
                }
            }
            System.out.printf("HttpFuzzIT: %d requests in %.1f s, answers by status %s%n", REQUESTS,
                (System.nanoTime() - started) / 1e9, new TreeMap<>(statuses));
            if (!failures.isEmpty())
            {
                fail("seed " + seed + ": " + failures.size() + " bad answers, first ones:\n" +
                    String.join("\n", failures.stream().limit(20).toList()));
            }

            assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(node.httpEndpoint() + "/health")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode(), "seed " + seed + ": the node is alive");
            for (final Kept item : kept)
            {
                final HttpResponse<byte[]> get = http.send(HttpRequest.newBuilder(URI.create(node.httpEndpoint() + item.path()))
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, get.statusCode(), "seed " + seed + ": " + item.path());
                assertArrayEquals(item.bytes(), get.body(), "seed " + seed + ": bytes of " + item.path());
                assertEquals(item.etag(), get.headers().firstValue("ETag").orElseThrow(), "seed " + seed + ": " + item.path());
            }
            assertNoEscapes(dataDir, seed);
            final long draining = System.nanoTime();
            awaitNoTransfersInFlight(node, seed);
            System.out.printf("HttpFuzzIT: transfer slots all back after %.1f s%n", (System.nanoTime() - draining) / 1e9);
            final Matcher serverErrors = SERVER_ERRORS.matcher(scrape(node));
            while (serverErrors.find())
            {
                assertEquals(0, Double.parseDouble(serverErrors.group(1)), "seed " + seed + ": " + serverErrors.group());
            }
        }
    }

    private void fuzz(
        final InetSocketAddress server, final FuzzCases cases, final int count, final long seed,
        final Queue<String> failures, final Map<String, AtomicInteger> statuses)
    {
        for (int i = 0; i < count && !Thread.currentThread().isInterrupted(); i++)
        {
            final FuzzCases.FuzzCase fuzzCase = cases.next();
            final RawHttp.Exchange exchange;
            try
            {
                exchange = RawHttp.exchange(server, fuzzCase.request(), fuzzCase.closeOutput(), 15_000, fuzzCase.head());
            }
            catch (final IOException ex)
            {
                failures.add(describe(seed, fuzzCase, "connection failed: " + ex));
                continue;
            }
            final String problem = judge(fuzzCase, exchange);
            if (problem != null)
            {
                failures.add(describe(seed, fuzzCase, problem));
            }
            for (final RawHttp.Response response : exchange.responses())
            {
                statuses.computeIfAbsent(fuzzCase.label() + " " + response.status(), k -> new AtomicInteger()).incrementAndGet();
            }
        }
    }

    /** Null when the answer is acceptable, otherwise what is wrong with it. */
    private static String judge(final FuzzCases.FuzzCase fuzzCase, final RawHttp.Exchange exchange)
    {
        if (exchange.responses().isEmpty())
        {
            if (exchange.timedOut())
            {
                return "no answer within 15 s";
            }
            return fuzzCase.mayGoUnanswered() ? null : "connection closed without an answer";
        }
        for (int i = 0; i < exchange.responses().size(); i++)
        {
            final RawHttp.Response response = exchange.responses().get(i);
            final boolean last = i == exchange.responses().size() - 1;
            if (response.status() >= 500)
            {
                return "server error " + response.status() + ": " + response.bodyText();
            }
            if (fuzzCase.mustBeClientError() && (response.status() < 400 || response.status() >= 500))
            {
                return "expected a 4xx, got " + response.status() + ": " + response.bodyText();
            }
            if (response.status() >= 400 && !(fuzzCase.head() && last))
            {
                final String jsonProblem = jsonErrorProblem(response);
                if (jsonProblem != null)
                {
                    return response.status() + " without a JSON error body (" + jsonProblem + "): " + response.bodyText();
                }
            }
        }
        return null;
    }

    private static String jsonErrorProblem(final RawHttp.Response response)
    {
        final String contentType = response.header("content-type");
        if (contentType == null || !contentType.startsWith("application/json"))
        {
            return "content type " + contentType;
        }
        try
        {
            final JsonNode body = JSON.readTree(response.body());
            if (body == null || body.path("error").asText().isEmpty() || body.path("message").asText().isEmpty())
            {
                return "no error code or message";
            }
            return null;
        }
        catch (final IOException ex)
        {
            return "not JSON";
        }
    }

    private static String describe(final long seed, final FuzzCases.FuzzCase fuzzCase, final String problem)
    {
        return "seed " + seed + " [" + fuzzCase.label() + "] " + problem + "\n    request: " + fuzzCase.preview();
    }

    private List<Kept> storeKeptItems(final TestNode node, final Random random) throws Exception
    {
        final Map<String, Integer> objects = new LinkedHashMap<>();
        objects.put("/v1/objects/keep-objects/k1", 1000);
        objects.put("/v1/objects/keep-objects/dir/k2", 70_000);
        objects.put("/v1/objects/keep-objects/with%20space/k3", 200_000);
        objects.put("/v1/objects/keep-objects/big", 900_000);
        objects.put("/v1/objects/keep-objects/empty", 0);
        objects.put("/v1/objects/keep-objects/one", 1);
        final Map<String, String> durabilities = Map.of(
            "/v1/objects/keep-objects/cache-class", "cache", "/v1/objects/keep-objects/replicated-class", "replicated");
        objects.put("/v1/objects/keep-objects/cache-class", 150_000);
        objects.put("/v1/objects/keep-objects/replicated-class", 150_000);
        for (int hash = 1; hash <= 8; hash++)
        {
            objects.put("/v1/kv/keep-ns/" + hash, 1 + random.nextInt((int)MAX_KV_BLOCK_SIZE));
        }
        objects.put("/v1/kv/keep-ns/18446744073709551615", 4096);
        final List<Kept> kept = new ArrayList<>();
        for (final Map.Entry<String, Integer> e : objects.entrySet())
        {
            final byte[] bytes = new byte[e.getValue()];
            random.nextBytes(bytes);
            final HttpRequest.Builder put = HttpRequest.newBuilder(URI.create(node.httpEndpoint() + e.getKey()))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes));
            if (durabilities.containsKey(e.getKey()))
            {
                put.header("X-Terrace-Durability", durabilities.get(e.getKey()));
            }
            final HttpResponse<String> response = http.send(put.build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            kept.add(new Kept(e.getKey(), bytes, response.headers().firstValue("ETag").orElseThrow()));
        }
        return kept;
    }

    /**
     * Clients that send part of a request a byte at a time, then stop and hold the connection open until the fuzz
     * ends: half upload into kept objects (more of them than the node has I/O threads), the rest trickle headers or a
     * lookup body.
     */
    private static List<Socket> startSlowClients(final InetSocketAddress server, final List<String> objectPaths,
        final long seed) throws IOException
    {
        final List<Socket> sockets = new ArrayList<>();
        final Random random = new Random(seed);
        for (int i = 0; i < SLOW_CLIENTS; i++)
        {
            final String request = switch (i % 4)
            {
                case 0, 1 -> "PUT " + objectPaths.get(random.nextInt(objectPaths.size())) +
                    " HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" + "x".repeat(40);
                case 2 -> "GET " + objectPaths.get(0) + " HTTP/1.1\r\nHost: x\r\nX-Slow: ";
                default -> "POST /v1/kv/keep-ns/lookup HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"hashes\":[1,";
            };
            final Socket socket = new Socket();
            socket.connect(server, 5_000);
            sockets.add(socket);
            final Thread trickle = new Thread(() -> trickle(socket, request.getBytes(StandardCharsets.US_ASCII)),
                "fuzz-slow-client-" + i);
            trickle.setDaemon(true);
            trickle.start();
        }
        return sockets;
    }

    private static void trickle(final Socket socket, final byte[] bytes)
    {
        try
        {
            final OutputStream out = socket.getOutputStream();
            for (final byte b : bytes)
            {
                out.write(b);
                out.flush();
                TimeUnit.MILLISECONDS.sleep(20);
            }
        }
        catch (final IOException | InterruptedException ex)
        {
            // The server gave up on this client, or the test closed it: either is what a slow client meets.
        }
    }

    /** No traversal attempt created a file, inside the data directory or in any directory above it. */
    private void assertNoEscapes(final Path dataDir, final long seed) throws IOException
    {
        try (Stream<Path> files = Files.walk(temp))
        {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().contains(FuzzCases.ESCAPE)),
                "seed " + seed + ": a traversal attempt created a file under " + temp);
        }
        for (Path dir = dataDir.resolve("capacity/keep-objects/x"); dir != null; dir = dir.getParent())
        {
            assertFalse(Files.exists(dir.resolve(FuzzCases.ESCAPE)), "seed " + seed + ": escaped into " + dir);
        }
    }

    /** Every transfer slot comes back once the clients are gone (abandoned downloads and uploads included). */
    private void awaitNoTransfersInFlight(final TestNode node, final long seed) throws Exception
    {
        final Pattern inFlight = Pattern.compile("(?m)^terrace_transfers_in_flight (\\S+)");
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        final AtomicLong last = new AtomicLong(-1);
        while (System.nanoTime() < deadline)
        {
            final Matcher matcher = inFlight.matcher(scrape(node));
            assertTrue(matcher.find(), "terrace_transfers_in_flight is exported");
            last.set((long)Double.parseDouble(matcher.group(1)));
            if (last.get() == 0)
            {
                return;
            }
            // Dropped, never-sent responses give their slot back through a cleaner: let the collector find them.
            System.gc();
            TimeUnit.MILLISECONDS.sleep(200);
        }
        fail("seed " + seed + ": " + last.get() + " transfers still in flight after every client left");
    }

    private String scrape(final TestNode node) throws Exception
    {
        return http.send(HttpRequest.newBuilder(URI.create(node.httpEndpoint() + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString()).body();
    }
}
