package dev.terrace.node.cluster.serialization;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;

import dev.terrace.node.cluster.protocol.ClusterMessage;
import dev.terrace.node.cluster.protocol.NodeInfo;
import dev.terrace.node.cluster.protocol.SlotCommand;
import dev.terrace.node.cluster.protocol.SlotMapSnapshot;

/**
 * The single list of every cluster message type: its wire id, its class and its serializer.
 * <p>
 * The id is the Pekko manifest and the Kryo registration id. Ids are part of the wire format between nodes of
 * different versions: never reuse or renumber one; add a new type with the next free id. Kryo's own default
 * registrations take ids 0 to 9, so ours start at {@link #FIRST_ID}.
 */
public final class ClusterMessageRegistry
{
    /** The lowest id a cluster message may take. */
    public static final int FIRST_ID = 100;

    /**
     * One registered message type.
     *
     * @param id         the wire id (manifest and Kryo registration id)
     * @param type       the concrete message class
     * @param serializer builds the type's bounded serializer; it may use the actor reference codec
     * @param <T>        the message type
     */
    public record Registration<T extends ClusterMessage>(
        int id,
        Class<T> type,
        Function<ActorRefCodec, Serializer<T>> serializer)
    {
    }

    private static final List<Registration<?>> REGISTRATIONS = List.of(
        new Registration<>(100, NodeInfo.class, codec -> new ProtocolSerializers.NodeInfoSerializer()),
        new Registration<>(101, SlotCommand.Activate.class, codec -> new ProtocolSerializers.ActivateSerializer()),
        new Registration<>(102, SlotCommand.HandOff.class, codec -> new ProtocolSerializers.HandOffSerializer()),
        new Registration<>(103, SlotCommand.GetNodeInfo.class, ProtocolSerializers.GetNodeInfoSerializer::new),
        new Registration<>(104, SlotMapSnapshot.class, codec -> new ProtocolSerializers.SlotMapSnapshotSerializer()));

    private static final Map<Integer, Registration<?>> BY_ID = new HashMap<>();
    private static final Map<Class<?>, Registration<?>> BY_TYPE = new HashMap<>();

    static
    {
        for (final Registration<?> registration : REGISTRATIONS)
        {
            if (registration.id() < FIRST_ID)
            {
                throw new IllegalStateException("cluster message id " + registration.id() + " is below " + FIRST_ID);
            }
            if (BY_ID.put(registration.id(), registration) != null)
            {
                throw new IllegalStateException("cluster message id " + registration.id() + " used twice");
            }
            if (BY_TYPE.put(registration.type(), registration) != null)
            {
                throw new IllegalStateException(registration.type() + " registered twice");
            }
        }
    }

    private ClusterMessageRegistry()
    {
    }

    /** Every registration, in id order. */
    public static List<Registration<?>> registrations()
    {
        return REGISTRATIONS;
    }

    /** The registration of an id, or null if no message type has it. */
    public static Registration<?> forId(final int id)
    {
        return BY_ID.get(id);
    }

    /** The registration of a concrete class, or null if it is not a registered message type. */
    public static Registration<?> forType(final Class<?> type)
    {
        return BY_TYPE.get(type);
    }

    /**
     * Registers every message type with a Kryo instance under its explicit id.
     *
     * @throws IllegalStateException if an id is already taken in that Kryo instance
     */
    public static void registerAll(final Kryo kryo, final ActorRefCodec actorRefs)
    {
        for (final Registration<?> registration : REGISTRATIONS)
        {
            register(kryo, registration, actorRefs);
        }
    }

    private static <T extends ClusterMessage> void register(
        final Kryo kryo,
        final Registration<T> registration,
        final ActorRefCodec actorRefs)
    {
        if (kryo.getRegistration(registration.id()) != null)
        {
            throw new IllegalStateException("Kryo id " + registration.id() + " is already taken by " +
                kryo.getRegistration(registration.id()).getType());
        }
        kryo.register(registration.type(), registration.serializer().apply(actorRefs), registration.id());
    }
}
