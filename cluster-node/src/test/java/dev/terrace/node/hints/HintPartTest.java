package dev.terrace.node.hints;

import dev.terrace.node.store.ItemKind;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A part's sequence follows the job's reads: a read consumes the earliest unread listing of its item, the window
 * starts at the first position not done, and forwarded positions are done without counting as reads.
 */
class HintPartTest
{
    @Test
    void readsConsumeTheEarliestListingAndMoveTheWindow()
    {
        // Two epochs over three files: a, b, c then c, a, b.
        final HintPart.Sequence sequence = new HintPart.Sequence("h#0", ItemKind.OBJECT, "data", false,
            List.of("a", "b", "c", "c", "a", "b"));
        final long a = HintPart.itemId(ItemKind.OBJECT, "data", "a");
        final long b = HintPart.itemId(ItemKind.OBJECT, "data", "b");
        final long c = HintPart.itemId(ItemKind.OBJECT, "data", "c");

        assertTrue(sequence.markRead(b));
        assertEquals(0, sequence.first, "a is still unread");
        assertTrue(sequence.markRead(a));
        assertEquals(2, sequence.first);
        assertTrue(sequence.markRead(c));
        assertTrue(sequence.markRead(c));
        assertEquals(4, sequence.first, "the second c is the next epoch's first read");
        assertEquals(4, sequence.reads);

        sequence.markMoved(5);
        assertEquals(4, sequence.first);
        assertTrue(sequence.markRead(a));
        assertEquals(6, sequence.first, "everything is done");
        assertFalse(sequence.markRead(b), "b's last listing was forwarded: no unread listing is left");
        assertEquals(5, sequence.reads);
        assertTrue(sequence.moved.get(5));
    }

    @Test
    void aWindowIsResentOnlyWhenItChanges()
    {
        final HintPart.Sequence sequence = new HintPart.Sequence("h#0", ItemKind.KV_BLOCK, "llama", true,
            List.of("1", "2"));
        final long[] window = {sequence.ids[0], sequence.ids[1]};
        assertTrue(sequence.changed(window));
        sequence.planned = window.clone();
        assertFalse(sequence.changed(window));
        assertTrue(sequence.changed(new long[] {sequence.ids[1]}));
        assertEquals(sequence.slot(0), dev.terrace.protocol.SlotHash.kvSlot("llama", 1, 1024));
    }
}
