package dev.terrace.loadtest.jmh;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import dev.terrace.tier.MemoryTier;
import dev.terrace.tier.TierException;

/**
 * MemoryTier get and put of one extent beside the physical baseline, a plain direct-to-direct {@link ByteBuffer} copy
 * of the same size over the same working set.
 * <p>
 * Both sides cycle through {@link #WORKING_SET_BYTES} of extents (larger than the last-level cache, so both are bound by
 * memory bandwidth, as a serving node is) and consume every byte by copying into one reused direct destination
 * buffer: a get returns a read-only view, and a benchmark that only took the view would measure nothing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class MemoryTierBenchmark
{
    /** Bytes of distinct extents each side cycles through. */
    public static final long WORKING_SET_BYTES = 256L << 20;

    /** The tier's byte budget: the node's default memory tier size. */
    public static final long TIER_BUDGET_BYTES = 1L << 30;

    /** Extent size in bytes. */
    @Param({"65536", "2097152"})
    public int extentBytes;

    private MemoryTier tier;
    private String[] keys;
    private ByteBuffer[] sources;
    private ByteBuffer destination;
    private int next;

    /** Fills the tier and the baseline's source buffers with the same random bytes. */
    @Setup(Level.Trial)
    public void setUp() throws TierException
    {
        final int count = (int)(WORKING_SET_BYTES / extentBytes);
        tier = new MemoryTier(TIER_BUDGET_BYTES);
        keys = new String[count];
        sources = new ByteBuffer[count];
        destination = ByteBuffer.allocateDirect(extentBytes);
        final SplittableRandom random = new SplittableRandom(42);
        final byte[] chunk = new byte[extentBytes];
        for (int i = 0; i < count; i++)
        {
            random.nextBytes(chunk);
            keys[i] = "bench/extent-" + extentBytes + "#" + i;
            sources[i] = ByteBuffer.allocateDirect(extentBytes).put(chunk).flip();
            tier.put(keys[i], sources[i]);
        }
    }

    /** Releases the tier. */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        tier.close();
    }

    /** MemoryTier get of a whole extent, consumed by copying it into the destination. */
    @Benchmark
    public int tierGet() throws TierException
    {
        final ByteBuffer view = tier.get(keys[advance()], 0, -1);
        destination.clear();
        destination.put(view);
        return destination.position();
    }

    /** Baseline: the same copy straight from a direct buffer, no tier in between. */
    @Benchmark
    public int directCopy()
    {
        final ByteBuffer source = sources[advance()];
        source.clear();
        destination.clear();
        destination.put(source);
        return destination.position();
    }

    /** MemoryTier put of a whole extent, replacing the previous value under the key (the tier copies the bytes in). */
    @Benchmark
    public long tierPut() throws TierException
    {
        final int index = advance();
        final ByteBuffer source = sources[index];
        source.clear();
        tier.put(keys[index], source);
        return tier.usedBytes();
    }

    private int advance()
    {
        final int index = next;
        next = index + 1 == keys.length ? 0 : index + 1;
        return index;
    }
}
