package dev.terrace.node.http;

import dev.terrace.mover.TransferScheduler;
import dev.terrace.node.cluster.ClusterRuntime;
import dev.terrace.node.cluster.handoff.SlotHandOff;
import dev.terrace.node.hints.HintCoordinator;
import dev.terrace.node.metrics.NodeMetrics;
import dev.terrace.node.store.NodeStore;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;

import java.util.concurrent.Executor;
import java.util.function.Supplier;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.handleExceptions;
import static org.apache.pekko.http.javadsl.server.Directives.handleRejections;
import static org.apache.pekko.http.javadsl.server.Directives.mapResponse;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.withRequestTimeoutResponse;

/**
 * The whole HTTP API of a node as one route: objects, KV blocks, node status, health and metrics, with JSON errors
 * for everything unmatched and a request counter per route and status.
 */
public final class HttpApi
{
    private final ObjectRoutes objects;
    private final KvRoutes kv;
    private final NodeRoutes node;
    private final HintRoutes hints;
    private final MoverRoutes mover;
    private final ClusterRoutes cluster;
    private final HandOffRoutes handOffs;
    private final NodeMetrics metrics;

    public HttpApi(
        final NodeStore store,
        final NodeMetrics metrics,
        final HintCoordinator hintCoordinator,
        final TransferScheduler transfers,
        final SlotRouting routing,
        final ClusterRuntime clusterRuntime,
        final SlotHandOff handOff,
        final Executor io,
        final RequestLimits limits,
        final Supplier<String> nodeId,
        final Supplier<String> httpEndpoint)
    {
        final ItemHandlers items = new ItemHandlers(store, io, limits, routing);
        metrics.gauge("terrace_transfers_in_flight", "Object and block bodies streaming in or out now",
            items::transfersInFlight);
        this.objects = new ObjectRoutes(store, items);
        this.kv = new KvRoutes(store, items);
        this.node = new NodeRoutes(store, metrics, nodeId, httpEndpoint);
        this.hints = new HintRoutes(hintCoordinator);
        this.mover = new MoverRoutes(transfers, hintCoordinator.parts());
        this.cluster = new ClusterRoutes(clusterRuntime, handOff);
        this.handOffs = new HandOffRoutes(store, io, clusterRuntime.localSlots().slots());
        this.metrics = metrics;
    }

    public Route route()
    {
        final RejectionHandler rejections = RejectionHandler.newBuilder()
            .handleNotFound(complete(HttpErrors.notFound("no such route")))
            .build()
            .mapRejectionResponse(response -> response.entity().getContentType().equals(
                org.apache.pekko.http.javadsl.model.ContentTypes.APPLICATION_JSON)
                ? response
                : HttpErrors.error(response.status(), response.status().intValue() == 405
                    ? "method_not_allowed" : "bad_request", response.status().reason()));
        final ExceptionHandler exceptions = ExceptionHandler.newBuilder()
            .match(IllegalArgumentException.class, ex -> complete(HttpErrors.badRequest("bad_request", ex.getMessage())))
            .matchAny(ex -> complete(HttpErrors.fromThrowable(ex)))
            .build();
        return extractRequest(request ->
        {
            final String routeLabel = routeLabel(request.getUri().path());
            return mapResponse(response ->
            {
                metrics.recordRequest(routeLabel, response.status().intValue());
                return response;
            }, () ->
            {
                final HttpResponse malformed = malformedTarget(request);
                if (malformed != null)
                {
                    return complete(malformed);
                }
                return withRequestTimeoutResponse(HttpApi::timedOut, () -> handleRejections(rejections, () ->
                    handleExceptions(exceptions, () -> concat(
                        pathPrefix("v1", () -> concat(objects.route(), kv.route(), hints.route(), mover.route(),
                            cluster.route(), node.v1Route())),
                        handOffs.route(),
                        hints.internalRoute(),
                        node.rootRoute(),
                        complete(HttpErrors.notFound("no such route"))))));
            });
        });
    }

    /**
     * A 400 for what Pekko's request model hides from the routes: dot segments and invalid UTF-8 in the target as sent
     * ({@code Raw-Request-URI}, see {@link RequestTargets}), and a {@code Content-Length} it could not read (it keeps
     * that as a plain header and treats the body as empty, which would store an empty value).
     */
    private static HttpResponse malformedTarget(final HttpRequest request)
    {
        final String target = request.getHeader("Raw-Request-URI").map(HttpHeader::value).orElse(null);
        final String problem = target == null ? null : RequestTargets.pathProblem(target);
        if (problem != null)
        {
            return HttpErrors.badRequest("invalid_name", problem);
        }
        return request.getHeader("Content-Length")
            .map(length -> HttpErrors.badRequest("invalid_header", "Content-Length '" + length.value() +
                "' is not a byte count"))
            .orElse(null);
    }

    /** The answer when the node did not produce one within {@code pekko.http.server.request-timeout}. */
    private static HttpResponse timedOut(final HttpRequest request)
    {
        return HttpErrors.error(StatusCodes.SERVICE_UNAVAILABLE, "timeout",
            "the node did not answer " + request.method().value() + ' ' + request.getUri().path() + " in time")
            .addHeader(RawHeader.create("Retry-After", "1"));
    }

    private static String routeLabel(final String path)
    {
        if (path.startsWith("/v1/objects/"))
        {
            return "objects";
        }
        if (path.startsWith("/v1/kv/"))
        {
            return path.endsWith("/lookup") ? "kv_lookup" : "kv";
        }
        if (path.startsWith("/v1/hints"))
        {
            return "hints";
        }
        if (path.startsWith("/internal/"))
        {
            return "internal";
        }
        if (path.startsWith("/v1/cluster"))
        {
            return "cluster";
        }
        if (path.startsWith("/v1/mover"))
        {
            return "mover";
        }
        if (path.equals("/v1/node") || path.equals("/health") || path.equals("/metrics"))
        {
            return path.substring(path.lastIndexOf('/') + 1);
        }
        return "other";
    }
}
