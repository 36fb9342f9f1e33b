package dev.terrace.node.http;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Route;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;

/**
 * Sends each item request to the node that owns its slot. Any node accepts any request: the owner serves it, a
 * non-owner forwards it (streaming both bodies) and marks the answer with {@code X-Terrace-Owner}, which tells a
 * slot-aware client that its slot map is stale. A forwarded request that reaches a node which does not own the slot
 * either (the slot is moving) is answered 503 with {@code Retry-After}, never forwarded twice.
 */
public final class SlotRouting
{
    /** Request header set on a forwarded request: the id of the node that forwarded it. */
    public static final String FORWARDED_BY = "X-Terrace-Forwarded-By";
    /** How long a forward waits for the owner's answer to start before answering 503 (the client retries). */
    static final long FORWARD_TIMEOUT_SECONDS = 20;
    /** Response header naming the owner that served a forwarded request. */
    public static final String OWNER = "X-Terrace-Owner";

    /** Who owns slots, as this node currently knows it. */
    public interface SlotOwners
    {
        /** This node's id. */
        String selfId();

        /** The owner of {@code slot}, or null when not known yet (the request is then served locally). */
        Owner ownerOf(int slot);
    }

    /** A slot owner: its node id and HTTP endpoint. */
    public record Owner(String nodeId, String httpEndpoint)
    {
    }

    /** The slot is between owners right now (unassigned, or on its way to this node): answer 503, retry shortly. */
    public static final Owner MOVING = new Owner("", "");

    /** Serves everything locally: a node outside any cluster. */
    public static final SlotOwners LOCAL_ONLY = new SlotOwners()
    {
        @Override
        public String selfId()
        {
            return "local";
        }

        @Override
        public Owner ownerOf(final int slot)
        {
            return null;
        }
    };

    private final SlotOwners owners;
    private final ActorSystem<?> system;

    public SlotRouting(final SlotOwners owners, final ActorSystem<?> system)
    {
        this.owners = owners;
        this.system = system;
    }

    /** The route for a request on {@code slot}: {@code local} on the owner, a forward elsewhere. */
    Route route(final int slot, final Supplier<Route> local)
    {
        final Owner owner = owners.ownerOf(slot);
        if (owner == MOVING)
        {
            return complete(HttpErrors.error(StatusCodes.SERVICE_UNAVAILABLE, "slot_moving",
                "slot " + slot + " is moving between nodes; retry shortly")
                .addHeader(RawHeader.create("Retry-After", "1")));
        }
        if (owner == null || owner.nodeId().equals(owners.selfId()))
        {
            return local.get();
        }
        return extractRequest(request ->
        {
            if (request.getHeader(FORWARDED_BY).isPresent())
            {
                return complete(HttpErrors.error(StatusCodes.SERVICE_UNAVAILABLE, "slot_moving",
                    "slot " + slot + " is moving between nodes; retry shortly")
                    .addHeader(RawHeader.create("Retry-After", "1")));
            }
            return completeWithFuture(forward(request, owner));
        });
    }

    private CompletionStage<HttpResponse> forward(final HttpRequest request, final Owner owner)
    {
        final List<HttpHeader> headers = new ArrayList<>();
        for (final HttpHeader header : request.getHeaders())
        {
            final String name = header.lowercaseName();
            if (!name.equals("host") && !name.equals("timeout-access") && !name.equals("content-length") &&
                !name.equals("transfer-encoding") && !name.equals("content-type") && !name.equals("raw-request-uri"))
            {
                headers.add(header);
            }
        }
        headers.add(RawHeader.create(FORWARDED_BY, owners.selfId()));
        final Uri target = Uri.create(owner.httpEndpoint() + request.getUri().toRelative().toString());
        final HttpRequest forwarded = request.withUri(target).withHeaders(headers);
        return Http.get(system).singleRequest(forwarded).toCompletableFuture()
            .orTimeout(FORWARD_TIMEOUT_SECONDS, java.util.concurrent.TimeUnit.SECONDS)
            .thenApply(response -> response.addHeader(RawHeader.create(OWNER, owner.nodeId())))
            .exceptionally(failure -> HttpErrors.error(StatusCodes.SERVICE_UNAVAILABLE, "owner_unreachable",
                "the owner of this slot (" + owner.nodeId() + ") did not answer: " + failure.getMessage())
                .addHeader(RawHeader.create("Retry-After", "1")));
    }
}
