package dev.terrace.node.http;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * A token bucket per key (an object or a KV block) in a table of fixed size, so memory stays bounded however many
 * keys clients name. The table is set-associative: a key hashes to a set of {@link #WAYS} slots and takes its own
 * slot, or one whose bucket is full again (an idle key's bucket is indistinguishable from a new one, so reusing it
 * forgets nothing). When every slot of its set belongs to a key that is being limited right now, the key goes
 * unlimited for that request rather than share another key's bucket: the table never throttles a key for someone
 * else's traffic. The hash is seeded per process, so clients cannot aim their keys at one set.
 */
final class KeyRateLimiter
{
    static final int WAYS = 4;
    private static final int LOCK_STRIPES = 256;
    private static final double NANOS_PER_SECOND = 1_000_000_000.0;

    private final double requestsPerSecond;
    private final double tokensPerNano;
    private final double burst;
    private final int setMask;
    private final long[] fingerprints;
    private final double[] tokens;
    private final long[] refilledAt;
    private final Object[] locks = new Object[LOCK_STRIPES];
    private final LongSupplier nanoClock;
    private final long seed;

    /**
     * @param requestsPerSecond refill rate of each key's bucket; 0 disables limiting.
     * @param burst             the most requests a key may make at once (the bucket's size), at least 1.
     * @param trackedKeys       table size, rounded up to a power of two and at least {@link #WAYS}.
     * @param nanoClock         {@link System#nanoTime()} in production.
     */
    KeyRateLimiter(final double requestsPerSecond, final double burst, final int trackedKeys, final LongSupplier nanoClock)
    {
        if (requestsPerSecond < 0 || burst < 1 || trackedKeys < 1)
        {
            throw new IllegalArgumentException("rate must be >= 0, burst >= 1 and tracked keys >= 1");
        }
        this.requestsPerSecond = requestsPerSecond;
        this.tokensPerNano = requestsPerSecond / NANOS_PER_SECOND;
        this.burst = burst;
        final int slots = Math.max(WAYS, Integer.highestOneBit(Math.max(1, trackedKeys - 1)) << 1);
        this.setMask = slots / WAYS - 1;
        this.fingerprints = new long[requestsPerSecond > 0 ? slots : 0];
        this.tokens = new double[fingerprints.length];
        this.refilledAt = new long[fingerprints.length];
        for (int i = 0; i < LOCK_STRIPES; i++)
        {
            locks[i] = new Object();
        }
        this.nanoClock = nanoClock;
        this.seed = ThreadLocalRandom.current().nextLong();
    }

    /** Whether this limiter admits everything. */
    boolean disabled()
    {
        return fingerprints.length == 0;
    }

    /** The limit in words, for error messages. */
    String describe()
    {
        return number(requestsPerSecond) + " requests per second (burst " + number(burst) + ")";
    }

    private static String number(final double value)
    {
        return value == Math.rint(value) ? Long.toString((long)value) : Double.toString(value);
    }

    /** The slots of the table: the bound on keys tracked at once. */
    int capacity()
    {
        return fingerprints.length;
    }

    /**
     * Takes one token from the key's bucket.
     *
     * @return 0 when the request may go ahead, otherwise how many nanoseconds until the key has a token again.
     */
    long acquire(final String key)
    {
        if (disabled())
        {
            return 0;
        }
        final long fingerprint = fingerprint(key);
        final int set = (int)(fingerprint >>> 32) & setMask;
        final int first = set * WAYS;
        final long now = nanoClock.getAsLong();
        synchronized (locks[set & (LOCK_STRIPES - 1)])
        {
            int reusable = -1;
            for (int slot = first; slot < first + WAYS; slot++)
            {
                if (fingerprints[slot] == fingerprint)
                {
                    return take(slot, now);
                }
                if (reusable < 0 && (fingerprints[slot] == 0 || refill(slot, now) >= burst))
                {
                    reusable = slot;
                }
            }
            if (reusable < 0)
            {
                return 0;
            }
            fingerprints[reusable] = fingerprint;
            tokens[reusable] = burst;
            refilledAt[reusable] = now;
            return take(reusable, now);
        }
    }

    private long take(final int slot, final long now)
    {
        final double available = refill(slot, now);
        if (available >= 1)
        {
            tokens[slot] = available - 1;
            return 0;
        }
        return Math.max(1, (long)Math.ceil((1 - available) / tokensPerNano));
    }

    /** Brings the slot's bucket up to date and returns its tokens. */
    private double refill(final int slot, final long now)
    {
        final long elapsed = now - refilledAt[slot];
        if (elapsed > 0)
        {
            tokens[slot] = Math.min(burst, tokens[slot] + elapsed * tokensPerNano);
            refilledAt[slot] = now;
        }
        return tokens[slot];
    }

    /** A seeded 64-bit hash of the key, never 0 (0 marks a free slot). */
    private long fingerprint(final String key)
    {
        long h = seed ^ 0xcbf29ce484222325L;
        for (int i = 0; i < key.length(); i++)
        {
            h = (h ^ key.charAt(i)) * 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h == 0 ? 1 : h;
    }
}
