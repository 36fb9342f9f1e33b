package dev.terrace.placement;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HintTest
{
    @Test
    void invalidHintsSayWhatIsWrong()
    {
        final List<long[]> one = List.<long[]>of(new long[] {1});
        assertMessage("hintId must not be blank", () -> new Hint(" ", "j", "ns", one, true, 0, 0, 1));
        assertMessage("jobId must not be blank", () -> new Hint("h", null, "ns", one, true, 0, 0, 1));
        assertMessage("namespace must not be blank", () -> new Hint("h", "j", "", one, true, 0, 0, 1));
        assertMessage("at least one sequence", () -> new Hint("h", "j", "ns", List.of(), true, 0, 0, 1));
        assertMessage("must not be empty", () -> new Hint("h", "j", "ns", List.of(new long[0]), true, 0, 0, 1));
        assertMessage("is before startAtMillis", () -> new Hint("h", "j", "ns", one, true, 10, 0, 5));
    }

    @Test
    void holdsACopyOfTheCallersArrays()
    {
        final long[] chain = {1, 2, 3};
        final List<long[]> sequences = new ArrayList<>();
        sequences.add(chain);
        final Hint hint = new Hint("h", "j", "ns", sequences, true, 0, 0, 1);
        chain[0] = 99;
        sequences.clear();
        hint.sequences().get(0)[1] = 98;

        assertEquals(1, hint.sequenceCount());
        assertEquals(3, hint.itemCount());
        assertEquals(1, hint.sequence(0)[0]);
        assertEquals(2, hint.sequence(0)[1]);
    }

    @Test
    void budgetsMustBePositive()
    {
        assertThrows(IllegalArgumentException.class, () -> new PrefetchBudget(0, 1, 1, 1));
        final PrefetchBudget budget = PrefetchBudget.forCapacity(1000, 30_000);
        assertEquals(250, budget.maxPlanWeight());
        assertEquals(500, budget.maxJobWeight());
        assertEquals(750, budget.maxNamespaceWeight());
    }

    private static void assertMessage(final String expected, final Runnable construction)
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, construction::run);
        assertTrue(ex.getMessage().contains(expected), ex.getMessage());
    }
}
