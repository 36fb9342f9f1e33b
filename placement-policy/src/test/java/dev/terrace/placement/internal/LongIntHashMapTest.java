package dev.terrace.placement.internal;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LongIntHashMapTest
{
    @Test
    void behavesLikeAHashMapUnderRandomOperations()
    {
        final LongIntHashMap map = new LongIntHashMap(4);
        final Map<Long, Integer> reference = new HashMap<>();
        final SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 200_000; i++)
        {
            // A small key space forces collisions, long probe runs and many backward shifts.
            final long key = random.nextInt(3000) - 1500L + (random.nextBoolean() ? Long.MIN_VALUE : 0);
            final int op = random.nextInt(3);
            if (op == 0)
            {
                final int value = random.nextInt(1_000_000);
                final Integer previous = reference.put(key, value);
                assertEquals(previous == null ? LongIntHashMap.MISSING : previous, map.put(key, value));
            }
            else if (op == 1)
            {
                final Integer previous = reference.remove(key);
                assertEquals(previous == null ? LongIntHashMap.MISSING : previous, map.remove(key));
            }
            else
            {
                final Integer value = reference.get(key);
                assertEquals(value == null ? LongIntHashMap.MISSING : value, map.get(key));
            }
            assertEquals(reference.size(), map.size());
        }
        for (final Map.Entry<Long, Integer> e : reference.entrySet())
        {
            assertEquals(e.getValue(), map.get(e.getKey()));
        }
    }

    @Test
    void zeroAndNegativeKeysAreOrdinaryKeys()
    {
        final LongIntHashMap map = new LongIntHashMap(16);
        map.put(0, 7);
        map.put(-1, 8);
        map.put(Long.MAX_VALUE, 9);
        assertEquals(7, map.get(0));
        assertEquals(8, map.get(-1));
        assertEquals(9, map.get(Long.MAX_VALUE));
        assertTrue(map.containsKey(0));
        map.clear();
        assertFalse(map.containsKey(0));
        assertEquals(0, map.size());
    }

    @Test
    void rejectsNegativeValues()
    {
        assertThrows(IllegalArgumentException.class, () -> new LongIntHashMap(4).put(1, -1));
    }
}
