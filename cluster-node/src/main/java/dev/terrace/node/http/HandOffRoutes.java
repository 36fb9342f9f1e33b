package dev.terrace.node.http;

import dev.terrace.node.cluster.handoff.SlotImporter;
import dev.terrace.node.store.NodeStore;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.StreamConverters;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.extractMaterializer;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequestEntity;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.post;

/**
 * {@code POST /internal/v1/slots/{slot}/import}: the receiving end of a slot hand-off between nodes.
 */
final class HandOffRoutes
{
    private final NodeStore store;
    private final Executor io;
    private final int slots;

    HandOffRoutes(final NodeStore store, final Executor io, final int slots)
    {
        this.store = store;
        this.io = io;
        this.slots = slots;
    }

    Route route()
    {
        return pathPrefix("internal", () -> pathPrefix("v1", () -> pathPrefix("slots", () ->
            path(PathMatchers.integerSegment().slash("import"), slot -> post(() ->
            {
                if (slot < 0 || slot >= slots)
                {
                    return complete(HttpErrors.badRequest("bad_request", "slot must be 0-" + (slots - 1)));
                }
                return extractMaterializer(materializer -> extractRequestEntity(entity ->
                {
                    final InputStream body = entity.getDataBytes()
                        .runWith(StreamConverters.asInputStream(Duration.ofSeconds(60)), materializer);
                    return completeWithFuture(CompletableFuture.supplyAsync(() ->
                    {
                        try (InputStream in = body)
                        {
                            final SlotImporter.Result result = SlotImporter.importSlot(store, slot, slots, in);
                            return HttpResponse.create().withStatus(StatusCodes.OK).withEntity(HttpEntities.create(
                                ContentTypes.APPLICATION_JSON, HttpErrors.JSON.createObjectNode()
                                    .put("slot", slot).put("items", result.items()).put("imported", result.imported())
                                    .put("dataBytes", result.dataBytes()).toString()));
                        }
                        catch (final IOException ex)
                        {
                            return HttpErrors.badRequest("bad_request", "hand-off stream: " + ex.getMessage());
                        }
                        catch (final UncheckedIOException ex)
                        {
                            return HttpErrors.badRequest("bad_request", "hand-off stream: " + ex.getCause().getMessage());
                        }
                    }, io).exceptionally(HttpErrors::fromThrowable));
                }));
            })))));
    }
}
