package dev.terrace.client.internal;

import dev.terrace.client.InvalidRequestException;
import dev.terrace.client.TerraceException;
import dev.terrace.client.TerraceIOException;
import dev.terrace.client.TerraceTimeoutException;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a call to completion: picks the endpoint, sends attempts through the transport, waits out the backoff
 * between them without holding a thread, and turns the final outcome into a 2xx response or a typed
 * {@link TerraceException}.
 * <p>
 * A call with a {@link RouteKey} goes to the owner of its slot when the {@link SlotRouter} knows one; every other
 * call, and a routed call without a known owner, goes to the configured endpoints in failover order: every call
 * goes to the current endpoint, and a connection failure moves the current endpoint to the next one, so a healthy
 * node keeps its warm connections and a dead one is skipped. When an owner cannot be connected to, the call is
 * sent again at once to the configured endpoints (once per call, not counted as a retry, when the body can be
 * sent again), and the router avoids that owner and refreshes its map. Every answer is shown to the router, which
 * refreshes the map when a node says it forwarded the request.
 */
public final class RequestRunner
{
    private final List<String> endpoints;
    private final SlotRouter router;
    private final HttpTransport transport;
    private final RetryPolicy policy;
    private final Executor delayExecutor;
    private final Clock clock;
    private final AtomicBoolean closed;
    private final AtomicInteger current = new AtomicInteger();

    /**
     * @param endpoints     base URIs without a trailing slash, e.g. {@code http://127.0.0.1:8080}.
     * @param router        picks owners for routed calls and sees every answer; {@code null} routes nothing.
     * @param delayExecutor runs attempts after a backoff wait.
     * @param closed        set when the client closes; no further attempt starts then.
     */
    public RequestRunner(
        final List<String> endpoints,
        final SlotRouter router,
        final HttpTransport transport,
        final RetryPolicy policy,
        final Executor delayExecutor,
        final Clock clock,
        final AtomicBoolean closed)
    {
        if (endpoints.isEmpty())
        {
            throw new IllegalArgumentException("at least one endpoint");
        }
        this.endpoints = List.copyOf(endpoints);
        this.router = router;
        this.transport = transport;
        this.policy = policy;
        this.delayExecutor = delayExecutor;
        this.clock = clock;
        this.closed = closed;
    }

    /**
     * One logical request.
     *
     * @param method         HTTP method.
     * @param target         encoded path and query, starting with {@code /}.
     * @param headers        extra headers.
     * @param body           the body.
     * @param sink           where a 2xx body goes.
     * @param timeout        per-attempt timeout.
     * @param route          the item the call is about, to send it to its slot's owner; {@code null} for calls
     *                       that any node serves (listings, lookups, hints, the slot map itself).
     * @param <T>            what the sink makes of the body.
     */
    public record Call<T>(
        String method,
        String target,
        Map<String, String> headers,
        RequestBody body,
        ResponseSink<T> sink,
        Duration timeout,
        RouteKey route)
    {
        /** A call to the configured endpoints. */
        public Call(
            final String method,
            final String target,
            final Map<String, String> headers,
            final RequestBody body,
            final ResponseSink<T> sink,
            final Duration timeout)
        {
            this(method, target, headers, body, sink, timeout, null);
        }

        /** {@code METHOD target} for messages. */
        public String describe()
        {
            return method + " " + target;
        }
    }

    /** The endpoint requests go to now. */
    public String currentEndpoint()
    {
        return endpoints.get(current.get());
    }

    /**
     * Runs {@code call}. The future completes with a 2xx response, or exceptionally with a {@link TerraceException}
     * (never wrapped).
     */
    public <T> CompletableFuture<TransportResponse<T>> run(final Call<T> call)
    {
        final CompletableFuture<TransportResponse<T>> result = new CompletableFuture<>();
        attempt(call, true, 0, false, new ArrayList<>(), result);
        return result;
    }

    /**
     * Runs a call the client makes for itself (the slot map fetch) like {@link #run}, except that its failures do
     * not move the current endpoint: only the caller's own requests decide failover.
     */
    public <T> CompletableFuture<TransportResponse<T>> runInBackground(final Call<T> call)
    {
        final CompletableFuture<TransportResponse<T>> result = new CompletableFuture<>();
        attempt(call, false, 0, false, new ArrayList<>(), result);
        return result;
    }

    /**
     * @param movesFailover   whether a connection failure of this call moves the current endpoint to the next.
     * @param ownerFailedOver whether this call already fell back once from an unreachable owner; the next attempts
     *                        of such a call still follow the router, but a further owner failure is a normal retry.
     */
    private <T> void attempt(
        final Call<T> call,
        final boolean movesFailover,
        final int retriesDone,
        final boolean ownerFailedOver,
        final List<Throwable> earlierFailures,
        final CompletableFuture<TransportResponse<T>> result)
    {
        if (closed.get())
        {
            result.completeExceptionally(withSuppressed(new TerraceIOException(TerraceException.NO_STATUS, "closed",
                "client closed before " + call.describe() + " completed"), earlierFailures));
            return;
        }
        final String owner = router != null && call.route() != null ? router.route(call.route()) : null;
        final int endpointIndex = current.get();
        final String endpoint = owner != null ? owner : endpoints.get(endpointIndex);
        CompletableFuture<TransportResponse<T>> sent;
        try
        {
            sent = transport.exchange(new TransportRequest(call.method(), URI.create(endpoint + call.target()),
                call.headers(), call.body(), call.timeout()), call.sink());
        }
        catch (final RuntimeException ex)
        {
            sent = CompletableFuture.failedFuture(ex);
        }
        sent.whenComplete((response, thrown) ->
        {
            if (thrown == null && router != null)
            {
                router.onResponse(response.headers());
            }
            if (thrown == null && response.isSuccess())
            {
                result.complete(response);
                return;
            }
            final Duration delay;
            if (thrown != null)
            {
                final Throwable failure = unwrap(thrown);
                if (owner != null && isConnectionFailure(failure))
                {
                    router.onOwnerUnreachable(owner);
                    if (!ownerFailedOver && call.body().replayable() && !closed.get())
                    {
                        // The map named an owner this client cannot reach: any configured node serves the call.
                        earlierFailures.add(failure);
                        delayExecutor.execute(
                            () -> attempt(call, movesFailover, retriesDone, true, earlierFailures, result));
                        return;
                    }
                }
                delay = policy.afterFailure(failure, retriesDone, call.body().replayable());
                if (owner == null && movesFailover && RetryPolicy.isRetryable(failure))
                {
                    // The endpoint could not be reached or broke off: send the next attempts elsewhere.
                    current.compareAndSet(endpointIndex, (endpointIndex + 1) % endpoints.size());
                }
                if (delay == null)
                {
                    result.completeExceptionally(
                        withSuppressed(toException(failure, call, endpoint, retriesDone + 1), earlierFailures));
                    return;
                }
                earlierFailures.add(failure);
            }
            else
            {
                final Duration retryAfter = RetryAfter.parse(response.headers().first("Retry-After"), clock.instant());
                delay = response.status() == 503 ?
                    policy.afterUnavailable(retryAfter, retriesDone, call.body().replayable()) : null;
                final TerraceException error = ErrorResponses.toException(
                    response.status(), response.errorBody(), call.method() + " " + endpoint + call.target(),
                    retryAfter);
                if (delay == null)
                {
                    result.completeExceptionally(withSuppressed(error, earlierFailures));
                    return;
                }
                earlierFailures.add(error);
            }
            final Executor later = CompletableFuture.delayedExecutor(delay.toNanos(), TimeUnit.NANOSECONDS,
                delayExecutor);
            later.execute(
                () -> attempt(call, movesFailover, retriesDone + 1, ownerFailedOver, earlierFailures, result));
        });
    }

    /** A failure that says the endpoint could not be reached or broke off, not that the answer was bad. */
    private static boolean isConnectionFailure(final Throwable failure)
    {
        return RetryPolicy.isRetryable(failure) && !(failure instanceof ChecksumMismatchException);
    }

    private static TerraceException toException(
        final Throwable failure, final Call<?> call, final String endpoint, final int attempts)
    {
        if (failure instanceof TerraceException)
        {
            return (TerraceException)failure;
        }
        if (call.body() instanceof RequestBody.Stream && ((RequestBody.Stream)call.body()).input().endedEarly())
        {
            final RequestBody.Stream stream = (RequestBody.Stream)call.body();
            return new InvalidRequestException(TerraceException.NO_STATUS, "truncated_body",
                "the stream ended after " + stream.input().bytesRead() + " of the " + stream.length() +
                " bytes announced for " + call.describe(), failure);
        }
        final String where = call.describe() + " to " + endpoint;
        final String tries = attempts == 1 ? "1 attempt" : attempts + " attempts";
        if (failure instanceof HttpConnectTimeoutException)
        {
            return new TerraceTimeoutException(TerraceException.NO_STATUS, "connect_timeout",
                "could not connect for " + where + " (" + tries + ")", failure);
        }
        if (failure instanceof HttpTimeoutException)
        {
            return new TerraceTimeoutException(TerraceException.NO_STATUS, "timeout",
                where + " timed out after " + call.timeout().toMillis() + " ms", failure);
        }
        if (failure instanceof ChecksumMismatchException)
        {
            return new TerraceIOException(TerraceException.NO_STATUS, "checksum_mismatch",
                where + ": " + failure.getMessage() + " (" + tries + ")", failure);
        }
        if (failure instanceof IOException)
        {
            return new TerraceIOException(TerraceException.NO_STATUS, "io",
                where + " failed after " + tries + ": " + describe(failure), failure);
        }
        return new TerraceException(TerraceException.NO_STATUS, "client_error",
            where + " failed: " + describe(failure), failure);
    }

    private static String describe(final Throwable failure)
    {
        final String message = failure.getMessage();
        return failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private static TerraceException withSuppressed(final TerraceException error, final List<Throwable> earlier)
    {
        for (final Throwable t : earlier)
        {
            if (t != error)
            {
                error.addSuppressed(t);
            }
        }
        return error;
    }

    /** Strips the wrappers futures put around a failure. */
    public static Throwable unwrap(final Throwable thrown)
    {
        Throwable t = thrown;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null)
        {
            t = t.getCause();
        }
        return t;
    }
}
