package dev.terrace.mover;

/**
 * The classes of data movement, highest priority first. The {@link TransferScheduler} admits and paces transfers
 * by class, and the class travels on the wire so that the serving peer schedules the transfer the same way.
 */
public enum TransferClass
{
    /** A client is waiting for these bytes. */
    CLIENT_READ,
    /** Staging data a scheduler hinted that a job will read. */
    PREFETCH,
    /** Slot hand-off when nodes join or drain. */
    REBALANCE,
    /** Keeping the replication factor. */
    REPLICATION,
    /** Demotion to a slower tier and persistence to the capacity tier. */
    DEMOTION;

    private static final TransferClass[] VALUES = values();

    /** The wire id of this class (its priority rank, 0 highest). */
    public int id()
    {
        return ordinal();
    }

    /** The class with this wire id, or {@code null} when unknown. */
    public static TransferClass get(final int id)
    {
        return id >= 0 && id < VALUES.length ? VALUES[id] : null;
    }

    /** The lower-case name used in config keys and the transfers API, e.g. {@code client-read}. */
    public String label()
    {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
