package dev.terrace.client;

/**
 * No tier can take the write (HTTP 507, {@code insufficient_storage}).
 */
public class InsufficientStorageException extends TerraceException
{
    private static final long serialVersionUID = 1L;

    public InsufficientStorageException(final int status, final String errorCode, final String message)
    {
        super(status, errorCode, message);
    }

    public InsufficientStorageException(
        final int status, final String errorCode, final String message, final Throwable cause)
    {
        super(status, errorCode, message, cause);
    }
}
