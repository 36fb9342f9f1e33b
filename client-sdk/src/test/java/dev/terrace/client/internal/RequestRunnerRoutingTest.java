package dev.terrace.client.internal;

import dev.terrace.client.TerraceIOException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the runner does with a slot owner it cannot reach, over real sockets: ports nothing listens on (connection
 * refused). The map is handed to the router directly; no HTTP server is involved. Retries are off, so every extra
 * attempt seen is the owner fallback.
 */
class RequestRunnerRoutingTest
{
    private String owner;
    private String configured;
    private final List<Runnable> timers = new ArrayList<>();
    private int fetches;
    private SlotRouter router;
    private RequestRunner runner;
    private JdkHttpTransport transport;

    private static String deadEndpoint() throws IOException
    {
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            return "http://127.0.0.1:" + closed.getLocalPort();
        }
    }

    @BeforeEach
    void routeEverySlotToADeadOwner() throws IOException
    {
        owner = deadEndpoint();
        configured = deadEndpoint();
        final SlotMap map = new SlotMap(1, List.of(new SlotMap.Node("dead-owner", owner, "up")), new int[] {0});
        // A clock that stands still: every refresh after the first waits for a timer this test never runs.
        router = new SlotRouter(true, () ->
        {
            fetches++;
            return CompletableFuture.completedFuture(map);
        }, (delay, task) -> timers.add(task), () -> 0L, SlotRouter.Timing.DEFAULTS);
        router.requestRefresh();
        transport = new JdkHttpTransport(Duration.ofSeconds(2), null, true);
        runner = new RequestRunner(List.of(configured), router, transport,
            new RetryPolicy(0, new Backoff(Duration.ofMillis(10), Duration.ofMillis(20), () -> 0.0)),
            ForkJoinPool.commonPool(), Clock.systemUTC(), new AtomicBoolean());
    }

    @AfterEach
    void close()
    {
        transport.close();
    }

    private static <T> Throwable failure(final CompletableFuture<T> future)
    {
        final CompletionException thrown = assertThrows(CompletionException.class, future::join);
        return thrown.getCause();
    }

    private RequestRunner.Call<byte[]> routedGet(final RequestBody body, final String method)
    {
        return new RequestRunner.Call<>(method, "/v1/objects/b/k", Map.of(), body, ResponseSink.bytes(),
            Duration.ofSeconds(2), RouteKey.object("b", "k"));
    }

    @Test
    void anUnreachableOwnerFallsBackToTheConfiguredEndpointAtOnceWithoutSpendingARetry()
    {
        final Throwable error = failure(runner.run(routedGet(RequestBody.EMPTY, "GET")));
        assertInstanceOf(TerraceIOException.class, error);
        assertTrue(error.getMessage().contains(configured), "the last attempt went to the configured endpoint: " +
            error.getMessage());
        assertEquals(1, error.getSuppressed().length, "the owner attempt is attached");
        assertInstanceOf(ConnectException.class, error.getSuppressed()[0]);
        final SlotRouter.Counters counters = router.counters();
        assertEquals(1, counters.ownerRequests());
        assertEquals(1, counters.fallbackRequests());
        assertEquals(1, counters.ownerFailures());
        assertEquals(1, timers.size(), "a map refresh is due once the minimum gap is over");

        // While the owner is avoided, its slots go straight to the configured endpoints.
        final Throwable second = failure(runner.run(routedGet(RequestBody.EMPTY, "HEAD")));
        assertEquals(0, second.getSuppressed().length, "one attempt, to the configured endpoint");
        assertEquals(1, router.counters().ownerRequests());
        assertEquals(2, router.counters().fallbackRequests());
        assertEquals(1, fetches);
    }

    @Test
    void anUntouchedStreamFallsBackButOneAlreadyReadFromIsNotSentToASecondNode() throws IOException
    {
        final ByteArrayInputStream untouched = new ByteArrayInputStream(new byte[1024]);
        final Throwable fellBack = failure(runner.run(routedGet(
            new RequestBody.Stream(new RequestBody.CountingInputStream(untouched, 1024), 1024), "PUT")));
        assertTrue(fellBack.getMessage().contains(configured), fellBack.getMessage());
        assertEquals(1024, untouched.available(), "a refused connection read nothing");

        // Wait out the hold, so the owner is tried again.
        final SlotRouter fresh = new SlotRouter(true, () -> CompletableFuture.completedFuture(router.map()),
            (delay, task) -> { }, () -> 0L, SlotRouter.Timing.DEFAULTS);
        fresh.requestRefresh();
        final RequestRunner another = new RequestRunner(List.of(configured), fresh, transport,
            new RetryPolicy(0, new Backoff(Duration.ofMillis(10), Duration.ofMillis(20), () -> 0.0)),
            ForkJoinPool.commonPool(), Clock.systemUTC(), new AtomicBoolean());
        final RequestBody.CountingInputStream started =
            new RequestBody.CountingInputStream(new ByteArrayInputStream(new byte[1024]), 1024);
        assertEquals(0, started.read(), "a stream some of which was consumed cannot be sent again");
        final Throwable error = failure(another.run(routedGet(new RequestBody.Stream(started, 1024), "PUT")));
        assertTrue(error.getMessage().contains(owner), error.getMessage());
        assertEquals(0, error.getSuppressed().length);
        assertEquals(1, fresh.counters().ownerFailures(), "the owner is still avoided from now on");
        assertEquals(0, fresh.counters().fallbackRequests());
    }

    @Test
    void callsWithoutARouteKeyNeverConsultTheRouter()
    {
        failure(runner.run(new RequestRunner.Call<>("GET", "/v1/objects/b?prefix=", Map.of(), RequestBody.EMPTY,
            ResponseSink.bytes(), Duration.ofSeconds(2))));
        final SlotRouter.Counters counters = router.counters();
        assertEquals(0, counters.ownerRequests() + counters.fallbackRequests() + counters.ownerFailures());
    }
}
