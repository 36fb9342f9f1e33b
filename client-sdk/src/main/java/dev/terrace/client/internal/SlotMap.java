package dev.terrace.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * An immutable slot map as a node publishes it on {@code GET /v1/cluster/slots}:
 * <pre>{@code
 * {"epoch": E, "slots": S, "nodes": [{"nodeId","http","dataPlane","status","slotsOwned"}], "owners": [...]}
 * }</pre>
 * where {@code owners[slot]} is an index into {@code nodes}, or {@code -1} while the slot is unassigned.
 * <p>
 * A node whose endpoint this client cannot use is kept (so indexes stay valid) with a {@code null} endpoint, and its
 * slots route like unassigned ones: no or malformed {@code http}, a wildcard bind address ({@code 0.0.0.0},
 * {@code ::}) that names no host to connect to, or a status of {@code down} or {@code removed}.
 */
public final class SlotMap
{
    /** Most slots a map may have (the node's own bound). */
    public static final int MAX_SLOTS = 65536;
    /** Most nodes a map may list (the node's own bound). */
    public static final int MAX_NODES = 4096;

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> GONE = Set.of("down", "removed");
    private static final Set<String> WILDCARD_HOSTS = Set.of("0.0.0.0", "[::]", "::", "[0:0:0:0:0:0:0:0]");

    private final long epoch;
    private final List<Node> nodes;
    private final int[] owners;

    /**
     * A member as the map lists it.
     *
     * @param nodeId   the node's id.
     * @param endpoint its HTTP base URI, normalised, or {@code null} when this client cannot route to it.
     * @param status   its membership status as the node reported it (lower case), or empty.
     */
    public record Node(String nodeId, String endpoint, String status)
    {
    }

    /**
     * @param owners owner index per slot into {@code nodes}, or -1; copied.
     * @throws IllegalArgumentException when the slot count or an owner index is out of range.
     */
    public SlotMap(final long epoch, final List<Node> nodes, final int[] owners)
    {
        if (owners.length < 1 || owners.length > MAX_SLOTS)
        {
            throw new IllegalArgumentException("slot count must be 1-" + MAX_SLOTS + ": " + owners.length);
        }
        if (nodes.size() > MAX_NODES)
        {
            throw new IllegalArgumentException("more than " + MAX_NODES + " nodes: " + nodes.size());
        }
        for (int slot = 0; slot < owners.length; slot++)
        {
            if (owners[slot] < -1 || owners[slot] >= nodes.size())
            {
                throw new IllegalArgumentException("owner of slot " + slot + " is " + owners[slot] + ", not -1 or an" +
                    " index below " + nodes.size());
            }
        }
        this.epoch = epoch;
        this.nodes = List.copyOf(nodes);
        this.owners = owners.clone();
    }

    /**
     * Parses the body of {@code GET /v1/cluster/slots}. Unknown fields are ignored.
     *
     * @throws IllegalArgumentException saying what is missing or out of range.
     */
    public static SlotMap parse(final byte[] json)
    {
        final JsonNode root;
        try
        {
            root = MAPPER.readTree(json);
        }
        catch (final IOException ex)
        {
            throw new IllegalArgumentException("slot map is not JSON: " + ex.getMessage(), ex);
        }
        if (root == null || !root.isObject())
        {
            throw new IllegalArgumentException("slot map is not a JSON object");
        }
        final JsonNode epoch = root.get("epoch");
        if (epoch == null || !epoch.isIntegralNumber() || !epoch.canConvertToLong())
        {
            throw new IllegalArgumentException("slot map has no integer 'epoch'");
        }
        final JsonNode slots = root.get("slots");
        if (slots == null || !slots.isIntegralNumber() || !slots.canConvertToInt() || slots.asInt() < 1 ||
            slots.asInt() > MAX_SLOTS)
        {
            throw new IllegalArgumentException("slot map has no 'slots' count between 1 and " + MAX_SLOTS);
        }
        final JsonNode nodeArray = root.get("nodes");
        if (nodeArray == null || !nodeArray.isArray() || nodeArray.size() > MAX_NODES)
        {
            throw new IllegalArgumentException("slot map has no 'nodes' array of at most " + MAX_NODES);
        }
        final List<Node> nodes = new ArrayList<>(nodeArray.size());
        for (final JsonNode entry : nodeArray)
        {
            if (!entry.isObject())
            {
                throw new IllegalArgumentException("slot map node entry is not an object");
            }
            final String nodeId = text(entry, "nodeId");
            final String status = text(entry, "status");
            nodes.add(new Node(nodeId == null ? "" : nodeId,
                routableEndpoint(text(entry, "http"), status),
                status == null ? "" : status.toLowerCase(Locale.ROOT)));
        }
        final JsonNode ownerArray = root.get("owners");
        if (ownerArray == null || !ownerArray.isArray() || ownerArray.size() != slots.asInt())
        {
            throw new IllegalArgumentException("slot map has no 'owners' array of " + slots.asInt() + " entries");
        }
        final int[] owners = new int[ownerArray.size()];
        for (int slot = 0; slot < owners.length; slot++)
        {
            final JsonNode owner = ownerArray.get(slot);
            if (!owner.isIntegralNumber() || !owner.canConvertToInt())
            {
                throw new IllegalArgumentException("owner of slot " + slot + " is not an integer");
            }
            owners[slot] = owner.asInt();
        }
        return new SlotMap(epoch.asLong(), nodes, owners);
    }

    /**
     * {@code http} normalised, or {@code null} when a client cannot send requests there.
     *
     * @param status the node's membership status, or {@code null}.
     */
    static String routableEndpoint(final String http, final String status)
    {
        if (http == null || http.isBlank() || (status != null && GONE.contains(status.toLowerCase(Locale.ROOT))))
        {
            return null;
        }
        final String normalized;
        try
        {
            normalized = Endpoints.normalize(http);
        }
        catch (final IllegalArgumentException ex)
        {
            return null;
        }
        final String host = URI.create(normalized).getHost();
        return host == null || WILDCARD_HOSTS.contains(host) ? null : normalized;
    }

    private static String text(final JsonNode node, final String field)
    {
        final JsonNode value = node.get(field);
        return value == null || value.isNull() || !value.isTextual() ? null : value.asText();
    }

    /** The map's epoch as the node that served it numbers its maps (epochs of two nodes are not comparable). */
    public long epoch()
    {
        return epoch;
    }

    /** The slot count S. */
    public int slots()
    {
        return owners.length;
    }

    /** The nodes, in the order owner indexes refer to. */
    public List<Node> nodes()
    {
        return nodes;
    }

    /** The owner of {@code slot}, or {@code null} while it is unassigned. */
    public Node ownerOf(final int slot)
    {
        final int index = owners[slot];
        return index < 0 ? null : nodes.get(index);
    }

    /** The endpoint to send a request on {@code slot} to, or {@code null}: unassigned, or an unusable owner. */
    public String endpointOf(final int slot)
    {
        final Node owner = ownerOf(slot);
        return owner == null ? null : owner.endpoint();
    }

    /** The endpoint for a request routed by {@code key}, or {@code null}. */
    public String endpointOf(final RouteKey key)
    {
        return endpointOf(key.slot(owners.length));
    }

    /** How many slots have an owner this client can route to. */
    public int routableSlots()
    {
        int count = 0;
        for (int slot = 0; slot < owners.length; slot++)
        {
            if (endpointOf(slot) != null)
            {
                count++;
            }
        }
        return count;
    }

    @Override
    public String toString()
    {
        return "SlotMap[epoch=" + epoch + ", slots=" + owners.length + ", nodes=" + nodes + ", routable=" +
            routableSlots() + "]";
    }

    @Override
    public boolean equals(final Object other)
    {
        if (this == other)
        {
            return true;
        }
        if (!(other instanceof SlotMap))
        {
            return false;
        }
        final SlotMap that = (SlotMap)other;
        return epoch == that.epoch && nodes.equals(that.nodes) && Arrays.equals(owners, that.owners);
    }

    @Override
    public int hashCode()
    {
        return 31 * (31 * Long.hashCode(epoch) + nodes.hashCode()) + Arrays.hashCode(owners);
    }
}
