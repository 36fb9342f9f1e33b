package dev.terrace.client;

/**
 * The tier a response's bytes were served from, as reported in the {@code X-Terrace-Tier} header.
 */
public enum Tier
{
    /** The owner node's off-heap memory. */
    MEMORY("memory"),
    /** The owner node's local SSD directory. */
    FLASH("flash"),
    /** The shared capacity tier (an S3-compatible bucket or a directory). */
    CAPACITY("capacity"),
    /** A tier name this SDK version does not know (a newer node). */
    UNKNOWN("unknown");

    private final String wireName;

    Tier(final String wireName)
    {
        this.wireName = wireName;
    }

    /** The name used on the wire. */
    public String wireName()
    {
        return wireName;
    }

    /**
     * Reads a header or JSON value: {@code null} and {@code none} (the node did not say, or no tier holds the whole
     * item right now) are {@code null}; an unrecognised name is {@link #UNKNOWN}, so that a newer node never breaks
     * an older client.
     */
    public static Tier fromWireName(final String value)
    {
        if (value == null)
        {
            return null;
        }
        final String trimmed = value.trim();
        if (trimmed.isEmpty() || trimmed.equalsIgnoreCase("none"))
        {
            return null;
        }
        for (final Tier tier : values())
        {
            if (tier != UNKNOWN && tier.wireName.equalsIgnoreCase(trimmed))
            {
                return tier;
            }
        }
        return UNKNOWN;
    }
}
