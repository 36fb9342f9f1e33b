package dev.terrace.node.hints;

import dev.terrace.node.store.ItemKind;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Splitting a hint by node keeps each node's items in the hinted order and grouping, gives prefixes to the nodes
 * named, and survives the JSON round trip an owner's part takes.
 */
class HintPlanTest
{
    private static final HintRequest TEMPLATE = new HintRequest("job-1", 1_000, 3, 60_000, List.of(), List.of());

    @Test
    void eachNodeGetsItsItemsInHintedOrder()
    {
        final HintPlan plan = new HintPlan();
        plan.add("a", 0, ItemKind.OBJECT, "data", "k1");
        plan.add("b", 0, ItemKind.OBJECT, "data", "k2");
        plan.add("a", 0, ItemKind.OBJECT, "data", "k3");
        plan.add("a", 1, ItemKind.OBJECT, "other", "k4");
        plan.add("b", 2, ItemKind.KV_BLOCK, "llama", Long.toUnsignedString(-5L));
        plan.add("b", 2, ItemKind.KV_BLOCK, "llama", "7");
        plan.addPrefix("c", "data", "val/");

        assertEquals(List.of("a", "b", "c"), List.copyOf(plan.nodes()));
        final HintRequest a = plan.request("a", TEMPLATE);
        assertEquals(2, a.objects().size(), "a run of one source group stays one group");
        assertEquals(List.of("k1", "k3"), a.objects().get(0).keys());
        assertEquals(List.of("k4"), a.objects().get(1).keys());
        assertEquals(0, a.kv().size());

        final HintRequest b = plan.request("b", TEMPLATE);
        assertEquals(List.of("k2"), b.objects().get(0).keys());
        assertArrayEquals(new long[] {-5L, 7L}, b.kv().get(0).hashes(), "the chain keeps its order");

        final HintRequest c = plan.request("c", TEMPLATE);
        assertEquals("val/", c.objects().get(0).prefix());
        assertEquals(List.of(), c.objects().get(0).keys());
        assertEquals("job-1", c.job());
        assertEquals(1_000, c.startAtMillis());
    }

    @Test
    void aPartSurvivesTheJsonRoundTrip()
    {
        final HintPlan plan = new HintPlan();
        plan.add("a", 0, ItemKind.OBJECT, "data", "k1");
        plan.add("a", 1, ItemKind.KV_BLOCK, "llama", Long.toUnsignedString(-1L));
        plan.addPrefix("a", "data", "p/");
        final HintRequest part = plan.request("a", TEMPLATE);

        final HintRequest back = HintRequest.parse(HintJson.partBody(part, List.of("a", "b")), 2_000, 1);
        assertEquals("job-1", back.job());
        assertEquals(1_000, back.startAtMillis(), "the start stays absolute");
        assertEquals(60_000, back.ttlMillis());
        assertEquals(3, back.priority());
        assertEquals("p/", back.objects().get(0).prefix());
        assertNull(back.objects().get(1).prefix());
        assertEquals(List.of("k1"), back.objects().get(1).keys());
        assertArrayEquals(new long[] {-1L}, back.kv().get(0).hashes());
    }
}
