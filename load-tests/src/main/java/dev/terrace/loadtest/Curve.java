package dev.terrace.loadtest;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A measured curve for a line plot, e.g. a latency percentile distribution: points {@code (x[i], y[i])}.
 *
 * @param chart  which plot it belongs on; curves on one chart share their axes.
 * @param label  the legend entry, e.g. {@code lru: request latency}.
 * @param xTitle what x is, e.g. {@code percentile}.
 * @param yTitle what y is, with its unit, e.g. {@code latency (ms)}.
 * @param x      the x values, ascending.
 * @param y      the y values.
 * @param logX   whether x is a percentile drawn on the usual "1 / (1 - p)" log scale (so p99.9 is as far from p99 as
 *               p99 is from p90).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Curve(String chart, String label, String xTitle, String yTitle, List<Double> x, List<Double> y,
    boolean logX)
{
    /**
     * Checks the points and copies them.
     *
     * @throws IllegalArgumentException when x and y differ in length or there is no point.
     */
    public Curve
    {
        if (x.size() != y.size() || x.isEmpty())
        {
            throw new IllegalArgumentException("a curve needs as many x as y values, at least one: " + x.size() + " x, "
                + y.size() + " y");
        }
        x = List.copyOf(x);
        y = List.copyOf(y);
    }

    /** The y value at the first x equal to {@code atX}, or NaN. */
    public double yAt(final double atX)
    {
        for (int i = 0; i < x.size(); i++)
        {
            if (Double.compare(x.get(i), atX) == 0)
            {
                return y.get(i);
            }
        }
        return Double.NaN;
    }
}
