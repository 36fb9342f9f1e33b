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
 * @param criterion  when the target is not a ratio (e.g. "with hints >= 95% where the baseline is below
 *                   70%"), that target in words; {@code null} otherwise.
 * @param criterionMet whether {@code criterion} was met, as the suite judged it; {@code null} without a criterion.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Comparison(
    String id,
    String label,
    String subjectId,
    String baselineId,
    double ratio,
    Double target,
    boolean headline,
    String criterion,
    Boolean criterionMet)
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
        return new Comparison(id, label, subject.id(), baseline.id(), ratio, target, headline, null, null);
    }

    /**
     * This comparison judged by a target that is not a ratio: {@code criterion} says what the issue asks, {@code met}
     * whether the measurements meet it. Any ratio target is dropped.
     */
    public Comparison withCriterion(final String criterion, final boolean met)
    {
        return new Comparison(id, label, subjectId, baselineId, ratio, null, headline, criterion, met);
    }

    /** Whether the target (or the criterion) is met; {@code null} when there is neither. */
    @JsonProperty("met")
    public Boolean met()
    {
        if (criterion != null)
        {
            return criterionMet;
        }
        return target == null ? null : ratio >= target;
    }
}
