package dev.terrace.tier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static dev.terrace.tier.TierDriverContractTest.assertBytes;
import static dev.terrace.tier.TierDriverContractTest.randomBytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the memory tier promises beyond the contract: off-heap views, no copies, replace needing only the difference,
 * and buffers recycled only when no view of them was ever handed out.
 */
class MemoryTierTest
{
    private static final int VALUE = 16 * 1024;

    @Test
    void getReturnsAReadOnlyOffHeapView() throws Exception
    {
        try (MemoryTier tier = new MemoryTier(1 << 20))
        {
            tier.put("k", ByteBuffer.wrap(randomBytes(4096, 1)));
            final ByteBuffer view = tier.get("k", 1024, 1024);
            assertTrue(view.isDirect(), "values live off-heap");
            assertTrue(view.isReadOnly());
            assertThrows(ReadOnlyBufferException.class, () -> view.put(0, (byte)1));
            assertEquals(1024, view.capacity(), "the view is a slice, not the whole value");
        }
    }

    @Test
    void aHeldViewIsNeverOverwrittenByLaterPuts() throws Exception
    {
        try (MemoryTier tier = new MemoryTier(1 << 20))
        {
            tier.put("k", ByteBuffer.wrap(randomBytes(64 * 1024, 2)));
            final ByteBuffer held = tier.get("k", 0, -1);
            for (int i = 0; i < 20; i++)
            {
                tier.delete("k");
                tier.put("k", ByteBuffer.wrap(randomBytes(64 * 1024, 100 + i)));
            }
            assertBytes(randomBytes(64 * 1024, 2), held);
        }
    }

    @Test
    void aReplaceNeedsRoomOnlyForTheGrowth() throws Exception
    {
        try (MemoryTier tier = new MemoryTier(1000))
        {
            tier.put("a", ByteBuffer.allocate(600));
            tier.put("a", ByteBuffer.allocate(900));
            assertEquals(900, tier.usedBytes());
            assertThrows(TierFullException.class, () -> tier.put("b", ByteBuffer.allocate(101)));
            tier.put("b", ByteBuffer.allocate(100));
            assertThrows(TierFullException.class, () -> tier.put("a", ByteBuffer.allocate(901)));
            assertEquals(1000, tier.usedBytes());
            assertEquals(900, tier.size("a"));
        }
    }

    @Test
    void rejectsNonsenseArguments()
    {
        assertThrows(IllegalArgumentException.class, () -> new MemoryTier(0));
        try (MemoryTier tier = new MemoryTier(1000))
        {
            assertThrows(IllegalArgumentException.class, () -> tier.get("k", -1, 10));
            assertThrows(IllegalArgumentException.class, () -> tier.get("k", 0, -2));
            assertThrows(TierException.class, () -> tier.put("", ByteBuffer.allocate(1)));
        }
    }

    @Test
    void theBufferOfAReplacedValueThatWasNeverReadIsReusedByTheNextPutOfItsSize() throws Exception
    {
        try (MemoryTier tier = new MemoryTier(1 << 20))
        {
            tier.put("a", ByteBuffer.wrap(randomBytes(VALUE, 1)));
            tier.put("a", ByteBuffer.wrap(randomBytes(VALUE, 2)));
            assertEquals(VALUE, tier.recycledBytes(), "the first value's buffer was kept");
            tier.put("b", ByteBuffer.wrap(randomBytes(VALUE, 3)));
            assertEquals(0, tier.recycledBytes(), "the next put of that size took it");
            assertTrue(tier.delete("b"));
            assertEquals(VALUE, tier.recycledBytes(), "a delete recycles too");
            tier.put("c", ByteBuffer.wrap(randomBytes(VALUE + 8, 4)));
            assertEquals(VALUE, tier.recycledBytes(), "only a buffer of the exact size is reused");
            assertBytes(randomBytes(VALUE, 2), tier.get("a", 0, -1));
            assertBytes(randomBytes(VALUE + 8, 4), tier.get("c", 0, -1));
        }
    }

    @Test
    void aValueHandedOutAsAViewIsNeverRecycledButOneOnlyCopiedOutIs() throws Exception
    {
        try (MemoryTier tier = new MemoryTier(1 << 20))
        {
            tier.put("viewed", ByteBuffer.wrap(randomBytes(VALUE, 10)));
            final ByteBuffer view = tier.get("viewed", 0, -1).slice(100, 1000).duplicate();
            tier.put("viewed", ByteBuffer.wrap(randomBytes(VALUE, 11)));
            assertEquals(0, tier.recycledBytes(), "a viewed buffer stays out of the pool");

            tier.put("copied", ByteBuffer.wrap(randomBytes(VALUE, 12)));
            final ByteBuffer copy = ByteBuffer.allocateDirect(VALUE);
            assertEquals(VALUE, tier.read("copied", 0, copy));
            tier.put("copied", ByteBuffer.wrap(randomBytes(VALUE, 13)));
            assertEquals(VALUE, tier.recycledBytes(), "read() copies out without exposing the buffer");

            for (int i = 0; i < 10; i++)
            {
                tier.put("other-" + i, ByteBuffer.wrap(randomBytes(VALUE, 100 + i)));
                tier.delete("other-" + i);
            }
            assertBytes(TierDriverContractTest.slice(randomBytes(VALUE, 10), 100, 1000), view, "a derived view");
            assertBytes(randomBytes(VALUE, 12), copy.flip());
        }
    }

    @Test
    void recycledBuffersAreBoundedAndTheLeastRecentlyUsedSizeGoesFirst() throws Exception
    {
        try (MemoryTier tier = new MemoryTier(1 << 20, 3 * VALUE))
        {
            for (int i = 0; i < 4; i++)
            {
                tier.put("odd-" + i, ByteBuffer.wrap(randomBytes(VALUE + 8 * i, i)));
                tier.delete("odd-" + i);
            }
            assertTrue(tier.recycledBytes() <= 3 * VALUE + 24, "bounded: " + tier.recycledBytes());
            tier.put("common", ByteBuffer.wrap(randomBytes(VALUE, 9)));
            tier.delete("common");
            tier.put("common-2", ByteBuffer.wrap(randomBytes(VALUE, 10)));
            assertEquals(VALUE, tier.size("common-2"));
            assertTrue(tier.recycledBytes() <= 3 * VALUE, "still bounded: " + tier.recycledBytes());
        }
        try (MemoryTier tier = new MemoryTier(1 << 20, 0))
        {
            tier.put("a", ByteBuffer.wrap(randomBytes(VALUE, 1)));
            tier.delete("a");
            assertEquals(0, tier.recycledBytes(), "recycling can be turned off");
        }
    }

    /**
     * Writers replace and delete fixed-size values (so buffers really are recycled) while readers take views, hold on
     * to them, and copy values out; every view must keep the bytes it had, and no read may see a mix of two values.
     */
    @Test
    @Timeout(60)
    void viewsHeldAcrossHeavyRecyclingKeepTheirBytes() throws Exception
    {
        final int threads = 4;
        final int keys = 4;
        final int operations = 4000;
        final AtomicLong viewsChecked = new AtomicLong();
        final ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (MemoryTier tier = new MemoryTier(64L << 20, 1L << 20))
        {
            final List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++)
            {
                final long threadSeed = 77L * (t + 1);
                futures.add(pool.submit(() ->
                {
                    final Random random = new Random(threadSeed);
                    final ArrayDeque<ByteBuffer> held = new ArrayDeque<>();
                    final ArrayDeque<Long> heldSeeds = new ArrayDeque<>();
                    final ByteBuffer copy = ByteBuffer.allocateDirect(VALUE);
                    for (int i = 0; i < operations; i++)
                    {
                        final String key = "r/" + random.nextInt(keys);
                        switch (random.nextInt(5))
                        {
                            case 0, 1 -> tier.put(key, ByteBuffer.wrap(fixedValue(random.nextLong())));
                            case 2 -> tier.delete(key);
                            case 3 ->
                            {
                                final ByteBuffer view = tier.get(key, 0, -1);
                                if (view != null)
                                {
                                    held.addLast(view);
                                    heldSeeds.addLast(assertFixedValue(key, view));
                                }
                            }
                            default ->
                            {
                                copy.clear();
                                if (tier.read(key, 0, copy) >= 0)
                                {
                                    assertFixedValue(key, copy.flip());
                                }
                            }
                        }
                        if (held.size() > 16 || i == operations - 1)
                        {
                            while (!held.isEmpty())
                            {
                                final ByteBuffer view = held.pollFirst();
                                assertEquals(heldSeeds.pollFirst(), assertFixedValue("held", view),
                                    "a held view changed");
                                viewsChecked.incrementAndGet();
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
        assertTrue(viewsChecked.get() > 100, "readers held views: " + viewsChecked.get());
    }

    /** A value of {@link #VALUE} bytes whose first 8 are the seed of the rest. */
    private static byte[] fixedValue(final long seed)
    {
        final byte[] value = randomBytes(VALUE, seed);
        ByteBuffer.wrap(value).putLong(seed);
        return value;
    }

    /** Checks {@code read} is one whole {@link #fixedValue}; returns its seed. */
    private static long assertFixedValue(final String key, final ByteBuffer read)
    {
        assertEquals(VALUE, read.remaining(), key + ": length");
        final long seed = read.duplicate().getLong();
        final byte[] bytes = new byte[VALUE];
        read.duplicate().get(bytes);
        assertArrayEquals(fixedValue(seed), bytes, key + ": torn, mixed or overwritten value");
        return seed;
    }
}
