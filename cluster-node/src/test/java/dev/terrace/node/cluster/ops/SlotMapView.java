package dev.terrace.node.cluster.ops;

import com.fasterxml.jackson.databind.JsonNode;
import dev.terrace.node.cluster.SlotAllocation;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A slot map as {@code GET /v1/cluster/slots} returns it, with the owner of each slot resolved to a node id.
 *
 * @param epoch  the map's epoch on the node that answered.
 * @param owners node id per slot, null while a slot is unassigned.
 */
record SlotMapView(long epoch, String[] owners)
{
    /** Parses the body of {@code GET /v1/cluster/slots}. */
    static SlotMapView parse(final JsonNode json)
    {
        final List<String> nodeIds = new ArrayList<>();
        for (final JsonNode node : json.path("nodes"))
        {
            nodeIds.add(node.path("nodeId").asText());
        }
        final JsonNode ownerIndexes = json.path("owners");
        final String[] owners = new String[ownerIndexes.size()];
        for (int slot = 0; slot < owners.length; slot++)
        {
            final int index = ownerIndexes.get(slot).asInt();
            owners[slot] = index < 0 ? null : nodeIds.get(index);
        }
        return new SlotMapView(json.path("epoch").asLong(), owners);
    }

    int slots()
    {
        return owners.length;
    }

    /** Slots owned per node id, in id order. */
    Map<String, Integer> slotsPerNode()
    {
        final Map<String, Integer> counts = new TreeMap<>();
        for (final String owner : owners)
        {
            if (owner != null)
            {
                counts.merge(owner, 1, Integer::sum);
            }
        }
        return counts;
    }

    int unassigned()
    {
        int n = 0;
        for (final String owner : owners)
        {
            n += owner == null ? 1 : 0;
        }
        return n;
    }

    /**
     * The slots whose owner is not their rendezvous owner among {@code nodeIds}, as "slot: actual (expected)"
     * lines (at most {@code limit}); empty when the map is exactly the rendezvous allocation.
     */
    List<String> differencesFromRendezvous(final Collection<String> nodeIds, final int limit)
    {
        final List<String> differences = new ArrayList<>();
        for (int slot = 0; slot < owners.length && differences.size() < limit; slot++)
        {
            final String expected = SlotAllocation.ownerOf(slot, nodeIds);
            if (!expected.equals(owners[slot]))
            {
                differences.add(slot + ": " + owners[slot] + " (expected " + expected + ")");
            }
        }
        return differences;
    }
}
