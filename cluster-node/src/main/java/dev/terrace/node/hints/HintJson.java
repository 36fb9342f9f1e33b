package dev.terrace.node.hints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.terrace.tier.TierKind;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON of hints: the public status ({@code GET /v1/hints/{id}}), a part's status and a part's body on the
 * internal endpoint ({@code /internal/v1/hints/{id}/part}).
 */
public final class HintJson
{
    private HintJson()
    {
    }

    /** A part's body: the hint's fields and items for one node, and the nodes holding parts of it. */
    static ObjectNode partBody(final HintRequest request, final List<String> nodes)
    {
        final ObjectNode body = request.toJson();
        final ArrayNode list = body.putArray("nodes");
        nodes.forEach(list::add);
        return body;
    }

    /** The JSON of one node's part. */
    public static ObjectNode part(final HintService.Status s)
    {
        final ObjectNode json = common(s);
        json.put("node", s.node());
        final ArrayNode nodes = json.putArray("nodes");
        s.nodes().forEach(nodes::add);
        return json;
    }

    /** The JSON of a whole hint, aggregated over its parts. */
    public static ObjectNode view(final HintView view)
    {
        final ObjectNode json = common(view.total());
        final ArrayNode parts = json.putArray("parts");
        for (final HintService.Status part : view.parts())
        {
            parts.addObject().put("node", part.node()).put("state", part.state()).put("items", part.items())
                .put("itemsStaged", part.itemsStaged()).put("itemsRead", part.itemsRead())
                .put("bytesStaged", part.bytesStaged());
        }
        final ArrayNode unreachable = json.putArray("partsUnreachable");
        view.unreachable().forEach(unreachable::add);
        return json;
    }

    /** Reads a part's JSON. */
    static HintService.Status part(final JsonNode json)
    {
        final Map<TierKind, Long> byTier = new EnumMap<>(TierKind.class);
        for (final TierKind tier : TierKind.values())
        {
            byTier.put(tier, json.path("bytesByTier").path(tier.label()).asLong());
        }
        final List<String> nodes = new ArrayList<>();
        json.path("nodes").forEach(n -> nodes.add(n.asText()));
        return new HintService.Status(json.path("id").asText(), json.path("node").asText(), json.path("job").asText(),
            json.path("state").asText(), json.path("startAt").asLong(), json.path("expiresAt").asLong(),
            json.path("items").asInt(), json.path("itemsStaged").asInt(), json.path("itemsMissing").asInt(),
            json.path("itemsRead").asInt(), json.path("itemsForwarding").asInt(), json.path("bytesTotal").asLong(),
            json.path("bytesStaged").asLong(), byTier, nodes);
    }

    private static ObjectNode common(final HintService.Status s)
    {
        final ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("id", s.id()).put("job", s.job()).put("state", s.state())
            .put("startAt", s.startAtMillis()).put("expiresAt", s.expiresAtMillis())
            .put("items", s.items()).put("itemsStaged", s.itemsStaged()).put("itemsMissing", s.itemsMissing())
            .put("itemsRead", s.itemsRead()).put("itemsForwarding", s.itemsForwarding())
            .put("bytesTotal", s.bytesTotal()).put("bytesStaged", s.bytesStaged());
        final ObjectNode tiers = json.putObject("bytesByTier");
        for (final Map.Entry<TierKind, Long> e : s.bytesByTier().entrySet())
        {
            tiers.put(e.getKey().label(), e.getValue());
        }
        return json;
    }
}
