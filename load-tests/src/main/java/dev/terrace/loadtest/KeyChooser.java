package dev.terrace.loadtest;

import java.util.random.RandomGenerator;

/**
 * Chooses which key an operation touches: an index in {@code [0, keyCount())}. Implementations are immutable and
 * thread-safe; each worker passes its own random generator.
 */
public interface KeyChooser
{
    /** The number of distinct keys. */
    long keyCount();

    /** The next key index, in {@code [0, keyCount())}. */
    long next(RandomGenerator random);

    /** Every key equally likely. */
    static KeyChooser uniform(final long keyCount)
    {
        if (keyCount <= 0)
        {
            throw new IllegalArgumentException("keyCount must be positive: " + keyCount);
        }
        return new KeyChooser()
        {
            @Override
            public long keyCount()
            {
                return keyCount;
            }

            @Override
            public long next(final RandomGenerator random)
            {
                return random.nextLong(keyCount);
            }

            @Override
            public String toString()
            {
                return "uniform(" + keyCount + ")";
            }
        };
    }

    /** Zipfian popularity: key {@code i} is chosen with probability proportional to {@code 1 / (i + 1)^exponent}. */
    static KeyChooser zipfian(final long keyCount, final double exponent)
    {
        return new ZipfianKeyChooser(keyCount, exponent);
    }
}
