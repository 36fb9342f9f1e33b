package dev.terrace.node.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.terrace.mover.TransferClass;
import dev.terrace.mover.TransferScheduler;
import dev.terrace.mover.TransferSnapshot;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.path;

/**
 * {@code GET /v1/mover/transfers}: running, queued and recently finished transfers with their progress.
 */
final class MoverRoutes
{
    private final TransferScheduler scheduler;

    MoverRoutes(final TransferScheduler scheduler)
    {
        this.scheduler = scheduler;
    }

    Route route()
    {
        return path(org.apache.pekko.http.javadsl.server.PathMatchers.segment("mover").slash("transfers"),
            () -> get(() -> complete(transfers())));
    }

    private HttpResponse transfers()
    {
        final ObjectNode json = HttpErrors.JSON.createObjectNode();
        final ObjectNode classes = json.putObject("classes");
        for (final TransferClass c : TransferClass.values())
        {
            classes.putObject(c.label()).put("running", scheduler.running(c)).put("queued", scheduler.queued(c));
        }
        final ArrayNode rows = json.putArray("transfers");
        for (final TransferSnapshot t : scheduler.snapshot(System.nanoTime()))
        {
            rows.addObject().put("id", t.id()).put("class", t.transferClass().label()).put("key", t.key())
                .put("peer", t.peer()).put("bytesDone", t.bytesDone()).put("bytesTotal", t.bytesTotal())
                .put("state", t.state().name().toLowerCase(java.util.Locale.ROOT))
                .put("queuedMs", t.queuedMs()).put("runningMs", t.runningMs());
        }
        return HttpResponse.create().withStatus(StatusCodes.OK)
            .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, json.toString()));
    }
}
