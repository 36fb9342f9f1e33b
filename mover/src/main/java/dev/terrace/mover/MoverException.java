package dev.terrace.mover;

/**
 * A transfer failed. {@link #code()} says why; {@link #bytesAcknowledged()} says how far it got, so a caller that
 * retries knows how much had already been moved (the data plane itself resumes broken connections until the
 * deadline, so this is reported only once that is no longer possible).
 */
public class MoverException extends Exception
{
    private static final long serialVersionUID = 1L;

    private final MoverErrorCode code;
    private final long bytesAcknowledged;

    public MoverException(final MoverErrorCode code, final String message, final long bytesAcknowledged)
    {
        super(code + ": " + message);
        this.code = code;
        this.bytesAcknowledged = bytesAcknowledged;
    }

    public MoverException(final MoverErrorCode code, final String message)
    {
        this(code, message, 0);
    }

    /** Why the transfer failed. */
    public MoverErrorCode code()
    {
        return code;
    }

    /** Bytes the receiving side had acknowledged when the transfer failed. */
    public long bytesAcknowledged()
    {
        return bytesAcknowledged;
    }
}
