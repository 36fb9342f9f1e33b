package dev.terrace.client;

/**
 * The body is larger than the node's configured maximum (HTTP 413, {@code too_large}):
 * {@code terrace.limits.max-object-size} or {@code terrace.limits.max-kv-block-size}.
 */
public class PayloadTooLargeException extends TerraceException
{
    private static final long serialVersionUID = 1L;

    public PayloadTooLargeException(final int status, final String errorCode, final String message)
    {
        super(status, errorCode, message);
    }

    public PayloadTooLargeException(
        final int status, final String errorCode, final String message, final Throwable cause)
    {
        super(status, errorCode, message, cause);
    }
}
