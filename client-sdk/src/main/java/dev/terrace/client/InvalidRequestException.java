package dev.terrace.client;

/**
 * The request was malformed: a bad name, range, header or body (HTTP 400, 411, 416, or raised by the
 * SDK before sending, with status {@link #NO_STATUS}). Retrying the same request cannot succeed.
 */
public class InvalidRequestException extends TerraceException
{
    private static final long serialVersionUID = 1L;

    public InvalidRequestException(final int status, final String errorCode, final String message)
    {
        super(status, errorCode, message);
    }

    public InvalidRequestException(
        final int status, final String errorCode, final String message, final Throwable cause)
    {
        super(status, errorCode, message, cause);
    }
}
