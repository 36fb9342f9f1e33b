package dev.terrace.node.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the cluster admin API's JSON ({@code GET /v1/cluster}, {@code GET /v1/cluster/slots}) into the tables
 * {@code terrace status} and {@code terrace slots} print. Pure functions of the JSON, so they are tested on their
 * own.
 */
public final class ClusterTables
{
    /** Ranges lines of {@code terrace slots} wrap at this width. */
    static final int WIDTH = 100;

    private static final DateTimeFormatter TIME =
        DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private ClusterTables()
    {
    }

    /**
     * Slot numbers as compact ranges: {@code 0-12,40-77,99}. The slots must be ascending and distinct.
     *
     * @throws IllegalArgumentException when they are not.
     */
    public static String compactRanges(final int[] slots)
    {
        final StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < slots.length)
        {
            int j = i;
            while (j + 1 < slots.length && slots[j + 1] == slots[j] + 1)
            {
                j++;
            }
            if (j + 1 < slots.length && slots[j + 1] <= slots[j])
            {
                throw new IllegalArgumentException("slots must be ascending and distinct: " + slots[j] + " then " +
                    slots[j + 1]);
            }
            if (out.length() > 0)
            {
                out.append(',');
            }
            out.append(slots[i]);
            if (j > i)
            {
                out.append('-').append(slots[j]);
            }
            i = j + 1;
        }
        return out.toString();
    }

    /**
     * Wraps a comma-separated list at commas so that no line is longer than {@code width} (a single longer item
     * stays whole), each line starting with {@code indent}.
     */
    public static List<String> wrap(final String list, final String indent, final int width)
    {
        final List<String> lines = new ArrayList<>();
        if (list.isEmpty())
        {
            return lines;
        }
        StringBuilder line = new StringBuilder(indent);
        for (final String item : list.split(","))
        {
            final boolean first = line.length() == indent.length();
            // Room for the item and the comma that ends a line which goes on.
            if (!first && line.length() + 1 + item.length() + 1 > width)
            {
                lines.add(line.append(',').toString());
                line = new StringBuilder(indent);
            }
            else if (!first)
            {
                line.append(',');
            }
            line.append(item);
        }
        lines.add(line.toString());
        return lines;
    }

    /** The members table of {@code terrace status}, from {@code GET /v1/cluster}. */
    public static String members(final JsonNode cluster)
    {
        final TextTable table = new TextTable(
            "NODE", TextTable.Align.LEFT, "STATUS", TextTable.Align.LEFT, "HTTP", TextTable.Align.LEFT,
            "SLOTS", TextTable.Align.RIGHT, "OBJECTS", TextTable.Align.RIGHT, "KV BLOCKS", TextTable.Align.RIGHT,
            "MEMORY USED", TextTable.Align.RIGHT, "FLASH USED", TextTable.Align.RIGHT,
            "HAND-OFFS", TextTable.Align.RIGHT, "HANDED OFF", TextTable.Align.RIGHT);
        for (final JsonNode member : byNodeId(cluster.path("members")))
        {
            final boolean reachable = member.path("reachable").asBoolean(true);
            final Map<String, JsonNode> tiers = tiers(member.path("tiers"));
            table.row(
                member.path("nodeId").asText(),
                member.path("status").asText() + (reachable ? "" : " (unreachable)"),
                member.path("http").asText("-"),
                member.path("slotsOwned").asInt(),
                reachable && member.has("objects") ? member.path("objects").asLong() : null,
                reachable && member.has("kvBlocks") ? member.path("kvBlocks").asLong() : null,
                usage(tiers.get("memory")),
                usage(tiers.get("flash")),
                member.has("handOffsInProgress") ? member.path("handOffsInProgress").asInt() : null,
                member.has("bytesHandedOff") ? Sizes.human(member.path("bytesHandedOff").asLong()) + " in " +
                    member.path("itemsHandedOff").asLong() + " items" : null);
        }
        final StringBuilder out = new StringBuilder();
        out.append("cluster seen from ").append(cluster.path("self").asText()).append(": ")
            .append(cluster.path("members").size()).append(" members, slot map epoch ")
            .append(cluster.path("epoch").asLong()).append(", hand-offs in progress ")
            .append(cluster.path("handOffsInProgress").asInt()).append('\n');
        if (cluster.path("members").size() == 0)
        {
            out.append("no member owns a slot yet: the cluster is still forming (members take slots once " +
                "pekko.cluster.min-nr-of-members are up)\n");
        }
        else
        {
            out.append(table.render());
        }
        final JsonNode lost = cluster.path("lostNodes");
        if (lost.size() > 0)
        {
            out.append("lost nodes (downed without a hand-off; their cache-class data is gone):\n");
            final TextTable lostTable = new TextTable(
                "NODE", TextTable.Align.LEFT, "LOST AT", TextTable.Align.LEFT, "SLOTS", TextTable.Align.RIGHT,
                "CACHE ITEMS LOST", TextTable.Align.RIGHT);
            for (final JsonNode node : lost)
            {
                lostTable.row(node.path("nodeId").asText(),
                    TIME.format(Instant.ofEpochMilli(node.path("atMillis").asLong())),
                    node.path("slotsOwned").asInt(), node.path("cacheItemsLost").asLong());
            }
            out.append(lostTable.render());
        }
        return out.toString();
    }

    /**
     * The output of {@code terrace slots}, from {@code GET /v1/cluster/slots}: the epoch, a table of nodes with
     * their slot counts and shares, then each node's slots as compact ranges (and the unassigned ones, if any).
     */
    public static String slots(final JsonNode map)
    {
        final int slotCount = map.path("slots").asInt(map.path("owners").size());
        final JsonNode nodes = map.path("nodes");
        final List<List<Integer>> owned = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++)
        {
            owned.add(new ArrayList<>());
        }
        final List<Integer> unassigned = new ArrayList<>();
        final JsonNode owners = map.path("owners");
        for (int slot = 0; slot < owners.size(); slot++)
        {
            final int owner = owners.get(slot).asInt();
            if (owner >= 0 && owner < owned.size())
            {
                owned.get(owner).add(slot);
            }
            else
            {
                unassigned.add(slot);
            }
        }
        final StringBuilder out = new StringBuilder();
        out.append("slot map epoch ").append(map.path("epoch").asLong()).append(": ").append(slotCount)
            .append(" slots on ").append(nodes.size()).append(nodes.size() == 1 ? " node" : " nodes")
            .append(", ").append(unassigned.size()).append(" unassigned\n");
        final TextTable table = new TextTable(
            "NODE", TextTable.Align.LEFT, "STATUS", TextTable.Align.LEFT, "HTTP", TextTable.Align.LEFT,
            "SLOTS", TextTable.Align.RIGHT, "SHARE", TextTable.Align.RIGHT);
        final List<Integer> order = orderByNodeId(nodes);
        for (final int i : order)
        {
            final JsonNode node = nodes.get(i);
            table.row(node.path("nodeId").asText(), node.path("status").asText(), node.path("http").asText("-"),
                owned.get(i).size(), percent(owned.get(i).size(), slotCount));
        }
        out.append(table.render());
        for (final int i : order)
        {
            appendRanges(out, nodes.get(i).path("nodeId").asText(), owned.get(i));
        }
        if (!unassigned.isEmpty())
        {
            appendRanges(out, "unassigned", unassigned);
        }
        return out.toString();
    }

    private static void appendRanges(final StringBuilder out, final String label, final List<Integer> slots)
    {
        out.append('\n').append(label).append(" (").append(slots.size()).append(slots.size() == 1 ? " slot" :
            " slots").append("):\n");
        for (final String line : wrap(compactRanges(slots.stream().mapToInt(Integer::intValue).toArray()), "  ",
            WIDTH))
        {
            out.append(line).append('\n');
        }
    }

    /** Indexes of {@code nodes} in node id order (the slot map's owner indexes stay as they are). */
    private static List<Integer> orderByNodeId(final JsonNode nodes)
    {
        final List<Integer> order = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++)
        {
            order.add(i);
        }
        order.sort(Comparator.comparing(i -> nodes.get(i).path("nodeId").asText()));
        return order;
    }

    private static List<JsonNode> byNodeId(final JsonNode nodes)
    {
        final List<JsonNode> sorted = new ArrayList<>();
        nodes.forEach(sorted::add);
        sorted.sort(Comparator.comparing(node -> node.path("nodeId").asText()));
        return sorted;
    }

    private static Map<String, JsonNode> tiers(final JsonNode tiers)
    {
        final Map<String, JsonNode> byName = new LinkedHashMap<>();
        for (final JsonNode tier : tiers)
        {
            byName.put(tier.path("tier").asText(), tier);
        }
        return byName;
    }

    /** {@code used / capacity} of a tier, or null when unknown. */
    private static String usage(final JsonNode tier)
    {
        if (tier == null)
        {
            return null;
        }
        final long capacity = tier.path("capacityBytes").asLong();
        return Sizes.human(tier.path("usedBytes").asLong()) + " / " +
            (capacity == Long.MAX_VALUE ? "unbounded" : Sizes.human(capacity));
    }

    private static String percent(final int part, final int whole)
    {
        return whole == 0 ? "-" : String.format(Locale.ROOT, "%.1f%%", 100.0 * part / whole);
    }
}
