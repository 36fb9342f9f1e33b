package dev.terrace.node.hints;

import java.util.List;

/**
 * The cluster as hints see it: who owns a slot, and which members there are to fan a hint out to.
 */
public interface HintPeers
{
    /** A member: its node id and HTTP endpoint. */
    record Peer(String nodeId, String httpEndpoint)
    {
    }

    /** This node's id. */
    String selfId();

    /**
     * The owner of {@code slot} when it is another node, or null when this node serves the slot or should hold its
     * hinted items until the owner is known (the slot is unassigned or on its way here).
     */
    Peer remoteOwnerOf(int slot);

    /** The other members that are up, with their HTTP endpoints. */
    List<Peer> otherMembers();

    /** Changes whenever slot ownership changes, so a node knows when to look for hinted items that moved away. */
    long slotMapEpoch();

    /** A node outside any cluster: it owns every slot. */
    HintPeers SINGLE_NODE = new HintPeers()
    {
        @Override
        public String selfId()
        {
            return "local";
        }

        @Override
        public Peer remoteOwnerOf(final int slot)
        {
            return null;
        }

        @Override
        public List<Peer> otherMembers()
        {
            return List.of();
        }

        @Override
        public long slotMapEpoch()
        {
            return 0;
        }
    };
}
