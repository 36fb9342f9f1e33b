package dev.terrace.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.terrace.loadtest.internal.ResultStore;

/**
 * Drives the command end to end with small in-test suites (no benchmark runs): result files, report, plots and
 * BENCHMARKS.md are real files in a temporary checkout.
 */
class BenchCommandTest
{
    @TempDir
    Path repo;

    private final ByteArrayOutputStream console = new ByteArrayOutputStream();

    @BeforeEach
    void makeCheckout() throws IOException
    {
        Files.writeString(repo.resolve("pom.xml"), "<project><artifactId>terrace-parent</artifactId></project>");
    }

    @Test
    void fullRunWritesJsonReportPlotsAndBenchmarksMd() throws IOException
    {
        final int exit = run(List.of(new FixedSuite("alpha", 85.0, 100.0), new SkippingSuite()), "alpha", "beta");
        assertEquals(0, exit, output());

        final Path results = repo.resolve("load-tests/results/" + today());
        final SuiteResult alpha = ResultStore.read(results.resolve("alpha.json"));
        assertEquals(SuiteResult.Status.COMPLETED, alpha.status());
        assertEquals(0.85, alpha.comparisons().get(0).ratio(), 1e-9);
        assertFalse(alpha.run().quick());
        assertTrue(alpha.run().command().endsWith("--repo-root " + repo + " alpha beta"), alpha.run().command());
        assertEquals(Runtime.getRuntime().availableProcessors(), alpha.run().machine().cores());
        assertEquals(SuiteResult.Status.SKIPPED, ResultStore.read(results.resolve("beta.json")).status());

        for (final String plot : List.of("alpha-disk.png", "alpha-ratios.png"))
        {
            final BufferedImage image = ImageIO.read(results.resolve(plot).toFile());
            assertNotNull(image, plot + " is a readable image");
            assertEquals(1000, image.getWidth());
        }
        final String report = Files.readString(results.resolve("report.md"));
        assertTrue(report.contains("![alpha-disk.png](alpha-disk.png)"), report);
        assertTrue(report.contains("**0.85x**"), report);
        assertTrue(report.contains("**skipped**: the tool is not installed here"), report);

        final String benchmarks = Files.readString(repo.resolve("BENCHMARKS.md"));
        assertTrue(benchmarks.contains("| alpha | alpha write vs baseline | 85.0 MiB/s | 100 MiB/s | **0.85x** | "
            + ">= 0.80x | yes |"), benchmarks);
        assertTrue(benchmarks.contains("| beta | skipped: the tool is not installed here"), benchmarks);
        assertTrue(benchmarks.contains("- Command: `"), benchmarks);
        assertTrue(benchmarks.contains(Runtime.getRuntime().availableProcessors() + " cores"), benchmarks);
        assertTrue(benchmarks.contains("load-tests/results/" + today() + "/report.md"), benchmarks);
    }

    @Test
    void benchmarksMdKeepsTheLatestFullRunOfSuitesNotRunNow() throws IOException
    {
        assertEquals(0, run(List.of(new FixedSuite("alpha", 70.0, 100.0)), "alpha"), output());
        assertEquals(0, run(List.of(new FixedSuite("gamma", 120.0, 100.0)), "gamma"), output());

        final String benchmarks = Files.readString(repo.resolve("BENCHMARKS.md"));
        assertTrue(benchmarks.contains("| alpha | alpha write vs baseline | 70.0 MiB/s | 100 MiB/s | **0.70x** | "
            + ">= 0.80x | **no** |"), benchmarks);
        assertTrue(benchmarks.contains("**1.20x**"), benchmarks);
    }

    @Test
    void quickRunWritesItsOwnFolderAndLeavesBenchmarksMdAlone() throws IOException
    {
        assertEquals(0, run(List.of(new FixedSuite("alpha", 85.0, 100.0)), "--quick", "alpha"), output());
        assertTrue(Files.exists(repo.resolve("load-tests/results/" + today() + "-quick/alpha.json")));
        assertTrue(Files.exists(repo.resolve("load-tests/results/" + today() + "-quick/report.md")));
        assertFalse(Files.exists(repo.resolve("BENCHMARKS.md")));
        assertTrue(ResultStore.read(repo.resolve("load-tests/results/" + today() + "-quick/alpha.json")).run().quick());
    }

    @Test
    void aFailingSuiteIsRecordedAndTheOthersStillRun() throws IOException
    {
        final BenchSuite failing = new FixedSuite("broken", 1, 1)
        {
            @Override
            public SuiteResult run(final BenchContext context) throws IOException
            {
                throw new IOException("disk vanished");
            }
        };
        final Path out = repo.resolve("custom-out");
        final int exit = run(List.of(failing, new FixedSuite("alpha", 85.0, 100.0)), "--out", out.toString(),
            "--no-benchmarks-md", "broken", "alpha");
        assertEquals(1, exit, output());
        final SuiteResult broken = ResultStore.read(out.resolve("broken.json"));
        assertEquals(SuiteResult.Status.FAILED, broken.status());
        assertTrue(broken.reason().contains("disk vanished"), broken.reason());
        assertEquals(SuiteResult.Status.COMPLETED, ResultStore.read(out.resolve("alpha.json")).status());
        assertFalse(Files.exists(repo.resolve("BENCHMARKS.md")));
    }

    @Test
    void suitesGetAFreshScratchDirectoryThatIsDeletedAfterwards() throws IOException
    {
        final Path[] seen = new Path[1];
        final BenchSuite scratchUser = new FixedSuite("scratch", 1, 1)
        {
            @Override
            public SuiteResult run(final BenchContext context) throws Exception
            {
                seen[0] = context.scratchDir();
                Files.writeString(context.scratchDir().resolve("data.bin"), "bytes");
                context.progress("wrote scratch data");
                return super.run(context);
            }
        };
        assertEquals(0, run(List.of(scratchUser), "--quick", "scratch"), output());
        assertNotNull(seen[0]);
        assertTrue(seen[0].startsWith(repo.resolve("load-tests/target/bench-scratch")), seen[0].toString());
        assertFalse(Files.exists(seen[0]), "scratch deleted");
        assertTrue(output().contains("wrote scratch data"), output());
    }

    @Test
    void renderOnlyRedrawsFromTheJsonWithoutMeasuring() throws IOException
    {
        final int[] runs = new int[1];
        final BenchSuite counted = new FixedSuite("alpha", 90.0, 100.0)
        {
            @Override
            public SuiteResult run(final BenchContext context) throws Exception
            {
                runs[0]++;
                return super.run(context);
            }
        };
        assertEquals(0, run(List.of(counted), "alpha"), output());
        final Path results = repo.resolve("load-tests/results/" + today());
        Files.delete(results.resolve("report.md"));
        Files.delete(results.resolve("alpha-disk.png"));
        Files.delete(repo.resolve("BENCHMARKS.md"));

        assertEquals(0, run(List.of(counted), "--render-only"), output());
        assertEquals(1, runs[0], "nothing measured again");
        assertTrue(Files.readString(results.resolve("report.md")).contains("**0.90x**"));
        assertNotNull(ImageIO.read(results.resolve("alpha-disk.png").toFile()));
        assertTrue(Files.readString(repo.resolve("BENCHMARKS.md")).contains("**0.90x**"));
    }

    @Test
    void curvesTablesAndCriteriaReachThePlotsTheReportAndBenchmarksMd() throws IOException
    {
        final BenchSuite curved = new FixedSuite("delta", 96.0, 60.0)
        {
            @Override
            public SuiteResult run(final BenchContext context) throws Exception
            {
                final SuiteResult plain = super.run(context);
                final Comparison judged = plain.comparisons().get(0).withCriterion("subject >= 95 where baseline < 70",
                    true);
                final Curve fast = new Curve("request latency", "fast", "percentile", "latency (ms)",
                    List.of(50.0, 90.0, 99.0, 99.9, 100.0), List.of(1.0, 2.0, 4.0, 8.0, 9.5), true);
                final Curve slow = new Curve("request latency", "slow", "percentile", "latency (ms)",
                    List.of(50.0, 90.0, 99.0, 99.9, 100.0), List.of(2.0, 5.0, 9.0, 20.0, 31.0), true);
                final Table table = new Table("simulate table", List.of("policy", "memory-hit"),
                    List.of(List.of("lru", "0.2790"), List.of("predictive", "0.4400")), "how to read it");
                return new SuiteResult(plain.suite(), plain.title(), plain.status(), null, plain.conditions(),
                    plain.measurements(), List.of(judged), List.of(), List.of(), null)
                    .withExtras(List.of(fast, slow), List.of(table));
            }
        };
        assertEquals(0, run(List.of(curved), "delta"), output());
        assertTrue(output().contains("subject >= 95 where baseline < 70: met"), output());

        final Path results = repo.resolve("load-tests/results/" + today());
        final SuiteResult stored = ResultStore.read(results.resolve("delta.json"));
        assertEquals(2, stored.curves().size());
        assertEquals(9.5, stored.curves().get(0).yAt(100.0));
        assertEquals("predictive", stored.tables().get(0).rows().get(1).get(0));
        assertEquals(Boolean.TRUE, stored.comparisons().get(0).met());
        final BufferedImage curves = ImageIO.read(results.resolve("delta-request-latency.png").toFile());
        assertNotNull(curves, "the latency curve plot is a readable image");

        final String report = Files.readString(results.resolve("report.md"));
        assertTrue(report.contains("| lru | 0.2790 |"), report);
        assertTrue(report.contains("how to read it"), report);
        assertTrue(report.contains("| slow | 2.00 | 5.00 | 9.00 | 20.0 | 31.0 |"), report);
        assertTrue(report.contains("![delta-request-latency.png](delta-request-latency.png)"), report);
        final String benchmarks = Files.readString(repo.resolve("BENCHMARKS.md"));
        assertTrue(benchmarks.contains("| subject >= 95 where baseline < 70 | yes |"), benchmarks);
    }

    @Test
    void resultsWrittenBeforeCurvesTablesAndCriteriaStillRender() throws IOException
    {
        final Path results = repo.resolve("load-tests/results/2020-01-01");
        Files.createDirectories(results);
        Files.writeString(results.resolve("old.json"), """
            {"suite": "old", "title": "an older result", "status": "COMPLETED", "reason": null,
             "conditions": {"fsync": "none"},
             "measurements": [
               {"id": "old.t", "chart": "disk", "category": "write", "baseline": false, "label": "Tier.put",
                "unit": "MiB/s", "median": 90, "min": 90, "max": 90, "iterations": [90], "method": "fixture"},
               {"id": "old.b", "chart": "disk", "category": "write", "baseline": true, "label": "fio",
                "unit": "MiB/s", "median": 100, "min": 100, "max": 100, "iterations": [100], "method": "fixture"}],
             "comparisons": [{"id": "old.w", "label": "old write", "subjectId": "old.t", "baselineId": "old.b",
                "ratio": 0.9, "target": 0.8, "headline": true, "met": true}],
             "run": {"date": "2020-01-01", "startedAt": "2020-01-01T00:00:00Z", "elapsedSeconds": 1, "quick": false,
                "command": "bench old", "machine": {"cores": 2, "memoryBytes": 1, "cpuModel": "x", "disk": "d",
                "os": "o", "jvm": "j"}}}
            """);
        final SuiteResult old = ResultStore.read(results.resolve("old.json"));
        assertTrue(old.curves().isEmpty());
        assertTrue(old.tables().isEmpty());
        assertEquals(Boolean.TRUE, old.comparisons().get(0).met());

        assertEquals(0, run(List.of(), "--render-only", "--out", results.toString()), output());
        assertNotNull(ImageIO.read(results.resolve("old-disk.png").toFile()));
        assertTrue(Files.readString(repo.resolve("BENCHMARKS.md")).contains("| old | old write | 90.0 MiB/s | 100 MiB/s "
            + "| **0.90x** | >= 0.80x | yes |"));
    }

    @Test
    void aLauncherThatPassesItsArgumentsDoesNotGetThemTwice() throws IOException
    {
        final String before = System.getProperty(BenchCommand.COMMAND_PROPERTY);
        try
        {
            System.setProperty(BenchCommand.COMMAND_PROPERTY, "bin/terrace bench --repo-root " + repo + " alpha");
            assertEquals(0, run(List.of(new FixedSuite("alpha", 85.0, 100.0)), "alpha"), output());
            assertEquals("bin/terrace bench --repo-root " + repo + " alpha", ResultStore.read(
                repo.resolve("load-tests/results/" + today() + "/alpha.json")).run().command());

            System.setProperty(BenchCommand.COMMAND_PROPERTY, "bin/terrace bench");
            assertEquals(0, run(List.of(new FixedSuite("alpha", 85.0, 100.0)), "alpha"), output());
            assertEquals("bin/terrace bench --repo-root " + repo + " alpha", ResultStore.read(
                repo.resolve("load-tests/results/" + today() + "/alpha.json")).run().command());
        }
        finally
        {
            if (before == null)
            {
                System.clearProperty(BenchCommand.COMMAND_PROPERTY);
            }
            else
            {
                System.setProperty(BenchCommand.COMMAND_PROPERTY, before);
            }
        }
    }

    @Test
    void unknownSuiteIsAUsageError()
    {
        assertEquals(2, run(List.of(), "no-such-suite"));
    }

    private int run(final List<BenchSuite> suites, final String... args)
    {
        final String[] withRoot = new String[args.length + 2];
        withRoot[0] = "--repo-root";
        withRoot[1] = repo.toString();
        System.arraycopy(args, 0, withRoot, 2, args.length);
        return BenchCommand.run(suites, new PrintStream(console, true, StandardCharsets.UTF_8), withRoot);
    }

    private String output()
    {
        return console.toString(StandardCharsets.UTF_8);
    }

    private static String today()
    {
        return LocalDate.now().toString();
    }

    /** A suite whose "measurements" are given numbers: exercises the reporting only. */
    private static class FixedSuite implements BenchSuite
    {
        private final String name;
        private final double subject;
        private final double baseline;

        FixedSuite(final String name, final double subject, final double baseline)
        {
            this.name = name;
            this.subject = subject;
            this.baseline = baseline;
        }

        @Override
        public String name()
        {
            return name;
        }

        @Override
        public String title()
        {
            return name + " fixture";
        }

        @Override
        public SuiteResult run(final BenchContext context) throws Exception
        {
            final Measurement terrace = Measurement.of(name + ".write.terrace", "disk", "write", false, "Tier.put",
                "MiB/s", List.of(subject * 0.9, subject, subject * 1.1), "fixture");
            final Measurement base = Measurement.of(name + ".write.baseline", "disk", "write", true, "fio",
                "MiB/s", List.of(baseline), "fixture");
            return SuiteResult.completed(name, title(), Map.of("fsync", "none"), List.of(terrace, base),
                List.of(Comparison.of(name + ".write", name + " write vs baseline", terrace, base, 0.8, true)));
        }
    }

    private static final class SkippingSuite extends FixedSuite
    {
        SkippingSuite()
        {
            super("beta", 0, 0);
        }

        @Override
        public SuiteResult run(final BenchContext context)
        {
            return SuiteResult.skipped("beta", title(), "the tool is not installed here");
        }
    }
}
