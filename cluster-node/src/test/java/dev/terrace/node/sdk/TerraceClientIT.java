package dev.terrace.node.sdk;

import dev.terrace.client.ByteRange;
import dev.terrace.client.GetResult;
import dev.terrace.client.InvalidRequestException;
import dev.terrace.client.NotFoundException;
import dev.terrace.client.ObjectInfo;
import dev.terrace.client.ObjectListing;
import dev.terrace.client.ObjectStream;
import dev.terrace.client.PayloadTooLargeException;
import dev.terrace.client.PrefixLookup;
import dev.terrace.client.PutOptions;
import dev.terrace.client.PutResult;
import dev.terrace.client.TerraceClient;
import dev.terrace.client.TerraceException;
import dev.terrace.client.Tier;
import dev.terrace.node.testing.TestNode;
import dev.terrace.protocol.Durability;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Java SDK against one real node (HTTP on a free port, directory capacity tier), driven only through
 * {@link TerraceClient}: every body kind both ways, ranges, metadata, listing, deletion, KV blocks and prefix
 * lookups, durability, tiers, and the typed errors of docs/http-api.md.
 */
class TerraceClientIT
{
    private static final long MAX_OBJECT_SIZE = 64L * 1024 * 1024;
    private static final long MAX_KV_BLOCK_SIZE = 1024 * 1024;
    private static final String BUCKET = "sdk-it";
    private static final String NAMESPACE = "llama-70b";

    @TempDir
    static Path dataDir;
    @TempDir
    static Path workDir;
    static TestNode node;
    static TerraceClient client;

    @BeforeAll
    static void start()
    {
        node = TestNode.start(dataDir, Map.of(
            "terrace.limits.max-object-size", Long.toString(MAX_OBJECT_SIZE),
            "terrace.limits.max-kv-block-size", Long.toString(MAX_KV_BLOCK_SIZE)));
        client = TerraceClient.builder()
            .endpoint(node.httpEndpoint())
            .requestTimeout(Duration.ofSeconds(60))
            .build();
    }

    @AfterAll
    static void stop()
    {
        if (client != null)
        {
            client.close();
        }
        if (node != null)
        {
            node.close();
        }
    }

    private static byte[] randomBytes(final int length, final long seed)
    {
        final byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** The ETag docs/http-api.md promises: lower-case hex CRC32C, '-', size in hex (quotes stripped by the SDK). */
    private static String expectedEtag(final byte[] bytes)
    {
        final CRC32C crc = new CRC32C();
        crc.update(bytes);
        return String.format("%08x-%x", crc.getValue(), bytes.length);
    }

    private static void assertServedFromAKnownTier(final Tier tier)
    {
        assertNotNull(tier, "X-Terrace-Tier present");
        assertNotEquals(Tier.UNKNOWN, tier);
    }

    // ------------------------------------------------------------------------------------------------ objects

    @Test
    void byteArrayRoundTrip()
    {
        final byte[] data = randomBytes(300_000, 1);
        final PutResult put = client.put(BUCKET, "bytes/one", data);
        assertEquals(data.length, put.size());
        assertEquals(expectedEtag(data), put.etag());
        assertEquals(Durability.WRITE_THROUGH, put.durability(), "objects default to write-through");

        assertArrayEquals(data, client.get(BUCKET, "bytes/one"));
        final GetResult<byte[]> result = client.getBytes(BUCKET, "bytes/one", null);
        assertArrayEquals(data, result.body());
        assertEquals(put.etag(), result.etag());
        assertEquals(data.length, result.contentLength());
        assertNull(result.contentRange());
        assertServedFromAKnownTier(result.tier());
    }

    @Test
    void emptyObjectRoundTrip()
    {
        client.put(BUCKET, "empty", new byte[0]);
        assertEquals(0, client.get(BUCKET, "empty").length);
        assertEquals(0, client.head(BUCKET, "empty").size());
    }

    @Test
    void byteBufferRoundTripWithoutMovingTheCallersBuffer()
    {
        final byte[] data = randomBytes(1_500_000, 2);
        final ByteBuffer direct = ByteBuffer.allocateDirect(data.length + 10);
        direct.position(10);
        direct.put(data);
        direct.position(10);
        client.put(BUCKET, "buffer/direct", direct);
        assertEquals(10, direct.position());
        assertEquals(data.length, direct.remaining());

        final GetResult<ByteBuffer> result = client.getBuffer(BUCKET, "buffer/direct", null);
        assertTrue(result.body().isDirect());
        final byte[] back = new byte[result.body().remaining()];
        result.body().get(back);
        assertArrayEquals(data, back);
        assertServedFromAKnownTier(result.tier());

        client.put(BUCKET, "buffer/heap", ByteBuffer.wrap(data, 100, 1000));
        assertArrayEquals(Arrays.copyOfRange(data, 100, 1100), client.get(BUCKET, "buffer/heap"));
    }

    @Test
    void inputStreamRoundTrip() throws IOException
    {
        final byte[] data = randomBytes(2_000_003, 3);
        final PutResult put = client.put(BUCKET, "stream/one", new ByteArrayInputStream(data), data.length);
        assertEquals(data.length, put.size());
        try (ObjectStream in = client.getStream(BUCKET, "stream/one", null))
        {
            assertEquals(data.length, in.contentLength());
            assertEquals(put.etag(), in.etag());
            assertServedFromAKnownTier(in.tier());
            assertArrayEquals(data, in.readAllBytes());
        }
    }

    @Test
    void aStreamShorterThanAnnouncedFailsAndLeavesTheOldObject()
    {
        final byte[] old = randomBytes(1000, 4);
        client.put(BUCKET, "stream/short", old);
        final InvalidRequestException error = assertThrows(InvalidRequestException.class,
            () -> client.put(BUCKET, "stream/short", new ByteArrayInputStream(new byte[500]), 1000));
        assertEquals("truncated_body", error.errorCode());
        assertArrayEquals(old, client.get(BUCKET, "stream/short"));
    }

    @Test
    void fiftyMebibyteFileIsStreamedBothWays() throws IOException
    {
        final Path source = workDir.resolve("fifty.bin");
        final CRC32C crc = new CRC32C();
        final Random random = new Random(50);
        final byte[] chunk = new byte[1024 * 1024];
        try (OutputStream out = Files.newOutputStream(source))
        {
            for (int i = 0; i < 50; i++)
            {
                random.nextBytes(chunk);
                crc.update(chunk);
                out.write(chunk);
            }
        }
        final long size = 50L * 1024 * 1024;
        final PutResult put = client.put(BUCKET, "files/fifty.bin", source,
            PutOptions.defaults().withTimeout(Duration.ofMinutes(2)));
        assertEquals(size, put.size());
        assertEquals(String.format("%08x-%x", crc.getValue(), size), put.etag());

        final Path target = workDir.resolve("downloads").resolve("fifty.bin");
        Files.createDirectories(target.getParent());
        Files.write(target, new byte[] {1, 2, 3});
        final GetResult<Path> downloaded = client.getToFile(BUCKET, "files/fifty.bin", target, null);
        assertEquals(target.toAbsolutePath(), downloaded.body());
        assertEquals(size, downloaded.contentLength());
        assertEquals(-1L, Files.mismatch(source, target));
        assertServedFromAKnownTier(downloaded.tier());
        try (Stream<Path> files = Files.list(target.getParent()))
        {
            assertEquals(List.of("fifty.bin"), files.map(p -> p.getFileName().toString()).collect(Collectors.toList()),
                "no temporary file left behind");
        }

        final CRC32C streamed = new CRC32C();
        try (ObjectStream in = client.getStream(BUCKET, "files/fifty.bin", null))
        {
            final byte[] buffer = new byte[64 * 1024];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer))
            {
                streamed.update(buffer, 0, n);
            }
        }
        assertEquals(crc.getValue(), streamed.getValue());
        assertEquals(size, client.head(BUCKET, "files/fifty.bin").size());
    }

    @Test
    void rangedReads()
    {
        final byte[] data = randomBytes(1024 * 1024, 5);
        client.put(BUCKET, "ranged", data);

        assertArrayEquals(Arrays.copyOfRange(data, 1000, 1100), client.get(BUCKET, "ranged", 1000, 100));

        final GetResult<byte[]> from = client.getBytes(BUCKET, "ranged", ByteRange.from(data.length - 10));
        assertArrayEquals(Arrays.copyOfRange(data, data.length - 10, data.length), from.body());
        assertNotNull(from.contentRange());
        assertEquals(data.length - 10, from.contentRange().first());
        assertEquals(data.length, from.objectSize());

        final GetResult<byte[]> suffix = client.getBytes(BUCKET, "ranged", ByteRange.lastBytes(7));
        assertArrayEquals(Arrays.copyOfRange(data, data.length - 7, data.length), suffix.body());

        // A range running past the end is cut at the end.
        assertArrayEquals(Arrays.copyOfRange(data, data.length - 5, data.length),
            client.get(BUCKET, "ranged", data.length - 5, 100));

        final InvalidRequestException past = assertThrows(InvalidRequestException.class,
            () -> client.get(BUCKET, "ranged", data.length + 1, 10));
        assertEquals(416, past.status());
        assertEquals("range_not_satisfiable", past.errorCode());
    }

    @Test
    void headReportsSizeEtagTierAndDurability()
    {
        final byte[] data = randomBytes(4321, 6);
        final PutResult put = client.put(BUCKET, "head/me", data);
        final ObjectInfo info = client.head(BUCKET, "head/me");
        assertEquals(BUCKET, info.bucket());
        assertEquals("head/me", info.key());
        assertEquals(data.length, info.size());
        assertEquals(put.etag(), info.etag());
        assertEquals(Durability.WRITE_THROUGH, info.durability());
        assertServedFromAKnownTier(info.tier());
    }

    @Test
    void durabilityHeaderIsHonoured()
    {
        final PutResult cached = client.put(BUCKET, "durability/cache", new byte[10],
            PutOptions.durability(Durability.CACHE));
        assertEquals(Durability.CACHE, cached.durability());
        assertEquals(Durability.CACHE, client.head(BUCKET, "durability/cache").durability());

        try (TerraceClient cacheByDefault = TerraceClient.builder().endpoint(node.httpEndpoint())
            .objectDurability(Durability.CACHE).build())
        {
            cacheByDefault.put(BUCKET, "durability/client-default", new byte[10]);
            cacheByDefault.put(BUCKET, "durability/per-call", new byte[10],
                PutOptions.durability(Durability.WRITE_THROUGH));
        }
        assertEquals(Durability.CACHE, client.head(BUCKET, "durability/client-default").durability());
        assertEquals(Durability.WRITE_THROUGH, client.head(BUCKET, "durability/per-call").durability());

        final PutResult block = client.putBlock(NAMESPACE, 77, new byte[10]);
        assertEquals(Durability.CACHE, block.durability(), "KV blocks default to cache");
        assertEquals(Durability.WRITE_THROUGH,
            client.putBlock(NAMESPACE, 78, new byte[10], PutOptions.durability(Durability.WRITE_THROUGH)).durability());
    }

    @Test
    void listReturnsKeysUnderAPrefixInOrder()
    {
        client.put(BUCKET, "list/b", new byte[2]);
        client.put(BUCKET, "list/a", new byte[1]);
        client.put(BUCKET, "list/c/deep", new byte[3]);
        client.put(BUCKET, "listing-not-matched", new byte[4]);

        final List<ObjectInfo> listed = client.list(BUCKET, "list/");
        assertEquals(List.of("list/a", "list/b", "list/c/deep"),
            listed.stream().map(ObjectInfo::key).collect(Collectors.toList()));
        assertEquals(List.of(1L, 2L, 3L), listed.stream().map(ObjectInfo::size).collect(Collectors.toList()));
        assertTrue(listed.stream().allMatch(info -> info.etag() != null && info.durability() != null));

        final ObjectListing page = client.listObjects(BUCKET, "list/", 2);
        assertEquals(2, page.objects().size());
        assertTrue(page.truncated());
        assertFalse(client.listObjects(BUCKET, "list/", 3).truncated());
        assertTrue(client.list(BUCKET, "no-such-prefix/").isEmpty());
    }

    @Test
    void keysWithSpecialCharactersRoundTrip()
    {
        final String key = "dir/sub dir/ünïcødé+100%?#&=;.bin";
        final byte[] data = randomBytes(100, 7);
        client.put(BUCKET, key, data);
        assertArrayEquals(data, client.get(BUCKET, key));
        assertEquals(List.of(key), client.list(BUCKET, "dir/sub dir/").stream().map(ObjectInfo::key)
            .collect(Collectors.toList()));
    }

    @Test
    void deleteRemovesAndReportsWhetherThereWasAnObject()
    {
        client.put(BUCKET, "delete/me", new byte[5]);
        assertTrue(client.delete(BUCKET, "delete/me"));
        assertFalse(client.delete(BUCKET, "delete/me"));
        assertThrows(NotFoundException.class, () -> client.get(BUCKET, "delete/me"));
    }

    @Test
    void missingObjectsAreNotFound()
    {
        final NotFoundException get = assertThrows(NotFoundException.class, () -> client.get(BUCKET, "never/put"));
        assertEquals(404, get.status());
        assertEquals("not_found", get.errorCode());
        assertFalse(get.getMessage().isBlank());
        final NotFoundException head = assertThrows(NotFoundException.class, () -> client.head(BUCKET, "never/put"));
        assertEquals(404, head.status());
        assertThrows(NotFoundException.class, () -> client.getStream(BUCKET, "never/put", null));
        assertThrows(NotFoundException.class,
            () -> client.getToFile(BUCKET, "never/put", workDir.resolve("never.bin"), null));
        assertFalse(Files.exists(workDir.resolve("never.bin")));
    }

    @Test
    void badNamesAreRefusedBeforeSending()
    {
        final InvalidRequestException bucket = assertThrows(InvalidRequestException.class,
            () -> client.put("Not_A_Bucket", "key", new byte[1]));
        assertEquals(TerraceException.NO_STATUS, bucket.status());
        assertEquals("invalid_name", bucket.errorCode());
        assertThrows(InvalidRequestException.class, () -> client.get(BUCKET, "../../etc/passwd"));
        assertThrows(InvalidRequestException.class, () -> client.putBlock("Bad Namespace", 1, new byte[1]));
    }

    @Test
    void writesOverTheConfiguredLimitAreRefused()
    {
        // The node answers 413 from the Content-Length and closes the connection; the client reports the answer,
        // not the broken upload.
        final CountingZeros stream = new CountingZeros(MAX_OBJECT_SIZE + 1);
        final PayloadTooLargeException object = assertThrows(PayloadTooLargeException.class,
            () -> client.put(BUCKET, "too/large", stream, MAX_OBJECT_SIZE + 1));
        assertEquals(413, object.status());
        assertEquals("too_large", object.errorCode());
        assertThrows(NotFoundException.class, () -> client.head(BUCKET, "too/large"));

        final PayloadTooLargeException block = assertThrows(PayloadTooLargeException.class,
            () -> client.putBlock(NAMESPACE, 999, new byte[(int)MAX_KV_BLOCK_SIZE + 1]));
        assertEquals(413, block.status());
        assertFalse(client.containsBlock(NAMESPACE, 999));

        // The connection the refusal closed does not break the next request.
        client.put(BUCKET, "after/too-large", new byte[3]);
        assertEquals(3, client.get(BUCKET, "after/too-large").length);
    }

    @Test
    void concurrentAsyncCalls()
    {
        final List<CompletableFuture<PutResult>> puts = new ArrayList<>();
        for (int i = 0; i < 32; i++)
        {
            puts.add(client.putAsync(BUCKET, "async/" + i, randomBytes(10_000 + i, 100 + i)));
        }
        CompletableFuture.allOf(puts.toArray(new CompletableFuture<?>[0])).join();
        final List<CompletableFuture<byte[]>> gets = new ArrayList<>();
        for (int i = 0; i < 32; i++)
        {
            gets.add(client.getAsync(BUCKET, "async/" + i));
        }
        for (int i = 0; i < 32; i++)
        {
            assertArrayEquals(randomBytes(10_000 + i, 100 + i), gets.get(i).join());
        }
    }

    @Test
    void failsOverFromADeadEndpoint() throws IOException
    {
        final String dead;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            dead = "http://127.0.0.1:" + closed.getLocalPort();
        }
        try (TerraceClient failover = TerraceClient.builder().endpoints(dead, node.httpEndpoint())
            .backoffBase(Duration.ofMillis(10)).backoffMax(Duration.ofMillis(20)).build())
        {
            failover.put(BUCKET, "failover", new byte[] {42});
            assertArrayEquals(new byte[] {42}, failover.get(BUCKET, "failover"));
        }
    }

    // ------------------------------------------------------------------------------------------------ KV blocks

    @Test
    void blockRoundTrip()
    {
        final long hash = 0xfedcba9876543210L; // above 2^63: sent as an unsigned decimal
        final byte[] data = randomBytes(256 * 1024, 8);
        final PutResult put = client.putBlock(NAMESPACE, hash, data);
        assertEquals(data.length, put.size());
        assertEquals(expectedEtag(data), put.etag());

        assertArrayEquals(data, client.getBlock(NAMESPACE, hash));
        final GetResult<byte[]> result = client.getBlockBytes(NAMESPACE, hash);
        assertEquals(put.etag(), result.etag());
        assertEquals(Tier.MEMORY, result.tier(), "a fresh cache-durability block is served from memory");

        final GetResult<ByteBuffer> direct = client.getBlockBuffer(NAMESPACE, hash);
        assertTrue(direct.body().isDirect());
        assertEquals(ByteBuffer.wrap(data), direct.body());

        assertTrue(client.containsBlock(NAMESPACE, hash));
        assertTrue(client.deleteBlock(NAMESPACE, hash));
        assertFalse(client.containsBlock(NAMESPACE, hash));
        assertFalse(client.deleteBlock(NAMESPACE, hash));
        final NotFoundException missing = assertThrows(NotFoundException.class,
            () -> client.getBlock(NAMESPACE, hash));
        assertEquals(404, missing.status());
    }

    @Test
    void blockFromADirectBuffer()
    {
        final byte[] data = randomBytes(64 * 1024, 9);
        final ByteBuffer direct = ByteBuffer.allocateDirect(data.length).put(data).flip();
        client.putBlock(NAMESPACE, 4242, direct);
        assertEquals(0, direct.position());
        assertArrayEquals(data, client.getBlock(NAMESPACE, 4242));
    }

    @Test
    void batchGetReturnsBlocksInOrderWithNullForMissingOnes()
    {
        final String namespace = "batch-ns";
        client.putBlock(namespace, 1, new byte[] {1});
        client.putBlock(namespace, 3, new byte[] {3, 3});
        final List<GetResult<byte[]>> results = client.batchGet(namespace, 3, 2, 1);
        assertEquals(3, results.size());
        assertArrayEquals(new byte[] {3, 3}, results.get(0).body());
        assertNull(results.get(1));
        assertArrayEquals(new byte[] {1}, results.get(2).body());
        assertServedFromAKnownTier(results.get(2).tier());

        final long[] many = new long[100];
        for (int i = 0; i < many.length; i++)
        {
            many[i] = 1000 + i;
            if (i % 3 != 0)
            {
                client.putBlock(namespace, many[i], randomBytes(1000, i));
            }
        }
        final List<GetResult<byte[]>> batch = client.batchGet(namespace, many);
        for (int i = 0; i < many.length; i++)
        {
            if (i % 3 == 0)
            {
                assertNull(batch.get(i), "block " + i);
            }
            else
            {
                assertArrayEquals(randomBytes(1000, i), batch.get(i).body(), "block " + i);
            }
        }
        assertTrue(client.batchGet(namespace).isEmpty());
    }

    @Test
    void lookupPrefixStopsAtTheFirstMissingBlock()
    {
        final String namespace = "chain-ns";
        final long[] chain = {11, 0x8000000000000001L, 33, 44};
        client.putBlock(namespace, chain[0], new byte[] {0});
        client.putBlock(namespace, chain[1], new byte[] {1});
        client.putBlock(namespace, chain[3], new byte[] {3});

        final PrefixLookup partial = client.lookupPrefix(namespace, chain);
        assertEquals(2, partial.length(), "the middle block is missing");
        assertEquals(2, partial.tiers().size());
        partial.tiers().forEach(TerraceClientIT::assertServedFromAKnownTier);
        assertFalse(partial.isCompleteFor(chain.length));

        client.putBlock(namespace, chain[2], new byte[] {2});
        final PrefixLookup full = client.lookupPrefix(namespace, chain);
        assertEquals(4, full.length());
        assertTrue(full.isCompleteFor(chain.length));

        assertEquals(0, client.lookupPrefix(namespace, 999, chain[0]).length(), "first block missing");
        assertEquals(0, client.lookupPrefix("other-ns", chain).length(), "namespaces do not share blocks");
    }

    /** A stream of {@code length} zero bytes made on demand, counting how many were read. */
    private static final class CountingZeros extends InputStream
    {
        private final long length;
        private volatile long read;

        CountingZeros(final long length)
        {
            this.length = length;
        }

        @Override
        public int read()
        {
            if (read >= length)
            {
                return -1;
            }
            read++;
            return 0;
        }

        @Override
        public int read(final byte[] buffer, final int offset, final int count)
        {
            if (read >= length)
            {
                return -1;
            }
            final int n = (int)Math.min(count, length - read);
            Arrays.fill(buffer, offset, offset + n, (byte)0);
            read += n;
            return n;
        }
    }
}
