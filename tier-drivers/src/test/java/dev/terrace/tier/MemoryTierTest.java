package dev.terrace.tier;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;

import static dev.terrace.tier.TierDriverContractTest.assertBytes;
import static dev.terrace.tier.TierDriverContractTest.randomBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the memory tier promises beyond the contract: off-heap views, no copies, replace needing only the difference.
 */
class MemoryTierTest
{
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
}
