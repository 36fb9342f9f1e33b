package dev.terrace.placement.internal;

/**
 * Hash mixing for 64-bit ids: trace ids are small consecutive integers and node ids are hashes, and both must
 * spread over a power-of-two table.
 */
public final class Hashing
{
    private Hashing()
    {
    }

    /** A well-spread 32-bit hash of {@code key} (the splitmix64 finaliser, folded). */
    public static int mix(final long key)
    {
        long z = key + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return (int)(z ^ (z >>> 32));
    }

    /** A well-spread 64-bit hash of {@code key}. */
    public static long mix64(final long key)
    {
        long z = key + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
