package dev.terrace.client.internal;

import dev.terrace.client.TerraceException;

import java.io.IOException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * Decides whether and when a failed attempt is tried again. Pure: no clock, no I/O, so the schedule is testable.
 * <ul>
 *   <li>Connection failures (refused, reset, connect timeout, a body damaged in transit) are retried.</li>
 *   <li>A 503 is retried after {@code max(Retry-After, backoff)}; when the node asks for a longer pause than the
 *       backoff maximum the client gives up at once and reports the pause, rather than retrying early or blocking
 *       the caller for longer than it agreed to.</li>
 *   <li>A request timeout is not retried: the caller's time budget is spent. Nor is any other answer: retrying a
 *       4xx cannot succeed.</li>
 *   <li>Nothing is retried when the body cannot be sent again (a caller's stream that was already read from).</li>
 * </ul>
 * Every operation of the API is idempotent (PUT replaces atomically, DELETE of an absent name is a 404), so
 * replayability is the only condition on the request itself.
 */
public final class RetryPolicy
{
    private final int maxRetries;
    private final Backoff backoff;

    public RetryPolicy(final int maxRetries, final Backoff backoff)
    {
        if (maxRetries < 0)
        {
            throw new IllegalArgumentException("maxRetries must not be negative: " + maxRetries);
        }
        this.maxRetries = maxRetries;
        this.backoff = backoff;
    }

    /** Retries allowed after the first attempt. */
    public int maxRetries()
    {
        return maxRetries;
    }

    /**
     * The wait before the next attempt after an attempt failed with {@code failure} (no answer), or {@code null}
     * to stop.
     *
     * @param retriesDone retries already made (0 after the first attempt).
     */
    public Duration afterFailure(final Throwable failure, final int retriesDone, final boolean bodyReplayable)
    {
        if (retriesDone >= maxRetries || !bodyReplayable || !isRetryable(failure))
        {
            return null;
        }
        return backoff.delay(retriesDone);
    }

    /**
     * The wait before the next attempt after a 503, or {@code null} to stop.
     *
     * @param retryAfter the node's {@code Retry-After}, or {@code null}.
     */
    public Duration afterUnavailable(final Duration retryAfter, final int retriesDone, final boolean bodyReplayable)
    {
        if (retriesDone >= maxRetries || !bodyReplayable)
        {
            return null;
        }
        final Duration delay = backoff.delay(retriesDone);
        if (retryAfter == null)
        {
            return delay;
        }
        if (retryAfter.compareTo(backoff.max()) > 0)
        {
            return null;
        }
        return retryAfter.compareTo(delay) > 0 ? retryAfter : delay;
    }

    /** Whether a failure without an answer is worth another attempt. */
    public static boolean isRetryable(final Throwable failure)
    {
        if (failure instanceof HttpConnectTimeoutException)
        {
            return true;
        }
        if (failure instanceof HttpTimeoutException)
        {
            return false;
        }
        if (failure instanceof TerraceException)
        {
            return false;
        }
        return failure instanceof IOException;
    }
}
