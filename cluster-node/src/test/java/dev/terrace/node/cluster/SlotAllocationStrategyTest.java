package dev.terrace.node.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.apache.pekko.actor.Address;
import org.junit.jupiter.api.Test;

/**
 * The allocation and rebalance decisions of {@link SlotAllocationStrategy}, driven the way the shard coordinator
 * drives them (allocate on demand, rebalance in rounds, re-allocate handed-off and orphaned shards), with plain
 * strings standing in for shard region references. {@code SlotAllocationStrategyIT} runs the same strategy in
 * real Pekko Cluster Sharding.
 */
class SlotAllocationStrategyTest
{
    private static final int SLOTS = 1024;
    private static final int LIMIT = 64;

    /** A model of the coordinator's state: regions, the node id each resolves to (or none), shards per region. */
    private static final class Coordinator
    {
        final Map<String, List<String>> shards = new LinkedHashMap<>();
        final Map<String, String> nodeIds = new LinkedHashMap<>();
        final List<String[]> moves = new ArrayList<>();
        int rounds;

        void addRegion(final String region, final String nodeId)
        {
            shards.put(region, new ArrayList<>());
            nodeIds.put(region, nodeId);
        }

        void allocate(final int slot)
        {
            final String region = SlotAllocationStrategy.allocate(slot, eligible());
            shards.get(region).add(Integer.toString(slot));
        }

        /** Runs rebalance rounds until nothing is misplaced; every round hands off its shards and re-allocates them. */
        void rebalanceUntilStable(final int limit)
        {
            while (true)
            {
                final List<String> round = SlotAllocationStrategy.shardsToMove(shards, eligible(), Set.of(), limit);
                if (round.isEmpty())
                {
                    return;
                }
                assertTrue(round.size() <= limit, "round of " + round.size());
                rounds++;
                for (final String shard : round)
                {
                    final String from = regionOf(shard);
                    shards.get(from).remove(shard);
                    final String to = SlotAllocationStrategy.allocate(Integer.parseInt(shard), eligible());
                    shards.get(to).add(shard);
                    moves.add(new String[] {shard, from, to});
                }
            }
        }

        /** A region that crashed: it vanishes with its shards, which are re-allocated as the coordinator does. */
        List<String> crash(final String region)
        {
            final List<String> orphans = shards.remove(region);
            nodeIds.remove(region);
            for (final String shard : orphans)
            {
                allocate(Integer.parseInt(shard));
            }
            return orphans;
        }

        /** The regions that may own slots, as the strategy sees them (it drops those resolving to no node). */
        Map<String, String> eligible()
        {
            return withoutNulls(nodeIds);
        }

        String regionOf(final String shard)
        {
            for (final Map.Entry<String, List<String>> entry : shards.entrySet())
            {
                if (entry.getValue().contains(shard))
                {
                    return entry.getKey();
                }
            }
            throw new AssertionError("shard " + shard + " is nowhere");
        }

        Map<Integer, String> ownerNodes()
        {
            final Map<Integer, String> owners = new HashMap<>();
            shards.forEach((region, list) -> list.forEach(s -> owners.put(Integer.parseInt(s), nodeIds.get(region))));
            return owners;
        }
    }

    private static Coordinator stableCluster(final int nodes)
    {
        final Coordinator coordinator = new Coordinator();
        for (int i = 1; i <= nodes; i++)
        {
            coordinator.addRegion("region-" + i, "node-" + i);
        }
        for (int slot = 0; slot < SLOTS; slot++)
        {
            coordinator.allocate(slot);
        }
        return coordinator;
    }

    private static void assertAtHrwOwners(final Coordinator coordinator)
    {
        final List<String> live = new ArrayList<>();
        coordinator.nodeIds.values().forEach(id ->
        {
            if (id != null)
            {
                live.add(id);
            }
        });
        final List<String> expected = SlotAllocation.assignment(SLOTS, live);
        final Map<Integer, String> actual = coordinator.ownerNodes();
        for (int slot = 0; slot < SLOTS; slot++)
        {
            assertEquals(expected.get(slot), actual.get(slot), "owner of slot " + slot);
        }
    }

    @Test
    void allocationFollowsRendezvousHashing()
    {
        final Coordinator coordinator = stableCluster(3);
        assertAtHrwOwners(coordinator);
        assertTrue(SlotAllocationStrategy.shardsToMove(coordinator.shards, coordinator.nodeIds, Set.of(), LIMIT).isEmpty(),
            "a cluster at its HRW allocation has nothing to rebalance");
    }

    @Test
    void aJoiningRegionReceivesAboutAQuarterFromAllOthersAndNothingElseMoves()
    {
        final Coordinator coordinator = stableCluster(3);
        coordinator.addRegion("region-4", "node-4");
        coordinator.rebalanceUntilStable(LIMIT);

        final int expected = java.util.Collections.frequency(
            SlotAllocation.assignment(SLOTS, List.of("node-1", "node-2", "node-3", "node-4")), "node-4");
        assertEquals(expected, coordinator.moves.size());
        assertTrue(Math.abs(expected - SLOTS / 4.0) <= 0.15 * SLOTS / 4.0, expected + " slots moved");
        final Set<String> donors = new HashSet<>();
        for (final String[] move : coordinator.moves)
        {
            assertEquals("region-4", move[2], "slot " + move[0] + " moved from " + move[1] + " to " + move[2]);
            donors.add(move[1]);
        }
        assertEquals(Set.of("region-1", "region-2", "region-3"), donors);
        assertEquals((expected + LIMIT - 1) / LIMIT, coordinator.rounds, "rounds of at most " + LIMIT);
        assertAtHrwOwners(coordinator);
        System.out.printf("strategy join 3->4: %d slots moved in %d rounds of <= %d, all to the new region%n",
            expected, coordinator.rounds, LIMIT);
    }

    @Test
    void aDrainingRegionHandsEachSlotToItsFirstReplicaAndNoOtherSlotMoves()
    {
        final Coordinator coordinator = stableCluster(4);
        final List<String> leaverSlots = new ArrayList<>(coordinator.shards.get("region-3"));
        // Leaving: the region still holds its shards but its member is no longer Up, so it resolves to no node.
        coordinator.nodeIds.put("region-3", null);
        coordinator.rebalanceUntilStable(LIMIT);

        assertEquals(leaverSlots.size(), coordinator.moves.size());
        final List<String> four = List.of("node-1", "node-2", "node-3", "node-4");
        for (final String[] move : coordinator.moves)
        {
            assertEquals("region-3", move[1], "only the leaver gives up slots");
            final String firstReplica = SlotAllocation.rankedOwners(Integer.parseInt(move[0]), four, 2).get(1);
            assertEquals(firstReplica, coordinator.nodeIds.get(move[2]));
        }
        assertTrue(coordinator.shards.get("region-3").isEmpty());
        coordinator.shards.remove("region-3");
        coordinator.nodeIds.remove("region-3");
        assertAtHrwOwners(coordinator);
    }

    @Test
    void aCrashedRegionsSlotsAreReallocatedToTheirFirstReplicas()
    {
        final Coordinator coordinator = stableCluster(4);
        final Map<Integer, String> before = coordinator.ownerNodes();
        final List<String> orphans = coordinator.crash("region-2");
        coordinator.rebalanceUntilStable(LIMIT);
        assertTrue(coordinator.moves.isEmpty(), "re-allocation alone puts every slot in place");
        final Map<Integer, String> after = coordinator.ownerNodes();
        final List<String> four = List.of("node-1", "node-2", "node-3", "node-4");
        for (int slot = 0; slot < SLOTS; slot++)
        {
            if (orphans.contains(Integer.toString(slot)))
            {
                assertEquals(SlotAllocation.rankedOwners(slot, four, 2).get(1), after.get(slot));
            }
            else
            {
                assertEquals(before.get(slot), after.get(slot));
            }
        }
        assertAtHrwOwners(coordinator);
    }

    @Test
    void randomMembershipChangesNeverMoveASlotBetweenTwoNodesThatStay()
    {
        final Random random = new Random(11);
        final Coordinator coordinator = stableCluster(3);
        int next = 4;
        for (int change = 0; change < 40; change++)
        {
            final Set<String> stayersBefore = new HashSet<>(coordinator.nodeIds.keySet());
            final boolean join = coordinator.shards.size() < 2 || (coordinator.shards.size() < 8 && random.nextBoolean());
            if (join)
            {
                coordinator.addRegion("region-" + next, "node-" + next);
                next++;
            }
            else
            {
                final List<String> regions = new ArrayList<>(coordinator.shards.keySet());
                final String leaver = regions.get(random.nextInt(regions.size()));
                stayersBefore.remove(leaver);
                if (random.nextBoolean())
                {
                    coordinator.crash(leaver);
                }
                else
                {
                    coordinator.nodeIds.put(leaver, null);
                }
            }
            coordinator.moves.clear();
            coordinator.rebalanceUntilStable(LIMIT);
            for (final String[] move : coordinator.moves)
            {
                assertFalse(stayersBefore.contains(move[1]) && stayersBefore.contains(move[2]),
                    "change " + change + ": slot " + move[0] + " moved between stayers " + move[1] + " and " + move[2]);
            }
            coordinator.nodeIds.entrySet().removeIf(e ->
            {
                final boolean drained = e.getValue() == null;
                if (drained)
                {
                    assertTrue(coordinator.shards.get(e.getKey()).isEmpty());
                    coordinator.shards.remove(e.getKey());
                }
                return drained;
            });
            assertAtHrwOwners(coordinator);
        }
    }

    @Test
    void rebalanceRespectsShardsInProgressAndTheLimit()
    {
        final Coordinator coordinator = stableCluster(3);
        coordinator.addRegion("region-4", "node-4");
        final List<String> all = SlotAllocationStrategy.shardsToMove(coordinator.shards, coordinator.nodeIds, Set.of(), SLOTS);
        final Set<String> inProgress = new HashSet<>(all.subList(0, 60));
        final List<String> round = SlotAllocationStrategy.shardsToMove(coordinator.shards, coordinator.nodeIds, inProgress, 4);
        assertEquals(4, round.size());
        assertEquals(all.subList(60, 64), round, "lowest slots first, skipping those in progress");
        assertTrue(SlotAllocationStrategy.shardsToMove(coordinator.shards, coordinator.nodeIds, inProgress, 0).isEmpty());
    }

    @Test
    void nothingMovesWhileTwoRegionsClaimOneNode()
    {
        final Coordinator coordinator = stableCluster(3);
        coordinator.addRegion("region-1b", "node-1");
        coordinator.addRegion("region-4", "node-4");
        assertTrue(SlotAllocationStrategy.shardsToMove(coordinator.shards, coordinator.nodeIds, Set.of(), LIMIT).isEmpty());
        // Allocation still answers, from one of the two claimants, consistently.
        final String region = SlotAllocationStrategy.allocate(5, coordinator.nodeIds);
        assertEquals(region, SlotAllocationStrategy.allocate(5, coordinator.nodeIds));
    }

    @Test
    void regionsWithoutANodeIdOwnNothing()
    {
        final Map<String, String> none = new HashMap<>();
        assertNull(SlotAllocationStrategy.allocate(3, none));
        assertTrue(SlotAllocationStrategy.shardsToMove(Map.of("r", List.of("1")), none, Set.of(), LIMIT).isEmpty());
        final Map<String, String> one = new HashMap<>();
        one.put("gone", null);
        one.put("kept", "node-k");
        for (int slot = 0; slot < 64; slot++)
        {
            assertEquals("kept", SlotAllocationStrategy.allocate(slot, withoutNulls(one)));
        }
    }

    @Test
    void shardIdsThatAreNotSlotNumbersAreLeftAlone()
    {
        final Map<String, List<String>> shards = Map.of("region-1", List.of("x", "-1", "007", "99999999999", ""));
        final Map<String, String> nodeIds = Map.of("region-1", "node-1", "region-2", "node-2");
        assertTrue(SlotAllocationStrategy.shardsToMove(shards, nodeIds, Set.of(), LIMIT).isEmpty());
        assertEquals(0, SlotAllocationStrategy.slotOf("0"));
        assertEquals(1023, SlotAllocationStrategy.slotOf("1023"));
        assertEquals(Integer.MAX_VALUE, SlotAllocationStrategy.slotOf("2147483647"));
        for (final String bad : new String[] {"", "-1", "007", "+1", "1 ", "2147483648", "12345678901", "a", null})
        {
            assertEquals(-1, SlotAllocationStrategy.slotOf(bad), "'" + bad + "'");
        }
    }

    @Test
    void constructorAndRoleHelpersValidate()
    {
        final Address self = new Address("pekko", "terrace", "127.0.0.1", 25520);
        assertThrows(IllegalArgumentException.class, () -> new SlotAllocationStrategy(a -> "n", self, 0, () -> true));
        assertEquals(64, new SlotAllocationStrategy(a -> "n", self, 64, () -> true).maxSimultaneousRebalance());
        assertEquals("terrace-node-id:node-7", SlotAllocationStrategy.nodeIdRole("node-7"));
        assertThrows(IllegalArgumentException.class, () -> SlotAllocationStrategy.nodeIdRole(""));
    }

    private static Map<String, String> withoutNulls(final Map<String, String> map)
    {
        final Map<String, String> copy = new HashMap<>();
        map.forEach((k, v) ->
        {
            if (v != null)
            {
                copy.put(k, v);
            }
        });
        return copy;
    }
}
