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
