package dev.terrace.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ZipfianKeyChooserTest
{
    private static final int SAMPLES = 400_000;

    @ParameterizedTest(name = "n={0} s={1}")
    @CsvSource({"10, 1.0", "10, 0.5", "50, 0.99", "50, 1.5", "1, 1.0", "2, 2.0"})
    void frequenciesMatchTheZipfLaw(final int keyCount, final double exponent)
    {
        final ZipfianKeyChooser chooser = new ZipfianKeyChooser(keyCount, exponent);
        final long[] counts = new long[keyCount];
        final SplittableRandom random = new SplittableRandom(1234);
        for (int i = 0; i < SAMPLES; i++)
        {
            counts[(int)chooser.next(random)]++;
        }
        // Pearson's chi-squared against the exact probabilities; with keyCount - 1 degrees of freedom the 99.99th
        // percentile is below 3 * dof + 20 for the sizes used here, so a correct sampler never trips it.
        double chiSquared = 0;
        for (int k = 0; k < keyCount; k++)
        {
            final double expected = SAMPLES * chooser.probability(k);
            chiSquared += (counts[k] - expected) * (counts[k] - expected) / expected;
        }
        final int degreesOfFreedom = Math.max(1, keyCount - 1);
        assertTrue(chiSquared < 3 * degreesOfFreedom + 20,
            "chi-squared " + chiSquared + " too large for " + degreesOfFreedom + " degrees of freedom");
    }

    @Test
    void hottestKeyOfALargeKeySpaceHasTheHarmonicShare()
    {
        final long keyCount = 10_000_000L;
        final ZipfianKeyChooser chooser = new ZipfianKeyChooser(keyCount, 1.0);
        final SplittableRandom random = new SplittableRandom(99);
        long hottest = 0;
        long second = 0;
        long max = 0;
        for (int i = 0; i < SAMPLES; i++)
        {
            final long key = chooser.next(random);
            hottest += key == 0 ? 1 : 0;
            second += key == 1 ? 1 : 0;
            max = Math.max(max, key);
        }
        // H(10^7) = ln(10^7) + 0.5772 + 1/(2*10^7) = 16.695: key 0 has 1/H of the mass, key 1 half that.
        final double harmonic = Math.log(keyCount) + 0.5772156649;
        assertEquals(SAMPLES / harmonic, hottest, 0.03 * SAMPLES / harmonic);
        assertEquals(SAMPLES / harmonic / 2, second, 0.05 * SAMPLES / harmonic / 2);
        assertTrue(max < keyCount);
        assertTrue(max > keyCount / 100, "the tail is sampled: max key " + max);
    }

    @Test
    void staysInRangeForExtremeExponents()
    {
        final SplittableRandom random = new SplittableRandom(5);
        for (final double exponent : new double[] {1e-6, 0.01, 1.0 - 1e-12, 1.0 + 1e-12, 5.0, 40.0})
        {
            final ZipfianKeyChooser chooser = new ZipfianKeyChooser(1000, exponent);
            for (int i = 0; i < 20_000; i++)
            {
                final long key = chooser.next(random);
                assertTrue(key >= 0 && key < 1000, "s=" + exponent + " gave " + key);
            }
        }
    }

    @Test
    void nearlyFlatExponentIsNearlyUniform()
    {
        final ZipfianKeyChooser chooser = new ZipfianKeyChooser(4, 1e-9);
        final SplittableRandom random = new SplittableRandom(3);
        final long[] counts = new long[4];
        for (int i = 0; i < 100_000; i++)
        {
            counts[(int)chooser.next(random)]++;
        }
        for (final long count : counts)
        {
            assertEquals(25_000, count, 1_000);
        }
    }

    @Test
    void rejectsBadArguments()
    {
        assertThrows(IllegalArgumentException.class, () -> new ZipfianKeyChooser(0, 1.0));
        assertThrows(IllegalArgumentException.class, () -> new ZipfianKeyChooser(10, 0.0));
        assertThrows(IllegalArgumentException.class, () -> new ZipfianKeyChooser(10, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> KeyChooser.uniform(0));
    }

    @Test
    void uniformCoversEveryKeyEvenly()
    {
        final KeyChooser chooser = KeyChooser.uniform(8);
        final SplittableRandom random = new SplittableRandom(11);
        final long[] counts = new long[8];
        for (int i = 0; i < 80_000; i++)
        {
            counts[(int)chooser.next(random)]++;
        }
        for (final long count : counts)
        {
            assertEquals(10_000, count, 500);
        }
    }
}
