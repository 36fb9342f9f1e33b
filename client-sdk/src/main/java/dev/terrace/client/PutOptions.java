package dev.terrace.client;

import dev.terrace.protocol.Durability;

import java.time.Duration;
import java.util.Objects;

/**
 * Per-call options of a write. Immutable; start from {@link #defaults()} or {@link #durability(Durability)}.
 * <pre>{@code
 * client.put("ckpt", "step-100/shard-0", bytes, PutOptions.durability(Durability.REPLICATED));
 * }</pre>
 */
public final class PutOptions
{
    private static final PutOptions DEFAULTS = new PutOptions(null, null);

    private final Durability durability;
    private final Duration timeout;

    private PutOptions(final Durability durability, final Duration timeout)
    {
        this.durability = durability;
        this.timeout = timeout;
    }

    /** The client's defaults: its durability for the kind of write, its request timeout. */
    public static PutOptions defaults()
    {
        return DEFAULTS;
    }

    /** Options that choose the durability of this write ({@code X-Terrace-Durability}). */
    public static PutOptions durability(final Durability durability)
    {
        return DEFAULTS.withDurability(durability);
    }

    /** A copy with the given durability. */
    public PutOptions withDurability(final Durability durability)
    {
        return new PutOptions(Objects.requireNonNull(durability, "durability"), timeout);
    }

    /**
     * A copy with a request timeout for this write. An upload's timeout runs until the node answers, so the whole
     * upload must fit in it: large writes usually need more than the client's default.
     */
    public PutOptions withTimeout(final Duration timeout)
    {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero())
        {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        return new PutOptions(durability, timeout);
    }

    /** The durability chosen for this write, or {@code null} for the client's default. */
    public Durability durability()
    {
        return durability;
    }

    /** The timeout chosen for this write, or {@code null} for the client's default. */
    public Duration timeout()
    {
        return timeout;
    }

    @Override
    public String toString()
    {
        return "PutOptions{durability=" + durability + ", timeout=" + timeout + '}';
    }
}
