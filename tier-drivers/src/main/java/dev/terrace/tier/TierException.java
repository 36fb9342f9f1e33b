package dev.terrace.tier;

/**
 * A tier could not complete an operation: an I/O error, an unreachable endpoint, or corrupt data.
 * The caller may retry, or fall through to another tier.
 */
public class TierException extends Exception
{
    private static final long serialVersionUID = 1L;

    public TierException(final String message)
    {
        super(message);
    }

    public TierException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
