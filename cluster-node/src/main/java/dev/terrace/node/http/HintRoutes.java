package dev.terrace.node.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.terrace.node.hints.HintService;
import dev.terrace.tier.TierKind;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.StreamLimitReachedException;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.util.ByteString;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.delete;
import static org.apache.pekko.http.javadsl.server.Directives.extractMaterializer;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequestEntity;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.pathEndOrSingleSlash;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.post;

/**
 * {@code POST /v1/hints}, {@code GET /v1/hints/{id}}, {@code DELETE /v1/hints/{id}}.
 */
final class HintRoutes
{
    private static final long MAX_BODY = 16L * 1024 * 1024;

    private final HintService hints;

    HintRoutes(final HintService hints)
    {
        this.hints = hints;
    }

    Route route()
    {
        return pathPrefix("hints", () -> concat(
            pathEndOrSingleSlash(() -> concat(
                post(this::submit),
                complete(HttpErrors.error(StatusCodes.METHOD_NOT_ALLOWED, "method_not_allowed", "use POST")))),
            pathPrefix(PathMatchers.segment(), id -> pathEndOrSingleSlash(() -> concat(
                get(() ->
                {
                    final HintService.Status status = hints.status(id);
                    return complete(status == null ? HttpErrors.notFound("hint " + id + " does not exist")
                        : json(StatusCodes.OK, status));
                }),
                delete(() -> complete(hints.cancel(id) ? HttpResponse.create().withStatus(StatusCodes.NO_CONTENT)
                    : HttpErrors.notFound("hint " + id + " does not exist"))),
                complete(HttpErrors.error(StatusCodes.METHOD_NOT_ALLOWED, "method_not_allowed", "use GET or DELETE")))))));
    }

    private Route submit()
    {
        return extractMaterializer(materializer -> extractRequestEntity(entity ->
        {
            final CompletionStage<HttpResponse> response = entity.getDataBytes()
                .limitWeighted(MAX_BODY, bytes -> (long)bytes.size())
                .runWith(Sink.<ByteString, ByteString>fold(ByteString.emptyByteString(), (all, bytes) -> all.concat(bytes)),
                    materializer)
                .thenApply(this::accept)
                .exceptionally(HintRoutes::failure);
            return completeWithFuture(response);
        }));
    }

    private HttpResponse accept(final ByteString body)
    {
        final JsonNode root;
        try
        {
            root = HttpErrors.JSON.readTree(body.toArray());
        }
        catch (final IOException ex)
        {
            return HttpErrors.badRequest("invalid_json", "body is not valid JSON: " + ex.getMessage());
        }
        try
        {
            return json(StatusCodes.ACCEPTED, hints.submit(root));
        }
        catch (final IllegalArgumentException ex)
        {
            return HttpErrors.badRequest("invalid_hint", ex.getMessage());
        }
    }

    static HttpResponse json(final StatusCode status, final HintService.Status s)
    {
        final ObjectNode json = HttpErrors.JSON.createObjectNode();
        json.put("id", s.id()).put("job", s.job()).put("state", s.state())
            .put("startAt", s.startAtMillis()).put("expiresAt", s.expiresAtMillis())
            .put("items", s.items()).put("itemsStaged", s.itemsStaged()).put("itemsMissing", s.itemsMissing())
            .put("bytesTotal", s.bytesTotal()).put("bytesStaged", s.bytesStaged());
        final ObjectNode tiers = json.putObject("bytesByTier");
        for (final Map.Entry<TierKind, Long> e : s.bytesByTier().entrySet())
        {
            tiers.put(e.getKey().label(), e.getValue());
        }
        return HttpResponse.create().withStatus(status)
            .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, json.toString()));
    }

    private static HttpResponse failure(final Throwable thrown)
    {
        final Throwable t = thrown instanceof CompletionException && thrown.getCause() != null ? thrown.getCause() : thrown;
        if (t instanceof StreamLimitReachedException)
        {
            return HttpErrors.tooLarge("hint body exceeds " + MAX_BODY + " bytes");
        }
        return HttpErrors.fromThrowable(t);
    }
}
