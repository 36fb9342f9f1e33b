package dev.terrace.node.cluster;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import com.typesafe.config.Config;

import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ShardCoordinator;
import org.apache.pekko.dispatch.Futures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import scala.collection.immutable.IndexedSeq;
import scala.concurrent.Future;

/**
 * Cluster Sharding allocation of slots by rendezvous hashing ({@link SlotAllocation}).
 * <p>
 * The shard id is the slot number in decimal. A shard region is identified by the node id of its node, found
 * from the region's address by a resolver (by default the member's cluster role
 * {@code terrace-node-id:<id>}; a region whose node is not {@code Up}, or has no such role, may not own slots).
 * {@link #allocateShard} returns the region of the slot's HRW owner among the current regions;
 * {@link #rebalance} returns the slots that sit on a region other than their HRW owner's, at most
 * {@code maxSimultaneousRebalance} in flight, lowest slots first. Because HRW ranks never depend on the other
 * nodes, a membership change moves slots only to a joining node or away from a leaving one, never between two
 * nodes that both stay. Rebalancing pauses while the gate says no (by default, while any member is unreachable,
 * since a hand-off to or from it would stall) or while two regions claim one node id.
 * <p>
 * This uses Pekko's public {@link ShardCoordinator.ShardAllocationStrategy} Java API. Pekko 1.7's
 * {@code ActorSystemDependentAllocationStrategy} is {@code @InternalApi}, so the actor system is taken at
 * construction instead: create the strategy on the node that starts sharding (the coordinator runs there).
 */
public final class SlotAllocationStrategy extends ShardCoordinator.AbstractShardAllocationStrategy
{
    /** Prefix of the cluster role that carries a node's Terrace node id. */
    public static final String NODE_ID_ROLE_PREFIX = "terrace-node-id:";

    /** Config path of the most slots handed off at once. */
    public static final String MAX_SIMULTANEOUS_REBALANCE_PATH = "terrace.cluster.max-simultaneous-rebalance";

    /** Most slots handed off at once unless configured. */
    public static final int DEFAULT_MAX_SIMULTANEOUS_REBALANCE = 64;

    private static final Logger LOG = LoggerFactory.getLogger(SlotAllocationStrategy.class);

    private final Function<Address, String> nodeIdOfAddress;
    private final Address selfAddress;
    private final int maxSimultaneousRebalance;
    private final BooleanSupplier rebalanceAllowed;

    /**
     * A strategy with an explicit node id resolver.
     *
     * @param nodeIdOfAddress          the node id of a cluster address, or null if that node may not own slots
     * @param selfAddress              this node's cluster address, substituted for the local region's address
     * @param maxSimultaneousRebalance most slots in hand-off at once, at least 1
     * @param rebalanceAllowed         consulted before each rebalance round; false skips the round
     */
    public SlotAllocationStrategy(
        final Function<Address, String> nodeIdOfAddress,
        final Address selfAddress,
        final int maxSimultaneousRebalance,
        final BooleanSupplier rebalanceAllowed)
    {
        if (maxSimultaneousRebalance < 1)
        {
            throw new IllegalArgumentException("maxSimultaneousRebalance must be at least 1: " + maxSimultaneousRebalance);
        }
        this.nodeIdOfAddress = Objects.requireNonNull(nodeIdOfAddress, "nodeIdOfAddress");
        this.selfAddress = Objects.requireNonNull(selfAddress, "selfAddress");
        this.maxSimultaneousRebalance = maxSimultaneousRebalance;
        this.rebalanceAllowed = Objects.requireNonNull(rebalanceAllowed, "rebalanceAllowed");
    }

    /**
     * The strategy a node uses: node ids from member roles, the rebalance limit from
     * {@value #MAX_SIMULTANEOUS_REBALANCE_PATH} (default {@value #DEFAULT_MAX_SIMULTANEOUS_REBALANCE}), and no
     * rebalancing while a member is unreachable.
     */
    public static SlotAllocationStrategy create(final ActorSystem<?> system)
    {
        final Cluster cluster = Cluster.get(Adapter.toClassic(system));
        return create(system, memberRoleResolver(cluster));
    }

    /** As {@link #create(ActorSystem)}, with the caller's node id resolver. */
    public static SlotAllocationStrategy create(final ActorSystem<?> system, final Function<Address, String> nodeIdOfAddress)
    {
        final Cluster cluster = Cluster.get(Adapter.toClassic(system));
        return new SlotAllocationStrategy(
            nodeIdOfAddress,
            cluster.selfAddress(),
            maxSimultaneousRebalance(system.settings().config()),
            () -> cluster.state().getUnreachable().isEmpty());
    }

    /** The cluster role that announces a node id. */
    public static String nodeIdRole(final String nodeId)
    {
        if (nodeId == null || nodeId.isEmpty())
        {
            throw new IllegalArgumentException("node id must not be empty");
        }
        return NODE_ID_ROLE_PREFIX + nodeId;
    }

    /** The node id a member announces in its roles, or null if it has none. */
    public static String nodeIdOf(final Member member)
    {
        for (final String role : member.getRoles())
        {
            if (role.startsWith(NODE_ID_ROLE_PREFIX) && role.length() > NODE_ID_ROLE_PREFIX.length())
            {
                return role.substring(NODE_ID_ROLE_PREFIX.length());
            }
        }
        return null;
    }

    /**
     * Resolves an address to the node id role of the {@code Up} member at that address in the cluster's current
     * state; null for any other status (joining, leaving, exiting, down) or an unknown address.
     */
    public static Function<Address, String> memberRoleResolver(final Cluster cluster)
    {
        return address ->
        {
            for (final Member member : cluster.state().getMembers())
            {
                if (member.address().equals(address))
                {
                    return member.status().equals(MemberStatus.up()) ? nodeIdOf(member) : null;
                }
            }
            return null;
        };
    }

    /** The most slots this strategy lets be in hand-off at once. */
    public int maxSimultaneousRebalance()
    {
        return maxSimultaneousRebalance;
    }

    @Override
    public Future<ActorRef> allocateShard(
        final ActorRef requester,
        final String shardId,
        final java.util.Map<ActorRef, IndexedSeq<String>> currentShardAllocations)
    {
        final int slot = slotOf(shardId);
        if (slot < 0)
        {
            return Futures.failed(new IllegalArgumentException("shard id " + shardId + " is not a slot number"));
        }
        final Map<ActorRef, String> eligible = eligibleRegions(currentShardAllocations.keySet());
        final ActorRef owner = allocate(slot, eligible);
        if (owner == null)
        {
            return Futures.failed(new IllegalStateException("no shard region belongs to an Up member with a " +
                NODE_ID_ROLE_PREFIX + "<id> role; slot " + slot + " cannot be allocated"));
        }
        return Futures.successful(owner);
    }

    @Override
    public Future<java.util.Set<String>> rebalance(
        final java.util.Map<ActorRef, IndexedSeq<String>> currentShardAllocations,
        final java.util.Set<String> rebalanceInProgress)
    {
        if (rebalanceInProgress.size() >= maxSimultaneousRebalance || !rebalanceAllowed.getAsBoolean())
        {
            return Futures.successful(Set.of());
        }
        final Map<ActorRef, List<String>> allocations = new HashMap<>();
        currentShardAllocations.forEach((region, shards) -> allocations.put(region, toList(shards)));
        final Map<ActorRef, String> eligible = eligibleRegions(allocations.keySet());
        final List<String> moves = shardsToMove(allocations, eligible, rebalanceInProgress,
            maxSimultaneousRebalance - rebalanceInProgress.size());
        if (!moves.isEmpty())
        {
            LOG.info("rebalancing {} slots to their rendezvous owners ({} already in hand-off)",
                moves.size(), rebalanceInProgress.size());
        }
        return Futures.successful(new HashSet<>(moves));
    }

    /**
     * The HRW owner's region of a slot among regions mapped to node ids; null if there are none. If two regions
     * claim one node id, the first in {@link ActorRef} order serves it.
     */
    static <R> R allocate(final int slot, final Map<R, String> nodeIdOfRegion)
    {
        if (nodeIdOfRegion.isEmpty())
        {
            return null;
        }
        final Map<String, R> regionOfNode = regionOfNode(nodeIdOfRegion);
        return regionOfNode.get(SlotAllocation.ownerOf(slot, regionOfNode.keySet()));
    }

    /**
     * The slots to hand off in one round: those on a region other than their HRW owner's, lowest first, at most
     * {@code limit}. Slots in progress and shard ids that are not slot numbers are left alone. Nothing moves if no
     * region may own slots, or while two regions claim the same node id (one is a stale incarnation that the
     * coordinator has not yet dropped).
     */
    static <R> List<String> shardsToMove(
        final Map<R, ? extends Collection<String>> allocations,
        final Map<R, String> nodeIdOfRegion,
        final Set<String> inProgress,
        final int limit)
    {
        if (nodeIdOfRegion.isEmpty() || limit < 1 || new HashSet<>(nodeIdOfRegion.values()).size() < nodeIdOfRegion.size())
        {
            return List.of();
        }
        final Map<String, R> regionOfNode = regionOfNode(nodeIdOfRegion);
        final List<String> nodeIds = new ArrayList<>(regionOfNode.keySet());
        final TreeMap<Integer, String> misplaced = new TreeMap<>();
        allocations.forEach((region, shards) ->
        {
            for (final String shard : shards)
            {
                final int slot = slotOf(shard);
                if (slot >= 0 && !inProgress.contains(shard) &&
                    !regionOfNode.get(SlotAllocation.ownerOf(slot, nodeIds)).equals(region))
                {
                    misplaced.put(slot, shard);
                }
            }
        });
        final List<String> moves = new ArrayList<>(Math.min(limit, misplaced.size()));
        for (final String shard : misplaced.values())
        {
            if (moves.size() == limit)
            {
                break;
            }
            moves.add(shard);
        }
        return moves;
    }

    /** The slot number of a shard id, or -1 if it is not the decimal form of a non-negative int. */
    static int slotOf(final String shardId)
    {
        if (shardId == null || shardId.isEmpty() || shardId.length() > 10)
        {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < shardId.length(); i++)
        {
            final char c = shardId.charAt(i);
            if (c < '0' || c > '9' || (c == '0' && i == 0 && shardId.length() > 1))
            {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value > Integer.MAX_VALUE ? -1 : (int)value;
    }

    private Map<ActorRef, String> eligibleRegions(final Collection<ActorRef> regions)
    {
        final Map<ActorRef, String> eligible = new LinkedHashMap<>();
        for (final ActorRef region : regions)
        {
            final Address address = region.path().address();
            final String nodeId = nodeIdOfAddress.apply(address.hasLocalScope() ? selfAddress : address);
            if (nodeId != null)
            {
                eligible.put(region, nodeId);
            }
        }
        return eligible;
    }

    private static <R> Map<String, R> regionOfNode(final Map<R, String> nodeIdOfRegion)
    {
        final Map<String, R> regionOfNode = new HashMap<>();
        nodeIdOfRegion.forEach((region, nodeId) -> regionOfNode.merge(nodeId, region, SlotAllocationStrategy::first));
        return regionOfNode;
    }

    @SuppressWarnings("unchecked")
    private static <R> R first(final R a, final R b)
    {
        if (a instanceof Comparable<?> comparable)
        {
            return ((Comparable<Object>)comparable).compareTo(b) <= 0 ? a : b;
        }
        return a;
    }

    private static List<String> toList(final IndexedSeq<String> shards)
    {
        final List<String> list = new ArrayList<>(shards.size());
        final scala.collection.Iterator<String> it = shards.iterator();
        while (it.hasNext())
        {
            list.add(it.next());
        }
        return list;
    }

    private static int maxSimultaneousRebalance(final Config config)
    {
        return config.hasPath(MAX_SIMULTANEOUS_REBALANCE_PATH)
            ? config.getInt(MAX_SIMULTANEOUS_REBALANCE_PATH)
            : DEFAULT_MAX_SIMULTANEOUS_REBALANCE;
    }
}
