package dev.terrace.client;

/**
 * Base of every exception the SDK throws. Unchecked, so callers catch only what they can act on.
 * <p>
 * When the node answered, {@link #status()} is the HTTP status and {@link #errorCode()} and the message come from
 * its JSON error body ({@code {"error": code, "message": ...}}). When no response was received (client-side
 * validation, connection failures, timeouts) {@link #status()} is {@link #NO_STATUS}.
 */
public class TerraceException extends RuntimeException
{
    /** The status of an exception raised without an HTTP response. */
    public static final int NO_STATUS = 0;

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String errorCode;

    public TerraceException(final int status, final String errorCode, final String message)
    {
        this(status, errorCode, message, null);
    }

    public TerraceException(final int status, final String errorCode, final String message, final Throwable cause)
    {
        super(message, cause);
        this.status = status;
        this.errorCode = errorCode;
    }

    /** The HTTP status of the node's answer, or {@link #NO_STATUS} when there was none. */
    public int status()
    {
        return status;
    }

    /** The machine-readable error code, e.g. {@code not_found} or {@code invalid_range}. */
    public String errorCode()
    {
        return errorCode;
    }

    @Override
    public String toString()
    {
        return getClass().getName() + ": " + (status == NO_STATUS ? "" : status + " ") + errorCode + ": " +
            getMessage();
    }
}
