package dev.terrace.loadtest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * What one suite produced: its measurements, their ratios to the baselines, and the conditions they were taken under.
 *
 * @param suite        the suite name.
 * @param title        what it measures.
 * @param status       whether it completed, was skipped (with the reason) or failed.
 * @param reason       why it was skipped or failed; {@code null} when it completed.
 * @param conditions   how the numbers were taken (fsync policy, page cache, data set size), in display order.
 * @param measurements every measured throughput, Terrace and baselines.
 * @param comparisons  ratios of Terrace to baseline.
 * @param curves       line-plot data (latency percentile curves); empty or {@code null} when the suite has none.
 * @param tables       tables for the report as they are; empty or {@code null} when the suite has none.
 * @param run          when, where and with which command; {@code null} until the command fills it in.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SuiteResult(
    String suite,
    String title,
    Status status,
    String reason,
    Map<String, String> conditions,
    List<Measurement> measurements,
    List<Comparison> comparisons,
    List<Curve> curves,
    List<Table> tables,
    RunInfo run)
{
    /** The outcome of a suite. */
    public enum Status
    {
        /** Every measurement was taken. */
        COMPLETED,
        /** The suite could not run here (a missing tool that could not be installed); the reason says why. */
        SKIPPED,
        /** The suite threw; the reason holds the error. */
        FAILED
    }

    /** A suite that measured everything. */
    public static SuiteResult completed(
        final String suite,
        final String title,
        final Map<String, String> conditions,
        final List<Measurement> measurements,
        final List<Comparison> comparisons)
    {
        return new SuiteResult(
            suite, title, Status.COMPLETED, null, new LinkedHashMap<>(conditions),
            List.copyOf(measurements), List.copyOf(comparisons), List.of(), List.of(), null);
    }

    /** A suite that could not run here, with the reason. */
    public static SuiteResult skipped(final String suite, final String title, final String reason)
    {
        return new SuiteResult(suite, title, Status.SKIPPED, reason, Map.of(), List.of(), List.of(), List.of(), List.of(),
            null);
    }

    /** A suite that threw. */
    public static SuiteResult failed(final String suite, final String title, final String reason)
    {
        return new SuiteResult(suite, title, Status.FAILED, reason, Map.of(), List.of(), List.of(), List.of(), List.of(),
            null);
    }

    /** This result with the run information filled in. */
    public SuiteResult withRun(final RunInfo runInfo)
    {
        return new SuiteResult(suite, title, status, reason, conditions, measurements, comparisons, curves, tables,
            runInfo);
    }

    /** This result with line-plot curves and report tables added. */
    public SuiteResult withExtras(final List<Curve> addedCurves, final List<Table> addedTables)
    {
        final List<Curve> allCurves = new java.util.ArrayList<>(curves());
        allCurves.addAll(addedCurves);
        final List<Table> allTables = new java.util.ArrayList<>(tables());
        allTables.addAll(addedTables);
        return new SuiteResult(suite, title, status, reason, conditions, measurements, comparisons,
            List.copyOf(allCurves), List.copyOf(allTables), run);
    }

    /** The curves; never {@code null} (results written before curves existed have none). */
    @Override
    public List<Curve> curves()
    {
        return curves == null ? List.of() : curves;
    }

    /** The tables; never {@code null} (results written before tables existed have none). */
    @Override
    public List<Table> tables()
    {
        return tables == null ? List.of() : tables;
    }

    /** The measurement with this id, or {@code null}. */
    public Measurement measurement(final String id)
    {
        for (final Measurement measurement : measurements)
        {
            if (measurement.id().equals(id))
            {
                return measurement;
            }
        }
        return null;
    }
}
