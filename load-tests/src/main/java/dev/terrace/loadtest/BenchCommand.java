package dev.terrace.loadtest;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import dev.terrace.loadtest.internal.Markdown;
import dev.terrace.loadtest.internal.MachineProbe;
import dev.terrace.loadtest.internal.PlotWriter;
import dev.terrace.loadtest.internal.RepoLayout;
import dev.terrace.loadtest.internal.ResultStore;
import dev.terrace.loadtest.internal.Suites;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bench [--quick] [--out DIR] [SUITE...]}: runs benchmark suites, each beside its baseline in the same run, and
 * writes one JSON per suite, a {@code report.md} and PNG plots into {@code load-tests/results/<yyyy-MM-dd>/}; a full run
 * also rewrites the repository's {@code BENCHMARKS.md} from the latest full result of every suite.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Runs Terrace benchmark suites beside their baselines and writes JSON, report.md, PNG plots "
        + "and (on a full run) BENCHMARKS.md.")
public final class BenchCommand implements Callable<Integer>
{
    /**
     * The system property a launcher (bin/terrace) sets to the way it was invoked, for the recorded command line: the
     * program alone ({@code bin/terrace bench}), or with its arguments, which are then not appended again.
     */
    public static final String COMMAND_PROPERTY = "terrace.bench.command";

    private static final String DEFAULT_COMMAND =
        "java -cp 'load-tests/target/classes:load-tests/target/lib/*' dev.terrace.loadtest.BenchCommand";

    @Option(names = "--quick", description = "Small data sets and few iterations: a smoke run that finishes fast. "
        + "Written to results/<date>-quick; never rewrites BENCHMARKS.md.")
    private boolean quick;

    @Option(names = "--out", paramLabel = "DIR", description = "Results folder (default: load-tests/results/<date>).")
    private Path out;

    @Option(names = "--scratch", paramLabel = "DIR",
        description = "Where suites put their data, e.g. the flash directory under test "
            + "(default: load-tests/target/bench-scratch). Each suite gets a fresh folder, deleted afterwards.")
    private Path scratch;

    @Option(names = "--no-benchmarks-md", description = "Do not rewrite BENCHMARKS.md even on a full run.")
    private boolean noBenchmarksMd;

    @Option(names = "--render-only", description = "Measure nothing: redraw report.md and the plots of the results "
        + "folder from its JSON files and rewrite BENCHMARKS.md from the latest full results.")
    private boolean renderOnly;

    @Option(names = "--list", description = "List the suites and exit.")
    private boolean list;

    @Option(names = "--repo-root", hidden = true, paramLabel = "DIR",
        description = "The checkout whose BENCHMARKS.md and load-tests/results are written (default: found from the "
            + "working directory). For tests.")
    private Path repoRoot;

    @Parameters(paramLabel = "SUITE", arity = "0..*", description = "Suites to run (default: all). Known: ${COMPLETION-CANDIDATES}",
        completionCandidates = Suites.Names.class)
    private List<String> suiteNames = new ArrayList<>();

    private final List<String> rawArgs;
    private final PrintStream console;
    private final Map<String, BenchSuite> extraSuites;

    private BenchCommand(final List<String> rawArgs, final PrintStream console, final List<BenchSuite> extraSuites)
    {
        this.rawArgs = rawArgs;
        this.console = console;
        this.extraSuites = new LinkedHashMap<>();
        extraSuites.forEach(suite -> this.extraSuites.put(suite.name(), suite));
    }

    /**
     * Runs the command as {@code bin/terrace bench} does and returns its exit code: 0 when every selected suite
     * completed or was skipped with a reason, 1 when one failed, 2 on a usage error.
     */
    public static int run(final String... args)
    {
        return run(List.of(), System.out, args);
    }

    /** Runs the command with additional suites selectable by name (used by tests to exercise the reporting). */
    static int run(final List<BenchSuite> extraSuites, final PrintStream console, final String... args)
    {
        final CommandLine commandLine = new CommandLine(new BenchCommand(List.of(args), console, extraSuites));
        return commandLine.execute(args);
    }

    /** Entry point for {@code java -cp ... dev.terrace.loadtest.BenchCommand}. */
    public static void main(final String[] args)
    {
        System.exit(run(args));
    }

    @Override
    public Integer call() throws IOException
    {
        System.setProperty("java.awt.headless", "true");
        if (list)
        {
            for (final BenchSuite suite : Suites.all())
            {
                console.printf("%-10s %s%n", suite.name(), suite.title());
            }
            return 0;
        }
        final List<BenchSuite> selected = new ArrayList<>();
        for (final String name : renderOnly ? List.<String>of() : suiteNames.isEmpty() ? Suites.names() : suiteNames)
        {
            final Optional<BenchSuite> suite = extraSuites.containsKey(name)
                ? Optional.of(extraSuites.get(name)) : Suites.byName(name);
            if (suite.isEmpty())
            {
                System.err.println("unknown suite '" + name + "'; known: " + String.join(", ", Suites.names()));
                return 2;
            }
            selected.add(suite.get());
        }

        final Optional<Path> root = repoRoot != null ? RepoLayout.findRoot(repoRoot) : RepoLayout.findRoot();
        final Path base = root.orElse(Path.of(System.getProperty("user.dir")));
        final String date = LocalDate.now().format(DateTimeFormatter.ISO_LOCAL_DATE);
        final Path resultsRoot = base.resolve("load-tests").resolve("results");
        final Path outDir = (out != null ? out : resultsRoot.resolve(quick ? date + "-quick" : date)).toAbsolutePath();
        final Path scratchRoot = (scratch != null ? scratch : base.resolve("load-tests/target/bench-scratch"))
            .toAbsolutePath();
        Files.createDirectories(outDir);
        Files.createDirectories(scratchRoot);
        final String command = commandLine();

        final String what = renderOnly
            ? "existing results" : String.join(", ", selected.stream().map(BenchSuite::name).toList());
        console.printf("bench: %s of %s -> %s%n", renderOnly ? "rendering" : quick ? "quick run" : "full run", what,
            outDir);
        final MachineInfo machine = MachineProbe.probe(scratchRoot);
        console.printf("bench: machine %s%n", machine.summary());

        final List<SuiteResult> results = new ArrayList<>();
        boolean anyFailed = false;
        for (final BenchSuite suite : selected)
        {
            final SuiteResult result = runOne(suite, scratchRoot, date, command, machine);
            anyFailed |= result.status() == SuiteResult.Status.FAILED;
            results.add(result);
            final Path json = ResultStore.write(outDir, result);
            console.printf("bench: %s %s -> %s%n", suite.name(), result.status().name().toLowerCase(Locale.ROOT), json);
            printSummary(result);
        }

        final List<SuiteResult> inFolder = ResultStore.readDir(outDir);
        final Map<String, List<String>> plots = new LinkedHashMap<>();
        for (final SuiteResult result : inFolder)
        {
            if (result.status() == SuiteResult.Status.COMPLETED)
            {
                plots.put(result.suite(), PlotWriter.write(outDir, result));
            }
        }
        final Path report = outDir.resolve("report.md");
        Files.writeString(report, Markdown.report(outDir.getFileName().toString(), inFolder, plots));
        console.printf("bench: wrote %s and %d plot(s)%n", report,
            plots.values().stream().mapToInt(List::size).sum());

        if (quick || noBenchmarksMd)
        {
            console.println("bench: BENCHMARKS.md left as it is (" + (quick ? "quick run" : "--no-benchmarks-md") + ")");
        }
        else if (root.isEmpty())
        {
            console.println("bench: no terrace-parent pom.xml above " + System.getProperty("user.dir")
                + ": BENCHMARKS.md not written");
        }
        else
        {
            writeBenchmarksMd(root.get(), resultsRoot, results);
        }
        return anyFailed ? 1 : 0;
    }

    private SuiteResult runOne(
        final BenchSuite suite, final Path scratchRoot, final String date, final String command, final MachineInfo machine)
        throws IOException
    {
        console.printf("== %s: %s%n", suite.name(), suite.title());
        final Instant started = Instant.now();
        final Path suiteScratch = Files.createTempDirectory(scratchRoot, suite.name() + "-");
        final Thread cleanup = new Thread(() -> deleteTree(suiteScratch), "bench-scratch-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        SuiteResult result;
        try
        {
            result = suite.run(new BenchContext(quick, suiteScratch, console));
        }
        catch (final Exception | AssertionError | LinkageError ex)
        {
            // A LinkageError is a class that could not be loaded, e.g. the jar rebuilt under a running bench: the
            // suite failed, the others and the report still go on.
            ex.printStackTrace(console);
            result = SuiteResult.failed(suite.name(), suite.title(), ex.getClass().getSimpleName() + ": " + ex.getMessage());
        }
        finally
        {
            deleteTree(suiteScratch);
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
        final double elapsed = Duration.between(started, Instant.now()).toMillis() / 1000.0;
        return result.withRun(new RunInfo(date, started.toString(), elapsed, quick, command, machine));
    }

    private void printSummary(final SuiteResult result)
    {
        if (result.status() != SuiteResult.Status.COMPLETED)
        {
            console.println("   reason: " + result.reason());
            return;
        }
        for (final Comparison comparison : result.comparisons())
        {
            final String target;
            if (comparison.criterion() != null)
            {
                target = comparison.criterion() + ": " + (comparison.met() ? "met" : "NOT met");
            }
            else
            {
                target = comparison.target() == null ? "none" : String.format(Locale.ROOT, ">= %.2fx: %s",
                    comparison.target(), comparison.met() ? "met" : "NOT met");
            }
            console.printf(Locale.ROOT, "   %-55s %6.2fx  target %s%n", comparison.label(), comparison.ratio(), target);
        }
    }

    private void writeBenchmarksMd(final Path root, final Path resultsRoot, final List<SuiteResult> justRun)
        throws IOException
    {
        final Map<String, SuiteResult> latest = ResultStore.latestFullRuns(resultsRoot);
        // A run written with --out elsewhere still counts as the latest for its suites.
        for (final SuiteResult result : justRun)
        {
            latest.put(result.suite(), result);
        }
        final List<SuiteResult> ordered = new ArrayList<>();
        for (final String name : Suites.names())
        {
            if (latest.containsKey(name))
            {
                ordered.add(latest.remove(name));
            }
        }
        ordered.addAll(latest.values());
        final Path file = root.resolve("BENCHMARKS.md");
        Files.writeString(file, Markdown.benchmarks(ordered, root.relativize(resultsRoot).toString()));
        console.println("bench: rewrote " + file);
    }

    private String commandLine()
    {
        final String launcher = System.getProperty(COMMAND_PROPERTY, DEFAULT_COMMAND).strip();
        // bin/terrace passes its whole command line, arguments included: do not repeat them.
        if (!rawArgs.isEmpty() && launcher.endsWith(" " + String.join(" ", rawArgs)))
        {
            return launcher;
        }
        final StringBuilder text = new StringBuilder(launcher);
        for (final String arg : rawArgs)
        {
            text.append(' ').append(arg.matches("[A-Za-z0-9_./=:,@+-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'");
        }
        return text.toString();
    }

    private static void deleteTree(final Path dir)
    {
        if (!Files.exists(dir))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir))
        {
            for (final Path path : paths.sorted(Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(path);
            }
        }
        catch (final IOException ex)
        {
            System.err.println("could not delete scratch " + dir + ": " + ex.getMessage());
        }
    }
}
