package dev.terrace.tier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The one contract every {@link TierDriver} passes. Each driver has a subclass that says how to build it
 * (Caffeine style); the test-jar publishes this class so other modules can run it against their own drivers.
 */
public abstract class TierDriverContractTest
{
    /** The budget of the driver each test gets; large enough that no ordinary test runs into it. */
    protected static final long DEFAULT_CAPACITY = 64L * 1024 * 1024;

    protected TierDriver driver;

    /**
     * Builds a fresh, empty driver. A bounded driver enforces {@code capacityBytes}; an unbounded one ignores it.
     * The subclass owns any directories or endpoints behind it; the suite closes the driver.
     */
    protected abstract TierDriver newDriver(long capacityBytes) throws Exception;

    /** Whether {@link #newDriver(long)} enforces its budget (memory and flash do, capacity tiers do not). */
    protected abstract boolean bounded();

    /** Operations per thread in the concurrency test; a remote driver may lower it to keep the suite fast. */
    protected int concurrentOperationsPerThread()
    {
        return 200;
    }

    @BeforeEach
    void openDriver() throws Exception
    {
        driver = newDriver(DEFAULT_CAPACITY);
    }

    @AfterEach
    void closeDriver()
    {
        if (driver != null)
        {
            driver.close();
        }
    }

    @Test
    void putThenGetReturnsTheSameBytesInAReadOnlyBufferAtPositionZero() throws Exception
    {
        final byte[] value = randomBytes(100_000, 1);
        final ByteBuffer source = ByteBuffer.wrap(value);
        source.position(0);
        driver.put("bucket/object#0", source);
        assertEquals(0, source.position(), "put must not move the caller's buffer");

        final ByteBuffer read = driver.get("bucket/object#0", 0, -1);
        assertNotNull(read);
        assertEquals(0, read.position());
        assertEquals(value.length, read.limit());
        assertTrue(read.isReadOnly(), "the returned buffer is read-only");
        assertBytes(value, read);
    }

    @Test
    void putStoresFromThePositionToTheLimitOfTheBuffer() throws Exception
    {
        final byte[] value = randomBytes(5000, 2);
        final ByteBuffer direct = ByteBuffer.allocateDirect(value.length + 200);
        direct.position(100);
        direct.put(value);
        direct.position(100).limit(100 + value.length);
        driver.put("window", direct);
        assertEquals(100, direct.position());
        assertBytes(value, driver.get("window", 0, -1));
    }

    @Test
    void keysWithHashesAndUnicodeRoundTrip() throws Exception
    {
        final String[] keys = {"models/llama-3/kv#17", "bücket/ключ/δ.bin", "ns/18446744073709551615"};
        for (int i = 0; i < keys.length; i++)
        {
            driver.put(keys[i], ByteBuffer.wrap(randomBytes(1000 + i, 10 + i)));
        }
        for (int i = 0; i < keys.length; i++)
        {
            assertBytes(randomBytes(1000 + i, 10 + i), driver.get(keys[i], 0, -1));
        }
        assertEquals(List.of(keys[2], keys[1], keys[0]).stream().sorted().toList(), driver.list(""));
    }

    @Test
    void replaceServesTheNewValueAndABufferReadEarlierKeepsTheOld() throws Exception
    {
        final byte[] first = randomBytes(70_000, 3);
        final byte[] second = randomBytes(30_000, 4);
        driver.put("replaced", ByteBuffer.wrap(first));
        final ByteBuffer before = driver.get("replaced", 0, -1);

        driver.put("replaced", ByteBuffer.wrap(second));
        assertBytes(second, driver.get("replaced", 0, -1));
        assertEquals(second.length, driver.size("replaced"));
        assertBytes(first, before);

        assertTrue(driver.delete("replaced"));
        assertBytes(first, before);
    }

    @Test
    void rangedGetsCutAtTheEnd() throws Exception
    {
        final byte[] value = randomBytes(10_000, 5);
        driver.put("ranged", ByteBuffer.wrap(value));

        assertBytes(slice(value, 100, 500), driver.get("ranged", 100, 500));
        assertBytes(slice(value, 9_000, 1_000), driver.get("ranged", 9_000, -1));
        assertBytes(slice(value, 9_990, 10), driver.get("ranged", 9_990, 5_000));
        assertBytes(slice(value, 0, 0), driver.get("ranged", 0, 0));

        final ByteBuffer atEnd = driver.get("ranged", 10_000, -1);
        assertNotNull(atEnd, "a range at the end of a present value is empty, not absent");
        assertEquals(0, atEnd.remaining());
        assertEquals(0, driver.get("ranged", 20_000, 10).remaining());
        assertNull(driver.get("absent", 0, 10));
    }

    @Test
    void readCopiesIntoTheCallersBuffer() throws Exception
    {
        final byte[] value = randomBytes(50_000, 15);
        driver.put("into", ByteBuffer.wrap(value));

        final ByteBuffer whole = ByteBuffer.allocateDirect(60_000);
        whole.position(7);
        assertEquals(value.length, driver.read("into", 0, whole));
        assertEquals(7 + value.length, whole.position());
        assertBytes(value, whole.flip().position(7));

        final ByteBuffer window = ByteBuffer.allocate(500);
        assertEquals(500, driver.read("into", 1000, window));
        assertBytes(slice(value, 1000, 500), window.flip());

        final ByteBuffer tail = ByteBuffer.allocateDirect(1000);
        assertEquals(200, driver.read("into", 49_800, tail));
        assertBytes(slice(value, 49_800, 200), tail.flip());

        assertEquals(0, driver.read("into", 50_000, ByteBuffer.allocate(10)));
        assertEquals(-1, driver.read("absent", 0, ByteBuffer.allocate(10)));
    }

    @Test
    void openStreamReadsWholeAndRangedValues() throws Exception
    {
        final byte[] value = randomBytes(300_000, 6);
        driver.put("streamed", ByteBuffer.wrap(value));

        try (InputStream in = driver.openStream("streamed", 0, -1))
        {
            assertArrayEquals(value, in.readAllBytes());
        }
        try (InputStream in = driver.openStream("streamed", 123_456, 70_000))
        {
            assertArrayEquals(slice(value, 123_456, 70_000), in.readAllBytes());
        }
        try (InputStream in = driver.openStream("streamed", 299_990, -1))
        {
            assertArrayEquals(slice(value, 299_990, 10), in.readAllBytes());
        }
        assertNull(driver.openStream("absent", 0, -1));
    }

    @Test
    void sizeContainsAndDelete() throws Exception
    {
        assertEquals(-1, driver.size("k"));
        assertFalse(driver.contains("k"));
        assertFalse(driver.delete("k"));

        driver.put("k", ByteBuffer.wrap(randomBytes(4321, 7)));
        assertEquals(4321, driver.size("k"));
        assertTrue(driver.contains("k"));

        assertTrue(driver.delete("k"));
        assertEquals(-1, driver.size("k"));
        assertFalse(driver.contains("k"));
        assertNull(driver.get("k", 0, -1));
        assertFalse(driver.delete("k"));
        assertEquals(List.of(), driver.list(""));
    }

    @Test
    void listReturnsTheKeysWithAPrefixInAscendingOrder() throws Exception
    {
        for (final String key : List.of("list/b/1", "list/a/2", "list/ab", "list/a/10", "list/a/1", "other/x"))
        {
            driver.put(key, ByteBuffer.wrap(key.getBytes(StandardCharsets.UTF_8)));
        }
        assertEquals(List.of("list/a/1", "list/a/10", "list/a/2"), driver.list("list/a/"));
        assertEquals(List.of("list/a/1", "list/a/10", "list/a/2", "list/ab"), driver.list("list/a"));
        assertEquals(List.of("list/a/1", "list/a/10", "list/a/2", "list/ab", "list/b/1", "other/x"), driver.list(""));
        assertEquals(List.of(), driver.list("missing/"));

        driver.delete("list/a/10");
        assertEquals(List.of("list/a/1", "list/a/2"), driver.list("list/a/"));
    }

    @Test
    void statsCountHitsMissesAndBytes() throws Exception
    {
        final TierStats before = driver.stats();
        assertEquals(driver.kind(), before.kind());

        driver.put("s1", ByteBuffer.wrap(randomBytes(1000, 8)));
        driver.put("s2", ByteBuffer.wrap(randomBytes(3000, 9)));
        driver.get("s1", 0, -1);
        driver.get("s2", 1000, 500);
        driver.get("nope", 0, -1);
        try (InputStream in = driver.openStream("s2", 0, 100))
        {
            in.readAllBytes();
        }

        final TierStats after = driver.stats();
        assertEquals(3, after.hits() - before.hits());
        assertEquals(1, after.misses() - before.misses());
        assertEquals(1000 + 500 + 100, after.bytesRead() - before.bytesRead());
        assertEquals(4000, after.bytesWritten() - before.bytesWritten());
        assertEquals(2, after.extents());
        assertEquals(4000, after.usedBytes());
        assertEquals(4000, driver.usedBytes());
        assertEquals(driver.capacityBytes(), after.capacityBytes());
        assertEquals(0, after.corruptions());

        driver.delete("s1");
        assertEquals(3000, driver.usedBytes());
        assertEquals(1, driver.stats().extents());
    }

    @Test
    void zeroByteValuesArePresentAndEmpty() throws Exception
    {
        driver.put("empty", ByteBuffer.allocate(0));
        assertTrue(driver.contains("empty"));
        assertEquals(0, driver.size("empty"));
        final ByteBuffer read = driver.get("empty", 0, -1);
        assertNotNull(read);
        assertEquals(0, read.remaining());
        assertEquals(List.of("empty"), driver.list("emp"));

        driver.put("empty-stream", new ByteArrayInputStream(new byte[0]), 0);
        assertEquals(0, driver.size("empty-stream"));
    }

    @Test
    void putFromAStreamReadsExactlyTheGivenLength() throws Exception
    {
        final byte[] value = randomBytes(200_000, 11);
        driver.put("from-stream", new ByteArrayInputStream(value), 150_000);
        assertBytes(slice(value, 0, 150_000), driver.get("from-stream", 0, -1));
    }

    @Test
    void aStreamThatEndsEarlyFailsAndLeavesTheOldValue() throws Exception
    {
        final byte[] old = randomBytes(2000, 12);
        driver.put("kept", ByteBuffer.wrap(old));

        assertThrows(TierException.class,
            () -> driver.put("kept", new ByteArrayInputStream(randomBytes(1000, 13)), 5000));
        assertBytes(old, driver.get("kept", 0, -1));

        assertThrows(TierException.class,
            () -> driver.put("never", new FailingInputStream(randomBytes(3000, 14)), 10_000));
        assertFalse(driver.contains("never"));
        assertEquals(List.of("kept"), driver.list(""));
        assertEquals(old.length, driver.usedBytes());
    }

    @Test
    @Timeout(60)
    void concurrentPutsAndGetsNeverSeeATornValue() throws Exception
    {
        final int threads = 4;
        final int keys = 8;
        final int operations = concurrentOperationsPerThread();
        final ExecutorService pool = Executors.newFixedThreadPool(threads);
        final AtomicInteger reads = new AtomicInteger();
        try
        {
            final List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++)
            {
                final long threadSeed = 1000L * (t + 1);
                futures.add(pool.submit(() ->
                {
                    final Random random = new Random(threadSeed);
                    for (int i = 0; i < operations; i++)
                    {
                        final String key = "c/" + random.nextInt(keys);
                        if (random.nextBoolean())
                        {
                            driver.put(key, ByteBuffer.wrap(selfDescribingValue(random.nextLong())));
                        }
                        else
                        {
                            final ByteBuffer read = driver.get(key, 0, -1);
                            if (read != null)
                            {
                                assertSelfDescribing(key, read);
                                reads.incrementAndGet();
                            }
                        }
                    }
                    return null;
                }));
            }
            for (final Future<?> future : futures)
            {
                future.get(60, TimeUnit.SECONDS);
            }
        }
        finally
        {
            pool.shutdownNow();
        }
        assertTrue(reads.get() > 0, "the readers found values");
        long used = 0;
        for (final String key : driver.list("c/"))
        {
            final ByteBuffer read = driver.get(key, 0, -1);
            assertSelfDescribing(key, read);
            used += read.remaining();
        }
        assertEquals(used, driver.usedBytes());
    }

    @Test
    void aBoundedTierRefusesWhatDoesNotFitAndKeepsWhatItHas() throws Exception
    {
        if (!bounded())
        {
            assertEquals(Long.MAX_VALUE, driver.capacityBytes(), "an unbounded tier reports Long.MAX_VALUE");
            return;
        }
        final long capacity = 4L * 1024 * 1024;
        try (TierDriver small = newDriver(capacity))
        {
            assertEquals(capacity, small.capacityBytes());
            final int valueSize = 256 * 1024;
            final List<String> stored = new ArrayList<>();
            String refused = null;
            for (int i = 0; i < 64 && refused == null; i++)
            {
                final String key = "full/" + i;
                try
                {
                    small.put(key, ByteBuffer.wrap(randomBytes(valueSize, i)));
                    stored.add(key);
                }
                catch (final TierFullException ex)
                {
                    refused = key;
                }
            }
            assertNotNull(refused, "a 4 MiB tier refuses a 65th 256 KiB value");
            assertTrue(stored.size() >= 8, "a 4 MiB tier holds at least 2 MiB of values: " + stored.size());
            assertFalse(small.contains(refused));
            assertTrue(small.usedBytes() <= capacity);
            assertEquals((long)stored.size() * valueSize, small.usedBytes());
            assertThrows(TierFullException.class, () -> small.put("huge", ByteBuffer.allocate((int)capacity + 1)));
            assertFalse(small.contains("huge"));
            assertThrows(TierFullException.class,
                () -> small.put("huge", new ByteArrayInputStream(new byte[0]), capacity + 1));

            for (int i = 0; i < stored.size(); i++)
            {
                assertBytes(randomBytes(valueSize, i), small.get(stored.get(i), 0, -1));
            }

            // Freeing room lets the refused put through: the tier reclaims what deletes released.
            for (int i = 0; i < stored.size(); i += 2)
            {
                assertTrue(small.delete(stored.get(i)));
            }
            small.put(refused, ByteBuffer.wrap(randomBytes(valueSize, 999)));
            assertBytes(randomBytes(valueSize, 999), small.get(refused, 0, -1));
            for (int i = 1; i < stored.size(); i += 2)
            {
                assertBytes(randomBytes(valueSize, i), small.get(stored.get(i), 0, -1));
            }
        }
    }

    @Test
    void operationsOnAClosedDriverFail() throws Exception
    {
        driver.put("k", ByteBuffer.wrap(new byte[10]));
        driver.close();
        driver.close();
        assertThrows(TierException.class, () -> driver.get("k", 0, -1));
        assertThrows(TierException.class, () -> driver.put("k", ByteBuffer.wrap(new byte[10])));
        driver = null;
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** Deterministic pseudo-random bytes: the same (length, seed) gives the same bytes. */
    public static byte[] randomBytes(final int length, final long seed)
    {
        final byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** Asserts the remaining bytes of {@code actual} are {@code expected}, without moving its position. */
    public static void assertBytes(final byte[] expected, final ByteBuffer actual)
    {
        assertBytes(expected, actual, "value");
    }

    /** As {@link #assertBytes(byte[], ByteBuffer)}, naming what is compared in the failure message. */
    public static void assertBytes(final byte[] expected, final ByteBuffer actual, final String what)
    {
        assertNotNull(actual, what + " is absent");
        final ByteBuffer view = actual.duplicate();
        final byte[] bytes = new byte[view.remaining()];
        view.get(bytes);
        assertEquals(expected.length, bytes.length, what + ": length");
        assertArrayEquals(expected, bytes, what);
    }

    static byte[] slice(final byte[] bytes, final int offset, final int length)
    {
        final byte[] slice = new byte[length];
        System.arraycopy(bytes, offset, slice, 0, length);
        return slice;
    }

    /** A value whose first 8 bytes are the seed of the rest, so any reader can check it is whole. */
    static byte[] selfDescribingValue(final long seed)
    {
        final int length = 8 + (int)Math.floorMod(seed, 64 * 1024);
        final byte[] value = new byte[length];
        ByteBuffer.wrap(value).putLong(seed);
        final byte[] rest = randomBytes(length - 8, seed);
        System.arraycopy(rest, 0, value, 8, rest.length);
        return value;
    }

    static void assertSelfDescribing(final String key, final ByteBuffer read)
    {
        assertTrue(read.remaining() >= 8, key + ": value shorter than its seed");
        final long seed = read.duplicate().getLong();
        final byte[] expected = selfDescribingValue(seed);
        if (read.remaining() != expected.length || !read.duplicate().equals(ByteBuffer.wrap(expected)))
        {
            fail(key + ": torn or mixed value of " + read.remaining() + " bytes for seed " + seed);
        }
    }

    /** Yields some bytes, then fails the way a dropped connection does. */
    static final class FailingInputStream extends InputStream
    {
        private final ByteArrayInputStream delegate;

        FailingInputStream(final byte[] prefix)
        {
            delegate = new ByteArrayInputStream(prefix);
        }

        @Override
        public int read() throws IOException
        {
            final int next = delegate.read();
            if (next < 0)
            {
                throw new IOException("connection reset");
            }
            return next;
        }

        @Override
        public int read(final byte[] bytes, final int offset, final int length) throws IOException
        {
            final int read = delegate.read(bytes, offset, length);
            if (read < 0)
            {
                throw new IOException("connection reset");
            }
            return read;
        }
    }
}
