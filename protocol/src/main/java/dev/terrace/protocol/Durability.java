package dev.terrace.protocol;

import java.util.Locale;

/**
 * When a write is acknowledged. See DESIGN.md "Durability".
 */
public enum Durability
{
    /** Acknowledged once the capacity tier holds the bytes. Default for objects. */
    WRITE_THROUGH("write-through"),
    /** Acknowledged once R nodes hold the bytes. */
    REPLICATED("replicated"),
    /** Acknowledged once the owner's memory tier holds the bytes. Default for KV blocks. */
    CACHE("cache");

    private final String wireName;

    Durability(final String wireName)
    {
        this.wireName = wireName;
    }

    /** The name used in the {@code X-Terrace-Durability} header and in config. */
    public String wireName()
    {
        return wireName;
    }

    /**
     * Parses a header or config value.
     *
     * @throws IllegalArgumentException naming the accepted values when {@code value} is not one of them.
     */
    public static Durability parse(final String value)
    {
        final String v = value.trim().toLowerCase(Locale.ROOT);
        for (final Durability d : values())
        {
            if (d.wireName.equals(v))
            {
                return d;
            }
        }
        throw new IllegalArgumentException(
            "unknown durability '" + value + "': expected write-through, replicated or cache");
    }
}
