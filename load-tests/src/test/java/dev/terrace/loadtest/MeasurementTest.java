package dev.terrace.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class MeasurementTest
{
    @Test
    void summarisesIterationsByMedianAndSpread()
    {
        final Measurement odd = measurement("a", "MiB/s", List.of(90.0, 100.0, 130.0));
        assertEquals(100.0, odd.median());
        assertEquals(90.0, odd.min());
        assertEquals(130.0, odd.max());
        assertEquals(0.30, odd.spread(), 1e-9);
        assertEquals(List.of(90.0, 100.0, 130.0), odd.iterations(), "iteration order is kept");

        final Measurement even = measurement("b", "MiB/s", List.of(4.0, 1.0, 3.0, 2.0));
        assertEquals(2.5, even.median());
        assertThrows(IllegalArgumentException.class, () -> measurement("c", "MiB/s", List.of()));
    }

    @Test
    void comparisonIsTheRatioOfMediansAgainstItsTarget()
    {
        final Measurement subject = measurement("s", "MiB/s", List.of(80.0, 85.0, 90.0));
        final Measurement baseline = measurement("b", "MiB/s", List.of(100.0));
        final Comparison met = Comparison.of("x", "x", subject, baseline, 0.8, true);
        assertEquals(0.85, met.ratio(), 1e-9);
        assertTrue(met.met());
        assertFalse(Comparison.of("y", "y", subject, baseline, 0.9, true).met());
        assertNull(Comparison.of("z", "z", subject, baseline, null, false).met());
        assertThrows(IllegalArgumentException.class,
            () -> Comparison.of("u", "u", subject, measurement("o", "ops/s", List.of(1.0)), null, false));
    }

    static Measurement measurement(final String id, final String unit, final List<Double> values)
    {
        return Measurement.of(id, "chart", "category", false, id, unit, values, "test");
    }
}
