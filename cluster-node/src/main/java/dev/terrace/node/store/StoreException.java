package dev.terrace.node.store;

/**
 * A data-path failure with a reason the HTTP layer maps onto a status code.
 */
public final class StoreException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /** Why the operation failed. */
    public enum Reason
    {
        /** No such object or block (404). */
        NOT_FOUND,
        /** Over a configured size limit (413). */
        TOO_LARGE,
        /** The client sent fewer bytes than announced, or its stream broke; nothing was stored (400). */
        TRUNCATED,
        /** No tier can take the write (507). */
        INSUFFICIENT_STORAGE,
        /** A tier the operation needs is unreachable or failing; retry later (503). */
        UNAVAILABLE
    }

    private final Reason reason;

    public StoreException(final Reason reason, final String message)
    {
        super(message);
        this.reason = reason;
    }

    public StoreException(final Reason reason, final String message, final Throwable cause)
    {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason()
    {
        return reason;
    }
}
