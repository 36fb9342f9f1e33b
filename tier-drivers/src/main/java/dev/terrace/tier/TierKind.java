package dev.terrace.tier;

/**
 * The tiers of the storage hierarchy, fastest first.
 */
public enum TierKind
{
    /** Node-local off-heap memory. */
    MEMORY("memory"),
    /** A node-local SSD directory. */
    FLASH("flash"),
    /** Shared capacity storage: an S3-compatible bucket or a directory. */
    CAPACITY("capacity");

    private final String label;

    TierKind(final String label)
    {
        this.label = label;
    }

    /** The lower-case name used in headers, metrics and config ({@code memory|flash|capacity}). */
    public String label()
    {
        return label;
    }
}
