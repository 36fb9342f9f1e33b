package dev.terrace.client;

import java.time.Duration;

/**
 * A tier the request needs is down (HTTP 503, {@code unavailable}), and it stayed so through every allowed retry,
 * or the node asked for a longer pause ({@code Retry-After}) than the client's maximum backoff.
 */
public class ServiceUnavailableException extends TerraceException
{
    private static final long serialVersionUID = 1L;

    private final transient Duration retryAfter;

    public ServiceUnavailableException(
        final int status, final String errorCode, final String message, final Duration retryAfter)
    {
        super(status, errorCode, message);
        this.retryAfter = retryAfter;
    }

    /** How long the node asked the client to wait before retrying, or {@code null} when it did not say. */
    public Duration retryAfter()
    {
        return retryAfter;
    }
}
