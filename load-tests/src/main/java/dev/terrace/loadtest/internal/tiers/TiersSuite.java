package dev.terrace.loadtest.internal.tiers;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import dev.terrace.loadtest.BenchContext;
import dev.terrace.loadtest.BenchSuite;
import dev.terrace.loadtest.Comparison;
import dev.terrace.loadtest.Measurement;
import dev.terrace.loadtest.SuiteResult;
import dev.terrace.loadtest.internal.MachineProbe;
import dev.terrace.tier.FlashTier;
import dev.terrace.tier.TierDriver;
import dev.terrace.tier.TierException;

/**
 * Issue 2's benchmark: tier put/get of 64 KiB and 2 MiB extents beside their physical baselines in the same run:
 * FlashTier sequential write and read vs fio O_DIRECT on the same directory, MemoryTier get (and put) vs a plain
 * direct-buffer copy.
 */
public final class TiersSuite implements BenchSuite
{
    /** The suite's name on the command line. */
    public static final String NAME = "tiers";

    /** The extent sizes issue 2 asks for. */
    static final int[] EXTENT_SIZES = {64 << 10, 2 << 20};

    /** Bytes each side writes and reads per flash iteration. */
    static final long FULL_FLASH_BYTES = 2L << 30;
    static final long QUICK_FLASH_BYTES = 256L << 20;

    /** Bytes written per iteration with an fsync per put: flush-latency bound, so a smaller set gives the rate. */
    static final long FULL_FSYNC_BYTES = 512L << 20;
    static final long QUICK_FSYNC_BYTES = 64L << 20;

    /** The ratio issue 2 asks of each tier against its baseline. */
    static final double TARGET = 0.8;

    @Override
    public String name()
    {
        return NAME;
    }

    @Override
    public String title()
    {
        return "FlashTier and MemoryTier put/get of 64 KiB and 2 MiB extents vs fio O_DIRECT and a direct-buffer copy";
    }

    @Override
    public SuiteResult run(final BenchContext context) throws Exception
    {
        final Map<String, String> conditions = new LinkedHashMap<>();
        conditions.put("load average at start", MachineProbe.loadAverage());

        final StringBuilder whyNoFio = new StringBuilder();
        final Optional<String> fioVersion = Fio.ensureInstalled(context::progress, whyNoFio::append);
        if (fioVersion.isEmpty())
        {
            context.progress("skipping: " + whyNoFio);
            return SuiteResult.skipped(NAME, title(), whyNoFio.toString());
        }
        context.progress("baseline tool: " + fioVersion.get());

        final List<Measurement> measurements = new ArrayList<>();
        final List<Comparison> comparisons = new ArrayList<>();
        runFlash(context, conditions, measurements, comparisons);
        runMemory(context, conditions, measurements, comparisons);

        conditions.put("load average at end", MachineProbe.loadAverage());
        return SuiteResult.completed(NAME, title(), conditions, measurements, comparisons);
    }

    private void runFlash(
        final BenchContext context,
        final Map<String, String> conditions,
        final List<Measurement> measurements,
        final List<Comparison> comparisons) throws Exception
    {
        final long dataSetBytes = context.quick() ? QUICK_FLASH_BYTES : FULL_FLASH_BYTES;
        final int iterations = context.quick() ? 2 : 5;
        final long fsyncBytes = context.quick() ? QUICK_FSYNC_BYTES : FULL_FSYNC_BYTES;
        final String dropFailure = PageCache.drop();
        final boolean dropCaches = dropFailure == null;
        context.progress("page cache drop before reads: " + (dropCaches ? "works" : "FAILS: " + dropFailure));
        conditions.put("flash directory", context.scratchDir() + " (a fresh folder per iteration)");
        conditions.put("flash data set", String.format(Locale.ROOT,
            "%d MiB per iteration and side, %d iterations per extent size; RAM is %.0f GiB, so the data set fits in "
                + "page cache and reads are only cold because the cache is dropped",
            dataSetBytes >> 20, iterations, physicalMemoryGiB()));
        conditions.put("flash page cache", dropCaches
            ? "dropped (sync; echo 3 > /proc/sys/vm/drop_caches) before every read, for FlashTier and fio alike"
            : "NOT dropped (" + dropFailure + "): FlashTier reads may be served from page cache while fio reads "
                + "bypass it with O_DIRECT, so the read ratios overstate FlashTier");
        conditions.put("flash fsync policy", "FlashTier measured twice per iteration: fsync=true (the default: each "
            + "put forced to the device before it returns; " + (fsyncBytes >> 20) + " MiB per iteration, since it is "
            + "bound by flush latency) and fsync=false (the full data set); both timings end with an fsync of every "
            + "segment file, as fio's --end_fsync=1 does. Reads use the fsync=false tier, which holds the full data "
            + "set.");
        conditions.put("fio", String.join(" ", Fio.command(
            context.scratchDir().resolve("flash-SIZE-ITERATION").resolve("fio.dat"), "write", dataSetBytes))
            + " ; the read job is the same with --rw=read and no --end_fsync, on the file the write job left");

        final FlashBench bench = new FlashBench(
            context, TiersSuite::openFlash, dataSetBytes, fsyncBytes, iterations, dropCaches);
        final String method = String.format(Locale.ROOT, "%d MiB sequential per iteration, %d iterations interleaved "
            + "with the baseline (order rotated per iteration)", dataSetBytes >> 20, iterations);
        for (final int extentBytes : EXTENT_SIZES)
        {
            final String size = sizeLabel(extentBytes);
            final String id = idSize(extentBytes);
            final FlashBench.Figures figures = bench.run(extentBytes);
            final Measurement writeFsync = Measurement.of("flash.write." + id + ".fsync-each-put", "flash",
                "write " + size + ", fsync/put", false, "FlashTier.put", "MiB/s", figures.tierWriteFsync(),
                method + "; fsync=true (each put forced), " + (fsyncBytes >> 20) + " MiB per iteration");
            final Measurement writeNoFsync = Measurement.of("flash.write." + id + ".fsync-at-end", "flash",
                "write " + size + ", fsync at end", false, "FlashTier.put", "MiB/s", figures.tierWriteNoFsync(),
                method + "; fsync=false, segment files fsynced once at the end");
            final Measurement fioWrite = Measurement.of("flash.write." + id + ".fio", "flash",
                "write " + size, true, "fio O_DIRECT 1 MiB", "MiB/s", figures.fioWrite(),
                method + "; fio --rw=write --direct=1 --bs=1M --ioengine=psync --end_fsync=1");
            final Measurement read = Measurement.of("flash.read." + id + ".terrace", "flash",
                "read " + size, false, "FlashTier.get", "MiB/s", figures.tierRead(),
                method + "; whole-extent get of every extent in write order, one byte of each consumed");
            final Measurement fioRead = Measurement.of("flash.read." + id + ".fio", "flash",
                "read " + size, true, "fio O_DIRECT 1 MiB", "MiB/s", figures.fioRead(),
                method + "; fio --rw=read --direct=1 --bs=1M --ioengine=psync");
            measurements.addAll(List.of(writeFsync, writeNoFsync, fioWrite, read, fioRead));
            comparisons.add(Comparison.of("flash.write." + id + ".fsync-each-put",
                "FlashTier sequential write " + size + " (fsync each put) vs fio O_DIRECT", writeFsync, fioWrite,
                TARGET, true));
            comparisons.add(Comparison.of("flash.write." + id + ".fsync-at-end",
                "FlashTier sequential write " + size + " (fsync at end) vs fio O_DIRECT", writeNoFsync, fioWrite,
                TARGET, true));
            comparisons.add(Comparison.of("flash.read." + id,
                "FlashTier sequential read " + size + " vs fio O_DIRECT", read, fioRead, TARGET, true));
        }
        context.progress("flash done (checksum sink " + bench.consumed() + ")");
    }

    private static TierDriver openFlash(final Path dir, final boolean fsyncEachPut) throws TierException
    {
        return FlashTier.open(new FlashTier.Context().directory(dir).fsync(fsyncEachPut));
    }

    private static double physicalMemoryGiB()
    {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
            instanceof com.sun.management.OperatingSystemMXBean os)
        {
            return os.getTotalMemorySize() / (double)(1L << 30);
        }
        return -1;
    }

    private void runMemory(
        final BenchContext context,
        final Map<String, String> conditions,
        final List<Measurement> measurements,
        final List<Comparison> comparisons) throws Exception
    {
        final MemoryBench bench = new MemoryBench(context);
        conditions.put("memory method", bench.method());
        for (final int extentBytes : EXTENT_SIZES)
        {
            final String size = sizeLabel(extentBytes);
            final String id = idSize(extentBytes);
            final List<Double> get = new ArrayList<>();
            final List<Double> copy = new ArrayList<>();
            final List<Double> put = new ArrayList<>();
            for (int round = 1; round <= bench.rounds(); round++)
            {
                // Alternate which side runs first so a neighbour's burst does not always land on the same one.
                if (round % 2 == 1)
                {
                    bench.measureRound(round, "get " + size, "MemoryTier.get + copy", "tierGet", extentBytes, get);
                    bench.measureRound(round, "get " + size, "direct ByteBuffer copy", "directCopy", extentBytes, copy);
                }
                else
                {
                    bench.measureRound(round, "get " + size, "direct ByteBuffer copy", "directCopy", extentBytes, copy);
                    bench.measureRound(round, "get " + size, "MemoryTier.get + copy", "tierGet", extentBytes, get);
                }
                bench.measureRound(round, "put " + size, "MemoryTier.put", "tierPut", extentBytes, put);
            }
            final Measurement getMeasurement = bench.measurement("memory.get." + id + ".terrace", "get " + size, false,
                "MemoryTier.get + copy", get);
            final Measurement copyMeasurement = bench.measurement("memory.copy." + id + ".baseline", "get " + size,
                true, "direct ByteBuffer copy", copy);
            final Measurement putMeasurement = bench.measurement("memory.put." + id + ".terrace", "put " + size, false,
                "MemoryTier.put", put);
            measurements.add(getMeasurement);
            measurements.add(copyMeasurement);
            measurements.add(putMeasurement);
            comparisons.add(Comparison.of("memory.get." + id,
                "MemoryTier get " + size + " vs direct ByteBuffer copy", getMeasurement, copyMeasurement, TARGET, true));
            // A put must at least copy the bytes in: the same copy is its floor, but issue 2 sets no target for it.
            comparisons.add(Comparison.of("memory.put." + id,
                "MemoryTier put " + size + " vs direct ByteBuffer copy", putMeasurement, copyMeasurement, null, true));
        }
    }

    /** {@code 64 KiB} or {@code 2 MiB}. */
    static String sizeLabel(final int bytes)
    {
        return bytes >= 1 << 20 && bytes % (1 << 20) == 0 ? (bytes >> 20) + " MiB" : (bytes >> 10) + " KiB";
    }

    /** {@code 64KiB} or {@code 2MiB}, for ids. */
    static String idSize(final int bytes)
    {
        return sizeLabel(bytes).replace(" ", "");
    }
}
