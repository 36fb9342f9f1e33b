package dev.terrace.client;

/**
 * The node could not be reached, or the connection failed, after every allowed retry; or a received body
 * failed its checksum. Status {@link #NO_STATUS}; earlier attempts' failures are attached as suppressed exceptions.
 */
public class TerraceIOException extends TerraceException
{
    private static final long serialVersionUID = 1L;

    public TerraceIOException(final int status, final String errorCode, final String message)
    {
        super(status, errorCode, message);
    }

    public TerraceIOException(final int status, final String errorCode, final String message, final Throwable cause)
    {
        super(status, errorCode, message, cause);
    }
}
