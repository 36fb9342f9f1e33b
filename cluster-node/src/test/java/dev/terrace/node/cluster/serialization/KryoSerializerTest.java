package dev.terrace.node.cluster.serialization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.NotSerializableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.terrace.node.cluster.ClusterTestConfig;
import dev.terrace.node.cluster.protocol.ClusterMessage;
import dev.terrace.node.cluster.protocol.NodeInfo;
import dev.terrace.node.cluster.protocol.SlotCommand;
import dev.terrace.node.cluster.protocol.SlotMapSnapshot;

/**
 * Round trips of every registered cluster message through Pekko's serialization of a real actor system that has
 * Java serialization off, and the serializer's refusals.
 */
class KryoSerializerTest
{
    private static ActorSystem<Void> system;
    private static Serialization serialization;

    @BeforeAll
    static void startSystem()
    {
        // A local provider keeps the unit test quick; SlotAllocationStrategyIT carries these messages between
        // real cluster nodes.
        system = ActorSystem.create(Behaviors.empty(), "kryo-serializer-test",
            ClusterTestConfig.config(0, "pekko.actor.provider = local"));
        serialization = SerializationExtension.get(Adapter.toClassic(system));
    }

    @AfterAll
    static void stopSystem() throws Exception
    {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static NodeInfo sampleNode(final String id)
    {
        return new NodeInfo(id, "http://127.0.0.1:7355", "127.0.0.1:40123", 1_726_000_000_000L, 12_345L, 7L, 1L << 40);
    }

    static List<ClusterMessage> samples(final ActorRef<NodeInfo> replyTo)
    {
        final int[] owners = new int[1024];
        for (int slot = 0; slot < owners.length; slot++)
        {
            owners[slot] = slot % 4 == 3 ? SlotMapSnapshot.UNASSIGNED : slot % 3;
        }
        return List.of(
            sampleNode("node-a"),
            new NodeInfo("nœud-é-ü-日本", "", "", 0, 0, 0, 0),
            new NodeInfo("n", "h", "d", Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE),
            new SlotCommand.Activate(0),
            new SlotCommand.Activate(1023),
            new SlotCommand.HandOff(65_535),
            new SlotCommand.GetNodeInfo(replyTo),
            new SlotMapSnapshot(42, List.of(sampleNode("a"), sampleNode("b"), sampleNode("c")), owners),
            new SlotMapSnapshot(0, List.of(), new int[0]));
    }

    @Test
    void everyRegisteredTypeRoundTripsThroughPekkoSerialization() throws Exception
    {
        final ActorRef<NodeInfo> replyTo = system.systemActorOf(Behaviors.ignore(), "reply-to", org.apache.pekko.actor.typed.Props.empty());
        final Set<Class<?>> covered = new HashSet<>();
        for (final ClusterMessage message : samples(replyTo))
        {
            final Serializer serializer = serialization.findSerializerFor(message);
            assertInstanceOf(KryoSerializer.class, serializer, "serializer of " + message);
            final String manifest = Serializers.manifestFor(serializer, message);
            assertEquals(Integer.toString(ClusterMessageRegistry.forType(message.getClass()).id()), manifest);

            final byte[] bytes = serialization.serialize(message).get();
            final Object back = serialization.deserialize(bytes, serializer.identifier(), manifest).get();
            assertEquals(message, back);
            covered.add(message.getClass());
        }
        final Set<Class<?>> registered = new HashSet<>();
        ClusterMessageRegistry.registrations().forEach(r -> registered.add(r.type()));
        assertEquals(registered, covered, "every registered type has a round-trip sample");
    }

    @Test
    void actorReferenceSurvivesTheWireAndAnswersAnAsk() throws Exception
    {
        final NodeInfo self = sampleNode("node-self");
        final Behavior<SlotCommand> host = Behaviors.receiveMessage(command ->
        {
            if (command instanceof SlotCommand.GetNodeInfo get)
            {
                get.replyTo().tell(self);
            }
            return Behaviors.same();
        });
        final ActorRef<SlotCommand> hostRef = system.systemActorOf(host, "slot-host", org.apache.pekko.actor.typed.Props.empty());

        // The ask's temporary reply reference crosses the serializer as a string and must resolve back to it.
        final CompletionStage<NodeInfo> answer = AskPattern.ask(
            hostRef,
            replyTo ->
            {
                final SlotCommand.GetNodeInfo original = new SlotCommand.GetNodeInfo(replyTo);
                final Serializer serializer = serialization.findSerializerFor(original);
                final Object copy = serialization.deserialize(serialization.serialize(original).get(),
                    serializer.identifier(), Serializers.manifestFor(serializer, original)).get();
                return (SlotCommand)copy;
            },
            Duration.ofSeconds(5),
            system.scheduler());
        assertEquals(self, answer.toCompletableFuture().get(5, TimeUnit.SECONDS));
    }

    @Test
    void pooledKryoInstancesServeConcurrentThreads() throws Exception
    {
        final KryoSerializer serializer = kryoSerializer();
        final ActorRef<NodeInfo> replyTo = system.systemActorOf(Behaviors.ignore(), "concurrent-reply-to",
            org.apache.pekko.actor.typed.Props.empty());
        final List<ClusterMessage> messages = samples(replyTo);
        final int threads = 4;
        final java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try
        {
            final List<java.util.concurrent.Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++)
            {
                final int offset = t;
                results.add(pool.submit(() ->
                {
                    int checked = 0;
                    for (int i = 0; i < 500; i++)
                    {
                        final ClusterMessage message = messages.get((i + offset) % messages.size());
                        final Object back = serializer.fromBinary(serializer.toBinary(message), serializer.manifest(message));
                        assertEquals(message, back);
                        checked++;
                    }
                    return checked;
                }));
            }
            for (final java.util.concurrent.Future<Integer> result : results)
            {
                assertEquals(500, result.get(30, TimeUnit.SECONDS));
            }
        }
        finally
        {
            pool.shutdownNow();
        }
    }

    @Test
    void registryCoversEverySealedClusterMessage()
    {
        final List<Class<?>> concrete = new ArrayList<>();
        collectConcrete(ClusterMessage.class, concrete);
        assertTrue(concrete.size() >= 5, "found " + concrete);
        for (final Class<?> type : concrete)
        {
            assertNotNull(ClusterMessageRegistry.forType(type), type + " is a ClusterMessage but not registered");
        }
        assertEquals(concrete.size(), ClusterMessageRegistry.registrations().size());
        for (final ClusterMessageRegistry.Registration<?> registration : ClusterMessageRegistry.registrations())
        {
            assertTrue(registration.id() >= ClusterMessageRegistry.FIRST_ID);
            assertEquals(registration, ClusterMessageRegistry.forId(registration.id()));
        }
    }

    private static void collectConcrete(final Class<?> type, final List<Class<?>> out)
    {
        if (type.isSealed())
        {
            for (final Class<?> sub : type.getPermittedSubclasses())
            {
                collectConcrete(sub, out);
            }
        }
        else
        {
            out.add(type);
        }
    }

    @Test
    void refusesUnknownManifestsUnregisteredTypesAndOversizedPayloads()
    {
        final KryoSerializer serializer = kryoSerializer();
        assertThrows(NotSerializableException.class, () -> serializer.fromBinary(new byte[] {1}, "99"));
        assertThrows(NotSerializableException.class, () -> serializer.fromBinary(new byte[] {1}, "dev.terrace.Foo"));
        assertThrows(NotSerializableException.class, () -> serializer.fromBinary(new byte[] {1}, ""));
        assertThrows(IllegalArgumentException.class, () -> serializer.toBinary("a plain string"));
        assertThrows(IllegalArgumentException.class, () -> serializer.manifest(List.of()));

        final byte[] oversized = new byte[serializer.maxBytes() + 1];
        final IllegalArgumentException tooBig = assertThrows(IllegalArgumentException.class,
            () -> serializer.fromBinary(oversized, "100"));
        assertTrue(tooBig.getMessage().contains("exceeds"), tooBig.getMessage());

        final KryoSerializer small = new KryoSerializer(64, getClass().getClassLoader(), unusedCodec());
        final NodeInfo wide = new NodeInfo("x".repeat(200), "", "", 0, 0, 0, 0);
        assertThrows(IllegalArgumentException.class, () -> small.toBinary(wide));
        final NodeInfo fits = new NodeInfo("x", "", "", 0, 0, 0, 0);
        assertEquals(fits, fromBinary(small, small.toBinary(fits), "100"));

        final NodeInfo tooLongName = new NodeInfo("y".repeat(WireFields.MAX_NAME_BYTES + 1), "", "", 0, 0, 0, 0);
        assertThrows(IllegalArgumentException.class, () -> serializer.toBinary(tooLongName));
    }

    @Test
    void rejectsTrailingBytes() throws Exception
    {
        final KryoSerializer serializer = kryoSerializer();
        final byte[] bytes = serializer.toBinary(new SlotCommand.Activate(7));
        final byte[] longer = java.util.Arrays.copyOf(bytes, bytes.length + 1);
        assertEquals(new SlotCommand.Activate(7), serializer.fromBinary(bytes, "101"));
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> serializer.fromBinary(longer, "101"));
        assertTrue(ex.getMessage().contains("trailing"), ex.getMessage());
    }

    @Test
    void wireFormatIsStable() throws Exception
    {
        // Ids and field order are a contract between node versions: pin one encoding byte for byte.
        final KryoSerializer serializer = kryoSerializer();
        final byte[] bytes = serializer.toBinary(new NodeInfo("n1", "h", "", 5, 0, 1, 300));
        assertArrayEquals(new byte[] {2, 'n', '1', 1, 'h', 0, 5, 0, 1, (byte)0xAC, 0x02}, bytes);
        assertEquals("100", serializer.manifest(new NodeInfo("n1", "h", "", 5, 0, 1, 300)));
    }

    static KryoSerializer kryoSerializer()
    {
        return (KryoSerializer)serialization.serializerByIdentity().apply(KryoSerializer.IDENTIFIER);
    }

    static ActorSystem<Void> system()
    {
        return system;
    }

    private static Object fromBinary(final KryoSerializer serializer, final byte[] bytes, final String manifest)
    {
        try
        {
            return serializer.fromBinary(bytes, manifest);
        }
        catch (final NotSerializableException ex)
        {
            throw new AssertionError(ex);
        }
    }

    private static ActorRefCodec unusedCodec()
    {
        return new ActorRefCodec()
        {
            @Override
            public String toWire(final ActorRef<?> ref)
            {
                throw new UnsupportedOperationException("no actor references in this test");
            }

            @Override
            public <T> ActorRef<T> fromWire(final String serialized)
            {
                throw new UnsupportedOperationException("no actor references in this test");
            }
        };
    }
}
