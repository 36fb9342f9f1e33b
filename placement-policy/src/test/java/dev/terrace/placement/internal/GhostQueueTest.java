package dev.terrace.placement.internal;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GhostQueueTest
{
    @Test
    void forgetsTheOldestBeyondItsLimit()
    {
        final GhostQueue ghost = new GhostQueue(3);
        for (long id = 1; id <= 5; id++)
        {
            ghost.add(id, (byte)id);
        }
        assertFalse(ghost.contains(1));
        assertFalse(ghost.contains(2));
        assertTrue(ghost.contains(3));
        assertEquals(5, ghost.tag(5));
        assertEquals(-1, ghost.tag(1));
        assertEquals(3, ghost.size());
    }

    @Test
    void reAddingMovesAnIdToTheNewestEnd()
    {
        final GhostQueue ghost = new GhostQueue(3);
        ghost.add(1);
        ghost.add(2);
        ghost.add(3);
        ghost.add(1);
        // The stale position of the first 1 counts against the limit until it reaches the head.
        ghost.add(4);
        assertTrue(ghost.contains(1));
        assertTrue(ghost.contains(4));
        assertFalse(ghost.contains(2));
    }

    @Test
    void removeAndShrinkKeepItBounded()
    {
        final GhostQueue ghost = new GhostQueue(100);
        for (long id = 0; id < 10_000; id++)
        {
            ghost.add(id);
            if (id % 3 == 0)
            {
                assertTrue(ghost.remove(id));
            }
        }
        assertTrue(ghost.size() <= 100);
        ghost.limit(10);
        assertTrue(ghost.size() <= 10);
        assertTrue(ghost.contains(9_998));
        assertFalse(ghost.contains(9_999));
        assertFalse(ghost.remove(9_999 - 2 * 3));
    }

    @Test
    void tellsWhatFallsOffTheOldEndButNotWhatIsRemoved()
    {
        final StringBuilder forgotten = new StringBuilder();
        final GhostQueue ghost = new GhostQueue(2, (id, tag) -> forgotten.append(id).append('/').append(tag).append(' '));
        ghost.add(1, (byte)7);
        ghost.add(2, (byte)8);
        ghost.remove(2);
        ghost.add(3, (byte)9);
        ghost.add(4, (byte)10);
        assertEquals("1/7 ", forgotten.toString());
        ghost.limit(1);
        assertEquals("1/7 3/9 ", forgotten.toString());
    }

    @Test
    void growsPastItsInitialRing()
    {
        final GhostQueue ghost = new GhostQueue(100_000);
        for (long id = 0; id < 100_000; id++)
        {
            ghost.add(id, (byte)(id & 0x3F));
        }
        assertEquals(100_000, ghost.size());
        assertEquals(12_345 & 0x3F, ghost.tag(12_345));
        ghost.add(100_000);
        assertFalse(ghost.contains(0));
    }
}
