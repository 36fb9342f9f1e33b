package dev.terrace.node.cluster.ops;

import dev.terrace.client.NotFoundException;
import dev.terrace.client.PutOptions;
import dev.terrace.client.TerraceClient;
import dev.terrace.client.TerraceException;
import dev.terrace.protocol.Durability;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a test wrote to the cluster: every object and KV block with its size and SHA-256, so that everything can be
 * read back afterwards and compared byte for byte by checksum. Thread-safe: a load thread records into it while it
 * runs.
 */
final class ExpectedItems
{
    /** One written item: an object (container = bucket) or a KV block (container = namespace). */
    record Item(boolean block, String container, String name, long hash, int size, byte[] sha256)
    {
        String describe()
        {
            return (block ? "block " + container + '/' + Long.toUnsignedString(hash, 16) : "object " + container +
                '/' + name) + " (" + size + " bytes)";
        }
    }

    private final Map<String, Item> items = new ConcurrentHashMap<>();

    /** Writes an object with the given durability and records it (only once the node acknowledged it). */
    Item putObject(
        final TerraceClient client, final String bucket, final String key, final byte[] data,
        final Durability durability)
    {
        client.put(bucket, key, data, PutOptions.durability(durability));
        final Item item = new Item(false, bucket, key, 0, data.length, sha256(data));
        items.put("o:" + bucket + '/' + key, item);
        return item;
    }

    /** Writes a KV block with the given durability and records it. */
    Item putBlock(
        final TerraceClient client, final String namespace, final long hash, final byte[] data,
        final Durability durability)
    {
        client.putBlock(namespace, hash, data, PutOptions.durability(durability));
        final Item item = new Item(true, namespace, null, hash, data.length, sha256(data));
        items.put("b:" + namespace + '/' + hash, item);
        return item;
    }

    /** Reads one item back; null when it matches, else what is wrong. */
    String check(final TerraceClient client, final Item item)
    {
        final byte[] read;
        try
        {
            read = item.block() ? client.getBlock(item.container(), item.hash()) :
                client.get(item.container(), item.name());
        }
        catch (final NotFoundException ex)
        {
            return item.describe() + ": not found (" + ex.getMessage() + ")";
        }
        catch (final TerraceException ex)
        {
            return item.describe() + ": read failed: " + ex;
        }
        if (read == null)
        {
            return item.describe() + ": not found";
        }
        if (read.length != item.size())
        {
            return item.describe() + ": read " + read.length + " bytes";
        }
        if (!Arrays.equals(sha256(read), item.sha256()))
        {
            return item.describe() + ": SHA-256 " + HexFormat.of().formatHex(sha256(read)) + " instead of " +
                HexFormat.of().formatHex(item.sha256());
        }
        return null;
    }

    /** Reads every item back; returns what did not match (empty when all did). */
    List<String> verifyAll(final TerraceClient client)
    {
        final List<String> problems = new ArrayList<>();
        for (final Item item : snapshot())
        {
            final String problem = check(client, item);
            if (problem != null)
            {
                problems.add(problem);
            }
        }
        return problems;
    }

    List<Item> snapshot()
    {
        return new ArrayList<>(items.values());
    }

    int size()
    {
        return items.size();
    }

    long totalBytes()
    {
        long sum = 0;
        for (final Item item : items.values())
        {
            sum += item.size();
        }
        return sum;
    }

    /** Deterministic pseudo-random bytes. */
    static byte[] bytes(final SplittableRandom random, final int size)
    {
        final byte[] data = new byte[size];
        for (int i = 0; i < size; i += 8)
        {
            long v = random.nextLong();
            for (int j = i; j < Math.min(size, i + 8); j++)
            {
                data[j] = (byte)v;
                v >>>= 8;
            }
        }
        return data;
    }

    static byte[] sha256(final byte[] data)
    {
        try
        {
            return MessageDigest.getInstance("SHA-256").digest(data);
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
