package dev.terrace.node.cluster;

import dev.terrace.node.cluster.protocol.SlotCommand;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.ShardingMessageExtractor;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * One slot of the hash space as a Cluster Sharding entity: where it runs is who owns the slot. It owns the slot's
 * lifecycle, not its data path: on start it marks the slot active in the node's {@link LocalSlots}, on hand-off it
 * lets the node move the slot's data to the next owner and then stops. Reads and writes never pass through it.
 * <p>
 * The sharding stop message is one fixed {@link SlotCommand.HandOff} instance; its slot field is ignored, the entity
 * knows its own slot. Hand-off work blocks, so entities run on the blocking I/O dispatcher.
 */
public final class SlotEntity
{
    /** The entity type of slots. */
    public static final EntityTypeKey<SlotCommand> TYPE_KEY = EntityTypeKey.create(SlotCommand.class, "slot");

    /** What the node does with a slot's data when the slot leaves it. */
    @FunctionalInterface
    public interface HandOffWork
    {
        /** Moves the slot's data to its next owner; returns when done (or when it gave up, having logged why). */
        void handOff(int slot);
    }

    private SlotEntity()
    {
    }

    /** The behavior of slot {@code slot} on this node. */
    public static Behavior<SlotCommand> create(final int slot, final LocalSlots localSlots, final HandOffWork handOff)
    {
        return Behaviors.setup(context ->
        {
            localSlots.activate(slot);
            return Behaviors.receive(SlotCommand.class)
                .onMessage(SlotCommand.Activate.class, ignored -> Behaviors.same())
                .onMessage(SlotCommand.HandOff.class, ignored ->
                {
                    localSlots.beginHandOff(slot);
                    try
                    {
                        handOff.handOff(slot);
                    }
                    finally
                    {
                        localSlots.deactivate(slot);
                    }
                    return Behaviors.stopped();
                })
                .onMessage(SlotCommand.GetNodeInfo.class, ignored -> Behaviors.same())
                .onSignal(PostStop.class, ignored ->
                {
                    localSlots.deactivate(slot);
                    return Behaviors.same();
                })
                .build();
        });
    }

    /** Shard id = entity id = slot number, so each slot is allocated on its own. */
    static final class SlotMessageExtractor extends ShardingMessageExtractor<ShardingEnvelope<SlotCommand>, SlotCommand>
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
