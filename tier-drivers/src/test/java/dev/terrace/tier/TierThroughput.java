package dev.terrace.tier;

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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * A measuring harness, not a test: sequential FlashTier and MemoryTier throughput beside the plain operation on the
 * same directory or memory, printed as MiB/s per iteration. Compare ratios within one run (the machine is shared).
 * <pre>
 * java -cp "tier-drivers/target/classes:tier-drivers/target/test-classes:$(cat cp.txt)" \
 *     dev.terrace.tier.TierThroughput [--dir DIR] [--mib N] [--fsync-mib N] [--iterations N] [--threads N] \
 *     [--preallocate true|false] [--warm] [flash] [memory]
 * </pre>
 * Flash: each extent size is written as consecutive puts with fsync per put (on a smaller set, from {@code threads}
 * writers when asked) and with fsync at the end, beside a plain 1 MiB {@link FileChannel} write of the same bytes;
 * reads (page cache dropped when running as root) use {@code get}, {@code read} into one reused buffer, and a plain
 * 1 MiB sequential read of the segment files ({@code --warm}: from the page cache, to see the CPU cost). Memory:
 * put replacing values over a 256 MiB working set, get copied
 * into one reused buffer, beside a direct-to-direct copy.
 */
public final class TierThroughput
{
    private static final int[] EXTENT_SIZES = {64 * 1024, 2 * 1024 * 1024};
    private static final int PLAIN_CHUNK = 1024 * 1024;
    private static final int SOURCES = 8;

    private Path root = Path.of("target", "throughput");
    private long dataSetBytes = 512L << 20;
    private long fsyncDataSetBytes = 64L << 20;
    private int iterations = 2;
    private int threads = 1;
    private Boolean preallocate;
    private boolean warm;
    private long sink;

    private TierThroughput()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final TierThroughput harness = new TierThroughput();
        final List<String> parts = new ArrayList<>();
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--dir" -> harness.root = Path.of(args[++i]);
                case "--mib" -> harness.dataSetBytes = Long.parseLong(args[++i]) << 20;
                case "--fsync-mib" -> harness.fsyncDataSetBytes = Long.parseLong(args[++i]) << 20;
                case "--iterations" -> harness.iterations = Integer.parseInt(args[++i]);
                case "--threads" -> harness.threads = Integer.parseInt(args[++i]);
                case "--preallocate" -> harness.preallocate = Boolean.parseBoolean(args[++i]);
                case "--warm" -> harness.warm = true;
                default -> parts.add(args[i]);
            }
        }
        if (parts.isEmpty() || parts.contains("flash"))
        {
            harness.flash();
        }
        if (parts.isEmpty() || parts.contains("memory"))
        {
            harness.memory();
        }
        System.out.println("sink " + harness.sink);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Flash

    private void flash() throws Exception
    {
        final boolean dropCaches = !warm && dropCaches();
        System.out.println("page cache drop: " + (dropCaches ? "works" : "not possible, reads may be warm"));
        for (final int extentBytes : EXTENT_SIZES)
        {
            final ByteBuffer[] sources = sources(extentBytes);
            for (int i = 0; i < iterations; i++)
            {
                final Path dir = Files.createDirectories(root.resolve("flash-" + extentBytes + "-" + i));
                try
                {
                    flashIteration(dir, extentBytes, sources, dropCaches);
                }
                finally
                {
                    deleteTree(dir);
                }
            }
        }
    }

    private void flashIteration(
        final Path dir, final int extentBytes, final ByteBuffer[] sources, final boolean dropCaches) throws Exception
    {
        final String size = extentBytes >= 1 << 20 ? (extentBytes >> 20) + " MiB" : (extentBytes >> 10) + " KiB";
        final Path plainFile = dir.resolve("plain.dat");
        final double plainWrite = plainWrite(plainFile, sources, extentBytes);
        final Path fioFile = dir.resolve("fio.dat");
        final double fioWrite = fio(fioFile, "write", dataSetBytes, 1 << 20, false);
        final double fioSyncWrite = fio(dir.resolve("fio-sync.dat"), "write", fsyncDataSetBytes, extentBytes, true);
        final double syncWrite;
        try (FlashTier tier = FlashTier.open(flashContext(dir.resolve("sync"), true)))
        {
            syncWrite = tierWrite(tier, dir.resolve("sync"), sources, extentBytes, fsyncDataSetBytes, threads);
        }
        try (FlashTier tier = FlashTier.open(flashContext(dir.resolve("nosync"), false)))
        {
            final double write = tierWrite(tier, dir.resolve("nosync"), sources, extentBytes, dataSetBytes, 1);
            dropCaches(dropCaches);
            final double plainRead = plainRead(plainFile);
            dropCaches(dropCaches);
            final double get = tierGet(tier, extentBytes);
            dropCaches(dropCaches);
            final double read = tierRead(tier, extentBytes);
            dropCaches(dropCaches);
            final double segmentsRead = plainReadAll(dir.resolve("nosync"));
            dropCaches(dropCaches);
            final double fioRead = fio(fioFile, "read", dataSetBytes, 1 << 20, false);
            System.out.printf(Locale.ROOT, "flash %-6s write MiB/s: fio %,5.0f  plain %,5.0f  fsync/put(%d thr) %,5.0f " +
                "(%.2fx; fio fdatasync/write %,5.0f, %.2fx)  fsync at end %,5.0f (%.2fx)%n", size, fioWrite, plainWrite,
                threads, syncWrite, syncWrite / fioWrite, fioSyncWrite, syncWrite / fioSyncWrite, write,
                write / fioWrite);
            System.out.printf(Locale.ROOT, "flash %-6s read  MiB/s: fio %,5.0f  plain %,5.0f  get %,5.0f (%.2fx)  " +
                "read %,5.0f (%.2fx)  segments plain %,5.0f (%.2fx)%n", size, fioRead, plainRead, get, get / fioRead,
                read, read / fioRead, segmentsRead, segmentsRead / fioRead);
        }
    }

    private FlashTier.Context flashContext(final Path dir, final boolean fsync)
    {
        final FlashTier.Context context = new FlashTier.Context().directory(dir).fsync(fsync);
        return preallocate == null ? context : context.preallocate(preallocate);
    }

    private double tierWrite(
        final FlashTier tier, final Path dir, final ByteBuffer[] sources, final int extentBytes, final long bytes,
        final int writers) throws Exception
    {
        final long count = bytes / extentBytes;
        final CountDownLatch start = new CountDownLatch(1);
        final AtomicReference<Exception> failure = new AtomicReference<>();
        final List<Thread> started = new ArrayList<>();
        for (int w = 0; w < writers; w++)
        {
            final int writer = w;
            final Thread thread = new Thread(() ->
            {
                try
                {
                    start.await();
                    for (long k = writer; k < count; k += writers)
                    {
                        tier.put(key(k), sources[(int)(k % sources.length)]);
                    }
                }
                catch (final Exception ex)
                {
                    failure.compareAndSet(null, ex);
                }
            });
            thread.start();
            started.add(thread);
        }
        final long begin = System.nanoTime();
        start.countDown();
        for (final Thread thread : started)
        {
            thread.join();
        }
        forceAll(dir);
        final long elapsed = System.nanoTime() - begin;
        if (failure.get() != null)
        {
            throw failure.get();
        }
        return mibPerSecond(count * extentBytes, elapsed);
    }

    private double tierGet(final FlashTier tier, final int extentBytes) throws TierException
    {
        final long count = dataSetBytes / extentBytes;
        final long begin = System.nanoTime();
        for (long k = 0; k < count; k++)
        {
            final ByteBuffer value = tier.get(key(k), 0, -1);
            if (value == null || value.remaining() != extentBytes)
            {
                throw new IllegalStateException("lost " + key(k));
            }
            sink += value.get(value.limit() - 1);
        }
        return mibPerSecond(count * extentBytes, System.nanoTime() - begin);
    }

    private double tierRead(final FlashTier tier, final int extentBytes) throws TierException
    {
        final long count = dataSetBytes / extentBytes;
        final ByteBuffer destination = ByteBuffer.allocateDirect(extentBytes);
        final long begin = System.nanoTime();
        for (long k = 0; k < count; k++)
        {
            destination.clear();
            if (tier.read(key(k), 0, destination) != extentBytes)
            {
                throw new IllegalStateException("lost " + key(k));
            }
            sink += destination.get(extentBytes - 1);
        }
        return mibPerSecond(count * extentBytes, System.nanoTime() - begin);
    }

    private double plainWrite(final Path file, final ByteBuffer[] sources, final int extentBytes) throws IOException
    {
        final long begin = System.nanoTime();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))
        {
            long written = 0;
            int next = 0;
            while (written < dataSetBytes)
            {
                final ByteBuffer source = sources[next++ % sources.length].duplicate();
                while (source.hasRemaining())
                {
                    final ByteBuffer chunk = source.slice(source.position(),
                        Math.min(PLAIN_CHUNK, source.remaining()));
                    source.position(source.position() + chunk.remaining());
                    while (chunk.hasRemaining())
                    {
                        written += channel.write(chunk);
                    }
                }
            }
            channel.force(true);
        }
        return mibPerSecond(dataSetBytes, System.nanoTime() - begin);
    }

    /**
     * {@code fio --direct=1 --bs=1M --ioengine=psync} over {@code bytes} (the load-tests baseline), or with
     * {@code perWriteSync} a buffered write of {@code blockSize} blocks with an fdatasync after each (the like of a
     * put with fsync), MiB/s; NaN when fio is not installed.
     */
    private static double fio(
        final Path file, final String rw, final long bytes, final int blockSize, final boolean perWriteSync)
        throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>(List.of("fio", "--name=baseline", "--filename=" + file,
            "--rw=" + rw, "--bs=" + blockSize, "--size=" + bytes, "--direct=" + (perWriteSync ? 0 : 1),
            "--ioengine=psync", "--output-format=terse"));
        if (perWriteSync)
        {
            command.add("--fdatasync=1");
        }
        else if (rw.equals("write"))
        {
            command.add("--end_fsync=1");
        }
        final Process process;
        try
        {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        }
        catch (final IOException ex)
        {
            return Double.NaN;
        }
        final String output = new String(process.getInputStream().readAllBytes()).trim();
        if (process.waitFor() != 0)
        {
            throw new IOException("fio failed: " + output);
        }
        // Terse format version 3: field 7 is the read bandwidth, field 48 the write bandwidth, in KiB/s.
        final String[] fields = output.substring(output.lastIndexOf('\n') + 1).split(";");
        return Double.parseDouble(fields[rw.equals("write") ? 47 : 6]) / 1024;
    }

    private double plainRead(final Path file) throws IOException
    {
        final ByteBuffer buffer = ByteBuffer.allocateDirect(PLAIN_CHUNK);
        final long begin = System.nanoTime();
        long bytes = 0;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            int read;
            while ((read = channel.read(buffer.clear())) > 0)
            {
                bytes += read;
                sink += buffer.get(0);
            }
        }
        return mibPerSecond(bytes, System.nanoTime() - begin);
    }

    private double plainReadAll(final Path dir) throws IOException
    {
        final ByteBuffer buffer = ByteBuffer.allocateDirect(PLAIN_CHUNK);
        final long begin = System.nanoTime();
        long bytes = 0;
        for (final Path file : regularFiles(dir))
        {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
            {
                int read;
                while ((read = channel.read(buffer.clear())) > 0)
                {
                    bytes += read;
                    sink += buffer.get(0);
                }
            }
        }
        return mibPerSecond(bytes, System.nanoTime() - begin);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Memory

    private void memory() throws TierException
    {
        final long workingSet = 256L << 20;
        for (final int extentBytes : EXTENT_SIZES)
        {
            final int count = (int)(workingSet / extentBytes);
            final ByteBuffer[] sources = new ByteBuffer[count];
            final String[] keys = new String[count];
            final SplittableRandom random = new SplittableRandom(3);
            final byte[] chunk = new byte[extentBytes];
            for (int i = 0; i < count; i++)
            {
                random.nextBytes(chunk);
                sources[i] = ByteBuffer.allocateDirect(extentBytes).put(chunk).flip();
                keys[i] = "m/" + extentBytes + "#" + i;
            }
            final ByteBuffer destination = ByteBuffer.allocateDirect(extentBytes);
            // Two tiers, as the JMH benchmark's separate forks: puts replace values nobody read (their buffers can be
            // recycled); gets hand out views (those buffers never are).
            try (MemoryTier putTier = new MemoryTier(1L << 30); MemoryTier getTier = new MemoryTier(1L << 30))
            {
                for (int i = 0; i < count; i++)
                {
                    putTier.put(keys[i], sources[i].clear());
                    getTier.put(keys[i], sources[i].clear());
                }
                final long rounds = Math.max(4, (2L << 30) / workingSet);
                for (int i = 0; i < iterations + 1; i++)
                {
                    long begin = System.nanoTime();
                    for (long r = 0; r < rounds; r++)
                    {
                        for (int k = 0; k < count; k++)
                        {
                            putTier.put(keys[k], sources[k].clear());
                        }
                    }
                    final double put = mibPerSecond(rounds * workingSet, System.nanoTime() - begin);
                    begin = System.nanoTime();
                    for (long r = 0; r < rounds; r++)
                    {
                        for (int k = 0; k < count; k++)
                        {
                            destination.clear();
                            destination.put(getTier.get(keys[k], 0, -1));
                        }
                    }
                    final double get = mibPerSecond(rounds * workingSet, System.nanoTime() - begin);
                    begin = System.nanoTime();
                    for (long r = 0; r < rounds; r++)
                    {
                        for (int k = 0; k < count; k++)
                        {
                            destination.clear();
                            destination.put(sources[k].clear());
                        }
                    }
                    final double copy = mibPerSecond(rounds * workingSet, System.nanoTime() - begin);
                    sink += destination.get(0);
                    System.out.printf(Locale.ROOT, "memory %-6s %s put %,7.0f (%.2fx)  get %,7.0f (%.2fx)  " +
                        "copy %,7.0f MiB/s%n", extentBytes >= 1 << 20 ? (extentBytes >> 20) + " MiB" :
                        (extentBytes >> 10) + " KiB", i == 0 ? "warm-up" : "       ", put, put / copy, get,
                        get / copy, copy);
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    private static String key(final long index)
    {
        return "bench/sequential#" + index;
    }

    private static ByteBuffer[] sources(final int extentBytes)
    {
        final SplittableRandom random = new SplittableRandom(7);
        final ByteBuffer[] sources = new ByteBuffer[SOURCES];
        final byte[] chunk = new byte[extentBytes];
        for (int i = 0; i < sources.length; i++)
        {
            random.nextBytes(chunk);
            sources[i] = ByteBuffer.allocateDirect(extentBytes).put(chunk).flip();
        }
        return sources;
    }

    private static boolean dropCaches()
    {
        try
        {
            dropCaches(true);
            return true;
        }
        catch (final IOException | InterruptedException | RuntimeException ex)
        {
            return false;
        }
    }

    private static void dropCaches(final boolean drop) throws IOException, InterruptedException
    {
        if (!drop)
        {
            return;
        }
        final Process sync = new ProcessBuilder("sync").inheritIO().start();
        sync.waitFor();
        Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "3");
    }

    private static List<Path> regularFiles(final Path dir) throws IOException
    {
        try (Stream<Path> files = Files.walk(dir))
        {
            return files.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static void forceAll(final Path dir) throws IOException
    {
        for (final Path file : regularFiles(dir))
        {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
            {
                channel.force(true);
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
