package dev.terrace.loadtest.internal.tiers;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import dev.terrace.loadtest.BenchContext;
import dev.terrace.loadtest.Measurement;
import dev.terrace.loadtest.jmh.MemoryTierBenchmark;

/**
 * Runs {@link MemoryTierBenchmark} through the JMH Runner API, one benchmark and extent size at a time so each step
 * prints a progress line, and turns JMH's per-iteration scores (operations per second) into MiB/s.
 */
final class MemoryBench
{
    /** JVM flags of the forked benchmark JVM: a node-like heap and direct memory well above the tier budget. */
    static final String[] FORK_JVM_ARGS = {"-Xms1g", "-Xmx1g", "-XX:MaxDirectMemorySize=3g", "-XX:+UseG1GC"};

    private final BenchContext context;
    private final int rounds;
    private final int warmupIterations;
    private final int measurementIterations;
    private final TimeValue iterationTime;

    MemoryBench(final BenchContext context)
    {
        this.context = context;
        this.rounds = context.quick() ? 1 : 3;
        this.warmupIterations = context.quick() ? 2 : 3;
        this.measurementIterations = context.quick() ? 3 : 4;
        this.iterationTime = context.quick() ? TimeValue.milliseconds(500) : TimeValue.seconds(1);
    }

    /** How many times each benchmark is forked; rounds alternate Terrace and baseline so drift hits both. */
    int rounds()
    {
        return rounds;
    }

    /** How the numbers were taken, for the report. */
    String method()
    {
        return String.format(Locale.ROOT,
            "JMH throughput mode, %d round(s) alternating Terrace and baseline, each a fresh fork (%s) of 1 thread "
                + "with %d warm-up + %d measured iterations of %s; working set %d MiB of distinct extents cycled in "
                + "order; every get copied into one reused direct buffer",
            rounds, String.join(" ", FORK_JVM_ARGS), warmupIterations, measurementIterations, iterationTime,
            MemoryTierBenchmark.WORKING_SET_BYTES >> 20);
    }

    /** Measures one benchmark method at one extent size and returns its MiB/s per iteration. */
    List<Double> measure(final String benchmarkMethod, final int extentBytes) throws RunnerException
    {
        final Options options = new OptionsBuilder()
            .include(MemoryTierBenchmark.class.getName() + "." + benchmarkMethod + "$")
            .param("extentBytes", Integer.toString(extentBytes))
            .forks(1)
            .threads(1)
            .warmupIterations(warmupIterations)
            .warmupTime(iterationTime)
            .measurementIterations(measurementIterations)
            .measurementTime(iterationTime)
            .jvmArgs(FORK_JVM_ARGS)
            .shouldFailOnError(true)
            .verbosity(VerboseMode.SILENT)
            .build();
        final Collection<RunResult> results = new Runner(options).run();
        if (results.isEmpty())
        {
            throw new RunnerException("JMH ran nothing for " + benchmarkMethod + " at " + extentBytes + " bytes");
        }
        final List<Double> mibPerSecond = new ArrayList<>();
        for (final RunResult result : results)
        {
            for (final BenchmarkResult benchmark : result.getBenchmarkResults())
            {
                for (final IterationResult iteration : benchmark.getIterationResults())
                {
                    final double opsPerSecond = iteration.getPrimaryResult().getScore();
                    mibPerSecond.add(opsPerSecond * extentBytes / (1 << 20));
                }
            }
        }
        return mibPerSecond;
    }

    /** Wraps every round's iterations of one benchmark as a {@link Measurement}. */
    Measurement measurement(
        final String id, final String category, final boolean baseline, final String label, final List<Double> values)
    {
        return Measurement.of(id, "memory", category, baseline, label, "MiB/s", values, method());
    }

    /** Measures one round of one benchmark, printing one progress line, and adds its iterations to {@code into}. */
    void measureRound(
        final int round, final String category, final String label, final String benchmarkMethod,
        final int extentBytes, final List<Double> into) throws RunnerException
    {
        final List<Double> values = measure(benchmarkMethod, extentBytes);
        into.addAll(values);
        final double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        context.progress(String.format(Locale.ROOT, "memory round %d/%d %-11s %-24s %,10.0f MiB/s",
            round, rounds, category, label, Measurement.median(sorted)));
    }
}
