package dev.terrace.client.internal;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The router's decisions on a manual clock: when a map fetch starts (lazily, on stale signals, never two at once,
 * never closer than the minimum gap, with a growing gap after fetches that failed or brought nothing new), and
 * which endpoint a request goes to. Fetches are futures the test completes; nothing touches the network.
 */
class SlotRouterTest
{
    private static final Duration MIN = Duration.ofMillis(200);
    private static final Duration MAX = Duration.ofMillis(1600);
    private static final Duration HOLD = Duration.ofSeconds(2);
    private static final Duration RECHECK = Duration.ofSeconds(60);
    private static final String A = "http://a:1";
    private static final String B = "http://b:2";
    private static final ResponseHeaders FORWARDED =
        new ResponseHeaders(Map.of(SlotRouter.OWNER_HEADER, List.of("node-b")));
    private static final ResponseHeaders DIRECT = new ResponseHeaders(Map.of("ETag", List.of("\"1-2\"")));

    private long now = 1_000_000_000L;
    private final Deque<CompletableFuture<SlotMap>> fetches = new ArrayDeque<>();
    private int fetchesStarted;
    private final List<long[]> timerDue = new ArrayList<>();
    private final List<Runnable> timerTasks = new ArrayList<>();

    private SlotRouter router(final boolean enabled)
    {
        return new SlotRouter(enabled, () ->
        {
            fetchesStarted++;
            final CompletableFuture<SlotMap> fetch = new CompletableFuture<>();
            fetches.add(fetch);
            return fetch;
        }, (delayNanos, task) ->
        {
            timerDue.add(new long[] {now + delayNanos});
            timerTasks.add(task);
        }, () -> now, new SlotRouter.Timing(MIN, MAX, HOLD, RECHECK));
    }

    /** Moves the clock and runs the timers that fell due, in order. */
    private void advance(final Duration by)
    {
        now += by.toNanos();
        for (int i = 0; i < timerTasks.size(); i++)
        {
            if (timerDue.get(i)[0] <= now)
            {
                final Runnable task = timerTasks.remove(i);
                timerDue.remove(i);
                task.run();
                i = -1;
            }
        }
    }

    private void completeFetch(final SlotMap map)
    {
        fetches.removeFirst().complete(map);
    }

    /** Two slots: slot 0 on A, slot 1 on B (or unassigned). */
    private static SlotMap map(final long epoch, final int ownerOfSlot1)
    {
        return new SlotMap(epoch, List.of(new SlotMap.Node("node-a", A, "up"), new SlotMap.Node("node-b", B, "up")),
            new int[] {0, ownerOfSlot1});
    }

    /** A key in slot {@code slot} of a two-slot map. */
    private static RouteKey keyInSlot(final int slot)
    {
        for (int i = 0; ; i++)
        {
            final RouteKey key = RouteKey.object("b", "k" + i);
            if (key.slot(2) == slot)
            {
                return key;
            }
        }
    }

    private static final RouteKey ON_A = keyInSlot(0);
    private static final RouteKey ON_B = keyInSlot(1);

    @Test
    void withoutAMapRequestsUseTheConfiguredEndpointsWhileOneLazyFetchRuns()
    {
        final SlotRouter router = router(true);
        assertEquals(0, fetchesStarted, "nothing is fetched before the first routed request");
        for (int i = 0; i < 5; i++)
        {
            assertNull(router.route(ON_B));
        }
        assertEquals(1, fetchesStarted, "one fetch, however many requests wait for it");
        completeFetch(map(1, 1));
        assertEquals(B, router.route(ON_B));
        assertEquals(A, router.route(ON_A));
        assertEquals(A, router.peek(ON_A));
        final SlotRouter.Counters counters = router.counters();
        assertEquals(2, counters.ownerRequests(), "peek does not count");
        assertEquals(5, counters.fallbackRequests());
        assertEquals(1, counters.mapFetches());
        assertEquals(1, counters.map().epoch());
        assertEquals(1, fetchesStarted, "a current map is not fetched again");
    }

    @Test
    void aForwardedAnswerRefreshesWithAtMostOneFetchInFlightAndNotMoreOftenThanTheMinimumGap()
    {
        final SlotRouter router = router(true);
        router.route(ON_A);
        completeFetch(map(1, 0));
        assertEquals(A, router.route(ON_B));

        router.onResponse(DIRECT);
        assertEquals(1, fetchesStarted, "an answer without the header changes nothing");
        assertEquals(0, router.counters().forwardedResponses());

        advance(Duration.ofMillis(50));
        for (int i = 0; i < 20; i++)
        {
            router.onResponse(FORWARDED);
        }
        assertEquals(20, router.counters().forwardedResponses());
        assertEquals(1, fetchesStarted, "50 ms after the last fetch started: wait for the gap");
        assertEquals(1, timerTasks.size(), "one timer for all the signals");
        advance(Duration.ofMillis(149));
        assertEquals(1, fetchesStarted);
        advance(Duration.ofMillis(1));
        assertEquals(2, fetchesStarted, "the kept signal is served when the gap ends");

        // Signals during the fetch are kept for after it, still no closer than the gap.
        router.onResponse(FORWARDED);
        advance(Duration.ofMillis(300));
        assertEquals(2, fetchesStarted, "never two fetches in flight");
        completeFetch(map(2, 1));
        assertEquals(B, router.route(ON_B), "the new map routes at once");
        assertEquals(3, fetchesStarted, "the signal that came during the fetch starts the next one: gap is over");
        completeFetch(map(2, 1));
        assertTrue(timerTasks.isEmpty());
        router.onResponse(FORWARDED);
        assertEquals(3, fetchesStarted, "the gap after an unchanged map has doubled to 400 ms");
        advance(Duration.ofMillis(399));
        assertEquals(3, fetchesStarted);
        advance(Duration.ofMillis(1));
        assertEquals(4, fetchesStarted);
    }

    @Test
    void theGapDoublesWhileFetchesBringNothingNewUpToTheMaximumAndResetsOnAChange()
    {
        final SlotRouter router = router(true);
        router.route(ON_A);
        completeFetch(map(1, 0));
        final List<Long> gaps = new ArrayList<>();
        long lastStart = now;
        for (int round = 0; round < 6; round++)
        {
            router.requestRefresh();
            final int before = fetchesStarted;
            while (fetchesStarted == before)
            {
                advance(Duration.ofMillis(100));
            }
            gaps.add(TimeUnit.NANOSECONDS.toMillis(now - lastStart));
            lastStart = now;
            completeFetch(map(1, 0));
        }
        // After the first map, five unchanged ones: 200 after a change, then 400, 800, 1600 (the maximum).
        assertEquals(List.of(200L, 400L, 800L, 1600L, 1600L, 1600L), gaps);

        router.requestRefresh();
        advance(MAX);
        completeFetch(map(2, 1));
        router.requestRefresh();
        advance(Duration.ofMillis(199));
        final int before = fetchesStarted;
        advance(Duration.ofMillis(1));
        assertEquals(before + 1, fetchesStarted, "a changed map resets the gap to the minimum");
    }

    @Test
    void aFailedFetchKeepsTheMapItHadAndBacksOff()
    {
        final SlotRouter router = router(true);
        router.route(ON_A);
        completeFetch(map(1, 1));
        advance(MIN);
        router.requestRefresh();
        fetches.removeFirst().completeExceptionally(new IOException("connection refused"));
        assertEquals(B, router.route(ON_B), "the old map still routes");
        assertEquals(1, router.counters().mapFetchFailures());
        router.requestRefresh();
        advance(Duration.ofMillis(399));
        assertEquals(2, fetchesStarted, "400 ms after one failure");
        advance(Duration.ofMillis(1));
        assertEquals(3, fetchesStarted);
    }

    @Test
    void aFailedFirstFetchIsTriedAgainByALaterRequestAfterTheGap()
    {
        final SlotRouter router = router(true);
        router.route(ON_A);
        fetches.removeFirst().completeExceptionally(new IOException("refused"));
        router.route(ON_A);
        advance(Duration.ofMillis(399));
        assertEquals(1, fetchesStarted);
        advance(Duration.ofMillis(1));
        assertEquals(2, fetchesStarted);
        completeFetch(map(1, 1));
        assertEquals(B, router.route(ON_B));
    }

    @Test
    void aFetcherThatThrowsCountsAsAFailedFetch()
    {
        final SlotRouter router = new SlotRouter(true, () ->
        {
            throw new IllegalStateException("closed");
        }, (delay, task) -> { }, () -> now, new SlotRouter.Timing(MIN, MAX, HOLD, RECHECK));
        assertNull(router.route(ON_A));
        assertEquals(1, router.counters().mapFetchFailures());
    }

    @Test
    void anUnreachableOwnerIsAvoidedForTheHoldAndTheMapIsRefreshed()
    {
        final SlotRouter router = router(true);
        router.route(ON_A);
        completeFetch(map(1, 1));
        advance(Duration.ofSeconds(1));
        router.onOwnerUnreachable(B);
        assertEquals(2, fetchesStarted, "an unreachable owner marks the map stale");
        assertNull(router.route(ON_B), "its slots go to the configured endpoints");
        assertEquals(A, router.route(ON_A), "other owners are still used");
        completeFetch(map(1, 1));
        advance(HOLD.minusMillis(1));
        assertNull(router.route(ON_B), "still within the hold, although the map still names it");
        advance(Duration.ofMillis(1));
        assertEquals(B, router.route(ON_B), "tried again once the hold is over");
        assertEquals(1, router.counters().ownerFailures());
    }

    @Test
    void unassignedSlotsGoToTheConfiguredEndpoints()
    {
        final SlotRouter router = router(true);
        router.route(ON_A);
        completeFetch(map(1, -1));
        assertNull(router.route(ON_B));
        assertEquals(A, router.route(ON_A));
    }

    @Test
    void aNodeWithoutASlotMapTurnsRoutingOffUntilTheRecheck()
    {
        final SlotRouter router = router(true);
        router.route(ON_A);
        completeFetch(null);
        for (int i = 0; i < 10; i++)
        {
            advance(Duration.ofSeconds(5));
            assertNull(router.route(ON_A));
        }
        assertEquals(1, fetchesStarted, "no fetch per request against an older node");
        advance(Duration.ofSeconds(10));
        assertNull(router.route(ON_A));
        assertEquals(2, fetchesStarted, "asked again after the recheck interval (a rolling upgrade)");
        completeFetch(map(3, 1));
        assertEquals(B, router.route(ON_B));
    }

    @Test
    void anAnswerThatWasForwardedAsksEvenANodeThatHadNoMap()
    {
        final SlotRouter router = router(true);
        router.route(ON_A);
        completeFetch(null);
        advance(MIN);
        router.onResponse(FORWARDED);
        assertEquals(2, fetchesStarted);
    }

    @Test
    void aMapThatDropsRoutingReplacesTheOldOneEntirely()
    {
        final SlotRouter router = router(true);
        router.route(ON_A);
        completeFetch(map(9, 1));
        advance(MIN);
        router.requestRefresh();
        final SlotMap smaller = map(2, -1);
        completeFetch(smaller);
        assertSame(smaller, router.map(), "epochs of different nodes are not compared: the newest fetch wins");
        assertNull(router.route(ON_B));
    }

    @Test
    void aDisabledRouterNeverFetchesButStillCountsForwardedAnswers()
    {
        final SlotRouter router = router(false);
        assertFalse(router.enabled());
        assertNull(router.route(ON_A));
        router.onResponse(FORWARDED);
        router.requestRefresh();
        advance(Duration.ofSeconds(5));
        assertEquals(0, fetchesStarted);
        assertEquals(1, router.counters().forwardedResponses());
        assertEquals(1, router.counters().fallbackRequests());
    }

    @Test
    void aClosedRouterStartsNoFetch()
    {
        final SlotRouter router = router(true);
        router.route(ON_A);
        completeFetch(map(1, 1));
        router.onResponse(FORWARDED);
        assertEquals(1, timerTasks.size());
        router.close();
        advance(Duration.ofSeconds(5));
        router.requestRefresh();
        assertEquals(1, fetchesStarted);
        assertEquals(B, router.route(ON_B), "the last map keeps routing");
    }

    @Test
    void timingRejectsAGapThatCannotWork()
    {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
            () -> new SlotRouter.Timing(Duration.ZERO, MAX, HOLD, RECHECK));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
            () -> new SlotRouter.Timing(MAX, MIN, HOLD, RECHECK));
    }
}
