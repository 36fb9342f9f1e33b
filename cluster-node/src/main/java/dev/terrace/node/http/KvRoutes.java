package dev.terrace.node.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.terrace.node.store.ItemKind;
import dev.terrace.node.store.NodeStore;
import dev.terrace.protocol.Names;
import dev.terrace.tier.TierKind;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.StreamLimitReachedException;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.util.ByteString;

import java.io.IOException;
import java.math.BigInteger;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.extractMaterializer;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequestEntity;
import static org.apache.pekko.http.javadsl.server.Directives.pathEnd;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.post;

/**
 * {@code /v1/kv/{namespace}/{hash}} and {@code POST /v1/kv/{namespace}/lookup}.
 */
final class KvRoutes
{
    /** A lookup names at most this many hashes (a 1M-token prompt in 16-token blocks is 65,536). */
    static final int MAX_LOOKUP_HASHES = 65_536;
    private static final long MAX_LOOKUP_BODY = 4L * 1024 * 1024;
    private static final BigInteger MAX_UNSIGNED = new BigInteger("18446744073709551615");

    private final NodeStore store;
    private final ItemHandlers items;

    KvRoutes(final NodeStore store, final ItemHandlers items)
    {
        this.store = store;
        this.items = items;
    }

    Route route()
    {
        return pathPrefix("kv", () -> pathPrefix(PathMatchers.segment(), namespace ->
        {
            final String problem = Names.namespaceProblem(namespace);
            if (problem != null)
            {
                return complete(HttpErrors.badRequest("invalid_name", problem + ": '" + namespace + "'"));
            }
            return concat(
                pathPrefix("lookup", () -> pathEnd(() -> concat(
                    post(() -> lookup(namespace)),
                    complete(HttpErrors.error(StatusCodes.METHOD_NOT_ALLOWED, "method_not_allowed", "use POST"))))),
                pathPrefix(PathMatchers.segment(), hashText -> pathEnd(() ->
                {
                    final long hash;
                    try
                    {
                        hash = Names.parseHash(hashText);
                    }
                    catch (final IllegalArgumentException ex)
                    {
                        return complete(HttpErrors.badRequest("invalid_name", ex.getMessage() + ": '" + hashText + "'"));
                    }
                    return items.item(ItemKind.KV_BLOCK, namespace, Names.formatHash(hash));
                })));
        }));
    }

    private Route lookup(final String namespace)
    {
        return extractMaterializer(materializer -> extractRequestEntity(entity ->
        {
            if (entity.getContentLengthOption().orElse(0) > MAX_LOOKUP_BODY)
            {
                // Refused before reading: the server closes the connection instead of taking the body.
                return complete(HttpErrors.tooLarge("lookup body exceeds " + MAX_LOOKUP_BODY + " bytes"));
            }
            final CompletionStage<HttpResponse> response = entity.getDataBytes()
                .limitWeighted(MAX_LOOKUP_BODY, bytes -> (long)bytes.size())
                .runWith(Sink.<ByteString, ByteString>fold(ByteString.emptyByteString(), (all, bytes) -> all.concat(bytes)),
                    materializer)
                .thenApply(body -> answer(namespace, body))
                .exceptionally(KvRoutes::lookupFailure);
            return completeWithFuture(response);
        }));
    }

    private HttpResponse answer(final String namespace, final ByteString body)
    {
        final long[] hashes;
        try
        {
            hashes = parseHashes(body);
        }
        catch (final IllegalArgumentException ex)
        {
            return HttpErrors.badRequest("invalid_json", ex.getMessage());
        }
        final NodeStore.PrefixLookup found = store.lookupPrefix(namespace, hashes);
        final ObjectNode json = HttpErrors.JSON.createObjectNode();
        json.put("prefix", found.prefix());
        final ArrayNode tiers = json.putArray("tiers");
        for (final TierKind tier : found.tiers())
        {
            tiers.add(tier.label());
        }
        return HttpResponse.create().withStatus(StatusCodes.OK)
            .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, json.toString()));
    }

    static long[] parseHashes(final ByteString body)
    {
        final JsonNode root;
        try
        {
            root = HttpErrors.JSON.readTree(body.toArray());
        }
        catch (final com.fasterxml.jackson.core.JsonProcessingException ex)
        {
            throw new IllegalArgumentException("body is not valid JSON: " + ex.getOriginalMessage());
        }
        catch (final IOException ex)
        {
            throw new IllegalArgumentException("body is not readable JSON: " + ex.getMessage());
        }
        if (root == null || !root.isObject() || !root.has("hashes") || !root.get("hashes").isArray())
        {
            throw new IllegalArgumentException("expected {\"hashes\": [h0, h1, ...]}");
        }
        final JsonNode list = root.get("hashes");
        if (list.size() > MAX_LOOKUP_HASHES)
        {
            throw new IllegalArgumentException("at most " + MAX_LOOKUP_HASHES + " hashes per lookup");
        }
        final long[] hashes = new long[list.size()];
        for (int i = 0; i < hashes.length; i++)
        {
            final JsonNode h = list.get(i);
            if (h.isTextual())
            {
                hashes[i] = Names.parseHash(h.textValue());
            }
            else if (h.isIntegralNumber() && h.bigIntegerValue().signum() >= 0 &&
                h.bigIntegerValue().compareTo(MAX_UNSIGNED) <= 0)
            {
                hashes[i] = h.bigIntegerValue().longValue();
            }
            else
            {
                throw new IllegalArgumentException("hashes[" + i + "] is not an unsigned 64-bit integer");
            }
        }
        return hashes;
    }

    private static HttpResponse lookupFailure(final Throwable thrown)
    {
        final Throwable t = thrown instanceof CompletionException && thrown.getCause() != null ? thrown.getCause() : thrown;
        if (t instanceof StreamLimitReachedException)
        {
            return HttpErrors.tooLarge("lookup body exceeds " + MAX_LOOKUP_BODY + " bytes");
        }
        return HttpErrors.fromThrowable(t);
    }
}
