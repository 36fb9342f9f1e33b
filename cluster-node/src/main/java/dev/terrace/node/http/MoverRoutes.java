package dev.terrace.node.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.terrace.mover.TransferClass;
import dev.terrace.mover.TransferScheduler;
import dev.terrace.mover.TransferSnapshot;
import dev.terrace.node.hints.HintService;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.path;

/**
 * {@code GET /v1/mover/transfers}: running, queued and recently finished transfers with their progress, and the hint
 * staging threads.
 */
final class MoverRoutes
{
    private final TransferScheduler scheduler;
    private final HintService hints;

    MoverRoutes(final TransferScheduler scheduler, final HintService hints)
    {
        this.scheduler = scheduler;
        this.hints = hints;
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
        // Hint staging runs on threads of its own; its transfers are the prefetch class's.
        final HintService.Staging staging = hints.staging();
        json.putObject("hintStaging").put("threads", staging.threads()).put("staging", staging.staging())
            .put("bytesStaged", staging.bytesStaged()).put("failures", staging.failures());
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
