package dev.terrace.client;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Client behaviour when no node answers, over real sockets: a port nothing listens on (connection refused) and a
 * listening socket that never accepts (the request is sent, no answer comes). No HTTP server is involved.
 */
class ClientFailureTest
{
    private String deadEndpoint;
    private ServerSocket blackHole;
    private String blackHoleEndpoint;

    @BeforeEach
    void openSockets() throws IOException
    {
        final InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerSocket closed = new ServerSocket(0, 1, loopback))
        {
            deadEndpoint = "http://127.0.0.1:" + closed.getLocalPort();
        }
        blackHole = new ServerSocket(0, 50, loopback);
        blackHoleEndpoint = "http://127.0.0.1:" + blackHole.getLocalPort();
    }

    @AfterEach
    void closeSockets() throws IOException
    {
        blackHole.close();
    }

    private TerraceClient.Builder fastRetries(final String... endpoints)
    {
        return TerraceClient.builder()
            .endpoints(endpoints)
            .maxRetries(2)
            .backoffBase(Duration.ofMillis(20))
            .backoffMax(Duration.ofMillis(40))
            .connectTimeout(Duration.ofSeconds(2))
            .requestTimeout(Duration.ofMillis(400));
    }

    @Test
    void refusedConnectionsAreRetriedThenReportedAsTerraceIOException()
    {
        try (TerraceClient client = fastRetries(deadEndpoint).build())
        {
            final long start = System.nanoTime();
            final TerraceIOException error = assertThrows(TerraceIOException.class, () -> client.get("bkt", "key"));
            final long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(TerraceException.NO_STATUS, error.status());
            assertEquals("io", error.errorCode());
            assertTrue(error.getMessage().contains("3 attempts"), error.getMessage());
            assertEquals(2, error.getSuppressed().length, "one failure per earlier attempt");
            assertInstanceOf(ConnectException.class, error.getCause());
            // Minimum waits are half of each cap: 10 ms then 20 ms.
            assertTrue(elapsedMillis >= 30, "backoff waited " + elapsedMillis + " ms");
        }
    }

    @Test
    void anUntouchedStreamBodyIsRetriedAndLeftUnread()
    {
        final ByteArrayInputStream in = new ByteArrayInputStream(new byte[4096]);
        try (TerraceClient client = fastRetries(deadEndpoint).build())
        {
            final TerraceIOException error = assertThrows(TerraceIOException.class,
                () -> client.put("bkt", "key", in, 4096));
            assertEquals(2, error.getSuppressed().length);
            assertEquals(4096, in.available());
        }
    }

    @Test
    void aRequestTimeoutIsNotRetried()
    {
        try (TerraceClient client = fastRetries(blackHoleEndpoint).build())
        {
            final long start = System.nanoTime();
            final TerraceTimeoutException error = assertThrows(TerraceTimeoutException.class,
                () -> client.put("bkt", "key", new byte[100]));
            final long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals("timeout", error.errorCode());
            assertEquals(0, error.getSuppressed().length);
            assertTrue(elapsedMillis >= 400 && elapsedMillis < 5000, elapsedMillis + " ms");
        }
    }

    @Test
    void aFailedEndpointIsSkippedForTheNext()
    {
        try (TerraceClient client = fastRetries(deadEndpoint, blackHoleEndpoint).maxRetries(1).build())
        {
            // Attempt 1 is refused by the dead endpoint; attempt 2 reaches the second one, which never answers.
            final TerraceTimeoutException error = assertThrows(TerraceTimeoutException.class,
                () -> client.head("bkt", "key"));
            assertEquals(1, error.getSuppressed().length);
            assertInstanceOf(ConnectException.class, error.getSuppressed()[0]);
            // The next call starts at the endpoint that worked.
            assertThrows(TerraceTimeoutException.class, () -> client.getBlock("ns", 1));
        }
    }

    @Test
    void withoutASlotMapItemRequestsGoToTheConfiguredEndpointWhileTheMapIsFetchedInTheBackground() throws Exception
    {
        try (TerraceClient client = fastRetries(deadEndpoint).build())
        {
            assertThrows(TerraceIOException.class, () -> client.get("bkt", "key"));
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (client.stats().slotMapFetchFailures() == 0 && System.nanoTime() < deadline)
            {
                Thread.sleep(20);
            }
            final ClientStats stats = client.stats();
            assertEquals(1, stats.slotMapFetchFailures(), "one background fetch, with its own retries");
            assertEquals(3, stats.fallbackRequests(), "every attempt of the get went to the configured endpoint");
            assertEquals(0, stats.ownerRequests());
            assertEquals(-1, stats.slotMapEpoch());
            // Listings never wait for or consult the map.
            assertThrows(TerraceIOException.class, () -> client.list("bkt", ""));
            assertEquals(3, client.stats().fallbackRequests());
        }
    }

    @Test
    void withSlotRoutingOffNoMapIsFetched() throws Exception
    {
        try (TerraceClient client = fastRetries(deadEndpoint).slotRouting(false).build())
        {
            assertThrows(TerraceIOException.class, () -> client.get("bkt", "key"));
            assertThrows(TerraceIOException.class, () -> client.batchGet("ns", 1, 2, 3));
            Thread.sleep(200);
            final ClientStats stats = client.stats();
            assertEquals(0, stats.slotMapFetches() + stats.slotMapFetchFailures());
            assertEquals(0, stats.ownerRequests() + stats.fallbackRequests());
            assertEquals(-1, stats.slotMapEpoch());
        }
    }

    @Test
    void badNamesFailWithoutARequest() throws Exception
    {
        try (TerraceClient client = fastRetries(deadEndpoint).build())
        {
            // Against a dead endpoint, any request would end in TerraceIOException instead.
            assertInvalid("invalid_name", () -> client.put("Upper_Case", "key", new byte[1]));
            assertInvalid("invalid_name", () -> client.put("bkt", "../escape", new byte[1]));
            assertInvalid("invalid_name", () -> client.get("bkt", ""));
            assertInvalid("invalid_name", () -> client.get("bkt", "/rooted"));
            assertInvalid("invalid_name", () -> client.get("bkt", "a//b"));
            assertInvalid("invalid_name", () -> client.head("ab", "key"));
            assertInvalid("invalid_name", () -> client.delete("bkt", "tab\there"));
            assertInvalid("invalid_name", () -> client.list("bucket..name", ""));
            assertInvalid("invalid_name", () -> client.putBlock("Bad NS", 1, new byte[1]));
            assertInvalid("invalid_name", () -> client.getBlock("-leading-dash", 1));
            assertInvalid("invalid_name", () -> client.batchGet("ns/slash", 1, 2));
            assertInvalid("invalid_name", () -> client.lookupPrefix("", 1, 2));
            assertInvalid("invalid_range", () -> client.get("bkt", "key", -1, 10));
            assertInvalid("invalid_range", () -> client.get("bkt", "key", 0, 0));
            assertInvalid("bad_request", () -> client.put("bkt", "key", new ByteArrayInputStream(new byte[0]), -1));
            assertInvalid("bad_request", () -> client.listObjects("bkt", "", -1));

            final CompletableFuture<PutResult> async = client.putBlockAsync("BAD", 1, ByteBuffer.allocate(1));
            final ExecutionException failure = assertThrows(ExecutionException.class, () -> async.get(1,
                TimeUnit.SECONDS));
            assertInstanceOf(InvalidRequestException.class, failure.getCause());
        }
    }

    private static void assertInvalid(final String code, final Runnable call)
    {
        final InvalidRequestException error = assertThrows(InvalidRequestException.class, call::run);
        assertEquals(TerraceException.NO_STATUS, error.status());
        assertEquals(code, error.errorCode());
    }

    @Test
    void aBlockingCallIsInterruptible() throws Exception
    {
        try (TerraceClient client = fastRetries(blackHoleEndpoint).requestTimeout(Duration.ofSeconds(30)).build())
        {
            final AtomicReference<Throwable> thrown = new AtomicReference<>();
            final AtomicReference<Boolean> flagAfter = new AtomicReference<>();
            final Thread caller = new Thread(() ->
            {
                try
                {
                    client.get("bkt", "key");
                }
                catch (final RuntimeException ex)
                {
                    thrown.set(ex);
                    flagAfter.set(Thread.currentThread().isInterrupted());
                }
            });
            caller.start();
            Thread.sleep(200);
            caller.interrupt();
            caller.join(5000);
            assertInstanceOf(TerraceIOException.class, thrown.get());
            assertEquals("interrupted", ((TerraceException)thrown.get()).errorCode());
            assertEquals(Boolean.TRUE, flagAfter.get(), "the interrupt flag is restored");
        }
    }

    @Test
    void closingStopsPendingRetries() throws Exception
    {
        final TerraceClient client = TerraceClient.builder().endpoint(deadEndpoint)
            .maxRetries(5).backoffBase(Duration.ofMillis(500)).backoffMax(Duration.ofSeconds(1)).build();
        final CompletableFuture<byte[]> pending = client.getAsync("bkt", "key");
        Thread.sleep(100);
        client.close();
        final ExecutionException failure = assertThrows(ExecutionException.class,
            () -> pending.get(5, TimeUnit.SECONDS));
        assertInstanceOf(TerraceIOException.class, failure.getCause());
        assertEquals("closed", ((TerraceException)failure.getCause()).errorCode());
    }
}
