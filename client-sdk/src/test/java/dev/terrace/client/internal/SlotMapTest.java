package dev.terrace.client.internal;

import dev.terrace.protocol.SlotHash;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Parsing of {@code GET /v1/cluster/slots} bodies and the slot to endpoint choice.
 */
class SlotMapTest
{
    private static byte[] utf8(final String json)
    {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    /** A body shaped exactly like the node's: {@code slots} owners, slot i owned by {@code owner.apply(i)}. */
    private static byte[] nodeBody(final long epoch, final String nodesJson, final int slots,
        final java.util.function.IntUnaryOperator owner)
    {
        final StringBuilder owners = new StringBuilder();
        for (int slot = 0; slot < slots; slot++)
        {
            owners.append(slot == 0 ? "" : ",").append(owner.applyAsInt(slot));
        }
        return utf8("{\"epoch\":" + epoch + ",\"slots\":" + slots + ",\"nodes\":[" + nodesJson + "],\"owners\":[" +
            owners + "]}");
    }

    private static final String TWO_NODES =
        "{\"nodeId\":\"n1\",\"http\":\"http://127.0.0.1:9001\",\"dataPlane\":\"\",\"status\":\"up\",\"slotsOwned\":512}," +
        "{\"nodeId\":\"n2\",\"http\":\"http://127.0.0.1:9002/\",\"dataPlane\":\"\",\"status\":\"up\",\"slotsOwned\":511}";

    @Test
    void parsesTheNodesFormatAndMapsEachSlotToItsOwnersEndpoint()
    {
        // Even slots on n1, odd on n2, slot 1023 unassigned.
        final SlotMap map = SlotMap.parse(nodeBody(7, TWO_NODES, 1024, slot -> slot == 1023 ? -1 : slot % 2));
        assertEquals(7, map.epoch());
        assertEquals(1024, map.slots());
        assertEquals(List.of(new SlotMap.Node("n1", "http://127.0.0.1:9001", "up"),
            new SlotMap.Node("n2", "http://127.0.0.1:9002", "up")), map.nodes());
        assertEquals("http://127.0.0.1:9001", map.endpointOf(0));
        assertEquals("http://127.0.0.1:9002", map.endpointOf(1));
        assertEquals("n2", map.ownerOf(1021).nodeId());
        assertNull(map.endpointOf(1023), "unassigned slot");
        assertNull(map.ownerOf(1023));
        assertEquals(1023, map.routableSlots());
    }

    @Test
    void routesAnItemByTheSlotItHasInTheMapsSlotCount()
    {
        final SlotMap map = SlotMap.parse(nodeBody(1, TWO_NODES, 16, slot -> slot < 8 ? 0 : 1));
        final Random random = new Random(42);
        for (int i = 0; i < 500; i++)
        {
            final String key = "shard-" + random.nextInt(1_000_000);
            final int slot = SlotHash.objectSlot("datasets", key, 16);
            assertEquals(slot < 8 ? "http://127.0.0.1:9001" : "http://127.0.0.1:9002",
                map.endpointOf(RouteKey.object("datasets", key)), key);
        }
    }

    @Test
    void routeKeysAgreeWithTheProtocolsSlotFunctionForEverySlotCount()
    {
        final Random random = new Random(7);
        for (final int slots : new int[] {1, 2, 7, 1024, 4096, 65536})
        {
            for (int i = 0; i < 300; i++)
            {
                final String key = "k/" + random.nextLong() + "/é";
                final long hash = random.nextLong();
                assertEquals(SlotHash.objectSlot("b", key, slots), RouteKey.object("b", key).slot(slots));
                assertEquals(SlotHash.kvSlot("ns", hash, slots), RouteKey.block("ns", hash).slot(slots));
            }
        }
    }

    @Test
    void ownersWithoutAUsableEndpointRouteLikeUnassignedSlots()
    {
        final String nodes = String.join(",",
            "{\"nodeId\":\"no-http\",\"status\":\"up\"}",
            "{\"nodeId\":\"null-http\",\"http\":null,\"status\":\"up\"}",
            "{\"nodeId\":\"wildcard4\",\"http\":\"http://0.0.0.0:9003\",\"status\":\"up\"}",
            "{\"nodeId\":\"wildcard6\",\"http\":\"http://[::]:9004\",\"status\":\"up\"}",
            "{\"nodeId\":\"down\",\"http\":\"http://127.0.0.1:9005\",\"status\":\"down\"}",
            "{\"nodeId\":\"removed\",\"http\":\"http://127.0.0.1:9006\",\"status\":\"Removed\"}",
            "{\"nodeId\":\"garbage\",\"http\":\"not a uri\",\"status\":\"up\"}",
            "{\"nodeId\":\"number\",\"http\":42,\"status\":\"up\"}",
            "{\"nodeId\":\"leaving\",\"http\":\"HTTP://Node-9:9009\",\"status\":\"leaving\"}");
        final SlotMap map = SlotMap.parse(nodeBody(3, nodes, 9, slot -> slot));
        for (int slot = 0; slot < 8; slot++)
        {
            assertNull(map.endpointOf(slot), map.nodes().get(slot).toString());
            assertEquals(map.nodes().get(slot), map.ownerOf(slot), "the owner is still known");
        }
        // A leaving node still owns its slots until they are handed off: requests go there.
        assertEquals("http://Node-9:9009", map.endpointOf(8));
        assertEquals("removed", map.nodes().get(5).status());
        assertEquals(1, map.routableSlots());
    }

    @Test
    void ignoresFieldsItDoesNotKnow()
    {
        final SlotMap map = SlotMap.parse(utf8("{\"epoch\":2,\"slots\":2,\"future\":{\"x\":[1]},\"nodes\":[" +
            "{\"nodeId\":\"a\",\"http\":\"http://h:1\",\"zone\":\"z1\"}],\"owners\":[0,-1]}"));
        assertEquals("http://h:1", map.endpointOf(0));
        assertEquals("", map.nodes().get(0).status());
        assertNull(map.endpointOf(1));
    }

    @Test
    void rejectsMalformedOrOutOfRangeMaps()
    {
        final List<String> bad = new ArrayList<>(List.of(
            "",
            "not json",
            "[1,2]",
            "{\"slots\":1,\"nodes\":[],\"owners\":[-1]}",
            "{\"epoch\":\"7\",\"slots\":1,\"nodes\":[],\"owners\":[-1]}",
            "{\"epoch\":1.5,\"slots\":1,\"nodes\":[],\"owners\":[-1]}",
            "{\"epoch\":1,\"nodes\":[],\"owners\":[-1]}",
            "{\"epoch\":1,\"slots\":0,\"nodes\":[],\"owners\":[]}",
            "{\"epoch\":1,\"slots\":65537,\"nodes\":[],\"owners\":[]}",
            "{\"epoch\":1,\"slots\":1,\"owners\":[-1]}",
            "{\"epoch\":1,\"slots\":1,\"nodes\":{},\"owners\":[-1]}",
            "{\"epoch\":1,\"slots\":1,\"nodes\":[\"n1\"],\"owners\":[0]}",
            "{\"epoch\":1,\"slots\":2,\"nodes\":[],\"owners\":[-1]}",
            "{\"epoch\":1,\"slots\":1,\"nodes\":[],\"owners\":[0]}",
            "{\"epoch\":1,\"slots\":1,\"nodes\":[],\"owners\":[-2]}",
            "{\"epoch\":1,\"slots\":1,\"nodes\":[],\"owners\":[\"0\"]}",
            "{\"epoch\":1,\"slots\":1,\"nodes\":[],\"owners\":[4294967296]}",
            "{\"epoch\":1,\"slots\":1,\"nodes\":[],\"owners\":-1}"));
        final StringBuilder tooMany = new StringBuilder("{\"epoch\":1,\"slots\":1,\"nodes\":[");
        for (int i = 0; i <= SlotMap.MAX_NODES; i++)
        {
            tooMany.append(i == 0 ? "" : ",").append("{\"nodeId\":\"n").append(i).append("\"}");
        }
        bad.add(tooMany.append("],\"owners\":[0]}").toString());
        for (final String body : bad)
        {
            assertThrows(IllegalArgumentException.class, () -> SlotMap.parse(utf8(body)),
                body.length() > 80 ? body.substring(0, 80) : body);
        }
    }

    @Test
    void isImmutableAndComparedByContent()
    {
        final int[] owners = {0, 0, -1};
        final List<SlotMap.Node> nodes = List.of(new SlotMap.Node("a", "http://h:1", "up"));
        final SlotMap map = new SlotMap(5, nodes, owners);
        owners[2] = 0;
        assertNull(map.endpointOf(2), "the map copied the owners");
        assertEquals(map, new SlotMap(5, nodes, new int[] {0, 0, -1}));
        assertEquals(map.hashCode(), new SlotMap(5, nodes, new int[] {0, 0, -1}).hashCode());
        assertNotEquals(map, new SlotMap(6, nodes, new int[] {0, 0, -1}));
        assertNotEquals(map, new SlotMap(5, nodes, new int[] {0, 0, 0}));
        assertTrue(map.toString().contains("routable=2"));
    }
}
