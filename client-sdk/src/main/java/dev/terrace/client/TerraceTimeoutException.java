package dev.terrace.client;

/**
 * A request or connection attempt exceeded its timeout. Status {@link #NO_STATUS}. Request timeouts are not
 * retried: the caller's time budget is spent.
 */
public class TerraceTimeoutException extends TerraceIOException
{
    private static final long serialVersionUID = 1L;

    public TerraceTimeoutException(final int status, final String errorCode, final String message)
    {
        super(status, errorCode, message);
    }

    public TerraceTimeoutException(
        final int status, final String errorCode, final String message, final Throwable cause)
    {
        super(status, errorCode, message, cause);
    }
}
