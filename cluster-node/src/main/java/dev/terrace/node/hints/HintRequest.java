package dev.terrace.node.hints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.terrace.protocol.Names;

import java.util.ArrayList;
import java.util.List;

/**
 * A parsed, validated {@code POST /v1/hints} body:
 * <pre>
 * {"job": "train-42", "startAt": 1764300000000 | "startInMs": 30000, "priority": 0, "ttlMs": 600000,
 *  "objects": [{"bucket": "ds", "keys": ["a", "b"]}, {"bucket": "ds", "prefix": "shard-"}],
 *  "kv": [{"namespace": "llama3-8b", "hashes": [1, 2, 3]}]}
 * </pre>
 * Objects are listed in read order; each KV list is one prefix chain (root first).
 */
record HintRequest(String job, long startAtMillis, int priority, long ttlMillis, List<ObjectGroup> objects, List<KvChain> kv)
{
    /** Objects of one bucket: explicit keys, or every key under a prefix (expanded when the hint arrives). */
    record ObjectGroup(String bucket, List<String> keys, String prefix)
    {
    }

    /** One KV prefix chain. */
    record KvChain(String namespace, long[] hashes)
    {
    }

    static final int MAX_ITEMS = 100_000;

    /** The same job, start, priority and expiry over other items: one owner's part of this hint. */
    HintRequest part(final List<ObjectGroup> partObjects, final List<KvChain> partKv)
    {
        return new HintRequest(job, startAtMillis, priority, ttlMillis, partObjects, partKv);
    }

    /** This request as {@link #parse} reads it back (with an absolute {@code startAt}, so forwarding keeps it). */
    ObjectNode toJson()
    {
        final ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("job", job).put("startAt", startAtMillis).put("priority", priority).put("ttlMs", ttlMillis);
        final ArrayNode groups = json.putArray("objects");
        for (final ObjectGroup group : objects)
        {
            final ObjectNode g = groups.addObject().put("bucket", group.bucket());
            if (group.prefix() != null)
            {
                g.put("prefix", group.prefix());
            }
            if (!group.keys().isEmpty())
            {
                final ArrayNode keys = g.putArray("keys");
                group.keys().forEach(keys::add);
            }
        }
        final ArrayNode chains = json.putArray("kv");
        for (final KvChain chain : kv)
        {
            final ArrayNode hashes = chains.addObject().put("namespace", chain.namespace()).putArray("hashes");
            for (final long hash : chain.hashes())
            {
                hashes.add(Long.toUnsignedString(hash));
            }
        }
        return json;
    }
    static final long MAX_TTL_MILLIS = 24L * 3600 * 1000;

    /**
     * @throws IllegalArgumentException saying what is wrong (answered as 400 {@code invalid_hint}).
     */
    static HintRequest parse(final JsonNode root, final long nowMillis, final long defaultTtlMillis)
    {
        if (root == null || !root.isObject())
        {
            throw new IllegalArgumentException("a hint is a JSON object");
        }
        final String job = text(root, "job");
        if (job == null || job.isBlank() || job.length() > 256)
        {
            throw new IllegalArgumentException("\"job\" must be a non-empty string of at most 256 characters");
        }
        final long startAt;
        if (root.has("startAt") && root.has("startInMs"))
        {
            throw new IllegalArgumentException("give either \"startAt\" or \"startInMs\", not both");
        }
        else if (root.has("startAt"))
        {
            startAt = nonNegativeLong(root, "startAt");
        }
        else if (root.has("startInMs"))
        {
            startAt = nowMillis + nonNegativeLong(root, "startInMs");
        }
        else
        {
            startAt = nowMillis;
        }
        final int priority = root.has("priority") ? (int)boundedLong(root, "priority", -1000, 1000) : 0;
        final long ttl = root.has("ttlMs") ? boundedLong(root, "ttlMs", 1, MAX_TTL_MILLIS) : defaultTtlMillis;
        if (startAt + ttl < nowMillis)
        {
            throw new IllegalArgumentException("the hint expired before it arrived (startAt + ttlMs is in the past)");
        }
        final List<ObjectGroup> objects = new ArrayList<>();
        final List<KvChain> kv = new ArrayList<>();
        int items = 0;
        for (final JsonNode group : array(root, "objects"))
        {
            final String bucket = text(group, "bucket");
            final String problem = Names.bucketProblem(bucket);
            if (problem != null)
            {
                throw new IllegalArgumentException("objects[].bucket: " + problem);
            }
            final String prefix = text(group, "prefix");
            final List<String> keys = new ArrayList<>();
            for (final JsonNode key : array(group, "keys"))
            {
                if (!key.isTextual() || Names.keyProblem(key.textValue()) != null)
                {
                    throw new IllegalArgumentException("objects[].keys: " +
                        (key.isTextual() ? Names.keyProblem(key.textValue()) : "keys are strings"));
                }
                keys.add(key.textValue());
            }
            if (keys.isEmpty() == (prefix == null))
            {
                throw new IllegalArgumentException("each objects[] entry needs either \"keys\" or \"prefix\"");
            }
            items += keys.size();
            objects.add(new ObjectGroup(bucket, keys, prefix));
        }
        for (final JsonNode chain : array(root, "kv"))
        {
            final String namespace = text(chain, "namespace");
            final String problem = Names.namespaceProblem(namespace);
            if (problem != null)
            {
                throw new IllegalArgumentException("kv[].namespace: " + problem);
            }
            final List<JsonNode> hashes = array(chain, "hashes");
            if (hashes.isEmpty())
            {
                throw new IllegalArgumentException("each kv[] entry needs a non-empty \"hashes\" list");
            }
            final long[] ids = new long[hashes.size()];
            for (int i = 0; i < ids.length; i++)
            {
                final JsonNode h = hashes.get(i);
                ids[i] = h.isTextual() ? Names.parseHash(h.textValue()) : Names.parseHash(h.asText());
                if (!h.isTextual() && !h.isIntegralNumber())
                {
                    throw new IllegalArgumentException("kv[].hashes are unsigned 64-bit integers");
                }
            }
            items += ids.length;
            kv.add(new KvChain(namespace, ids));
        }
        if (objects.isEmpty() && kv.isEmpty())
        {
            throw new IllegalArgumentException("a hint needs \"objects\" or \"kv\" to stage");
        }
        if (items > MAX_ITEMS)
        {
            throw new IllegalArgumentException("at most " + MAX_ITEMS + " items per hint");
        }
        return new HintRequest(job, startAt, priority, ttl, objects, kv);
    }

    private static String text(final JsonNode node, final String field)
    {
        final JsonNode value = node.get(field);
        if (value == null || value.isNull())
        {
            return null;
        }
        if (!value.isTextual())
        {
            throw new IllegalArgumentException("\"" + field + "\" must be a string");
        }
        return value.textValue();
    }

    private static List<JsonNode> array(final JsonNode node, final String field)
    {
        final JsonNode value = node.get(field);
        final List<JsonNode> list = new ArrayList<>();
        if (value == null || value.isNull())
        {
            return list;
        }
        if (!value.isArray())
        {
            throw new IllegalArgumentException("\"" + field + "\" must be an array");
        }
        if (value.size() > MAX_ITEMS)
        {
            throw new IllegalArgumentException("\"" + field + "\" has more than " + MAX_ITEMS + " entries");
        }
        value.forEach(list::add);
        return list;
    }

    private static long nonNegativeLong(final JsonNode node, final String field)
    {
        return boundedLong(node, field, 0, Long.MAX_VALUE / 4);
    }

    private static long boundedLong(final JsonNode node, final String field, final long min, final long max)
    {
        final JsonNode value = node.get(field);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong())
        {
            throw new IllegalArgumentException("\"" + field + "\" must be an integer");
        }
        final long v = value.longValue();
        if (v < min || v > max)
        {
            throw new IllegalArgumentException("\"" + field + "\" must be in [" + min + ", " + max + "]");
        }
        return v;
    }
}
