package dev.terrace.loadtest;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The ratio of a Terrace measurement to its baseline measured in the same run.
 *
 * @param id         unique within the suite, e.g. {@code flash.write.2MiB}.
 * @param label      what is compared, e.g. {@code FlashTier sequential write 2 MiB vs fio O_DIRECT}.
 * @param subjectId  the {@link Measurement#id()} of the Terrace measurement.
 * @param baselineId the {@link Measurement#id()} of the baseline measurement.
 * @param ratio      subject median / baseline median (higher is better for throughput).
 * @param target     the ratio the issue asks for, or {@code null} when the comparison is informational.
 * @param headline   whether it goes into BENCHMARKS.md.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Comparison(
    String id,
    String label,
    String subjectId,
    String baselineId,
    double ratio,
    Double target,
    boolean headline)
{
    /** Compares two measurements of the same unit. */
    public static Comparison of(
        final String id,
        final String label,
        final Measurement subject,
        final Measurement baseline,
        final Double target,
        final boolean headline)
    {
        if (!subject.unit().equals(baseline.unit()))
        {
            throw new IllegalArgumentException(subject.id() + " and " + baseline.id() + " have different units");
        }
        final double ratio = baseline.median() == 0 ? 0 : subject.median() / baseline.median();
        return new Comparison(id, label, subject.id(), baseline.id(), ratio, target, headline);
    }

    /** Whether the target is met; {@code null} when there is no target. */
    @JsonProperty("met")
    public Boolean met()
    {
        return target == null ? null : ratio >= target;
    }
}
