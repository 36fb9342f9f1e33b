package dev.terrace.loadtest.internal;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.terrace.loadtest.Comparison;
import dev.terrace.loadtest.Curve;
import dev.terrace.loadtest.Measurement;
import dev.terrace.loadtest.SuiteResult;
import dev.terrace.loadtest.Table;

/**
 * Renders results as Markdown: the run folder's {@code report.md} and the repository's {@code BENCHMARKS.md}.
 */
public final class Markdown
{
    private Markdown()
    {
    }

    /**
     * The report of one results folder.
     *
     * @param date    the folder's date.
     * @param results every suite result in the folder.
     * @param plots   the plot files of each suite, by suite name.
     */
    public static String report(final String date, final List<SuiteResult> results, final Map<String, List<String>> plots)
    {
        final StringBuilder md = new StringBuilder();
        md.append("# Terrace benchmark report, ").append(date).append("\n\n");
        md.append("Written by `bench` (`dev.terrace.loadtest.BenchCommand`); every figure was measured by the tool in ")
            .append("the run described under each suite. Ratios are Terrace median / baseline median, both measured ")
            .append("in the same run on the same machine, directory or memory.\n\n");
        for (final SuiteResult result : results)
        {
            md.append("## ").append(result.suite()).append(": ").append(result.title()).append("\n\n");
            appendRunLines(md, result);
            md.append('\n');
            if (result.status() != SuiteResult.Status.COMPLETED)
            {
                md.append("**").append(result.status().name().toLowerCase(Locale.ROOT)).append("**: ")
                    .append(result.reason()).append("\n\n");
                continue;
            }
            md.append("### Ratios vs baseline\n\n");
            appendComparisonTable(md, result, result.comparisons(), false);
            md.append("\n### Conditions\n\n");
            for (final Map.Entry<String, String> condition : result.conditions().entrySet())
            {
                md.append("- **").append(condition.getKey()).append("**: ").append(condition.getValue()).append('\n');
            }
            md.append("\n### Measurements\n\n");
            md.append("| id | what | median | min | max | spread | iterations | method |\n");
            md.append("|---|---|---:|---:|---:|---:|---|---|\n");
            for (final Measurement m : result.measurements())
            {
                md.append("| `").append(m.id()).append("` | ").append(m.label())
                    .append(m.baseline() ? " (baseline)" : "")
                    .append(" | ").append(number(m.median())).append(' ').append(m.unit())
                    .append(" | ").append(number(m.min()))
                    .append(" | ").append(number(m.max()))
                    .append(" | ").append(String.format(Locale.ROOT, "±%.1f%%", m.spread() * 100))
                    .append(" | ").append(iterations(m.iterations()))
                    .append(" | ").append(escape(m.method())).append(" |\n");
            }
            md.append('\n');
            for (final Table table : result.tables())
            {
                appendTable(md, table);
            }
            appendCurveSummary(md, result.curves());
            for (final String plot : plots.getOrDefault(result.suite(), List.of()))
            {
                md.append("![").append(plot).append("](").append(plot).append(")\n\n");
            }
        }
        return md.toString();
    }

    /**
     * BENCHMARKS.md: the headline ratios of the latest full run of every suite, the machine, date and command.
     *
     * @param latest          the latest full result of each suite.
     * @param resultsRelative how to link a run's folder from the repository root, e.g. {@code load-tests/results}.
     */
    public static String benchmarks(final List<SuiteResult> latest, final String resultsRelative)
    {
        final StringBuilder md = new StringBuilder();
        md.append("# Benchmarks\n\n");
        md.append("This file is written by `bench` (load-tests, `dev.terrace.loadtest.BenchCommand`) from the latest ")
            .append("full run of each suite. Do not edit the figures by hand: rerun the command shown for a suite. ")
            .append("Each ratio is Terrace median / baseline median, both measured in the same run on the same ")
            .append("machine and the same directory or memory. Details, every iteration and the plots are in the ")
            .append("linked report.\n\n");
        md.append("## Headline ratios\n\n");
        md.append("| suite | comparison | Terrace | baseline | ratio | target | met |\n");
        md.append("|---|---|---:|---:|---:|---:|---|\n");
        for (final SuiteResult result : latest)
        {
            if (result.status() != SuiteResult.Status.COMPLETED)
            {
                md.append("| ").append(result.suite()).append(" | ").append(result.status().name().toLowerCase(Locale.ROOT))
                    .append(": ").append(escape(result.reason())).append(" | | | | | |\n");
                continue;
            }
            for (final Comparison comparison : result.comparisons())
            {
                if (comparison.headline())
                {
                    md.append("| ").append(result.suite()).append(" | ");
                    appendComparisonCells(md, result, comparison);
                }
            }
        }
        md.append("\n## Runs\n\n");
        for (final SuiteResult result : latest)
        {
            md.append("### ").append(result.suite()).append("\n\n");
            appendRunLines(md, result);
            if (result.run() != null)
            {
                md.append("- Report: [").append(resultsRelative).append('/').append(result.run().date())
                    .append("/report.md](").append(resultsRelative).append('/').append(result.run().date())
                    .append("/report.md)\n");
            }
            if (result.status() == SuiteResult.Status.COMPLETED)
            {
                for (final Map.Entry<String, String> condition : result.conditions().entrySet())
                {
                    md.append("- ").append(condition.getKey()).append(": ").append(condition.getValue()).append('\n');
                }
            }
            md.append('\n');
        }
        return md.toString();
    }

    private static void appendRunLines(final StringBuilder md, final SuiteResult result)
    {
        if (result.run() == null)
        {
            return;
        }
        md.append("- Date: ").append(result.run().date()).append(" (started ").append(result.run().startedAt())
            .append(", took ").append(String.format(Locale.ROOT, "%.0f s", result.run().elapsedSeconds()))
            .append(result.run().quick() ? ", **quick run**" : ", full run").append(")\n");
        md.append("- Command: `").append(result.run().command()).append("`\n");
        md.append("- Machine: ").append(result.run().machine().summary()).append("\n");
    }

    private static void appendComparisonTable(
        final StringBuilder md, final SuiteResult result, final List<Comparison> comparisons, final boolean headlineOnly)
    {
        md.append("| comparison | Terrace | baseline | ratio | target | met |\n");
        md.append("|---|---:|---:|---:|---:|---|\n");
        for (final Comparison comparison : comparisons)
        {
            if (!headlineOnly || comparison.headline())
            {
                md.append("| ");
                appendComparisonCells(md, result, comparison);
            }
        }
    }

    private static void appendComparisonCells(final StringBuilder md, final SuiteResult result, final Comparison c)
    {
        final Measurement subject = result.measurement(c.subjectId());
        final Measurement baseline = result.measurement(c.baselineId());
        md.append(escape(c.label())).append(" | ")
            .append(withUnit(subject)).append(" | ")
            .append(withUnit(baseline)).append(" | ")
            .append(String.format(Locale.ROOT, "**%.2fx**", c.ratio())).append(" | ")
            .append(c.criterion() != null ? escape(c.criterion())
                : c.target() == null ? "none" : String.format(Locale.ROOT, ">= %.2fx", c.target())).append(" | ")
            .append(c.met() == null ? "n/a" : c.met() ? "yes" : "**no**").append(" |\n");
    }

    private static void appendTable(final StringBuilder md, final Table table)
    {
        md.append("### ").append(escape(table.title())).append("\n\n");
        md.append('|');
        for (final String column : table.columns())
        {
            md.append(' ').append(escape(column)).append(" |");
        }
        md.append("\n|");
        md.append("---|".repeat(table.columns().size()));
        md.append('\n');
        for (final List<String> row : table.rows())
        {
            md.append('|');
            for (final String cell : row)
            {
                md.append(' ').append(escape(cell)).append(" |");
            }
            md.append('\n');
        }
        md.append('\n');
        if (table.note() != null && !table.note().isBlank())
        {
            md.append(table.note().strip()).append("\n\n");
        }
    }

    /** Percentile curves as a table of their usual points, so the figures can be read without the plot. */
    private static void appendCurveSummary(final StringBuilder md, final List<Curve> curves)
    {
        final double[] points = {50, 90, 99, 99.9, 100};
        String chart = null;
        for (final Curve curve : curves)
        {
            if (!curve.logX())
            {
                continue;
            }
            if (!curve.chart().equals(chart))
            {
                chart = curve.chart();
                md.append("### ").append(escape(chart)).append(" (").append(escape(curve.yTitle())).append(")\n\n");
                md.append("| curve | p50 | p90 | p99 | p99.9 | max |\n|---|---:|---:|---:|---:|---:|\n");
            }
            md.append("| ").append(escape(curve.label()));
            for (final double point : points)
            {
                final double value = curve.yAt(point);
                md.append(" | ").append(Double.isNaN(value) ? "-" : number(value));
            }
            md.append(" |\n");
            final int index = curves.indexOf(curve);
            if (index == curves.size() - 1 || !curves.get(index + 1).chart().equals(chart))
            {
                md.append('\n');
            }
        }
    }

    private static String withUnit(final Measurement measurement)
    {
        if (measurement == null)
        {
            return "?";
        }
        return number(measurement.median()) + " " + measurement.unit();
    }

    /** A throughput figure with as many digits as it deserves. */
    public static String number(final double value)
    {
        if (Math.abs(value) >= 100)
        {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        if (Math.abs(value) >= 10)
        {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        return String.format(Locale.ROOT, "%.2f", value);
    }

    private static String iterations(final List<Double> values)
    {
        final StringBuilder text = new StringBuilder();
        for (final Double value : values)
        {
            if (text.length() > 0)
            {
                text.append(", ");
            }
            text.append(number(value));
        }
        return text.toString();
    }

    private static String escape(final String text)
    {
        return text == null ? "" : text.replace("|", "\\|").replace("\n", " ");
    }
}
