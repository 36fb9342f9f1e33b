package dev.terrace.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.terrace.client.ObjectInfo;
import dev.terrace.client.ObjectListing;
import dev.terrace.client.PrefixLookup;
import dev.terrace.client.PutResult;
import dev.terrace.client.TerraceException;
import dev.terrace.client.Tier;
import dev.terrace.protocol.Durability;
import dev.terrace.protocol.Names;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON bodies of the HTTP API. Readers accept unknown fields (a newer node may add some) and fail with a
 * {@link TerraceException} of code {@code invalid_response} when a field they need is missing or of the wrong type.
 */
public final class Json
{
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json()
    {
    }

    /** {@code {"hashes":["h0","h1",...]}} with unsigned decimal strings, so no hash loses bits to a double. */
    public static byte[] lookupRequest(final long[] hashes)
    {
        final ObjectNode root = MAPPER.createObjectNode();
        final ArrayNode array = root.putArray("hashes");
        for (final long hash : hashes)
        {
            array.add(Names.formatHash(hash));
        }
        try
        {
            return MAPPER.writeValueAsBytes(root);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot serialize a tree of strings", ex);
        }
    }

    /** The answer of an object or block PUT. */
    public static PutResult putResult(final int status, final byte[] body)
    {
        final JsonNode root = parse(status, body);
        return new PutResult(
            requiredLong(status, root, "size"),
            Etag.normalize(optionalText(root, "etag")),
            durability(optionalText(root, "durability")));
    }

    /** The answer of a listing. */
    public static ObjectListing listing(final int status, final byte[] body, final String bucket, final String prefix)
    {
        final JsonNode root = parse(status, body);
        final JsonNode objects = root.get("objects");
        if (objects == null || !objects.isArray())
        {
            throw invalid(status, "listing has no 'objects' array");
        }
        final List<ObjectInfo> infos = new ArrayList<>(objects.size());
        for (final JsonNode entry : objects)
        {
            final String key = optionalText(entry, "key");
            if (key == null)
            {
                throw invalid(status, "listing entry without a 'key'");
            }
            infos.add(new ObjectInfo(
                bucket,
                key,
                requiredLong(status, entry, "size"),
                Etag.normalize(optionalText(entry, "etag")),
                null,
                durability(optionalText(entry, "durability"))));
        }
        final JsonNode truncated = root.get("truncated");
        return new ObjectListing(bucket, prefix, infos, truncated != null && truncated.asBoolean(false));
    }

    /** The body of {@code POST /v1/hints}. */
    public static byte[] hintRequest(final dev.terrace.client.PrefetchHint hint)
    {
        final ObjectNode root = MAPPER.createObjectNode();
        root.put("job", hint.job());
        if (hint.startAt() != null)
        {
            root.put("startAt", hint.startAt().toEpochMilli());
        }
        else if (hint.startIn() != null)
        {
            root.put("startInMs", hint.startIn().toMillis());
        }
        root.put("priority", hint.priority());
        if (hint.ttl() != null)
        {
            root.put("ttlMs", hint.ttl().toMillis());
        }
        final ArrayNode objects = root.putArray("objects");
        for (final dev.terrace.client.PrefetchHint.ObjectSelection selection : hint.objectSelections())
        {
            final ObjectNode group = objects.addObject().put("bucket", selection.bucket());
            if (selection.prefix() != null)
            {
                group.put("prefix", selection.prefix());
            }
            else
            {
                final ArrayNode keys = group.putArray("keys");
                selection.keys().forEach(keys::add);
            }
        }
        final ArrayNode kv = root.putArray("kv");
        for (final dev.terrace.client.PrefetchHint.KvChain chain : hint.kvChains())
        {
            final ArrayNode hashes = kv.addObject().put("namespace", chain.namespace()).putArray("hashes");
            for (final long hash : chain.hashes())
            {
                hashes.add(Names.formatHash(hash));
            }
        }
        try
        {
            return MAPPER.writeValueAsBytes(root);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot serialize a hint", ex);
        }
    }

    /** The answer of {@code POST /v1/hints} and {@code GET /v1/hints/{id}}. */
    public static dev.terrace.client.HintStatus hintStatus(final int status, final byte[] body)
    {
        final JsonNode root = parse(status, body);
        final java.util.Map<String, Long> byTier = new java.util.LinkedHashMap<>();
        final JsonNode tiers = root.get("bytesByTier");
        if (tiers != null && tiers.isObject())
        {
            tiers.fields().forEachRemaining(e -> byTier.put(e.getKey(), e.getValue().asLong()));
        }
        return new dev.terrace.client.HintStatus(
            optionalText(root, "id"),
            optionalText(root, "job"),
            optionalText(root, "state"),
            (int)requiredLong(status, root, "items"),
            (int)requiredLong(status, root, "itemsStaged"),
            (int)requiredLong(status, root, "itemsMissing"),
            requiredLong(status, root, "bytesTotal"),
            requiredLong(status, root, "bytesStaged"),
            byTier,
            root.path("itemsRead").asInt(),
            texts(root.path("parts"), "node"),
            texts(root.path("partsUnreachable"), null));
    }

    /** The {@code field} of each element of an array (the elements themselves when null); empty when absent. */
    private static List<String> texts(final JsonNode array, final String field)
    {
        final List<String> texts = new ArrayList<>();
        array.forEach(element -> texts.add(field == null ? element.asText() : element.path(field).asText()));
        return texts;
    }

    /** The answer of a prefix lookup. */
    public static PrefixLookup prefixLookup(final int status, final byte[] body)
    {
        final JsonNode root = parse(status, body);
        final long prefix = requiredLong(status, root, "prefix");
        final JsonNode tiers = root.get("tiers");
        final List<Tier> tierList = new ArrayList<>();
        if (tiers != null && tiers.isArray())
        {
            for (final JsonNode tier : tiers)
            {
                tierList.add(Tier.fromWireName(tier.asText()));
            }
        }
        if (prefix > Integer.MAX_VALUE)
        {
            throw invalid(status, "prefix length out of range: " + prefix);
        }
        return new PrefixLookup((int)prefix, tierList);
    }

    private static JsonNode parse(final int status, final byte[] body)
    {
        try
        {
            final JsonNode root = MAPPER.readTree(body);
            if (root == null || !root.isObject())
            {
                throw invalid(status, "expected a JSON object");
            }
            return root;
        }
        catch (final IOException ex)
        {
            throw new TerraceException(status, "invalid_response", "node answered with malformed JSON: " +
                ex.getMessage(), ex);
        }
    }

    private static long requiredLong(final int status, final JsonNode node, final String field)
    {
        final JsonNode value = node.get(field);
        if (value == null || !value.canConvertToLong())
        {
            throw invalid(status, "missing or non-integer '" + field + "'");
        }
        return value.asLong();
    }

    private static String optionalText(final JsonNode node, final String field)
    {
        final JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    /** Parses a durability name; an unknown one is reported as {@code null} rather than failing a finished call. */
    static Durability durability(final String value)
    {
        if (value == null)
        {
            return null;
        }
        try
        {
            return Durability.parse(value);
        }
        catch (final IllegalArgumentException ex)
        {
            return null;
        }
    }

    private static TerraceException invalid(final int status, final String message)
    {
        return new TerraceException(status, "invalid_response", "node answered with unexpected JSON: " + message);
    }
}
