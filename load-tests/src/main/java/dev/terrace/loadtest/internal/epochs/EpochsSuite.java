package dev.terrace.loadtest.internal.epochs;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.HdrHistogram.Histogram;

import dev.terrace.client.TerraceClient;
import dev.terrace.client.Tier;
import dev.terrace.loadtest.BenchContext;
import dev.terrace.loadtest.BenchSuite;
import dev.terrace.loadtest.Comparison;
import dev.terrace.loadtest.Curve;
import dev.terrace.loadtest.Measurement;
import dev.terrace.loadtest.SuiteResult;
import dev.terrace.loadtest.Table;
import dev.terrace.loadtest.internal.MachineProbe;
import dev.terrace.loadtest.internal.cluster.LocalNode;
import dev.terrace.loadtest.internal.cluster.LocalS3;

/**
 * Issue 5's training-epoch workload: a DLIO-style loader reads a dataset larger than the node's memory tier, in a new
 * shuffled order each epoch, with emulated accelerator compute per batch, from a node whose capacity tier is S3
 * (s3proxy in a child JVM, objects as files). Accelerator utilization (compute / wall, as MLPerf Storage) is measured
 * without hints (the baseline) and with the loader hinting its read order ahead, in the same run, each on a fresh
 * node with the same settings.
 */
public final class EpochsSuite implements BenchSuite
{
    /** The suite's name on the command line. */
    public static final String NAME = "epochs";

    /** Issue 5: with hints at least this utilization... */
    static final double TARGET_WITH_HINTS = 0.95;
    /** ...where the run without hints is below this. */
    static final double BASELINE_CEILING = 0.70;

    /**
     * The sizes of a run.
     *
     * @param files          files in the dataset.
     * @param fileBytes      bytes per file.
     * @param memoryMiB      the node's memory tier.
     * @param hintWindow     files before the end of an epoch at which the loader posts the next epoch's hint.
     * @param epochs         epochs per configuration, the first a warm-up.
     * @param iterations     runs of each configuration with the emulated S3 latency.
     * @param rawS3Pair      whether to also run each configuration once against s3proxy without the added latency.
     */
    record Geometry(int files, int fileBytes, int memoryMiB, int hintWindow, int epochs, int iterations,
        boolean rawS3Pair)
    {
        int datasetMiB()
        {
            return (int)((long)files * fileBytes >> 20);
        }

        /** Files the memory policy's budget (90% of the tier) holds. */
        int filesInMemory()
        {
            return (int)(memoryMiB * 0.9 * (1 << 20) / fileBytes);
        }
    }

    static final Geometry FULL = new Geometry(192, 1 << 20, 64, 24, 6, 2, true);
    static final Geometry QUICK = new Geometry(96, 1 << 20, 32, 12, 3, 1, false);

    /** The smallest flash tier that takes a 1 MiB extent (two segments; one is held back for compaction). */
    static final String FLASH_CAPACITY = "4MiB";
    static final String FLASH_SEGMENT = "2MiB";
    static final String POLICY = "lru";
    static final int BATCH_FILES = 2;
    static final int READERS = 2;
    static final int PREFETCH_BATCHES = 4;
    /**
     * Compute per batch, fixed before measuring from a full run's own read latencies on a quiet moment of this machine
     * (load average below 4): a 1 MiB file took p50 14 ms from memory and 38 ms from S3 with the added latency, so two
     * readers supply a 2-file batch about every 14 ms from memory and every 38 ms from S3; 25 ms lets memory keep up
     * and makes S3 stall. (40 ms, chosen earlier from a run at load average 12, let S3 keep up on a quiet machine.)
     */
    static final Duration COMPUTE_PER_BATCH = Duration.ofMillis(25);
    /**
     * Added before each S3 GET is answered: the low end of what AWS documents for S3 ("median latencies are often in
     * the range of tens of milliseconds" for small requests, S3 performance guidelines), since a loopback s3proxy
     * over page-cached files answers in about a millisecond.
     */
    static final long S3_GET_LATENCY_MS = 20;
    static final int WARMUP_EPOCHS = 1;
    static final long SEED = 20_251_128L;
    static final String BUCKET = "dataset";
    static final String KEY_FORMAT = "train/file-%05d.npz";

    private static final double[] PERCENTILES = {0, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 100};

    @Override
    public String name()
    {
        return NAME;
    }

    @Override
    public String title()
    {
        return "DLIO-style training epochs from S3 (s3proxy): accelerator utilization with loader hints vs without";
    }

    @Override
    public SuiteResult run(final BenchContext context) throws Exception
    {
        final Geometry geometry = context.quick() ? QUICK : FULL;
        final Map<String, String> conditions = new LinkedHashMap<>();
        conditions.put("load average at start", MachineProbe.loadAverage());
        final EpochPlan plan = new EpochPlan(geometry.files(), BATCH_FILES, geometry.epochs(), SEED);
        final Path scratch = context.scratchDir();

        final Pair headline = new Pair();
        context.progress("starting s3proxy (filesystem blob store, " + S3_GET_LATENCY_MS
            + " ms added before each GET) in a child JVM");
        try (LocalS3 s3 = LocalS3.start(scratch.resolve("s3"), "terrace-bench", S3_GET_LATENCY_MS,
            scratch.resolve("s3proxy.log")))
        {
            runPair(context, s3, plan, geometry, geometry.iterations(), "", headline);
        }
        Pair raw = null;
        if (geometry.rawS3Pair())
        {
            raw = new Pair();
            context.progress("starting s3proxy without added latency for the informational pair");
            try (LocalS3 s3 = LocalS3.start(scratch.resolve("s3-raw"), "terrace-bench", 0,
                scratch.resolve("s3proxy-raw.log")))
            {
                runPair(context, s3, plan, geometry, 1, "raw-", raw);
            }
        }
        conditions.put("load average at end", MachineProbe.loadAverage());
        describe(conditions, geometry);

        final String window = "epochs " + (WARMUP_EPOCHS + 1) + "-" + geometry.epochs();
        final String method = String.format(Locale.ROOT, "measured compute time / wall time of %s, %d "
            + "iteration(s), each on a fresh node; S3 answers each GET after %d ms", window, geometry.iterations(),
            S3_GET_LATENCY_MS);
        final List<Measurement> measurements = new ArrayList<>();
        final Measurement hinted = Measurement.of("epochs.utilization.hints", "accelerator utilization",
            "utilization, " + window, false, "loader with hints", "%", headline.utilization(true),
            method + "; the loader hints each epoch's read order");
        final Measurement plain = Measurement.of("epochs.utilization.no-hints", "accelerator utilization",
            "utilization, " + window, true, "loader without hints", "%", headline.utilization(false),
            method + "; no hints");
        measurements.add(hinted);
        measurements.add(plain);
        final String tierMethod = "share of whole-file GETs answered from the memory tier (X-Terrace-Tier), " + window;
        final Measurement memoryHinted = Measurement.of("epochs.memory-reads.hints", "reads served from memory",
            "reads from memory", false, "loader with hints", "%", headline.memoryShare(true), tierMethod);
        final Measurement memoryPlain = Measurement.of("epochs.memory-reads.no-hints", "reads served from memory",
            "reads from memory", true, "loader without hints", "%", headline.memoryShare(false), tierMethod);
        measurements.add(memoryHinted);
        measurements.add(memoryPlain);
        final String stallMethod = "time the accelerator waited for a batch, summed over " + window;
        measurements.add(Measurement.of("epochs.stall.hints", "accelerator stall", "stall, " + window, false,
            "loader with hints", "s", headline.stall(true), stallMethod));
        measurements.add(Measurement.of("epochs.stall.no-hints", "accelerator stall", "stall, " + window, true,
            "loader without hints", "s", headline.stall(false), stallMethod));

        final boolean met = hinted.median() >= TARGET_WITH_HINTS * 100 && plain.median() < BASELINE_CEILING * 100;
        final String criterion = String.format(Locale.ROOT, "with hints >= %.0f%% where without < %.0f%%",
            TARGET_WITH_HINTS * 100, BASELINE_CEILING * 100);
        final List<Comparison> comparisons = new ArrayList<>();
        comparisons.add(Comparison.of("epochs.utilization",
            "Accelerator utilization with hints vs without (MLPerf Storage AU), S3 + " + S3_GET_LATENCY_MS + " ms",
            hinted, plain, null, true).withCriterion(criterion, met));
        conditions.put("target (issue 5)", String.format(Locale.ROOT, "utilization with hints >= %.0f%% where the "
            + "no-hint run is below %.0f%%: %s (with hints %.1f%%, without %.1f%%)%s", TARGET_WITH_HINTS * 100,
            BASELINE_CEILING * 100, met ? "met" : "NOT met", hinted.median(), plain.median(),
            met ? "" : "; " + whyNotMet(hinted.median(), plain.median(), memoryHinted.median(),
                headline.latency.get("with hints, from memory"))));

        if (raw != null)
        {
            final String rawMethod = String.format(Locale.ROOT, "measured compute time / wall time of %s, one "
                + "iteration on a fresh node; s3proxy without added latency", window);
            final Measurement rawHinted = Measurement.of("epochs.utilization.hints.raw-s3", "accelerator utilization",
                "utilization, S3 without added latency", false, "loader with hints", "%", raw.utilization(true),
                rawMethod + "; hints as above");
            final Measurement rawPlain = Measurement.of("epochs.utilization.no-hints.raw-s3",
                "accelerator utilization", "utilization, S3 without added latency", true, "loader without hints",
                "%", raw.utilization(false), rawMethod + "; no hints");
            measurements.add(rawHinted);
            measurements.add(rawPlain);
            final boolean rawMet = rawHinted.median() >= TARGET_WITH_HINTS * 100
                && rawPlain.median() < BASELINE_CEILING * 100;
            comparisons.add(Comparison.of("epochs.utilization.raw-s3",
                "Accelerator utilization with hints vs without, s3proxy without added latency (informational)",
                rawHinted, rawPlain, null, false).withCriterion(criterion, rawMet));
        }
        final List<List<String>> epochRows = new ArrayList<>(headline.epochRows);
        if (raw != null)
        {
            epochRows.addAll(raw.epochRows);
        }
        final Table perEpoch = new Table("Per epoch", List.of("run", "epoch", "utilization %", "wall s", "stalled s",
            "reads from memory", "from flash", "from S3"), epochRows, "Epoch " + WARMUP_EPOCHS + " is the warm-up and "
            + "is not in the utilization figures. Runs prefixed raw- used s3proxy without the added latency.");

        final List<Curve> curves = new ArrayList<>();
        for (final Map.Entry<String, Histogram> entry : headline.latency.entrySet())
        {
            curves.add(percentileCurve(entry.getKey(), entry.getValue()));
        }
        return SuiteResult.completed(NAME, title(), conditions, measurements, comparisons)
            .withExtras(curves, List.of(perEpoch));
    }

    /** The measurements of the two configurations against one S3 endpoint. */
    private static final class Pair
    {
        final Map<Boolean, List<Double>> utilization = new LinkedHashMap<>();
        final Map<Boolean, List<Double>> memoryShare = new LinkedHashMap<>();
        final Map<Boolean, List<Double>> stall = new LinkedHashMap<>();
        final Map<String, Histogram> latency = new LinkedHashMap<>();
        final List<List<String>> epochRows = new ArrayList<>();

        List<Double> utilization(final boolean hints)
        {
            return utilization.get(hints);
        }

        List<Double> memoryShare(final boolean hints)
        {
            return memoryShare.get(hints);
        }

        List<Double> stall(final boolean hints)
        {
            return stall.get(hints);
        }
    }

    private void runPair(
        final BenchContext context,
        final LocalS3 s3,
        final EpochPlan plan,
        final Geometry geometry,
        final int iterations,
        final String prefix,
        final Pair pair) throws Exception
    {
        context.progress("s3proxy at " + s3.endpoint());
        for (int iteration = 1; iteration <= iterations; iteration++)
        {
            // Alternate which configuration goes first, so a neighbour's burst does not always hit the same one.
            final boolean[] order = iteration % 2 == 1 ? new boolean[] {false, true} : new boolean[] {true, false};
            final List<String> configs = new ArrayList<>();
            for (final boolean hints : order)
            {
                configs.add(prefix + (hints ? "hints" : "no-hints") + "-" + iteration);
            }
            // Both nodes start before either is measured: a JVM starting beside a measurement would disturb it.
            final Map<String, LocalNode> nodes = startNodes(context, s3, geometry, configs);
            try
            {
                for (int i = 0; i < order.length; i++)
                {
                    final String config = configs.get(i);
                    try (LocalNode node = nodes.remove(config))
                    {
                        record(context, pair, geometry, order[i], config,
                            runConfiguration(context, node, plan, geometry, order[i], config));
                    }
                }
            }
            finally
            {
                nodes.values().forEach(LocalNode::close);
            }
        }
    }

    private static Map<String, LocalNode> startNodes(
        final BenchContext context, final LocalS3 s3, final Geometry geometry, final List<String> configs)
        throws Exception
    {
        context.progress("starting " + configs.size() + " nodes (" + String.join(", ", configs) + "): memory "
            + geometry.memoryMiB() + " MiB, policy " + POLICY);
        final ExecutorService starter = Executors.newFixedThreadPool(configs.size());
        final Map<String, Future<LocalNode>> starting = new LinkedHashMap<>();
        try
        {
            for (final String config : configs)
            {
                starting.put(config, starter.submit(() -> LocalNode.start("node-" + config,
                    context.scratchDir().resolve("node-" + config), List.of("-Xmx384m", "-XX:MaxDirectMemorySize=256m"),
                    nodeSettings(s3, config + "/", geometry))));
            }
            final Map<String, LocalNode> nodes = new LinkedHashMap<>();
            Exception failure = null;
            for (final Map.Entry<String, Future<LocalNode>> entry : starting.entrySet())
            {
                try
                {
                    nodes.put(entry.getKey(), entry.getValue().get());
                }
                catch (final java.util.concurrent.ExecutionException ex)
                {
                    failure = failure == null && ex.getCause() instanceof Exception cause ? cause : failure;
                }
            }
            if (failure != null)
            {
                nodes.values().forEach(LocalNode::close);
                throw failure;
            }
            return nodes;
        }
        finally
        {
            starter.shutdown();
        }
    }

    private static void record(
        final BenchContext context,
        final Pair pair,
        final Geometry geometry,
        final boolean hints,
        final String config,
        final EpochLoader.Result result)
    {
        final double utilization = Utilization.afterWarmup(result.epochs(), WARMUP_EPOCHS);
        final double memoryShare = Utilization.tierShare(result.epochs(), WARMUP_EPOCHS, 0);
        long stall = 0;
        for (final Utilization.Epoch epoch : result.epochs())
        {
            if (epoch.epoch() > WARMUP_EPOCHS)
            {
                stall += epoch.stallNanos();
            }
            pair.epochRows.add(List.of(config, Integer.toString(epoch.epoch()),
                String.format(Locale.ROOT, "%.1f", epoch.utilization() * 100),
                String.format(Locale.ROOT, "%.2f", epoch.wallNanos() / 1e9),
                String.format(Locale.ROOT, "%.2f", epoch.stallNanos() / 1e9), Long.toString(epoch.readsByTier()[0]),
                Long.toString(epoch.readsByTier()[1]), Long.toString(epoch.readsByTier()[2])));
        }
        pair.utilization.computeIfAbsent(hints, h -> new ArrayList<>()).add(utilization * 100);
        pair.memoryShare.computeIfAbsent(hints, h -> new ArrayList<>()).add(memoryShare * 100);
        pair.stall.computeIfAbsent(hints, h -> new ArrayList<>()).add(stall / 1e9);
        for (final Tier tier : List.of(Tier.MEMORY, Tier.CAPACITY))
        {
            final Histogram histogram = result.readLatency().get(tier);
            if (histogram.getTotalCount() > 0)
            {
                pair.latency.computeIfAbsent((hints ? "with hints" : "without hints") + ", from " + tier.wireName(),
                    label -> new Histogram(3)).add(histogram);
            }
        }
        context.progress(String.format(Locale.ROOT, "%s: utilization %.1f%% over epochs %d-%d, %.0f%% of reads from "
            + "memory, %d hints posted (%d failed)", config, utilization * 100, WARMUP_EPOCHS + 1, geometry.epochs(),
            memoryShare * 100, result.hintsPosted(), result.hintFailures()));
        if (hints && result.hintsPosted() == 0)
        {
            throw new IllegalStateException("the loader could not post a single hint (" + result.hintFailures()
                + " failures)");
        }
    }

    private EpochLoader.Result runConfiguration(
        final BenchContext context,
        final LocalNode node,
        final EpochPlan plan,
        final Geometry geometry,
        final boolean hints,
        final String config) throws Exception
    {
        try (TerraceClient client = TerraceClient.builder().endpoint(node.endpoint())
            .requestTimeout(Duration.ofSeconds(60)).build())
        {
            final long uploadStart = System.nanoTime();
            upload(client, geometry);
            context.progress(String.format(Locale.ROOT, "%s: wrote %d x %d KiB write-through to S3 in %.1f s", config,
                geometry.files(), geometry.fileBytes() >> 10, (System.nanoTime() - uploadStart) / 1e9));
            final EpochLoader.Settings loaderSettings = new EpochLoader.Settings(BUCKET, KEY_FORMAT,
                geometry.fileBytes(), READERS, PREFETCH_BATCHES, COMPUTE_PER_BATCH, hints ? geometry.hintWindow() : 0,
                "train-" + config);
            return new EpochLoader(client, plan, loaderSettings, line -> context.progress(config + " " + line)).run();
        }
    }

    /** The node settings of every configuration: only the S3 prefix differs. */
    static Map<String, String> nodeSettings(final LocalS3 s3, final String prefix, final Geometry geometry)
    {
        final Map<String, String> settings = new LinkedHashMap<>(s3.nodeSettings(prefix));
        settings.put("terrace.memory.capacity", geometry.memoryMiB() + "MiB");
        settings.put("terrace.flash.capacity", FLASH_CAPACITY);
        settings.put("terrace.flash.segment-size", FLASH_SEGMENT);
        settings.put("terrace.flash.fsync", "false");
        settings.put("terrace.placement.policy", POLICY);
        return settings;
    }

    private static void upload(final TerraceClient client, final Geometry geometry) throws Exception
    {
        final ExecutorService pool = Executors.newFixedThreadPool(4);
        try
        {
            final List<Future<?>> puts = new ArrayList<>();
            for (int file = 0; file < geometry.files(); file++)
            {
                final int index = file;
                puts.add(pool.submit(() ->
                {
                    final byte[] data = new byte[geometry.fileBytes()];
                    new SplittableRandom(SEED + index).nextBytes(data);
                    client.put(BUCKET, String.format(Locale.ROOT, KEY_FORMAT, index), data);
                    return null;
                }));
            }
            for (final Future<?> put : puts)
            {
                put.get();
            }
        }
        finally
        {
            pool.shutdownNow();
        }
    }

    private static void describe(final Map<String, String> conditions, final Geometry geometry)
    {
        conditions.put("dataset", String.format(Locale.ROOT, "%d files x %d KiB = %d MiB (%.1fx the memory tier), "
            + "written through the node (write-through: each file lands whole in S3) before the first epoch",
            geometry.files(), geometry.fileBytes() >> 10, geometry.datasetMiB(),
            geometry.datasetMiB() / (double)geometry.memoryMiB()));
        conditions.put("node", String.format(Locale.ROOT, "one node per configuration and iteration, same settings: "
            + "memory tier %d MiB (policy budget 90%%: %d files), placement policy %s, flash tier %s in %s segments "
            + "with fsync off (the smallest that takes a 1 MiB extent: reads come from memory or S3), capacity "
            + "tier S3", geometry.memoryMiB(), geometry.filesInMemory(), POLICY, FLASH_CAPACITY, FLASH_SEGMENT));
        conditions.put("S3", "s3proxy 3.0.0 in a child JVM on loopback, jclouds filesystem blob store in the scratch "
            + "directory, AWS V4 signatures, every object GET answered after " + S3_GET_LATENCY_MS + " ms (the low end "
            + "of the tens of milliseconds AWS documents as the median latency of small S3 requests; a loopback "
            + "s3proxy over page-cached files otherwise answers in about a millisecond). The node reads each extent "
            + "with a ranged GET"
            + (geometry.rawS3Pair() ? "; an informational pair runs against s3proxy without the added latency" : ""));
        conditions.put("loader", String.format(Locale.ROOT, "%d epochs, a fresh shuffle per epoch (same seed for every "
            + "configuration), batches of %d files, %d reader threads each reading whole batches (one SDK GET per "
            + "file, in order), at most %d batches ahead of the accelerator; each epoch drains before the next "
            + "starts, as a framework's data loader does", geometry.epochs(), BATCH_FILES, READERS, PREFETCH_BATCHES));
        conditions.put("accelerator", String.format(Locale.ROOT, "emulated: %d ms of compute (a sleep) per batch of %d "
            + "files (%.0f MiB/s of input at full utilization). Utilization = compute time / wall time of the epochs "
            + "after %d warm-up epoch, as MLPerf Storage computes AU; compute time is the measured duration of each "
            + "sleep, so a late wake-up on the busy machine counts as compute, never as a stall",
            COMPUTE_PER_BATCH.toMillis(), BATCH_FILES,
            BATCH_FILES * (geometry.fileBytes() / (double)(1 << 20)) * 1000.0 / COMPUTE_PER_BATCH.toMillis(),
            WARMUP_EPOCHS));
        conditions.put("hints", String.format(Locale.ROOT, "the loader draws every epoch's order up front and posts "
            + "each epoch's whole read order as one hint (POST /v1/hints, startInMs 0), %d files before its readers "
            + "reach the end of the epoch before it (the first at the start), and cancels it once its readers have "
            + "claimed every file of the epoch. The node stages in the hinted order, following the reads: a window "
            + "of the per-job hint budget (terrace.hints.max-job-fraction 0.5 of the 90%% memory budget: %.1f MiB) "
            + "ahead of the readers", geometry.hintWindow(), geometry.memoryMiB() * 0.9 * 0.5));
        conditions.put("iterations", geometry.iterations() + " per configuration, alternating which configuration "
            + "runs first");
        conditions.put("machine", "shared with other engineers' builds and tests while this ran (see the load "
            + "averages): absolute times vary between runs; the configurations ran back to back");
    }

    private static String whyNotMet(
        final double withHints, final double withoutHints, final double memoryShareWithHints,
        final Histogram memoryReadsWithHints)
    {
        final List<String> reasons = new ArrayList<>();
        if (withoutHints >= BASELINE_CEILING * 100)
        {
            reasons.add(String.format(Locale.ROOT, "without hints the accelerator was not starved enough (%.1f%%, "
                + "not below %.0f%%): S3 reads with the added latency nearly kept up at this compute time",
                withoutHints, BASELINE_CEILING * 100));
        }
        if (withHints < TARGET_WITH_HINTS * 100)
        {
            final String latency = memoryReadsWithHints == null || memoryReadsWithHints.getTotalCount() == 0 ? ""
                : String.format(Locale.ROOT, ", but those GETs took p50 %.1f ms and p99 %.1f ms per file on this "
                    + "shared machine, so two readers could not always assemble a %d-file batch within the %d ms of "
                    + "compute", memoryReadsWithHints.getValueAtPercentile(50) / 1e6,
                    memoryReadsWithHints.getValueAtPercentile(99) / 1e6, BATCH_FILES, COMPUTE_PER_BATCH.toMillis());
            reasons.add(String.format(Locale.ROOT, "with hints the accelerator still waited (%.1f%%): %.0f%% of reads "
                + "came from memory%s", withHints, memoryShareWithHints, latency));
        }
        return String.join("; ", reasons);
    }

    /** A whole-file GET latency percentile curve in milliseconds. */
    static Curve percentileCurve(final String label, final Histogram histogram)
    {
        final List<Double> x = new ArrayList<>();
        final List<Double> y = new ArrayList<>();
        for (final double percentile : PERCENTILES)
        {
            x.add(percentile);
            y.add(histogram.getTotalCount() == 0 ? 0.0
                : (percentile >= 100 ? histogram.getMaxValue() : histogram.getValueAtPercentile(percentile)) / 1e6);
        }
        return new Curve("file read latency by serving tier", label + " (" + histogram.getTotalCount() + " reads)",
            "percentile", "whole-file GET latency (ms)", x, y, true);
    }
}
