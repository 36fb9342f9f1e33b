package dev.terrace.loadtest.internal.tiers;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import dev.terrace.loadtest.BenchContext;
import dev.terrace.tier.TierDriver;

/**
 * Sequential write and read of a flash tier beside fio O_DIRECT on the same directory, interleaved iteration by
 * iteration (alternating which goes first) so that drift in a shared machine hits both sides alike.
 * <p>
 * Write: the tier stores {@code dataSetBytes} as consecutive extents of one size, once with an fsync per put (the
 * tier's default; on a smaller data set, since it is bound by the device's flush latency, not its bandwidth) and once
 * without, then every file under its directory is fsynced, so both figures cover bytes on disk as fio's
 * {@code --end_fsync=1} does. Reads use the tier written without fsync, which holds the full data set. Read: after dropping the page
 * cache (when possible), every extent is read back whole with {@code get}, and one byte of each is consumed; fio reads
 * the same number of bytes from the file its write job left.
 */
final class FlashBench
{
    /** Opens the tier under test in a fresh directory, with or without an fsync per put. */
    @FunctionalInterface
    interface TierOpener
    {
        TierDriver open(Path dir, boolean fsyncEachPut) throws Exception;
    }

    /** Every iteration's figures for one extent size, MiB/s. */
    record Figures(
        List<Double> tierWriteFsync, List<Double> tierWriteNoFsync, List<Double> fioWrite,
        List<Double> tierRead, List<Double> fioRead)
    {
    }

    private static final int SOURCE_BUFFERS = 8;

    private final BenchContext context;
    private final TierOpener opener;
    private final long dataSetBytes;
    private final long fsyncDataSetBytes;
    private final int iterations;
    private final boolean dropCaches;
    private long consumed;

    FlashBench(
        final BenchContext context, final TierOpener opener, final long dataSetBytes, final long fsyncDataSetBytes,
        final int iterations, final boolean dropCaches)
    {
        this.context = context;
        this.opener = opener;
        this.dataSetBytes = dataSetBytes;
        this.fsyncDataSetBytes = Math.min(dataSetBytes, fsyncDataSetBytes);
        this.iterations = iterations;
        this.dropCaches = dropCaches;
    }

    /** Runs every iteration at one extent size. */
    Figures run(final int extentBytes) throws Exception
    {
        final Figures figures = new Figures(
            new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        final ByteBuffer[] sources = sourceBuffers(extentBytes);
        final String size = TiersSuite.sizeLabel(extentBytes);
        for (int i = 0; i < iterations; i++)
        {
            final int iteration = i + 1;
            final Path iterationDir = context.scratchDir().resolve("flash-" + extentBytes + "-" + i);
            final Path syncDir = Files.createDirectories(iterationDir.resolve("tier-fsync"));
            final Path noSyncDir = Files.createDirectories(iterationDir.resolve("tier-no-fsync"));
            final Path fioFile = iterationDir.resolve("fio.dat");
            try (TierDriver syncTier = opener.open(syncDir, true);
                TierDriver noSyncTier = opener.open(noSyncDir, false))
            {
                // Rotate the order every iteration so that neither side always runs first (or last).
                final List<Step> writes = List.of(
                    () -> figures.tierWriteFsync().add(report("tier write, fsync each put", size, iteration,
                        tierWrite(syncTier, syncDir, sources, extentBytes, fsyncDataSetBytes))),
                    () -> figures.tierWriteNoFsync().add(report("tier write, fsync at end  ", size, iteration,
                        tierWrite(noSyncTier, noSyncDir, sources, extentBytes, dataSetBytes))),
                    () -> figures.fioWrite().add(report("fio  write                 ", size, iteration,
                        fioWrite(fioFile))));
                final List<Step> reads = List.of(
                    () -> figures.tierRead().add(report("tier read                  ", size, iteration,
                        tierRead(noSyncTier, extentBytes))),
                    () -> figures.fioRead().add(report("fio  read                  ", size, iteration,
                        fioRead(fioFile))));
                runRotated(writes, i);
                runRotated(reads, i);
            }
            finally
            {
                deleteTree(iterationDir);
            }
        }
        return figures;
    }

    /** One timed step of an iteration. */
    @FunctionalInterface
    private interface Step
    {
        void run() throws Exception;
    }

    private static void runRotated(final List<Step> steps, final int rotation) throws Exception
    {
        for (int k = 0; k < steps.size(); k++)
        {
            steps.get((k + rotation) % steps.size()).run();
        }
    }

    /** A sink for consumed bytes, so no read can be optimised away. */
    long consumed()
    {
        return consumed;
    }

    private double report(final String what, final String size, final int step, final double mibPerSecond)
    {
        context.progress(String.format(Locale.ROOT, "flash %s %-7s iteration %d/%d: %,8.0f MiB/s",
            what, size, step, iterations, mibPerSecond));
        return mibPerSecond;
    }

    private double tierWrite(
        final TierDriver tier, final Path tierDir, final ByteBuffer[] sources, final int extentBytes, final long bytes)
        throws Exception
    {
        final long count = bytes / extentBytes;
        final long start = System.nanoTime();
        for (long k = 0; k < count; k++)
        {
            tier.put(key(k), sources[(int)(k % sources.length)]);
        }
        forceAll(tierDir);
        final long elapsed = System.nanoTime() - start;
        return mibPerSecond(count * extentBytes, elapsed);
    }

    private double tierRead(final TierDriver tier, final int extentBytes) throws Exception
    {
        dropPageCache();
        final long count = dataSetBytes / extentBytes;
        long bytes = 0;
        final long start = System.nanoTime();
        for (long k = 0; k < count; k++)
        {
            final ByteBuffer value = tier.get(key(k), 0, -1);
            if (value == null || value.remaining() != extentBytes)
            {
                throw new IllegalStateException("tier lost " + key(k) + ": got "
                    + (value == null ? "nothing" : value.remaining() + " bytes"));
            }
            consumed += value.get(value.limit() - 1);
            bytes += value.remaining();
        }
        final long elapsed = System.nanoTime() - start;
        return mibPerSecond(bytes, elapsed);
    }

    private double fioWrite(final Path fioFile) throws IOException
    {
        // A fresh file, so fio allocates blocks as the tier's new segments do.
        Files.deleteIfExists(fioFile);
        return Fio.run(fioFile, "write", dataSetBytes).mibPerSecond();
    }

    private double fioRead(final Path fioFile) throws IOException
    {
        dropPageCache();
        return Fio.run(fioFile, "read", dataSetBytes).mibPerSecond();
    }

    private void dropPageCache()
    {
        if (dropCaches)
        {
            final String failure = PageCache.drop();
            if (failure != null)
            {
                throw new IllegalStateException("dropping the page cache worked before but now fails: " + failure);
            }
        }
    }

    private static String key(final long index)
    {
        return "bench/sequential#" + index;
    }

    private static ByteBuffer[] sourceBuffers(final int extentBytes)
    {
        final SplittableRandom random = new SplittableRandom(7);
        final ByteBuffer[] sources = new ByteBuffer[SOURCE_BUFFERS];
        final byte[] chunk = new byte[extentBytes];
        for (int i = 0; i < sources.length; i++)
        {
            random.nextBytes(chunk);
            sources[i] = ByteBuffer.allocateDirect(extentBytes).put(chunk).flip();
        }
        return sources;
    }

    /** fsyncs every regular file under {@code dir}: what fio's --end_fsync=1 does for its file. */
    private static void forceAll(final Path dir) throws IOException
    {
        try (Stream<Path> files = Files.walk(dir))
        {
            for (final Path file : files.filter(Files::isRegularFile).toList())
            {
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
                {
                    channel.force(true);
                }
            }
        }
    }

    private static double mibPerSecond(final long bytes, final long nanos)
    {
        return bytes / (double)(1 << 20) / (nanos / 1e9);
    }

    private static void deleteTree(final Path dir) throws IOException
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
    }
}
