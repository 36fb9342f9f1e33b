package dev.terrace.client.internal;

/**
 * An answer: for a 2xx status the sink's {@code body}, otherwise the raw {@code errorBody} (possibly empty).
 *
 * @param <T> what the sink made of the body.
 */
public record TransportResponse<T>(int status, ResponseHeaders headers, T body, byte[] errorBody)
{
    /** Whether the status is 2xx. */
    public boolean isSuccess()
    {
        return status >= 200 && status < 300;
    }
}
