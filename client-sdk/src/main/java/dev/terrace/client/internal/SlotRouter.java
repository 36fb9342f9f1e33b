package dev.terrace.client.internal;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Keeps the client's current {@link SlotMap} and picks the owner's endpoint for a single-item request.
 * <ul>
 *   <li>The map is fetched lazily, on the first routed request, and again in the background when an answer carries
 *       {@value #OWNER_HEADER} (a node forwarded the request: the map is stale or missing) or an owner could not be
 *       reached. At most one fetch is in flight; fetches start at least {@code minInterval} apart, and that gap
 *       doubles (up to {@code maxInterval}) after each fetch that failed or brought nothing new, so a steady
 *       stream of forwarded answers cannot turn into a stream of map fetches. A request for a refresh that arrives
 *       while a fetch runs or inside the gap is kept and served once the gap ends: a stale signal is never lost.</li>
 *   <li>No route (the caller then uses its configured endpoints, in failover order) when there is no map yet, the
 *       node has none (an older node answers 404: routing stays off and is probed again after
 *       {@code unsupportedRecheck}), the slot is unassigned, its owner has no usable endpoint, or the owner's
 *       endpoint failed to connect within the last {@code unreachableHold}.</li>
 * </ul>
 * Thread-safe. The routing path reads one volatile reference and never blocks; only refresh bookkeeping takes a
 * lock. Time, the fetch and the timer are passed in, so the logic is tested without a network or real waiting.
 */
public final class SlotRouter
{
    /** Response header a non-owner adds when it forwarded the request to the owner (the owner's node id). */
    public static final String OWNER_HEADER = "X-Terrace-Owner";

    /** Fetches the map from a node. */
    @FunctionalInterface
    public interface Fetcher
    {
        /**
         * Starts one fetch. The future completes with the map, with {@code null} when the node has no slot map
         * (an older node: 404), or exceptionally when the fetch failed.
         */
        CompletableFuture<SlotMap> fetch();
    }

    /** Runs a task later, without holding a thread meanwhile. */
    @FunctionalInterface
    public interface Scheduler
    {
        /** Runs {@code task} once, {@code delayNanos} from now. */
        void schedule(long delayNanos, Runnable task);
    }

    /**
     * Timing of refreshes and of avoiding owners that failed.
     *
     * @param minInterval         least time between the starts of two fetches (about 200 ms).
     * @param maxInterval         the largest that gap grows to after fetches that failed or changed nothing.
     * @param unreachableHold     how long an owner endpoint that failed to connect is avoided.
     * @param unsupportedRecheck  how long after a node said it has no slot map (404) the client asks again.
     */
    public record Timing(Duration minInterval, Duration maxInterval, Duration unreachableHold,
        Duration unsupportedRecheck)
    {
        /** The client's defaults: 200 ms, 2 s, 2 s, 60 s. */
        public static final Timing DEFAULTS = new Timing(
            Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(60));

        public Timing
        {
            if (minInterval.isNegative() || minInterval.isZero() || maxInterval.compareTo(minInterval) < 0 ||
                unreachableHold.isNegative() || unsupportedRecheck.isNegative())
            {
                throw new IllegalArgumentException("invalid slot router timing: " + minInterval + ", " + maxInterval +
                    ", " + unreachableHold + ", " + unsupportedRecheck);
            }
        }
    }

    /**
     * A snapshot of the router's counters.
     *
     * @param forwardedResponses answers that carried {@value #OWNER_HEADER}.
     * @param ownerRequests      attempts sent to the slot's owner by the map.
     * @param fallbackRequests   attempts of single-item requests sent to the configured endpoints instead.
     * @param ownerFailures      attempts to an owner that failed to connect.
     * @param mapFetches         fetches that brought a map.
     * @param mapFetchFailures   fetches that failed.
     * @param map                the current map, or {@code null}.
     */
    public record Counters(long forwardedResponses, long ownerRequests, long fallbackRequests, long ownerFailures,
        long mapFetches, long mapFetchFailures, SlotMap map)
    {
    }

    private final boolean enabled;
    private final Fetcher fetcher;
    private final Scheduler scheduler;
    private final LongSupplier nanoClock;
    private final long minIntervalNanos;
    private final long maxIntervalNanos;
    private final long unreachableHoldNanos;
    private final long unsupportedRecheckNanos;

    private volatile SlotMap map;
    private final Map<String, Long> unreachableUntil = new ConcurrentHashMap<>();

    private final Object lock = new Object();
    // Guarded by lock.
    private boolean closed;
    private boolean inFlight;
    private boolean pending;
    private boolean timerArmed;
    private boolean everStarted;
    private long lastStartNanos;
    private int quietFetches;
    // Written under lock, read without it on the routing path.
    private volatile boolean unsupported;
    private volatile long unsupportedAtNanos;

    private final LongAdder forwarded = new LongAdder();
    private final LongAdder ownerRequests = new LongAdder();
    private final LongAdder fallbackRequests = new LongAdder();
    private final LongAdder ownerFailures = new LongAdder();
    private final AtomicLong mapFetches = new AtomicLong();
    private final AtomicLong mapFetchFailures = new AtomicLong();

    /**
     * @param enabled   whether requests are routed at all; a disabled router only counts forwarded answers.
     * @param nanoClock monotonic time in nanoseconds, like {@link System#nanoTime()}.
     */
    public SlotRouter(
        final boolean enabled,
        final Fetcher fetcher,
        final Scheduler scheduler,
        final LongSupplier nanoClock,
        final Timing timing)
    {
        this.enabled = enabled;
        this.fetcher = fetcher;
        this.scheduler = scheduler;
        this.nanoClock = nanoClock;
        this.minIntervalNanos = timing.minInterval().toNanos();
        this.maxIntervalNanos = timing.maxInterval().toNanos();
        this.unreachableHoldNanos = timing.unreachableHold().toNanos();
        this.unsupportedRecheckNanos = timing.unsupportedRecheck().toNanos();
    }

    /** Whether requests are routed by slot. */
    public boolean enabled()
    {
        return enabled;
    }

    /**
     * The owner endpoint for one attempt of a request routed by {@code key}, or {@code null} to use the configured
     * endpoints. Counts the attempt as routed or fallen back; starts the first map fetch when there is no map.
     */
    public String route(final RouteKey key)
    {
        final String endpoint = peek(key);
        if (endpoint != null)
        {
            ownerRequests.increment();
        }
        else
        {
            fallbackRequests.increment();
        }
        return endpoint;
    }

    /** Like {@link #route} without counting: which endpoint a request would go to now. */
    public String peek(final RouteKey key)
    {
        if (!enabled)
        {
            return null;
        }
        final SlotMap current = map;
        if (current == null)
        {
            loadLazily();
            return null;
        }
        final String endpoint = current.endpointOf(key);
        return endpoint == null || isHeld(endpoint) ? null : endpoint;
    }

    /** Looks at every answer: one a node forwarded means the map is stale. */
    public void onResponse(final ResponseHeaders headers)
    {
        if (headers.first(OWNER_HEADER) != null)
        {
            forwarded.increment();
            if (enabled)
            {
                requestRefresh();
            }
        }
    }

    /** An attempt to the owner at {@code endpoint} could not connect: avoid it for a while and refresh the map. */
    public void onOwnerUnreachable(final String endpoint)
    {
        ownerFailures.increment();
        unreachableUntil.put(endpoint, nanoClock.getAsLong() + unreachableHoldNanos);
        requestRefresh();
    }

    /** Asks for a fresh map: fetched now, or as soon as the in-flight fetch and the minimum gap allow. */
    public void requestRefresh()
    {
        if (!enabled)
        {
            return;
        }
        final boolean start;
        synchronized (lock)
        {
            pending = true;
            start = claimStart();
        }
        if (start)
        {
            launch();
        }
    }

    /** The current map, or {@code null}. */
    public SlotMap map()
    {
        return map;
    }

    /** The counters now. */
    public Counters counters()
    {
        return new Counters(forwarded.sum(), ownerRequests.sum(), fallbackRequests.sum(), ownerFailures.sum(),
            mapFetches.get(), mapFetchFailures.get(), map);
    }

    /** Stops refreshing; routing by the last map continues until the caller stops routing. */
    public void close()
    {
        synchronized (lock)
        {
            closed = true;
        }
    }

    private void loadLazily()
    {
        if (unsupported && nanoClock.getAsLong() - unsupportedAtNanos < unsupportedRecheckNanos)
        {
            return;
        }
        requestRefresh();
    }

    private boolean isHeld(final String endpoint)
    {
        final Long until = unreachableUntil.get(endpoint);
        if (until == null)
        {
            return false;
        }
        if (nanoClock.getAsLong() - until < 0)
        {
            return true;
        }
        unreachableUntil.remove(endpoint, until);
        return false;
    }

    // Under lock: whether the caller should start a fetch now; arms the timer when the gap is not over yet.
    private boolean claimStart()
    {
        if (closed || inFlight || !pending)
        {
            return false;
        }
        final long now = nanoClock.getAsLong();
        if (everStarted)
        {
            final long wait = lastStartNanos + currentIntervalNanos() - now;
            if (wait > 0)
            {
                if (!timerArmed)
                {
                    timerArmed = true;
                    scheduler.schedule(wait, this::onTimer);
                }
                return false;
            }
        }
        pending = false;
        inFlight = true;
        everStarted = true;
        lastStartNanos = now;
        return true;
    }

    private long currentIntervalNanos()
    {
        final int doublings = Math.min(quietFetches, 30);
        final long interval = minIntervalNanos << doublings;
        return interval <= 0 || interval > maxIntervalNanos ? maxIntervalNanos : interval;
    }

    private void onTimer()
    {
        final boolean start;
        synchronized (lock)
        {
            timerArmed = false;
            start = claimStart();
        }
        if (start)
        {
            launch();
        }
    }

    private void launch()
    {
        CompletableFuture<SlotMap> fetched;
        try
        {
            fetched = fetcher.fetch();
        }
        catch (final RuntimeException ex)
        {
            fetched = CompletableFuture.failedFuture(ex);
        }
        fetched.whenComplete(this::onFetched);
    }

    private void onFetched(final SlotMap fetched, final Throwable failure)
    {
        final boolean start;
        synchronized (lock)
        {
            inFlight = false;
            if (failure != null)
            {
                mapFetchFailures.incrementAndGet();
                quietFetches++;
            }
            else if (fetched == null)
            {
                // An older node without a slot map: route to the configured endpoints.
                unsupportedAtNanos = nanoClock.getAsLong();
                unsupported = true;
                map = null;
                quietFetches = 0;
            }
            else
            {
                mapFetches.incrementAndGet();
                unsupported = false;
                quietFetches = fetched.equals(map) ? quietFetches + 1 : 0;
                map = fetched;
            }
            start = claimStart();
        }
        if (start)
        {
            launch();
        }
    }
}
