package dev.terrace.mover;

import java.time.Duration;
import java.util.Objects;

/**
 * Per-transfer options for {@code DataPlane.fetch} and {@code DataPlane.push}: the transfer class (which also
 * travels to the peer), the deadline, and an optional {@link TransferTicket} from a {@link TransferScheduler} that
 * paces the bytes this side sends. Immutable; the {@code with*} methods return copies.
 */
public final class TransferOptions
{
    private static final TransferOptions DEFAULTS = new TransferOptions(TransferClass.CLIENT_READ, null, null);

    private final TransferClass transferClass;
    private final Duration deadline;
    private final TransferTicket ticket;

    private TransferOptions(final TransferClass transferClass, final Duration deadline, final TransferTicket ticket)
    {
        this.transferClass = transferClass;
        this.deadline = deadline;
        this.ticket = ticket;
    }

    /** Class {@link TransferClass#CLIENT_READ}, the plane's default deadline, no ticket. */
    public static TransferOptions defaults()
    {
        return DEFAULTS;
    }

    /** Options for a transfer of the given class. */
    public static TransferOptions of(final TransferClass transferClass)
    {
        return DEFAULTS.withTransferClass(transferClass);
    }

    /** Options paced by a scheduler ticket, taking its class. */
    public static TransferOptions of(final TransferTicket ticket)
    {
        return new TransferOptions(ticket.transferClass(), null, ticket);
    }

    public TransferOptions withTransferClass(final TransferClass transferClass)
    {
        return new TransferOptions(Objects.requireNonNull(transferClass), deadline, ticket);
    }

    /** Sets the deadline, measured from the call to fetch or push. */
    public TransferOptions withDeadline(final Duration deadline)
    {
        if (deadline.isNegative() || deadline.isZero())
        {
            throw new IllegalArgumentException("deadline must be positive: " + deadline);
        }
        return new TransferOptions(transferClass, deadline, ticket);
    }

    public TransferOptions withTicket(final TransferTicket ticket)
    {
        return new TransferOptions(transferClass, deadline, ticket);
    }

    public TransferClass transferClass()
    {
        return transferClass;
    }

    /** The deadline, or {@code null} for the plane's default. */
    public Duration deadline()
    {
        return deadline;
    }

    /** The pacing ticket, or {@code null}. */
    public TransferTicket ticket()
    {
        return ticket;
    }
}
