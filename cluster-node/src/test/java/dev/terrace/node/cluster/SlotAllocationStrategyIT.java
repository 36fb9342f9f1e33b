package dev.terrace.node.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.ShardingMessageExtractor;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.terrace.node.cluster.protocol.NodeInfo;
import dev.terrace.node.cluster.protocol.SlotCommand;

/**
 * Two real cluster nodes (two actor systems talking Artery TCP on loopback) run Cluster Sharding with
 * {@link SlotAllocationStrategy} and its default member-role resolver, and carry {@link SlotCommand} and
 * {@link NodeInfo} through the Kryo serializer. A joining node must receive exactly its rendezvous slots, no slot
 * may start anywhere else, and a draining node must give every slot back.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SlotAllocationStrategyIT
{
    private static final int SLOTS = 64;
    private static final EntityTypeKey<SlotCommand> SLOT_KEY = EntityTypeKey.create(SlotCommand.class, "slot");
    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(3);

    /** Every (slot, node id) start of a slot entity, in order, across both nodes (same JVM). */
    private final ConcurrentLinkedQueue<String[]> starts = new ConcurrentLinkedQueue<>();
    private final List<ActorSystem<Void>> systems = new ArrayList<>();

    @AfterEach
    void stopSystems() throws Exception
    {
        for (final ActorSystem<Void> system : systems)
        {
            system.terminate();
        }
        for (final ActorSystem<Void> system : systems)
        {
            system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void joinTakesExactlyTheRendezvousSlotsAndDrainGivesThemBack() throws Exception
    {
        final ActorSystem<Void> nodeA = startNode("node-a");
        Cluster.get(Adapter.toClassic(nodeA)).join(Cluster.get(Adapter.toClassic(nodeA)).selfAddress());
        awaitUp(nodeA, 1);
        final ClusterSharding shardingA = initSharding(nodeA, "node-a");

        for (int slot = 0; slot < SLOTS; slot++)
        {
            shardingA.entityRefFor(SLOT_KEY, Integer.toString(slot)).tell(new SlotCommand.Activate(slot));
        }
        assertEquals(allOn("node-a"), awaitOwners(shardingA, allOn("node-a")));

        final ActorSystem<Void> nodeB = startNode("node-b");
        final Address addressA = Cluster.get(Adapter.toClassic(nodeA)).selfAddress();
        Cluster.get(Adapter.toClassic(nodeB)).join(addressA);
        awaitUp(nodeA, 2);
        final ClusterSharding shardingB = initSharding(nodeB, "node-b");

        final List<String> expected = SlotAllocation.assignment(SLOTS, List.of("node-a", "node-b"));
        final Map<Integer, String> expectedOwners = new HashMap<>();
        final Set<Integer> expectedOnB = new TreeSet<>();
        for (int slot = 0; slot < SLOTS; slot++)
        {
            expectedOwners.put(slot, expected.get(slot));
            if (expected.get(slot).equals("node-b"))
            {
                expectedOnB.add(slot);
            }
        }
        final long joinStart = System.nanoTime();
        // Ask from node B so that requests, reply references and answers cross the wire.
        assertEquals(expectedOwners, awaitOwners(shardingB, expectedOwners));
        final long joinMillis = (System.nanoTime() - joinStart) / 1_000_000;

        final Set<Integer> startedOnB = new TreeSet<>();
        for (final String[] start : starts)
        {
            if (start[1].equals("node-b"))
            {
                startedOnB.add(Integer.parseInt(start[0]));
            }
        }
        assertEquals(expectedOnB, startedOnB, "node-b started exactly its rendezvous slots, nothing else");
        assertTrue(expectedOnB.size() > SLOTS / 4 && expectedOnB.size() < SLOTS * 3 / 4, "node-b owns " + expectedOnB.size());

        // Drain node-b: a graceful leave hands its slots back, and they restart on node-a.
        starts.clear();
        final CompletableFuture<?> bTerminated = nodeB.getWhenTerminated().toCompletableFuture();
        Cluster.get(Adapter.toClassic(nodeB)).leave(Cluster.get(Adapter.toClassic(nodeB)).selfAddress());
        bTerminated.get(60, TimeUnit.SECONDS);
        assertEquals(allOn("node-a"), awaitOwners(shardingA, allOn("node-a")));
        final Set<Integer> restartedOnA = new TreeSet<>();
        for (final String[] start : starts)
        {
            assertEquals("node-a", start[1]);
            restartedOnA.add(Integer.parseInt(start[0]));
        }
        assertEquals(expectedOnB, restartedOnA, "only node-b's slots restarted");
        System.out.printf("sharding IT: node-b received %d of %d slots (its exact HRW share) in %d ms; drain returned them%n",
            expectedOnB.size(), SLOTS, joinMillis);
    }

    private ActorSystem<Void> startNode(final String nodeId)
    {
        final ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "terrace", ClusterTestConfig.config(0, """
            pekko.cluster.roles = ["%s"]
            pekko.cluster.sharding.rebalance-interval = 1s
            pekko.cluster.sharding.retry-interval = 200ms
            pekko.cluster.sharding.handoff-timeout = 10s
            pekko.cluster.gossip-interval = 200ms
            pekko.cluster.leader-actions-interval = 200ms
            pekko.cluster.sharding.distributed-data.durable.keys = []
            """.formatted(SlotAllocationStrategy.nodeIdRole(nodeId))));
        systems.add(system);
        return system;
    }

    private ClusterSharding initSharding(final ActorSystem<Void> system, final String nodeId)
    {
        final ClusterSharding sharding = ClusterSharding.get(system);
        sharding.init(Entity.of(SLOT_KEY, context -> slotEntity(context.getEntityId(), nodeId))
            .withAllocationStrategy(SlotAllocationStrategy.create(system))
            .withMessageExtractor(new SlotExtractor()));
        return sharding;
    }

    private Behavior<SlotCommand> slotEntity(final String slot, final String nodeId)
    {
        return Behaviors.setup(context ->
        {
            starts.add(new String[] {slot, nodeId});
            final NodeInfo self = new NodeInfo(nodeId, "http://127.0.0.1:0", "", 1, Long.parseLong(slot), 0, 0);
            return Behaviors.receiveMessage(command ->
            {
                if (command instanceof SlotCommand.GetNodeInfo get)
                {
                    get.replyTo().tell(self);
                }
                return Behaviors.same();
            });
        });
    }

    /** Asks every slot for its host until the answers match {@code expected} or 60 s pass; returns the last answers. */
    private static Map<Integer, String> awaitOwners(final ClusterSharding sharding, final Map<Integer, String> expected)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Map<Integer, String> owners = Map.of();
        while (System.nanoTime() < deadline)
        {
            final Map<Integer, CompletableFuture<NodeInfo>> answers = new HashMap<>();
            for (int slot = 0; slot < SLOTS; slot++)
            {
                answers.put(slot, sharding.entityRefFor(SLOT_KEY, Integer.toString(slot))
                    .<NodeInfo>ask(SlotCommand.GetNodeInfo::new, ASK_TIMEOUT).toCompletableFuture());
            }
            owners = new HashMap<>();
            for (final Map.Entry<Integer, CompletableFuture<NodeInfo>> answer : answers.entrySet())
            {
                try
                {
                    final NodeInfo info = answer.getValue().get(10, TimeUnit.SECONDS);
                    assertEquals(answer.getKey().longValue(), info.objects(), "answer from the right slot");
                    owners.put(answer.getKey(), info.nodeId());
                }
                catch (final java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException ex)
                {
                    // A slot in hand-off may not answer in time; ask again next round.
                }
            }
            if (owners.equals(expected))
            {
                return owners;
            }
            Thread.sleep(300);
        }
        return owners;
    }

    private static void awaitUp(final ActorSystem<Void> system, final int members) throws InterruptedException
    {
        final Cluster cluster = Cluster.get(Adapter.toClassic(system));
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline)
        {
            int up = 0;
            for (final Member member : cluster.state().getMembers())
            {
                if (member.status().equals(MemberStatus.up()))
                {
                    up++;
                }
            }
            if (up == members)
            {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("cluster did not reach " + members + " Up members: " + cluster.state());
    }

    private static Map<Integer, String> allOn(final String nodeId)
    {
        final Map<Integer, String> owners = new HashMap<>();
        for (int slot = 0; slot < SLOTS; slot++)
        {
            owners.put(slot, nodeId);
        }
        return owners;
    }

    /** Shard id = entity id = slot number. */
    private static final class SlotExtractor extends ShardingMessageExtractor<ShardingEnvelope<SlotCommand>, SlotCommand>
    {
        @Override
        public String entityId(final ShardingEnvelope<SlotCommand> envelope)
        {
            return envelope.entityId();
        }

        @Override
        public String shardId(final String entityId)
        {
            return entityId;
        }

        @Override
        public SlotCommand unwrapMessage(final ShardingEnvelope<SlotCommand> envelope)
        {
            return envelope.message();
        }
    }
}
