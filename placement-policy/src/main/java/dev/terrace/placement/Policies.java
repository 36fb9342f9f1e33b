package dev.terrace.placement;

import java.util.List;
import java.util.Locale;

/**
 * Creates policies by name: {@code lru}, {@code s3fifo}, {@code w-tinylfu} and {@code predictive} (the node's
 * default).
 */
public final class Policies
{
    /** The policy a node uses unless configured otherwise. */
    public static final String DEFAULT = PredictivePolicy.NAME;

    /** Every name {@link #create} accepts, baselines first. */
    public static final List<String> NAMES =
        List.of(LruPolicy.NAME, S3FifoPolicy.NAME, WTinyLfuPolicy.NAME, PredictivePolicy.NAME);

    private Policies()
    {
    }

    /**
     * A new policy.
     *
     * @param name     one of {@link #NAMES} (case-insensitive; {@code s3-fifo} and {@code wtinylfu} are accepted too).
     * @param capacity capacity in weight units (> 0).
     * @param listener told about every eviction.
     * @throws IllegalArgumentException naming the accepted names when {@code name} is unknown.
     */
    public static PlacementPolicy create(
        final String name,
        final long capacity,
        final PlacementPolicy.EvictionListener listener)
    {
        final String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        switch (key)
        {
            case LruPolicy.NAME:
                return new LruPolicy(capacity, listener);
            case S3FifoPolicy.NAME:
            case "s3-fifo":
                return new S3FifoPolicy(capacity, listener);
            case WTinyLfuPolicy.NAME:
            case "wtinylfu":
                return new WTinyLfuPolicy(capacity, listener);
            case PredictivePolicy.NAME:
                return new PredictivePolicy(capacity, listener);
            default:
                throw new IllegalArgumentException(
                    "unknown placement policy '" + name + "': expected one of " + String.join(", ", NAMES));
        }
    }

    static long requirePositive(final long capacity)
    {
        if (capacity <= 0)
        {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        return capacity;
    }

    static void requireWeight(final long weight)
    {
        if (weight <= 0)
        {
            throw new IllegalArgumentException("weight must be positive: " + weight);
        }
    }

    // Initial table size: capacity in blocks in the simulator; bounded for byte capacities (tables grow anyway).
    static int expectedEntries(final long capacity)
    {
        return (int)Math.min(1 << 16, Math.max(16, capacity));
    }
}
