package dev.terrace.node.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.terrace.node.metrics.NodeMetrics;
import dev.terrace.node.store.NodeStore;
import dev.terrace.tier.TierStats;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

import java.util.function.Supplier;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.path;

/**
 * {@code GET /v1/node}, {@code GET /health} and {@code GET /metrics}.
 */
final class NodeRoutes
{
    private final NodeStore store;
    private final NodeMetrics metrics;
    private final Supplier<String> nodeId;
    private final Supplier<String> httpEndpoint;

    NodeRoutes(final NodeStore store, final NodeMetrics metrics, final Supplier<String> nodeId, final Supplier<String> httpEndpoint)
    {
        this.store = store;
        this.metrics = metrics;
        this.nodeId = nodeId;
        this.httpEndpoint = httpEndpoint;
    }

    /** Routes under {@code /v1}. */
    Route v1Route()
    {
        return path("node", () -> get(() -> complete(json(nodeJson()))));
    }

    /** Routes at the root. */
    Route rootRoute()
    {
        return concat(
            path("health", () -> get(() -> complete(json(HttpErrors.JSON.createObjectNode().put("status", "ok"))))),
            path("metrics", () -> get(() -> complete(HttpResponse.create().withStatus(StatusCodes.OK)
                .withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, metrics.scrape()))))));
    }

    private ObjectNode nodeJson()
    {
        final ObjectNode json = HttpErrors.JSON.createObjectNode();
        json.put("nodeId", nodeId.get()).put("http", httpEndpoint.get()).put("placementPolicy", store.memoryPolicyName());
        final ArrayNode tiers = json.putArray("tiers");
        for (final TierStats s : store.tierStats())
        {
            tiers.addObject()
                .put("tier", s.kind().label())
                .put("capacityBytes", s.capacityBytes())
                .put("usedBytes", s.usedBytes())
                .put("extents", s.extents())
                .put("hits", s.hits())
                .put("misses", s.misses())
                .put("bytesRead", s.bytesRead())
                .put("bytesWritten", s.bytesWritten())
                .put("corruptions", s.corruptions());
        }
        final long[] counts = store.itemCounts();
        json.put("objects", counts[0]).put("kvBlocks", counts[1]);
        json.put("demotions", store.demotions()).put("promotions", store.promotions())
            .put("cacheLosses", store.cacheLosses()).put("adoptions", store.adoptions())
            .put("cacheItems", store.cacheItemCount());
        return json;
    }

    private static HttpResponse json(final ObjectNode body)
    {
        return HttpResponse.create().withStatus(StatusCodes.OK)
            .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body.toString()));
    }
}
