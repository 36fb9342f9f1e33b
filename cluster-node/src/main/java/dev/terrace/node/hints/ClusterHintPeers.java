package dev.terrace.node.hints;

import dev.terrace.node.cluster.ClusterRuntime;
import dev.terrace.node.http.SlotRouting;

import java.util.ArrayList;
import java.util.List;

/**
 * {@link HintPeers} of a node in a Pekko cluster: slot owners and members from its {@link ClusterRuntime}.
 */
public final class ClusterHintPeers implements HintPeers
{
    private final ClusterRuntime cluster;

    public ClusterHintPeers(final ClusterRuntime cluster)
    {
        this.cluster = cluster;
    }

    @Override
    public String selfId()
    {
        return cluster.selfId();
    }

    @Override
    public Peer remoteOwnerOf(final int slot)
    {
        final SlotRouting.Owner owner = cluster.ownerOf(slot);
        if (owner == null || owner == SlotRouting.MOVING || owner.nodeId().equals(cluster.selfId()))
        {
            return null;
        }
        return new Peer(owner.nodeId(), owner.httpEndpoint());
    }

    @Override
    public List<Peer> otherMembers()
    {
        final List<Peer> peers = new ArrayList<>();
        for (final String nodeId : cluster.memberNodeIds())
        {
            final String endpoint = cluster.httpEndpointOf(nodeId);
            if (!nodeId.equals(cluster.selfId()) && endpoint != null)
            {
                peers.add(new Peer(nodeId, endpoint));
            }
        }
        return peers;
    }

    @Override
    public long slotMapEpoch()
    {
        return cluster.slotMap().epoch();
    }
}
