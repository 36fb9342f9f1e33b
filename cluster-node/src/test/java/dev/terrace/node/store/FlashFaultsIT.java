package dev.terrace.node.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.terrace.node.testing.NodeHttp;
import dev.terrace.node.testing.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Flash faults under a real node: a flash tier that fills up refuses (507) or demotes and drops, and never crashes
 * the node or serves wrong bytes; a record damaged on disk, under a running node or between restarts, fails its CRC
 * and is never served: a {@code write-through} extent is re-fetched from the capacity tier, a {@code cache}-class item
 * is reported lost (404), and both are counted in {@code /metrics}.
 */
class FlashFaultsIT
{
    private static final int EXTENT = 256 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dataDir;

    @Test
    void writesPastMemoryAndFlashAreRefusedOrDemotedButNeverCrashTheNode() throws Exception
    {
        try (TestNode node = TestNode.start(dataDir, Map.of(
            "terrace.extent-size", "256KiB", "terrace.memory.capacity", "2MiB", "terrace.memory.high-watermark", "0.5",
            "terrace.flash.capacity", "4MiB", "terrace.flash.segment-size", "1MiB")))
        {
            final NodeHttp client = new NodeHttp(node);
            final String[] durabilities = {"cache", "write-through", "replicated"};
            final Map<String, byte[]> accepted = new LinkedHashMap<>();
            final Map<String, String> durabilityOf = new LinkedHashMap<>();
            int refused = 0;
            // 10 MiB through 1 MiB of memory and 4 MiB of flash, in all three durability classes.
            for (int i = 0; i < 40; i++)
            {
                final String durability = durabilities[i % 3];
                final String path = "/v1/objects/full/" + durability + "-" + i;
                final byte[] bytes = NodeHttp.random(EXTENT, i);
                final HttpResponse<byte[]> put = client.put(path, bytes, durability);
                if (put.statusCode() == 507)
                {
                    assertEquals("insufficient_storage", JSON.readTree(put.body()).path("error").asText());
                    refused++;
                    continue;
                }
                assertEquals(200, put.statusCode(), new String(put.body(), StandardCharsets.UTF_8));
                accepted.put(path, bytes);
                durabilityOf.put(path, durability);
            }
            node.node().store().awaitDemotions();
            // Larger than memory and flash together: refused, nothing stored, and the node goes on.
            final HttpResponse<byte[]> tooBig = client.put("/v1/objects/full/too-big", new byte[24 * EXTENT], "replicated");
            assertEquals(507, tooBig.statusCode(), new String(tooBig.body(), StandardCharsets.UTF_8));
            assertEquals(404, client.get("/v1/objects/full/too-big").statusCode());
            assertEquals(200, client.get("/health").statusCode());

            int lost = 0;
            for (final Map.Entry<String, byte[]> item : accepted.entrySet())
            {
                final HttpResponse<byte[]> get = client.get(item.getKey());
                if (durabilityOf.get(item.getKey()).equals("write-through"))
                {
                    assertEquals(200, get.statusCode(), item.getKey() + ": write-through data is never lost");
                }
                if (get.statusCode() == 404)
                {
                    lost++;
                    continue;
                }
                assertEquals(200, get.statusCode(), item.getKey());
                assertArrayEquals(item.getValue(), get.body(), item.getKey());
            }
            assertTrue(lost <= client.metric("terrace_cache_losses_total"), "every lost item is counted");
            final byte[] after = NodeHttp.random(EXTENT, 99);
            assertEquals(200, client.put("/v1/objects/full/after", after, "cache").statusCode(), "writes still work");
            assertArrayEquals(after, client.get("/v1/objects/full/after").body());
            System.out.printf("FlashFaultsIT: 40 writes: %d accepted, %d refused with 507, %d lost from the tiers%n",
                accepted.size(), refused, lost);
        }
    }

    @Test
    void aRecordDamagedUnderARunningNodeIsRefetchedOrReportedLostAndCounted() throws Exception
    {
        try (TestNode node = TestNode.start(dataDir, Map.of(
            "terrace.extent-size", "256KiB", "terrace.memory.capacity", "2MiB", "terrace.memory.high-watermark", "0.5",
            "terrace.flash.capacity", "64MiB", "terrace.flash.segment-size", "8MiB", "terrace.placement.policy", "lru")))
        {
            final NodeHttp client = new NodeHttp(node);
            // Fifteen extents through 1 MiB of memory (least recently used out first): the older ones live in flash
            // only.
            final byte[] multiExtent = NodeHttp.random(3 * EXTENT, 300);
            assertEquals(200, client.put("/v1/objects/cached/multi", multiExtent, "cache").statusCode());
            final Map<String, byte[]> writeThrough = new LinkedHashMap<>();
            final Map<String, byte[]> cached = new LinkedHashMap<>();
            for (int i = 0; i < 6; i++)
            {
                writeThrough.put("/v1/objects/durable/o" + i, NodeHttp.random(EXTENT, 100 + i));
                cached.put("/v1/kv/ns/" + i, NodeHttp.random(EXTENT, 200 + i));
            }
            for (final Map.Entry<String, byte[]> item : writeThrough.entrySet())
            {
                assertEquals(200, client.put(item.getKey(), item.getValue(), null).statusCode());
            }
            for (final Map.Entry<String, byte[]> item : cached.entrySet())
            {
                assertEquals(200, client.put(item.getKey(), item.getValue(), "cache").statusCode());
            }
            node.node().store().awaitDemotions();

            final String damagedObject = firstInFlash(client, writeThrough.keySet());
            final String damagedBlock = firstInFlash(client, List.of("/v1/kv/ns/0", "/v1/kv/ns/1", "/v1/kv/ns/2"));
            assertEquals("flash", client.tierOf("/v1/objects/cached/multi"), "the multi-extent item was written first");
            cached.put("/v1/objects/cached/multi", multiExtent);
            final long corruptionsBefore = client.metric("terrace_tier_corruptions_total{tier=\"flash\"}");
            final long fallbacksBefore = client.metric("terrace_capacity_fallbacks_total");
            final long lossesBefore = client.metric("terrace_cache_losses_total");
            flipBitsInFlash(writeThrough.get(damagedObject));
            flipBitsInFlash(cached.get(damagedBlock));
            flipBitsInFlash(Arrays.copyOfRange(multiExtent, 2 * EXTENT, 3 * EXTENT));

            // Write-through: the damaged flash copy fails its CRC, the capacity tier's copy is served instead.
            final HttpResponse<byte[]> refetched = client.get(damagedObject);
            assertEquals(200, refetched.statusCode());
            assertArrayEquals(writeThrough.get(damagedObject), refetched.body());
            assertEquals("capacity", refetched.headers().firstValue("X-Terrace-Tier").orElseThrow());
            // Cache class: no other copy, so the item is gone: 404, never the damaged bytes.
            final HttpResponse<byte[]> lostBlock = client.get(damagedBlock);
            assertEquals(404, lostBlock.statusCode(), new String(lostBlock.body(), StandardCharsets.UTF_8));
            assertEquals("not_found", JSON.readTree(lostBlock.body()).path("error").asText());
            // Damage in a later extent is found once the response has started: the body breaks off rather than
            // carry wrong bytes, and the item is gone from then on.
            assertNeverServedWrong(client, "/v1/objects/cached/multi", multiExtent);
            assertEquals(404, client.get("/v1/objects/cached/multi").statusCode());

            assertTrue(client.metric("terrace_tier_corruptions_total{tier=\"flash\"}") >= corruptionsBefore + 3,
                "three damaged records counted");
            assertTrue(client.metric("terrace_capacity_fallbacks_total") > fallbacksBefore);
            assertEquals(lossesBefore + 2, client.metric("terrace_cache_losses_total"), "two cache-class items lost");
            // Everything undamaged reads back intact.
            for (final Map.Entry<String, byte[]> item : writeThrough.entrySet())
            {
                assertArrayEquals(item.getValue(), client.get(item.getKey()).body(), item.getKey());
            }
            for (final Map.Entry<String, byte[]> item : cached.entrySet())
            {
                if (!item.getKey().equals(damagedBlock) && !item.getKey().equals("/v1/objects/cached/multi"))
                {
                    assertArrayEquals(item.getValue(), client.get(item.getKey()).body(), item.getKey());
                }
            }
        }
    }

    @Test
    void aRecordDamagedBetweenRestartsIsDroppedAtStartAndNeverServed() throws Exception
    {
        final byte[] object = NodeHttp.random(EXTENT, 400);
        final byte[] block = NodeHttp.random(EXTENT, 401);
        final byte[] intact = NodeHttp.random(EXTENT, 402);
        final Map<String, String> settings = Map.of("terrace.extent-size", "256KiB");
        try (TestNode node = TestNode.start(dataDir, settings))
        {
            final NodeHttp client = new NodeHttp(node);
            assertEquals(200, client.put("/v1/objects/restart/o", object, null).statusCode());
            assertEquals(200, client.put("/v1/kv/ns/7", block, null).statusCode());
            assertEquals(200, client.put("/v1/kv/ns/8", intact, null).statusCode());
        }
        // A graceful stop flushed memory to flash; now the media goes bad while the node is down.
        flipBitsInFlash(object);
        flipBitsInFlash(block);
        try (TestNode node = TestNode.start(dataDir, settings))
        {
            final NodeHttp client = new NodeHttp(node);
            final HttpResponse<byte[]> refetched = client.get("/v1/objects/restart/o");
            assertEquals(200, refetched.statusCode());
            assertArrayEquals(object, refetched.body());
            assertEquals("capacity", refetched.headers().firstValue("X-Terrace-Tier").orElseThrow());
            assertEquals(404, client.get("/v1/kv/ns/7").statusCode());
            final HttpResponse<byte[]> kept = client.get("/v1/kv/ns/8");
            assertArrayEquals(intact, kept.body());
            assertEquals("flash", kept.headers().firstValue("X-Terrace-Tier").orElseThrow());
            assertTrue(client.metric("terrace_tier_corruptions_total{tier=\"flash\"}") >= 2, "found by the scan at start");
            assertEquals(1, client.metric("terrace_cache_losses_total"));
        }
    }

    /** Reads the item; a complete 200 must carry exactly the expected bytes, anything else must not be a 200 body. */
    private static void assertNeverServedWrong(final NodeHttp client, final String path, final byte[] expected) throws Exception
    {
        try
        {
            final HttpResponse<byte[]> get = client.get(path);
            if (get.statusCode() == 200)
            {
                assertArrayEquals(expected, get.body(), "a complete 200 body must be the stored bytes");
            }
            else
            {
                assertEquals(404, get.statusCode());
            }
        }
        catch (final IOException brokenOff)
        {
            // The response was cut short: the client knows the body is incomplete.
        }
    }

    private static String firstInFlash(final NodeHttp client, final Iterable<String> paths) throws Exception
    {
        for (final String path : paths)
        {
            if (client.tierOf(path).equals("flash"))
            {
                return path;
            }
        }
        throw new AssertionError("none of " + paths + " is in flash only; the test needs one");
    }

    /** Inverts one bit in the middle of every stored copy of {@code value} in the flash segment files. */
    private void flipBitsInFlash(final byte[] value) throws IOException
    {
        final byte[] needle = Arrays.copyOfRange(value, value.length / 2, value.length / 2 + 64);
        int flipped = 0;
        try (Stream<Path> files = Files.list(dataDir.resolve("flash")))
        {
            for (final Path segment : files.filter(f -> f.toString().endsWith(".seg")).toList())
            {
                final byte[] bytes = Files.readAllBytes(segment);
                for (final int at : occurrences(bytes, needle))
                {
                    try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE))
                    {
                        final ByteBuffer one = ByteBuffer.wrap(new byte[] {(byte)(bytes[at + 10] ^ 0x04)});
                        channel.write(one, at + 10);
                    }
                    flipped++;
                }
            }
        }
        assertNotEquals(0, flipped, "the value is in no flash segment");
    }

    private static List<Integer> occurrences(final byte[] haystack, final byte[] needle)
    {
        final List<Integer> found = new ArrayList<>();
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++)
        {
            for (int j = 0; j < needle.length; j++)
            {
                if (haystack[i + j] != needle[j])
                {
                    continue outer;
                }
            }
            found.add(i);
        }
        return found;
    }
}
