package dev.terrace.node.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.terrace.node.hints.HintCoordinator;
import dev.terrace.node.hints.HintJson;
import dev.terrace.node.hints.HintService;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.delete;
import static org.apache.pekko.http.javadsl.server.Directives.extractMaterializer;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequestEntity;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathEndOrSingleSlash;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.post;

/**
 * {@code POST /v1/hints}, {@code GET /v1/hints/{id}}, {@code DELETE /v1/hints/{id}} on any node (the
 * {@link HintCoordinator} splits, aggregates and cancels across the owners), and the owners' side,
 * {@code POST|GET|DELETE /internal/v1/hints/{id}/part}.
 */
final class HintRoutes
{
    private static final long MAX_BODY = 16L * 1024 * 1024;

    private final HintCoordinator coordinator;
    private final HintService parts;

    HintRoutes(final HintCoordinator coordinator)
    {
        this.coordinator = coordinator;
        this.parts = coordinator.parts();
    }

    Route route()
    {
        return pathPrefix("hints", () -> concat(
            pathEndOrSingleSlash(() -> concat(
                post(() -> withJsonBody(root -> coordinator.submit(root)
                    .thenApply(view -> json(StatusCodes.ACCEPTED, HintJson.view(view))))),
                complete(HttpErrors.error(StatusCodes.METHOD_NOT_ALLOWED, "method_not_allowed", "use POST")))),
            pathPrefix(PathMatchers.segment(), id -> pathEndOrSingleSlash(() -> concat(
                get(() -> completeWithFuture(coordinator.status(id)
                    .thenApply(view -> view == null ? HttpErrors.notFound("hint " + id + " does not exist")
                        : json(StatusCodes.OK, HintJson.view(view)))
                    .exceptionally(HintRoutes::failure))),
                delete(() -> completeWithFuture(coordinator.cancel(id)
                    .thenApply(known -> known ? HttpResponse.create().withStatus(StatusCodes.NO_CONTENT)
                        : HttpErrors.notFound("hint " + id + " does not exist"))
                    .exceptionally(HintRoutes::failure))),
                complete(HttpErrors.error(StatusCodes.METHOD_NOT_ALLOWED, "method_not_allowed", "use GET or DELETE")))))));
    }

    /** The owners' side: one node's part of a hint. */
    Route internalRoute()
    {
        return pathPrefix("internal", () -> pathPrefix("v1", () -> pathPrefix("hints", () ->
            path(PathMatchers.segment().slash("part"), id -> concat(
                post(() -> withJsonBody(root ->
                    CompletableFuture.completedFuture(json(StatusCodes.OK, HintJson.part(parts.acceptPart(id, root)))))),
                get(() ->
                {
                    final HintService.Status status = parts.partStatus(id);
                    return complete(status == null ? HttpErrors.notFound("no part of hint " + id + " here")
                        : json(StatusCodes.OK, HintJson.part(status)));
                }),
                delete(() -> complete(parts.cancelPart(id) ? HttpResponse.create().withStatus(StatusCodes.NO_CONTENT)
                    : HttpErrors.notFound("no part of hint " + id + " here"))))))));
    }

    /** Reads a bounded JSON body and answers with {@code handler}'s response; an invalid hint is a 400. */
    private Route withJsonBody(final Function<JsonNode, CompletionStage<HttpResponse>> handler)
    {
        return extractMaterializer(materializer -> extractRequestEntity(entity ->
        {
            if (entity.getContentLengthOption().orElse(0) > MAX_BODY)
            {
                // Refused before reading: the server closes the connection instead of taking the body.
                return complete(HttpErrors.tooLarge("hint body exceeds " + MAX_BODY + " bytes"));
            }
            final CompletionStage<HttpResponse> response = entity.getDataBytes()
                .limitWeighted(MAX_BODY, bytes -> (long)bytes.size())
                .runWith(Sink.<ByteString, ByteString>fold(ByteString.emptyByteString(), (all, bytes) -> all.concat(bytes)),
                    materializer)
                .thenCompose(body -> accept(body, handler))
                .exceptionally(HintRoutes::failure);
            return completeWithFuture(response);
        }));
    }

    private static CompletionStage<HttpResponse> accept(
        final ByteString body, final Function<JsonNode, CompletionStage<HttpResponse>> handler)
    {
        final JsonNode root;
        try
        {
            root = HttpErrors.JSON.readTree(body.toArray());
        }
        catch (final IOException ex)
        {
            return CompletableFuture.completedFuture(
                HttpErrors.badRequest("invalid_json", "body is not valid JSON: " + ex.getMessage()));
        }
        try
        {
            return handler.apply(root);
        }
        catch (final IllegalArgumentException ex)
        {
            return CompletableFuture.completedFuture(HttpErrors.badRequest("invalid_hint", ex.getMessage()));
        }
    }

    private static HttpResponse json(final StatusCode status, final ObjectNode json)
    {
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
        if (t instanceof IllegalArgumentException)
        {
            return HttpErrors.badRequest("invalid_hint", t.getMessage());
        }
        return HttpErrors.fromThrowable(t);
    }
}
