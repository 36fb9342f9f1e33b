package dev.terrace.placement.internal;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SlotListTest
{
    @Test
    void keepsOrderAndWeightThroughRandomOperations()
    {
        final EntryTable table = new EntryTable(4);
        final SlotList list = new SlotList(table);
        final List<Long> reference = new ArrayList<>();
        final SplittableRandom random = new SplittableRandom(7);
        long nextId = 0;
        for (int i = 0; i < 20_000; i++)
        {
            final int op = random.nextInt(4);
            if (op == 0 || reference.isEmpty())
            {
                final long id = nextId++;
                final int slot = table.allocate(id, 1 + (id % 5));
                list.addLast(slot);
                reference.add(id);
            }
            else if (op == 1)
            {
                final long id = reference.remove(random.nextInt(reference.size()));
                final int slot = table.find(id);
                list.remove(slot);
                table.free(slot);
            }
            else if (op == 2)
            {
                final long id = reference.remove(random.nextInt(reference.size()));
                list.moveToLast(table.find(id));
                reference.add(id);
            }
            else
            {
                final long id = reference.remove(0);
                final int slot = list.pollFirst();
                assertEquals(id, table.id(slot));
                table.free(slot);
            }
            assertEquals(reference.size(), list.size());
            assertEquals(reference.size(), table.size());
        }
        final Deque<Long> walked = new ArrayDeque<>();
        long weight = 0;
        for (int slot = list.first(); slot != EntryTable.NONE; slot = table.next(slot))
        {
            walked.add(table.id(slot));
            weight += table.weight(slot);
        }
        assertEquals(reference, new ArrayList<>(walked));
        assertEquals(weight, list.weight());
    }

    @Test
    void tableRejectsDuplicateIds()
    {
        final EntryTable table = new EntryTable(4);
        table.allocate(5, 1);
        assertThrows(IllegalStateException.class, () -> table.allocate(5, 1));
    }
}
