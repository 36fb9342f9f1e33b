package dev.terrace.loadtest.internal;

import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import dev.terrace.loadtest.Comparison;
import dev.terrace.loadtest.Curve;
import dev.terrace.loadtest.Measurement;
import dev.terrace.loadtest.SuiteResult;

/**
 * Draws a suite's PNG plots with XChart: one grouped bar chart per measurement chart (Terrace next to its baseline,
 * error bars to the farthest iteration), one line chart per curve chart (latency percentiles), and one chart of the
 * ratios against their targets.
 */
public final class PlotWriter
{
    private static final Color TERRACE = new Color(0x1f, 0x77, 0xb4);
    private static final Color BASELINE = new Color(0x8c, 0x8c, 0x8c);
    private static final Color MET = new Color(0x2c, 0xa0, 0x2c);
    private static final Color MISSED = new Color(0xd6, 0x27, 0x28);
    private static final Color NO_TARGET = TERRACE;
    private static final Color[] CURVE_COLORS = {
        BASELINE, TERRACE, new Color(0xff, 0x7f, 0x0e), MET, new Color(0x94, 0x67, 0xbd), MISSED};
    private static final int WIDTH = 1000;
    private static final int HEIGHT = 560;

    private PlotWriter()
    {
    }

    /** One bar group: a Terrace measurement and its baseline (either may be absent). */
    record Row(String category, Measurement subject, Measurement baseline)
    {
    }

    /** Writes the suite's plots into {@code dir} and returns their file names, in display order. */
    public static List<String> write(final Path dir, final SuiteResult result) throws IOException
    {
        System.setProperty("java.awt.headless", "true");
        final List<String> files = new ArrayList<>();
        for (final Map.Entry<String, List<Row>> chart : rowsByChart(result).entrySet())
        {
            final String file = result.suite() + "-" + slug(chart.getKey()) + ".png";
            BitmapEncoder.saveBitmap(
                throughputChart(result.suite(), chart.getKey(), chart.getValue()),
                dir.resolve(file).toString(), BitmapEncoder.BitmapFormat.PNG);
            files.add(file);
        }
        for (final Map.Entry<String, List<Curve>> chart : curvesByChart(result).entrySet())
        {
            final String file = result.suite() + "-" + slug(chart.getKey()) + ".png";
            BitmapEncoder.saveBitmap(curveChart(result.suite(), chart.getKey(), chart.getValue()),
                dir.resolve(file).toString(), BitmapEncoder.BitmapFormat.PNG);
            files.add(file);
        }
        if (!result.comparisons().isEmpty())
        {
            final String file = result.suite() + "-ratios.png";
            BitmapEncoder.saveBitmap(
                ratioChart(result.suite(), result.comparisons()), dir.resolve(file).toString(),
                BitmapEncoder.BitmapFormat.PNG);
            files.add(file);
        }
        return files;
    }

    /**
     * The bar groups of each chart: one per comparison (its subject's category, subject beside baseline; a baseline
     * shared by several comparisons appears in each group), then the measurements no comparison uses, a subject and a
     * baseline of the same category side by side.
     */
    static Map<String, List<Row>> rowsByChart(final SuiteResult result)
    {
        final Map<String, List<Row>> byChart = new LinkedHashMap<>();
        final Set<String> used = new LinkedHashSet<>();
        for (final Comparison comparison : result.comparisons())
        {
            final Measurement subject = result.measurement(comparison.subjectId());
            final Measurement baseline = result.measurement(comparison.baselineId());
            if (subject == null)
            {
                continue;
            }
            byChart.computeIfAbsent(subject.chart(), chart -> new ArrayList<>())
                .add(new Row(subject.category(), subject, baseline));
            used.add(subject.id());
            if (baseline != null)
            {
                used.add(baseline.id());
            }
        }
        // Measurements no comparison uses share a bar group with the other side of their chart and category.
        final Map<String, Map<String, Measurement[]>> loose = new LinkedHashMap<>();
        for (final Measurement measurement : result.measurements())
        {
            if (!used.contains(measurement.id()))
            {
                final Measurement[] sides = loose.computeIfAbsent(measurement.chart(), chart -> new LinkedHashMap<>())
                    .computeIfAbsent(measurement.category(), category -> new Measurement[2]);
                final int side = measurement.baseline() ? 1 : 0;
                if (sides[side] != null)
                {
                    byChart.computeIfAbsent(measurement.chart(), chart -> new ArrayList<>()).add(new Row(
                        measurement.category(), side == 0 ? measurement : null, side == 1 ? measurement : null));
                    continue;
                }
                sides[side] = measurement;
            }
        }
        for (final Map.Entry<String, Map<String, Measurement[]>> chart : loose.entrySet())
        {
            for (final Map.Entry<String, Measurement[]> group : chart.getValue().entrySet())
            {
                byChart.computeIfAbsent(chart.getKey(), name -> new ArrayList<>())
                    .add(new Row(group.getKey(), group.getValue()[0], group.getValue()[1]));
            }
        }
        return byChart;
    }

    static CategoryChart throughputChart(final String suite, final String chartName, final List<Row> rows)
    {
        final Set<String> baselineLabels = new LinkedHashSet<>();
        final Set<String> subjectLabels = new LinkedHashSet<>();
        final List<String> x = new ArrayList<>();
        final List<Double> subjectValues = new ArrayList<>();
        final List<Double> subjectErrors = new ArrayList<>();
        final List<Double> baselineValues = new ArrayList<>();
        final List<Double> baselineErrors = new ArrayList<>();
        String unit = "";
        for (final Row row : rows)
        {
            x.add(row.category());
            addValue(row.subject(), subjectValues, subjectErrors, subjectLabels);
            addValue(row.baseline(), baselineValues, baselineErrors, baselineLabels);
            unit = row.subject() != null ? row.subject().unit() : row.baseline().unit();
        }
        final boolean throughput = unit.endsWith("/s");
        final CategoryChart chart = new CategoryChartBuilder()
            .width(WIDTH).height(HEIGHT)
            .title(suite + ": " + chartName + (throughput ? " throughput" : "")
                + " vs baseline (median, whiskers to farthest iteration)")
            .xAxisTitle("")
            .yAxisTitle(unit)
            .build();
        style(chart);
        chart.getStyler().setSeriesColors(new Color[] {TERRACE, BASELINE});
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setLabelsPosition(0.5);
        chart.getStyler().setLabelsRotation(0);
        double highest = 0;
        for (final Row row : rows)
        {
            highest = Math.max(highest, Math.max(row.subject() == null ? 0 : row.subject().max(),
                row.baseline() == null ? 0 : row.baseline().max()));
        }
        // Whole numbers read best for throughput; small values (ratios, seconds) need their decimals.
        chart.getStyler().setDecimalPattern(highest >= 100 ? "#,##0" : highest >= 10 ? "#,##0.0" : "#,##0.00");
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setXAxisLabelRotation(rows.size() > 4 ? 10 : 0);
        chart.addSeries("Terrace: " + String.join(", ", subjectLabels), x, subjectValues, subjectErrors);
        chart.addSeries("baseline: " + String.join(", ", baselineLabels), x, baselineValues, baselineErrors);
        return chart;
    }

    private static void addValue(
        final Measurement measurement, final List<Double> values, final List<Double> errors, final Set<String> labels)
    {
        values.add(measurement == null ? 0.0 : measurement.median());
        errors.add(measurement == null ? 0.0 : measurement.spread() * measurement.median());
        if (measurement != null)
        {
            labels.add(measurement.label());
        }
    }

    /** The curves of each curve chart, in order of first appearance. */
    static Map<String, List<Curve>> curvesByChart(final SuiteResult result)
    {
        final Map<String, List<Curve>> byChart = new LinkedHashMap<>();
        for (final Curve curve : result.curves())
        {
            byChart.computeIfAbsent(curve.chart(), chart -> new ArrayList<>()).add(curve);
        }
        return byChart;
    }

    /**
     * A line chart of curves sharing axes. Percentile curves put their percentiles at equal steps (p50, p75, p90, p95,
     * p99, ... are about evenly spaced in {@code log(1 / (1 - p))}, the way HdrHistogram plots are read); p100 (the
     * maximum) is left to the report's table. Other curves use their x values as they are, equally spaced.
     */
    static CategoryChart curveChart(final String suite, final String chartName, final List<Curve> curves)
    {
        final Curve first = curves.get(0);
        final CategoryChart chart = new CategoryChartBuilder()
            .width(WIDTH).height(HEIGHT)
            .title(suite + ": " + chartName + (first.logX() ? ", percentiles (max in the report)" : ""))
            .xAxisTitle(first.xTitle())
            .yAxisTitle(first.yTitle())
            .build();
        style(chart);
        chart.getStyler().setDefaultSeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Line);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Vertical);
        chart.getStyler().setSeriesColors(CURVE_COLORS);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisDecimalPattern("#,##0.#");
        for (final Curve curve : curves)
        {
            final List<String> x = new ArrayList<>();
            final List<Double> y = new ArrayList<>();
            for (int i = 0; i < curve.x().size(); i++)
            {
                final double value = curve.x().get(i);
                if (curve.logX() && value >= 100)
                {
                    continue;
                }
                x.add(curve.logX() ? percentileLabel(value) : Markdown.number(value));
                y.add(curve.y().get(i));
            }
            if (!x.isEmpty())
            {
                chart.addSeries(curve.label(), x, y).setMarker(SeriesMarkers.CIRCLE);
            }
        }
        return chart;
    }

    /** A percentile as an axis label: 50 -> "p50", 99.9 -> "p99.9". */
    static String percentileLabel(final double percentile)
    {
        final String text = String.format(java.util.Locale.ROOT, "%.4f", percentile)
            .replaceAll("0+$", "").replaceAll("\\.$", "");
        return "p" + text;
    }

    static CategoryChart ratioChart(final String suite, final List<Comparison> comparisons)
    {
        final List<String> x = new ArrayList<>();
        final List<Double> met = new ArrayList<>();
        final List<Double> missed = new ArrayList<>();
        final List<Double> informational = new ArrayList<>();
        final Set<Double> targets = new LinkedHashSet<>();
        double highest = 1.0;
        for (final Comparison comparison : comparisons)
        {
            // The ratio goes in the axis label: bar labels would also print the zeros of the other two series.
            x.add(String.format(java.util.Locale.ROOT, "%s: %.2fx", comparison.id(), comparison.ratio()));
            final Boolean isMet = comparison.met();
            met.add(Boolean.TRUE.equals(isMet) ? comparison.ratio() : 0.0);
            missed.add(Boolean.FALSE.equals(isMet) ? comparison.ratio() : 0.0);
            informational.add(isMet == null ? comparison.ratio() : 0.0);
            if (comparison.target() != null)
            {
                targets.add(comparison.target());
            }
            highest = Math.max(highest, comparison.ratio());
        }
        final CategoryChart chart = new CategoryChartBuilder()
            .width(WIDTH).height(HEIGHT)
            .title(suite + ": Terrace / baseline, same run (dashed line: target)")
            .xAxisTitle("")
            .yAxisTitle("ratio (x baseline)")
            .build();
        style(chart);
        chart.getStyler().setOverlapped(true);
        chart.getStyler().setSeriesColors(new Color[] {MET, MISSED, NO_TARGET});
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(Math.ceil(highest * 1.15 * 10) / 10);
        chart.getStyler().setXAxisLabelRotation(comparisons.size() > 4 ? 15 : 0);
        chart.addSeries("meets target", x, met);
        chart.addSeries("below target", x, missed);
        chart.addSeries("no target (informational)", x, informational);
        for (final Double target : targets)
        {
            final AnnotationLine line = new AnnotationLine(target, false, false);
            chart.addAnnotation(line);
        }
        chart.getStyler().setAnnotationLineColor(Color.DARK_GRAY);
        chart.getStyler().setAnnotationLineStroke(new java.awt.BasicStroke(
            1.5f, java.awt.BasicStroke.CAP_BUTT, java.awt.BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        return chart;
    }

    private static void style(final CategoryChart chart)
    {
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        chart.getStyler().setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridLinesColor(new Color(0xe8, 0xe8, 0xe8));
        chart.getStyler().setAntiAlias(true);
        chart.getStyler().setAvailableSpaceFill(0.7);
        chart.getStyler().setLegendBorderColor(Color.WHITE);
    }

    static String slug(final String text)
    {
        return text.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    }
}
