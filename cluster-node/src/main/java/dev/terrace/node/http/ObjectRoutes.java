package dev.terrace.node.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.terrace.node.store.ItemKind;
import dev.terrace.node.store.ItemMeta;
import dev.terrace.node.store.NodeStore;
import dev.terrace.protocol.Names;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

import java.util.List;
import java.util.Optional;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.extractUnmatchedPath;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.parameterOptional;
import static org.apache.pekko.http.javadsl.server.Directives.pathEndOrSingleSlash;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;

/**
 * {@code /v1/objects/{bucket}/{key}} and {@code /v1/objects/{bucket}?prefix=}.
 */
final class ObjectRoutes
{
    private static final int DEFAULT_LIST_LIMIT = 1000;
    private static final int MAX_LIST_LIMIT = 10_000;

    private final NodeStore store;
    private final ItemHandlers items;

    ObjectRoutes(final NodeStore store, final ItemHandlers items)
    {
        this.store = store;
        this.items = items;
    }

    Route route()
    {
        return pathPrefix("objects", () -> pathPrefix(PathMatchers.segment(), bucket ->
        {
            final String bucketProblem = Names.bucketProblem(bucket);
            if (bucketProblem != null)
            {
                return complete(HttpErrors.badRequest("invalid_name", bucketProblem + ": '" + bucket + "'"));
            }
            return concat(
                pathEndOrSingleSlash(() -> get(() -> list(bucket))),
                extractUnmatchedPath(rest -> objectRoute(bucket, rest)));
        }));
    }

    private Route objectRoute(final String bucket, final String encodedRest)
    {
        final String key;
        try
        {
            key = PathNames.decode(encodedRest.startsWith("/") ? encodedRest.substring(1) : encodedRest);
        }
        catch (final IllegalArgumentException ex)
        {
            return complete(HttpErrors.badRequest("invalid_name", ex.getMessage()));
        }
        final String keyProblem = Names.keyProblem(key);
        if (keyProblem != null)
        {
            return complete(HttpErrors.badRequest("invalid_name", keyProblem));
        }
        return items.item(ItemKind.OBJECT, bucket, key);
    }

    private Route list(final String bucket)
    {
        return parameterOptional("prefix", prefix -> parameterOptional("start-after", startAfter ->
            parameterOptional("limit", limitParam ->
        {
            final int limit;
            try
            {
                limit = limitParam.map(Integer::parseInt).orElse(DEFAULT_LIST_LIMIT);
            }
            catch (final NumberFormatException ex)
            {
                return complete(HttpErrors.badRequest("bad_request", "limit must be an integer"));
            }
            if (limit < 1 || limit > MAX_LIST_LIMIT)
            {
                return complete(HttpErrors.badRequest("bad_request", "limit must be 1-" + MAX_LIST_LIMIT));
            }
            return complete(listing(bucket, prefix, startAfter.orElse(null), limit));
        })));
    }

    private HttpResponse listing(final String bucket, final Optional<String> prefix, final String startAfter, final int limit)
    {
        final List<ItemMeta> metas = store.list(bucket, prefix.orElse(""), startAfter, limit + 1);
        final ObjectNode json = HttpErrors.JSON.createObjectNode();
        json.put("bucket", bucket).put("prefix", prefix.orElse(""));
        final ArrayNode objects = json.putArray("objects");
        for (int i = 0; i < Math.min(limit, metas.size()); i++)
        {
            final ItemMeta meta = metas.get(i);
            objects.addObject().put("key", meta.name()).put("size", meta.size()).put("etag", meta.etag())
                .put("durability", meta.durability().wireName());
        }
        json.put("truncated", metas.size() > limit);
        if (metas.size() > limit)
        {
            json.put("nextStartAfter", metas.get(limit - 1).name());
        }
        return HttpResponse.create().withStatus(StatusCodes.OK)
            .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, json.toString()));
    }
}
