package dev.terrace.node.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.terrace.node.cluster.ClusterRuntime;
import dev.terrace.node.cluster.handoff.SlotHandOff;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathEndOrSingleSlash;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.post;

/**
 * {@code GET /v1/cluster/slots} (the slot map with its epoch) and {@code GET /v1/cluster} (members, their state,
 * slots owned, tier usage, hand-offs in progress).
 */
final class ClusterRoutes
{
    private static final Duration PEER_TIMEOUT = Duration.ofSeconds(2);

    private final ClusterRuntime cluster;
    private final SlotHandOff handOff;
    private final HttpClient peers = HttpClient.newBuilder().connectTimeout(PEER_TIMEOUT).build();

    ClusterRoutes(final ClusterRuntime cluster, final SlotHandOff handOff)
    {
        this.cluster = cluster;
        this.handOff = handOff;
    }

    Route route()
    {
        return pathPrefix("cluster", () -> concat(
            pathEndOrSingleSlash(() -> get(() -> completeWithFuture(overview()))),
            path("slots", () -> get(() -> complete(json(slotMap())))),
            path(PathMatchers.segment("local"), () -> get(() -> complete(json(local())))),
            path(PathMatchers.segment("nodes").slash(PathMatchers.segment()).slash("drain"), nodeId -> post(() ->
                complete(cluster.drain(nodeId)
                    ? HttpResponse.create().withStatus(StatusCodes.ACCEPTED).withEntity(HttpEntities.create(
                        ContentTypes.APPLICATION_JSON, HttpErrors.JSON.createObjectNode().put("nodeId", nodeId)
                            .put("state", "draining").toString()))
                    : HttpErrors.notFound("no member with node id " + nodeId))))));
    }

    private ObjectNode slotMap()
    {
        final ClusterRuntime.SlotMap map = cluster.slotMap();
        final ObjectNode json = HttpErrors.JSON.createObjectNode();
        json.put("epoch", map.epoch()).put("slots", map.owners().length);
        final ArrayNode nodes = json.putArray("nodes");
        for (final ClusterRuntime.MemberView member : map.members())
        {
            nodes.addObject().put("nodeId", member.nodeId()).put("http", member.httpEndpoint()).put("dataPlane", "")
                .put("status", member.status()).put("slotsOwned", member.slotsOwned());
        }
        final ArrayNode owners = json.putArray("owners");
        for (final int owner : map.owners())
        {
            owners.add(owner);
        }
        return json;
    }

    private ObjectNode local()
    {
        final ObjectNode json = HttpErrors.JSON.createObjectNode();
        json.put("nodeId", cluster.selfId()).put("slotsOwned", cluster.localSlots().owned())
            .put("handOffsInProgress", cluster.localSlots().handOffs())
            .put("slotsHandedOff", handOff.slotsMoved()).put("itemsHandedOff", handOff.itemsMoved())
            .put("bytesHandedOff", handOff.bytesMoved());
        return json;
    }

    private CompletableFuture<HttpResponse> overview()
    {
        final ClusterRuntime.SlotMap map = cluster.slotMap();
        final List<CompletableFuture<JsonNode>> nodeInfos = new ArrayList<>();
        final List<CompletableFuture<JsonNode>> locals = new ArrayList<>();
        for (final ClusterRuntime.MemberView member : map.members())
        {
            nodeInfos.add(fetch(member.httpEndpoint(), "/v1/node"));
            locals.add(fetch(member.httpEndpoint(), "/v1/cluster/local"));
        }
        final List<CompletableFuture<JsonNode>> all = new ArrayList<>(nodeInfos);
        all.addAll(locals);
        return CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).thenApply(ignored ->
        {
            final ObjectNode json = HttpErrors.JSON.createObjectNode();
            json.put("self", cluster.selfId()).put("epoch", map.epoch());
            final ArrayNode members = json.putArray("members");
            int handOffs = 0;
            for (int i = 0; i < map.members().size(); i++)
            {
                final ClusterRuntime.MemberView member = map.members().get(i);
                final ObjectNode row = members.addObject().put("nodeId", member.nodeId())
                    .put("http", member.httpEndpoint()).put("address", member.address()).put("status", member.status())
                    .put("slotsOwned", member.slotsOwned());
                final JsonNode info = nodeInfos.get(i).join();
                final JsonNode local = locals.get(i).join();
                row.put("reachable", info != null);
                if (local != null)
                {
                    row.put("handOffsInProgress", local.path("handOffsInProgress").asInt())
                        .put("bytesHandedOff", local.path("bytesHandedOff").asLong())
                        .put("itemsHandedOff", local.path("itemsHandedOff").asLong());
                    handOffs += local.path("handOffsInProgress").asInt();
                }
                if (info != null)
                {
                    row.set("tiers", info.path("tiers"));
                    row.put("objects", info.path("objects").asLong()).put("kvBlocks", info.path("kvBlocks").asLong());
                }
            }
            json.put("handOffsInProgress", handOffs);
            final ArrayNode lost = json.putArray("lostNodes");
            for (final ClusterRuntime.LostNode node : cluster.lostNodes())
            {
                lost.addObject().put("nodeId", node.nodeId()).put("atMillis", node.atMillis())
                    .put("slotsOwned", node.slotsOwned()).put("cacheItemsLost", node.cacheItemsLost());
            }
            return HttpResponse.create().withStatus(StatusCodes.OK)
                .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, json.toString()));
        });
    }

    private CompletableFuture<JsonNode> fetch(final String endpoint, final String path)
    {
        if (endpoint == null)
        {
            return CompletableFuture.completedFuture(null);
        }
        return peers.sendAsync(HttpRequest.newBuilder(URI.create(endpoint + path)).timeout(PEER_TIMEOUT).GET().build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray())
            .thenApply(response ->
            {
                try
                {
                    return response.statusCode() == 200 ? HttpErrors.JSON.readTree(response.body()) : null;
                }
                catch (final java.io.IOException ex)
                {
                    return (JsonNode)null;
                }
            })
            .exceptionally(failure -> null);
    }

    private static HttpResponse json(final ObjectNode body)
    {
        return HttpResponse.create().withStatus(StatusCodes.OK)
            .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body.toString()));
    }
}
