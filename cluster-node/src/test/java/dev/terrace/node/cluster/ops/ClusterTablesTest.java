package dev.terrace.node.cluster.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.terrace.node.cli.ClusterTables;
import dev.terrace.node.cli.TextTable;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pure formatting behind {@code terrace status} and {@code terrace slots}: range compaction, wrapping, table
 * layout, and the tables made from the admin API's JSON.
 */
class ClusterTablesTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void compactsRunsOfSlotsIntoRanges()
    {
        assertEquals("", ClusterTables.compactRanges(new int[0]));
        assertEquals("7", ClusterTables.compactRanges(new int[] {7}));
        assertEquals("0-12,40-77",
            ClusterTables.compactRanges(concat(range(0, 12), range(40, 77))));
        assertEquals("0,2,4-5,1023", ClusterTables.compactRanges(new int[] {0, 2, 4, 5, 1023}));
        assertEquals("0-1023", ClusterTables.compactRanges(range(0, 1023)));
    }

    @Test
    void refusesSlotsOutOfOrderOrRepeated()
    {
        assertThrows(IllegalArgumentException.class, () -> ClusterTables.compactRanges(new int[] {3, 2}));
        assertThrows(IllegalArgumentException.class, () -> ClusterTables.compactRanges(new int[] {1, 2, 2}));
    }

    @Test
    void wrapsRangesAtCommasWithinTheWidth()
    {
        final List<String> lines = ClusterTables.wrap("0-12,40-77,100,200-300,400", "  ", 16);
        assertEquals(List.of("  0-12,40-77,", "  100,200-300,", "  400"), lines);
        for (final String line : lines)
        {
            assertTrue(line.length() <= 16, line);
        }
        assertEquals(List.of(), ClusterTables.wrap("", "  ", 16));
        // One item longer than the width stays whole.
        assertEquals(List.of("  1000-1023"), ClusterTables.wrap("1000-1023", "  ", 6));
    }

    @Test
    void tableColumnsAreAsWideAsTheirWidestCellAndNumbersAlignRight()
    {
        final String table = new TextTable("NODE", TextTable.Align.LEFT, "SLOTS", TextTable.Align.RIGHT,
            "HTTP", TextTable.Align.LEFT)
            .row("node-1", 348, "http://127.0.0.1:8081")
            .row("a-much-longer-id", 7, null)
            .render();
        assertEquals(
            "NODE              SLOTS  HTTP\n" +
            "node-1              348  http://127.0.0.1:8081\n" +
            "a-much-longer-id      7  -\n", table);
    }

    @Test
    void tableRefusesRowsOfTheWrongWidth()
    {
        final TextTable table = new TextTable("A", TextTable.Align.LEFT, "B", TextTable.Align.LEFT);
        assertThrows(IllegalArgumentException.class, () -> table.row("only one"));
        assertThrows(IllegalArgumentException.class, () -> new TextTable("A"));
    }

    @Test
    void slotsShowsEachNodesCountShareAndRangesWithTheEpoch() throws Exception
    {
        final int[] owners = new int[16];
        for (int slot = 0; slot < owners.length; slot++)
        {
            // Index 1 is node-1: rows come in node id order, whatever the map's order.
            owners[slot] = slot < 5 ? 1 : slot < 9 ? 0 : slot == 9 ? -1 : slot % 2 == 0 ? 1 : 0;
        }
        final JsonNode map = JSON.readTree("{\"epoch\":42,\"slots\":16,\"nodes\":[" +
            "{\"nodeId\":\"node-2\",\"http\":\"http://127.0.0.1:8082\",\"status\":\"up\",\"slotsOwned\":7}," +
            "{\"nodeId\":\"node-1\",\"http\":\"http://127.0.0.1:8081\",\"status\":\"up\",\"slotsOwned\":8}]," +
            "\"owners\":" + JSON.writeValueAsString(owners) + "}");
        assertEquals(
            "slot map epoch 42: 16 slots on 2 nodes, 1 unassigned\n" +
            "NODE    STATUS  HTTP                   SLOTS  SHARE\n" +
            "node-1  up      http://127.0.0.1:8081      8  50.0%\n" +
            "node-2  up      http://127.0.0.1:8082      7  43.8%\n" +
            "\n" +
            "node-1 (8 slots):\n" +
            "  0-4,10,12,14\n" +
            "\n" +
            "node-2 (7 slots):\n" +
            "  5-8,11,13,15\n" +
            "\n" +
            "unassigned (1 slot):\n" +
            "  9\n", ClusterTables.slots(map));
    }

    @Test
    void membersShowsSlotsItemsTierUsageAndHandOffsPerNode() throws Exception
    {
        final JsonNode cluster = JSON.readTree("{\"self\":\"node-1\",\"epoch\":7,\"handOffsInProgress\":2," +
            "\"members\":[" +
            "{\"nodeId\":\"node-1\",\"http\":\"http://127.0.0.1:8081\",\"status\":\"up\",\"slotsOwned\":512," +
            "\"reachable\":true,\"handOffsInProgress\":2,\"bytesHandedOff\":3145728,\"itemsHandedOff\":12," +
            "\"objects\":10,\"kvBlocks\":250,\"tiers\":[" +
            "{\"tier\":\"memory\",\"capacityBytes\":67108864,\"usedBytes\":1048576}," +
            "{\"tier\":\"flash\",\"capacityBytes\":268435456,\"usedBytes\":0}," +
            "{\"tier\":\"capacity\",\"capacityBytes\":9223372036854775807,\"usedBytes\":5}]}," +
            "{\"nodeId\":\"node-2\",\"http\":\"http://127.0.0.1:8082\",\"status\":\"up\",\"slotsOwned\":512," +
            "\"reachable\":false}]," +
            "\"lostNodes\":[{\"nodeId\":\"node-3\",\"atMillis\":0,\"slotsOwned\":300,\"cacheItemsLost\":17}]}");
        assertEquals(
            "cluster seen from node-1: 2 members, slot map epoch 7, hand-offs in progress 2\n" +
            "NODE    STATUS            HTTP                   SLOTS  OBJECTS  KV BLOCKS     MEMORY USED" +
            "     FLASH USED  HAND-OFFS         HANDED OFF\n" +
            "node-1  up                http://127.0.0.1:8081    512       10        250  1 MiB / 64 MiB" +
            "  0 B / 256 MiB          2  3 MiB in 12 items\n" +
            "node-2  up (unreachable)  http://127.0.0.1:8082    512        -          -               -" +
            "              -          -                  -\n" +
            "lost nodes (downed without a hand-off; their cache-class data is gone):\n" +
            "NODE    LOST AT                  SLOTS  CACHE ITEMS LOST\n" +
            "node-3  1970-01-01 00:00:00 UTC    300                17\n", ClusterTables.members(cluster));
    }

    @Test
    void membersSaysSoWhileNoMemberOwnsASlot() throws Exception
    {
        final String text = ClusterTables.members(JSON.readTree(
            "{\"self\":\"node-1\",\"epoch\":0,\"handOffsInProgress\":0,\"members\":[],\"lostNodes\":[]}"));
        assertEquals("cluster seen from node-1: 0 members, slot map epoch 0, hand-offs in progress 0\n" +
            "no member owns a slot yet: the cluster is still forming (members take slots once " +
            "pekko.cluster.min-nr-of-members are up)\n", text);
    }

    private static int[] range(final int first, final int last)
    {
        final int[] slots = new int[last - first + 1];
        for (int i = 0; i < slots.length; i++)
        {
            slots[i] = first + i;
        }
        return slots;
    }

    private static int[] concat(final int[] a, final int[] b)
    {
        final int[] all = new int[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
