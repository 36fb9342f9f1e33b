package dev.terrace.client;

/**
 * The object or block does not exist (HTTP 404, {@code not_found}).
 */
public class NotFoundException extends TerraceException
{
    private static final long serialVersionUID = 1L;

    public NotFoundException(final int status, final String errorCode, final String message)
    {
        super(status, errorCode, message);
    }

    public NotFoundException(final int status, final String errorCode, final String message, final Throwable cause)
    {
        super(status, errorCode, message, cause);
    }
}
