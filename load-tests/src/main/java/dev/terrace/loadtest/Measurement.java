package dev.terrace.loadtest;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * One measured throughput: a Terrace operation or a baseline, summarised over several iterations.
 *
 * @param id         unique within the suite, e.g. {@code flash.write.2MiB.terrace}.
 * @param chart      which plot it belongs on; measurements on one chart share a unit.
 * @param category   the bar group, shared by a subject and its baseline, e.g. {@code write 2 MiB}.
 * @param baseline   whether this is the physical baseline rather than Terrace.
 * @param label      what was run, e.g. {@code FlashTier.put} or {@code fio --rw=write}.
 * @param unit       the unit of the values, e.g. {@code MiB/s}.
 * @param median     median over the iterations.
 * @param min        slowest iteration.
 * @param max        fastest iteration.
 * @param iterations the value of each measured iteration, in order.
 * @param method     how it was measured, in one sentence (sizes, durations, fsync, page cache).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Measurement(
    String id,
    String chart,
    String category,
    boolean baseline,
    String label,
    String unit,
    double median,
    double min,
    double max,
    List<Double> iterations,
    String method)
{
    /** Builds a measurement from its iteration values, computing median, min and max. */
    public static Measurement of(
        final String id,
        final String chart,
        final String category,
        final boolean baseline,
        final String label,
        final String unit,
        final List<Double> iterations,
        final String method)
    {
        if (iterations.isEmpty())
        {
            throw new IllegalArgumentException("no iterations for " + id);
        }
        final double[] sorted = iterations.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new Measurement(
            id, chart, category, baseline, label, unit,
            median(sorted), sorted[0], sorted[sorted.length - 1], List.copyOf(iterations), method);
    }

    /** The median of an ascending array: the middle value, or the mean of the two middle values. */
    public static double median(final double[] sorted)
    {
        final int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2.0;
    }

    /** The largest relative distance of an iteration from the median, e.g. 0.05 for +-5%. */
    @JsonProperty("spread")
    public double spread()
    {
        if (median == 0)
        {
            return 0;
        }
        return Math.max(max - median, median - min) / median;
    }
}
