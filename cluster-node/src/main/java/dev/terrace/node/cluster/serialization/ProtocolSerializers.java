package dev.terrace.node.cluster.serialization;

import java.util.ArrayList;
import java.util.List;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

import dev.terrace.node.cluster.protocol.NodeInfo;
import dev.terrace.node.cluster.protocol.SlotCommand;
import dev.terrace.node.cluster.protocol.SlotMapSnapshot;

/**
 * Field-by-field Kryo serializers of the cluster messages. None of them lets Kryo read a length on its own:
 * every string, array and collection goes through {@link WireFields}. Records validate themselves in their
 * constructors, so a well-framed but meaningless message (a negative count, a dangling owner index) is rejected
 * as well.
 */
final class ProtocolSerializers
{
    /** Most nodes a slot map may list. */
    static final int MAX_NODES = 4096;

    /** Most slots a slot map may hold (S is fixed per cluster; 1024 by default). */
    static final int MAX_SLOTS = 1 << 16;

    /** Fewest bytes of one NodeInfo: a non-empty id (2), two endpoints (1 each), four varlongs (1 each). */
    private static final int NODE_INFO_MIN_BYTES = 8;

    private ProtocolSerializers()
    {
    }

    private static void writeSlot(final Output output, final int slot)
    {
        if (slot >= MAX_SLOTS)
        {
            throw new IllegalArgumentException("slot " + slot + " is not below " + MAX_SLOTS);
        }
        output.writeVarInt(slot, true);
    }

    static final class NodeInfoSerializer extends Serializer<NodeInfo>
    {
        NodeInfoSerializer()
        {
            super(false, true);
        }

        @Override
        public void write(final Kryo kryo, final Output output, final NodeInfo info)
        {
            WireFields.writeString(output, info.nodeId(), WireFields.MAX_NAME_BYTES, "nodeId");
            WireFields.writeString(output, info.httpEndpoint(), WireFields.MAX_NAME_BYTES, "httpEndpoint");
            WireFields.writeString(output, info.dataPlaneEndpoint(), WireFields.MAX_NAME_BYTES, "dataPlaneEndpoint");
            output.writeVarLong(info.startedAtMillis(), true);
            output.writeVarLong(info.objects(), true);
            output.writeVarLong(info.kvBlocks(), true);
            output.writeVarLong(info.cacheItems(), true);
        }

        @Override
        public NodeInfo read(final Kryo kryo, final Input input, final Class<? extends NodeInfo> type)
        {
            return new NodeInfo(
                WireFields.readString(input, WireFields.MAX_NAME_BYTES, "nodeId"),
                WireFields.readString(input, WireFields.MAX_NAME_BYTES, "httpEndpoint"),
                WireFields.readString(input, WireFields.MAX_NAME_BYTES, "dataPlaneEndpoint"),
                WireFields.readNonNegativeLong(input, "startedAtMillis"),
                WireFields.readNonNegativeLong(input, "objects"),
                WireFields.readNonNegativeLong(input, "kvBlocks"),
                WireFields.readNonNegativeLong(input, "cacheItems"));
        }
    }

    static final class ActivateSerializer extends Serializer<SlotCommand.Activate>
    {
        ActivateSerializer()
        {
            super(false, true);
        }

        @Override
        public void write(final Kryo kryo, final Output output, final SlotCommand.Activate command)
        {
            writeSlot(output, command.slot());
        }

        @Override
        public SlotCommand.Activate read(final Kryo kryo, final Input input, final Class<? extends SlotCommand.Activate> type)
        {
            return new SlotCommand.Activate(WireFields.readNonNegativeInt(input, MAX_SLOTS - 1, "slot"));
        }
    }

    static final class HandOffSerializer extends Serializer<SlotCommand.HandOff>
    {
        HandOffSerializer()
        {
            super(false, true);
        }

        @Override
        public void write(final Kryo kryo, final Output output, final SlotCommand.HandOff command)
        {
            writeSlot(output, command.slot());
        }

        @Override
        public SlotCommand.HandOff read(final Kryo kryo, final Input input, final Class<? extends SlotCommand.HandOff> type)
        {
            return new SlotCommand.HandOff(WireFields.readNonNegativeInt(input, MAX_SLOTS - 1, "slot"));
        }
    }

    static final class GetNodeInfoSerializer extends Serializer<SlotCommand.GetNodeInfo>
    {
        private final ActorRefCodec actorRefs;

        GetNodeInfoSerializer(final ActorRefCodec actorRefs)
        {
            super(false, true);
            this.actorRefs = actorRefs;
        }

        @Override
        public void write(final Kryo kryo, final Output output, final SlotCommand.GetNodeInfo command)
        {
            WireFields.writeActorRef(output, command.replyTo(), actorRefs, "replyTo");
        }

        @Override
        public SlotCommand.GetNodeInfo read(final Kryo kryo, final Input input, final Class<? extends SlotCommand.GetNodeInfo> type)
        {
            return new SlotCommand.GetNodeInfo(WireFields.readActorRef(input, actorRefs, "replyTo"));
        }
    }

    static final class SlotMapSnapshotSerializer extends Serializer<SlotMapSnapshot>
    {
        SlotMapSnapshotSerializer()
        {
            super(false, true);
        }

        @Override
        public void write(final Kryo kryo, final Output output, final SlotMapSnapshot map)
        {
            if (map.nodes().size() > MAX_NODES)
            {
                throw new IllegalArgumentException("slot map lists " + map.nodes().size() + " nodes, more than " +
                    MAX_NODES);
            }
            output.writeVarLong(map.epoch(), true);
            output.writeVarInt(map.nodes().size(), true);
            for (final NodeInfo node : map.nodes())
            {
                // Through Kryo so that the registered NodeInfo serializer (and Kryo's depth limit) apply.
                kryo.writeObject(output, node);
            }
            WireFields.writeSmallIntArray(output, map.owners(), MAX_SLOTS, "owners");
        }

        @Override
        public SlotMapSnapshot read(final Kryo kryo, final Input input, final Class<? extends SlotMapSnapshot> type)
        {
            final long epoch = WireFields.readNonNegativeLong(input, "epoch");
            final int nodeCount = WireFields.readCount(input, MAX_NODES, NODE_INFO_MIN_BYTES, "nodes");
            final List<NodeInfo> nodes = new ArrayList<>(nodeCount);
            for (int i = 0; i < nodeCount; i++)
            {
                nodes.add(kryo.readObject(input, NodeInfo.class));
            }
            final int[] owners = WireFields.readSmallIntArray(input, MAX_SLOTS, "owners");
            return new SlotMapSnapshot(epoch, nodes, owners);
        }
    }
}
