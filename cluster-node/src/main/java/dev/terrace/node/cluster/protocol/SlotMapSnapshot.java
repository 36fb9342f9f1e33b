package dev.terrace.node.cluster.protocol;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The slot map at one epoch: which node owns each slot, and how to reach it.
 * <p>
 * Nodes are listed once and slots point at them by index, so a 1024-slot map of a few nodes stays a few KiB on
 * the wire (well under Artery's 256 KiB frame).
 *
 * @param epoch  increases whenever the map changes; clients drop a map older than the one they hold
 * @param nodes  the owners, each node id at most once
 * @param owners {@code owners[slot]} is an index into {@code nodes}, or {@link #UNASSIGNED}
 */
public record SlotMapSnapshot(long epoch, List<NodeInfo> nodes, int[] owners) implements ClusterMessage
{
    /** Owner index of a slot that no node holds at this epoch. */
    public static final int UNASSIGNED = -1;

    /**
     * Copies the inputs and checks that every owner index points at a listed node.
     */
    public SlotMapSnapshot
    {
        if (epoch < 0)
        {
            throw new IllegalArgumentException("negative epoch " + epoch);
        }
        nodes = List.copyOf(nodes);
        owners = owners.clone();
        final Set<String> ids = new HashSet<>();
        for (final NodeInfo node : nodes)
        {
            if (!ids.add(node.nodeId()))
            {
                throw new IllegalArgumentException("node " + node.nodeId() + " listed twice");
            }
        }
        for (int slot = 0; slot < owners.length; slot++)
        {
            if (owners[slot] < UNASSIGNED || owners[slot] >= nodes.size())
            {
                throw new IllegalArgumentException("slot " + slot + " points at node index " + owners[slot] +
                    " of " + nodes.size());
            }
        }
    }

    /** A copy of the owner indexes, so the snapshot stays immutable. */
    @Override
    public int[] owners()
    {
        return owners.clone();
    }

    /** The number of slots in the map. */
    public int slots()
    {
        return owners.length;
    }

    /** The owner index of one slot, without copying the array. */
    public int ownerIndex(final int slot)
    {
        return owners[slot];
    }

    /** The owner of one slot, or null if the slot is unassigned. */
    public NodeInfo ownerOf(final int slot)
    {
        final int index = owners[slot];
        return index == UNASSIGNED ? null : nodes.get(index);
    }

    @Override
    public boolean equals(final Object other)
    {
        return other instanceof SlotMapSnapshot that &&
            epoch == that.epoch &&
            nodes.equals(that.nodes) &&
            Arrays.equals(owners, that.owners);
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(epoch, nodes, Arrays.hashCode(owners));
    }

    @Override
    public String toString()
    {
        return "SlotMapSnapshot[epoch=" + epoch + ", nodes=" + nodes + ", slots=" + owners.length + "]";
    }
}
