package dev.terrace.loadtest.internal.tiers;

import java.io.IOException;
import java.nio.file.Files;
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
        conditions.put("load average at start", loadAverage());

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
        runMemory(context, conditions, measurements, comparisons);

        conditions.put("load average at end", loadAverage());
        return SuiteResult.completed(NAME, title(), conditions, measurements, comparisons);
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
            final Measurement get = bench.measurement("memory.get." + id + ".terrace", "get " + size, false,
                "MemoryTier.get + copy", "tierGet", extentBytes);
            final Measurement copy = bench.measurement("memory.get." + id + ".baseline", "get " + size, true,
                "direct ByteBuffer copy", "directCopy", extentBytes);
            final Measurement put = bench.measurement("memory.put." + id + ".terrace", "put " + size, false,
                "MemoryTier.put", "tierPut", extentBytes);
            final Measurement putBaseline = new Measurement(
                "memory.put." + id + ".baseline", copy.chart(), "put " + size, true, copy.label(), copy.unit(),
                copy.median(), copy.min(), copy.max(), copy.iterations(),
                "the same direct copy measurement as get " + size + " (a put must at least copy the bytes in)");
            measurements.add(get);
            measurements.add(copy);
            measurements.add(put);
            measurements.add(putBaseline);
            comparisons.add(Comparison.of("memory.get." + id,
                "MemoryTier get " + size + " vs direct ByteBuffer copy", get, copy, TARGET, true));
            comparisons.add(Comparison.of("memory.put." + id,
                "MemoryTier put " + size + " vs direct ByteBuffer copy", put, putBaseline, null, true));
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

    private static String loadAverage()
    {
        try
        {
            final String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return String.format(Locale.ROOT, "%s %s %s (1/5/15 min; the machine is shared, %d cores)",
                fields[0], fields[1], fields[2], Runtime.getRuntime().availableProcessors());
        }
        catch (final IOException | RuntimeException ex)
        {
            return "unknown";
        }
    }
}
