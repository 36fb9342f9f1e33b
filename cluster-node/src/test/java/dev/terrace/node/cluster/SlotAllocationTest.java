package dev.terrace.node.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Properties of rendezvous slot allocation: minimal movement on join and leave, balance, determinism and the
 * replica order.
 */
class SlotAllocationTest
{
    private static final int SLOTS = 1024;

    private static List<String> nodes(final String pattern, final int count)
    {
        final List<String> ids = new ArrayList<>();
        for (int i = 1; i <= count; i++)
        {
            ids.add(String.format(pattern, i));
        }
        return ids;
    }

    @ParameterizedTest
    @ValueSource(strings = {"node-%d", "host-%d", "10.0.0.%d:7355", "terrace-%d"})
    void joiningAFourthNodeMovesAboutAQuarterOfTheSlotsAllToIt(final String pattern)
    {
        final List<String> three = nodes(pattern, 3);
        final List<String> four = nodes(pattern, 4);
        final String joiner = four.get(3);
        final List<String> before = SlotAllocation.assignment(SLOTS, three);
        final List<String> after = SlotAllocation.assignment(SLOTS, four);
        int moved = 0;
        for (int slot = 0; slot < SLOTS; slot++)
        {
            if (!before.get(slot).equals(after.get(slot)))
            {
                moved++;
                assertEquals(joiner, after.get(slot), "slot " + slot + " moved between two nodes that both stay");
            }
        }
        final double ideal = SLOTS / 4.0;
        assertTrue(Math.abs(moved - ideal) <= 0.15 * ideal, pattern + ": " + moved + " slots moved, ideal " + ideal);
        System.out.printf("HRW join 3->4 (%s): %d of %d slots moved (ideal %.0f), all to the new node%n",
            pattern, moved, SLOTS, ideal);
    }

    @Test
    void onAverageAJoinerTakesExactlyItsShare()
    {
        final Random random = new Random(42);
        long moved = 0;
        final int trials = 300;
        for (int trial = 0; trial < trials; trial++)
        {
            final List<String> ids = randomIds(random, 4);
            final List<String> before = SlotAllocation.assignment(SLOTS, ids.subList(0, 3));
            final List<String> after = SlotAllocation.assignment(SLOTS, ids);
            for (int slot = 0; slot < SLOTS; slot++)
            {
                if (!before.get(slot).equals(after.get(slot)))
                {
                    moved++;
                    assertEquals(ids.get(3), after.get(slot));
                }
            }
        }
        final double mean = (double)moved / trials;
        assertEquals(SLOTS / 4.0, mean, SLOTS / 4.0 * 0.02, "mean slots moved per join");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void aLeavingNodeGivesUpOnlyItsSlotsEachToItsFirstReplica(final int leaverIndex)
    {
        final List<String> four = nodes("node-%d", 4);
        final String leaver = four.get(leaverIndex);
        final List<String> three = new ArrayList<>(four);
        three.remove(leaver);
        final List<String> before = SlotAllocation.assignment(SLOTS, four);
        final List<String> after = SlotAllocation.assignment(SLOTS, three);
        int moved = 0;
        for (int slot = 0; slot < SLOTS; slot++)
        {
            if (before.get(slot).equals(leaver))
            {
                moved++;
                assertEquals(SlotAllocation.rankedOwners(slot, four, 2).get(1), after.get(slot),
                    "slot " + slot + " must go to its second-ranked node");
            }
            else
            {
                assertEquals(before.get(slot), after.get(slot), "slot " + slot + " moved but its owner stayed");
            }
        }
        assertEquals(Collections.frequency(before, leaver), moved);
    }

    @ParameterizedTest
    @ValueSource(strings = {"node-%d", "terrace-%d"})
    void balanceIsWithinTwentyPercentForTwoToEightNodes(final String pattern)
    {
        final StringBuilder figures = new StringBuilder("HRW balance (" + pattern + ", 1024 slots), worst deviation:");
        for (int n = 2; n <= 8; n++)
        {
            final List<String> ids = nodes(pattern, n);
            final Map<String, Integer> counts = counts(SlotAllocation.assignment(SLOTS, ids));
            final double ideal = (double)SLOTS / n;
            double worst = 0;
            for (final String id : ids)
            {
                final int count = counts.getOrDefault(id, 0);
                worst = Math.max(worst, Math.abs(count - ideal) / ideal);
                assertTrue(Math.abs(count - ideal) <= 0.2 * ideal, "N=" + n + ": " + id + " owns " + count +
                    " slots, ideal " + ideal);
            }
            figures.append(String.format(" N=%d %.1f%%", n, worst * 100));
        }
        System.out.println(figures);
    }

    /**
     * Over many random id sets, slot counts per node must spread like a fair random assignment (binomial): the
     * hash favours no node, and its spread is what HRW promises, no worse.
     */
    @Test
    void slotCountsSpreadLikeAFairRandomAssignment()
    {
        final Random random = new Random(7);
        final StringBuilder figures = new StringBuilder("HRW spread vs binomial, 1000 random id sets:");
        for (int n = 2; n <= 8; n++)
        {
            final int sets = 1000;
            double sumSquares = 0;
            int withinTwentyPercent = 0;
            final double ideal = (double)SLOTS / n;
            for (int set = 0; set < sets; set++)
            {
                final List<String> ids = randomIds(random, n);
                final Map<String, Integer> counts = counts(SlotAllocation.assignment(SLOTS, ids));
                double worst = 0;
                for (final String id : ids)
                {
                    final double deviation = counts.getOrDefault(id, 0) - ideal;
                    sumSquares += deviation * deviation;
                    worst = Math.max(worst, Math.abs(deviation) / ideal);
                }
                if (worst <= 0.2)
                {
                    withinTwentyPercent++;
                }
            }
            final double variance = sumSquares / (sets * n);
            final double binomial = SLOTS * (1.0 / n) * (1 - 1.0 / n);
            assertEquals(1.0, variance / binomial, 0.15, "N=" + n + " variance " + variance + " vs " + binomial);
            figures.append(String.format(" N=%d sd %.1f (binomial %.1f) within20%% %.1f%%;", n, Math.sqrt(variance),
                Math.sqrt(binomial), 100.0 * withinTwentyPercent / sets));
        }
        System.out.println(figures);
    }

    @Test
    void resultsDependOnlyOnTheSetOfNodeIds()
    {
        final List<String> ids = nodes("node-%d", 6);
        final List<String> shuffled = new ArrayList<>(ids);
        Collections.shuffle(shuffled, new Random(3));
        final List<String> withDuplicates = new ArrayList<>(ids);
        withDuplicates.addAll(ids.subList(0, 3));
        final List<String> reference = SlotAllocation.assignment(SLOTS, ids);
        assertEquals(reference, SlotAllocation.assignment(SLOTS, shuffled));
        assertEquals(reference, SlotAllocation.assignment(SLOTS, new TreeSet<>(ids)));
        assertEquals(reference, SlotAllocation.assignment(SLOTS, new HashSet<>(ids)));
        assertEquals(reference, SlotAllocation.assignment(SLOTS, withDuplicates));
        for (int slot = 0; slot < SLOTS; slot++)
        {
            assertEquals(reference.get(slot), SlotAllocation.ownerOf(slot, shuffled));
            assertEquals(SlotAllocation.rankedOwners(slot, ids, 6), SlotAllocation.rankedOwners(slot, shuffled, 6));
        }
    }

    @Test
    void hashIsPinnedAcrossVersions()
    {
        // Every node and SDK must compute the same owners forever: a change here moves every slot of a cluster.
        assertEquals(0x2e0e73b0b75045cfL, SlotAllocation.weight(0, "node-1"));
        assertEquals(0x230da3589db3529cL, SlotAllocation.weight(1023, "node-2"));
        final List<String> ids = nodes("node-%d", 4);
        assertEquals(List.of("node-2", "node-1", "node-3", "node-1", "node-4", "node-2", "node-4", "node-2"),
            SlotAllocation.assignment(8, ids));
        assertEquals(List.of("node-2", "node-4", "node-3", "node-1"), SlotAllocation.rankedOwners(5, ids, 4));
    }

    @Test
    void rankedOwnersAreDistinctOrderedByWeightAndHeadedByTheOwner()
    {
        final List<String> ids = nodes("node-%d", 5);
        for (int slot = 0; slot < SLOTS; slot++)
        {
            final List<String> ranked = SlotAllocation.rankedOwners(slot, ids, 5);
            assertEquals(5, new HashSet<>(ranked).size(), "distinct");
            assertEquals(new HashSet<>(ids), new HashSet<>(ranked));
            assertEquals(SlotAllocation.ownerOf(slot, ids), ranked.get(0));
            for (int i = 1; i < ranked.size(); i++)
            {
                assertTrue(Long.compareUnsigned(SlotAllocation.weight(slot, ranked.get(i - 1)),
                    SlotAllocation.weight(slot, ranked.get(i))) > 0, "ranked by weight");
            }
            assertEquals(ranked.subList(0, 2), SlotAllocation.rankedOwners(slot, ids, 2));
            assertEquals(ranked, SlotAllocation.rankedOwners(slot, ids, 50));
            // The second-ranked node is exactly the one that owns the slot once the owner is gone.
            final List<String> withoutOwner = new ArrayList<>(ids);
            withoutOwner.remove(ranked.get(0));
            assertEquals(ranked.get(1), SlotAllocation.ownerOf(slot, withoutOwner));
            assertEquals(ranked.subList(1, 5), SlotAllocation.rankedOwners(slot, withoutOwner, 4));
        }
    }

    @Test
    void replicaSetsSpreadOverAllPairs()
    {
        // With R = 2 every ordered (owner, replica) pair should appear, so one node's loss spreads its load.
        final List<String> ids = nodes("node-%d", 4);
        final Set<String> pairs = new HashSet<>();
        for (int slot = 0; slot < SLOTS; slot++)
        {
            final List<String> ranked = SlotAllocation.rankedOwners(slot, ids, 2);
            assertNotEquals(ranked.get(0), ranked.get(1));
            pairs.add(ranked.get(0) + ">" + ranked.get(1));
        }
        assertEquals(12, pairs.size());
    }

    @Test
    void rejectsBadArguments()
    {
        assertThrows(IllegalArgumentException.class, () -> SlotAllocation.ownerOf(0, List.of()));
        assertThrows(IllegalArgumentException.class, () -> SlotAllocation.ownerOf(-1, List.of("a")));
        assertThrows(IllegalArgumentException.class, () -> SlotAllocation.rankedOwners(0, List.of("a"), 0));
        assertThrows(IllegalArgumentException.class, () -> SlotAllocation.assignment(0, List.of("a")));
        assertThrows(NullPointerException.class, () -> SlotAllocation.ownerOf(0, java.util.Arrays.asList("a", null)));
        assertEquals("a", SlotAllocation.ownerOf(12, List.of("a")));
    }

    private static List<String> randomIds(final Random random, final int count)
    {
        final Set<String> ids = new java.util.LinkedHashSet<>();
        while (ids.size() < count)
        {
            ids.add("host" + random.nextInt(1_000_000) + "-" + (7000 + random.nextInt(1000)));
        }
        return new ArrayList<>(ids);
    }

    private static Map<String, Integer> counts(final List<String> owners)
    {
        final Map<String, Integer> counts = new HashMap<>();
        for (final String owner : owners)
        {
            counts.merge(owner, 1, Integer::sum);
        }
        return counts;
    }
}
