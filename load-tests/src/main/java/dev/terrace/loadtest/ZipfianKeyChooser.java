package dev.terrace.loadtest;

import java.util.random.RandomGenerator;

/**
 * Zipfian key popularity by rejection-inversion (Hörmann and Derflinger, "Rejection-inversion to generate variates
 * from monotone discrete distributions", 1996): O(1) set-up and memory for any key count and any exponent above 0,
 * including exactly 1, unlike the zeta-table method (YCSB's), which needs O(n) set-up and an exponent other than 1.
 * <p>
 * Rank {@code k} (1-based) has weight {@code k^-s}; {@link #next} returns {@code k - 1}, so index 0 is the hottest key.
 */
public final class ZipfianKeyChooser implements KeyChooser
{
    private final long keyCount;
    private final double exponent;
    private final double hIntegralX1;
    private final double hIntegralN;
    private final double squeeze;

    /**
     * @param keyCount how many keys, at least 1.
     * @param exponent the skew {@code s > 0}; about 0.99 to 1.2 matches measured cache workloads.
     */
    public ZipfianKeyChooser(final long keyCount, final double exponent)
    {
        if (keyCount <= 0)
        {
            throw new IllegalArgumentException("keyCount must be positive: " + keyCount);
        }
        if (!(exponent > 0))
        {
            throw new IllegalArgumentException("exponent must be > 0: " + exponent);
        }
        this.keyCount = keyCount;
        this.exponent = exponent;
        this.hIntegralX1 = hIntegral(1.5) - 1.0;
        this.hIntegralN = hIntegral(keyCount + 0.5);
        this.squeeze = 2.0 - hIntegralInverse(hIntegral(2.5) - h(2.0));
    }

    @Override
    public long keyCount()
    {
        return keyCount;
    }

    /** The skew parameter. */
    public double exponent()
    {
        return exponent;
    }

    @Override
    public long next(final RandomGenerator random)
    {
        while (true)
        {
            // u is uniform in (hIntegralN, hIntegralX1]: the area under the hat function, walked from the tail.
            final double u = hIntegralN + random.nextDouble() * (hIntegralX1 - hIntegralN);
            final double x = hIntegralInverse(u);
            long k = (long)(x + 0.5);
            if (k < 1)
            {
                k = 1;
            }
            else if (k > keyCount)
            {
                k = keyCount;
            }
            // Accept at once inside the squeeze, else only if u falls under the true mass of k.
            if (k - x <= squeeze || u >= hIntegral(k + 0.5) - h(k))
            {
                return k - 1;
            }
        }
    }

    /**
     * The exact probability of index {@code index} (0-based), summing the weights: O(keyCount), for tests and reports.
     */
    public double probability(final long index)
    {
        double total = 0;
        for (long k = 1; k <= keyCount; k++)
        {
            total += h(k);
        }
        return h(index + 1) / total;
    }

    @Override
    public String toString()
    {
        return "zipfian(" + keyCount + ", s=" + exponent + ")";
    }

    /** The weight function {@code x^-s}. */
    private double h(final double x)
    {
        return Math.exp(-exponent * Math.log(x));
    }

    /** An antiderivative of h: {@code (x^(1-s) - 1) / (1 - s)}, or {@code log x} when s = 1, computed stably. */
    private double hIntegral(final double x)
    {
        final double logX = Math.log(x);
        return expm1OverX((1.0 - exponent) * logX) * logX;
    }

    /** The inverse of {@link #hIntegral}. */
    private double hIntegralInverse(final double x)
    {
        double t = x * (1.0 - exponent);
        if (t < -1.0)
        {
            // Rounding can push t just below the domain of log1p near the tail.
            t = -1.0;
        }
        return Math.exp(log1pOverX(t) * x);
    }

    /** {@code log(1 + x) / x}, continuous at 0. */
    private static double log1pOverX(final double x)
    {
        if (Math.abs(x) > 1e-8)
        {
            return Math.log1p(x) / x;
        }
        return 1.0 - x * (0.5 - x * (1.0 / 3.0 - 0.25 * x));
    }

    /** {@code (e^x - 1) / x}, continuous at 0. */
    private static double expm1OverX(final double x)
    {
        if (Math.abs(x) > 1e-8)
        {
            return Math.expm1(x) / x;
        }
        return 1.0 + x * 0.5 * (1.0 + x / 3.0 * (1.0 + 0.25 * x));
    }
}
