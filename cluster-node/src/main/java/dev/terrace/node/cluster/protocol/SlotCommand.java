package dev.terrace.node.cluster.protocol;

import java.util.Objects;

import org.apache.pekko.actor.typed.ActorRef;

/**
 * Commands to a slot entity (one Cluster Sharding entity per slot; the shard id and the entity id are both the
 * slot number).
 */
public sealed interface SlotCommand extends ClusterMessage
{
    /**
     * Starts the slot on the node that receives it: load the slot's metadata and serve it.
     *
     * @param slot the slot number, {@code >= 0}
     */
    record Activate(int slot) implements SlotCommand
    {
        /** Rejects a negative slot. */
        public Activate
        {
            requireSlot(slot);
        }
    }

    /**
     * Hands the slot off: stop accepting writes, flush what the next owner needs, then stop.
     *
     * @param slot the slot number, {@code >= 0}
     */
    record HandOff(int slot) implements SlotCommand
    {
        /** Rejects a negative slot. */
        public HandOff
        {
            requireSlot(slot);
        }
    }

    /**
     * Asks the node hosting a slot for its {@link NodeInfo}.
     *
     * @param replyTo where the answer goes
     */
    record GetNodeInfo(ActorRef<NodeInfo> replyTo) implements SlotCommand
    {
        /** Rejects a null reply address. */
        public GetNodeInfo
        {
            Objects.requireNonNull(replyTo, "replyTo");
        }
    }

    private static void requireSlot(final int slot)
    {
        if (slot < 0)
        {
            throw new IllegalArgumentException("negative slot " + slot);
        }
    }
}
