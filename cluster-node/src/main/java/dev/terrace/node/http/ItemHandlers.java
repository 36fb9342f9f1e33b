package dev.terrace.node.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.terrace.node.store.ItemKind;
import dev.terrace.node.store.ItemMeta;
import dev.terrace.node.store.NodeStore;
import dev.terrace.protocol.Durability;
import dev.terrace.protocol.SlotHash;
import dev.terrace.protocol.TerraceHeaders;
import dev.terrace.tier.TierKind;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.ResponseEntity;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.StreamConverters;
import org.apache.pekko.util.ByteString;

import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.delete;
import static org.apache.pekko.http.javadsl.server.Directives.extractMaterializer;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequestEntity;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.head;
import static org.apache.pekko.http.javadsl.server.Directives.optionalHeaderValueByName;
import static org.apache.pekko.http.javadsl.server.Directives.put;

/**
 * PUT/GET/HEAD/DELETE of one item (object or KV block), shared by the object and KV routes. Blocking tier work runs
 * on the node's I/O executor, never on the HTTP dispatcher; uploads, which wait on their clients, on threads of their
 * own; bodies stream both ways. Each key's request rate and the bodies streaming at once are limited (429).
 */
final class ItemHandlers
{
    private static final int STREAM_CHUNK = 256 * 1024;
    private static final Duration BODY_READ_TIMEOUT = Duration.ofSeconds(60);

    private final NodeStore store;
    private final Executor io;
    private final ExecutorService uploads;
    private final long maxObjectSize;
    private final long maxKvBlockSize;
    private final KeyRateLimiter rateLimiter;
    private final TransferSlots transfers;
    private final SlotRouting routing;

    ItemHandlers(final NodeStore store, final Executor io, final RequestLimits limits, final SlotRouting routing)
    {
        this.routing = routing;
        this.store = store;
        this.io = io;
        this.maxObjectSize = limits.maxObjectSize();
        this.maxKvBlockSize = limits.maxKvBlockSize();
        this.rateLimiter = new KeyRateLimiter(limits.requestsPerSecondPerKey(), limits.requestBurstPerKey(),
            limits.rateLimitedKeys(), System::nanoTime);
        this.transfers = new TransferSlots(limits.maxConcurrentTransfers());
        // An upload waits on its client's bytes, so it gets a thread of its own rather than one of the few I/O
        // threads: slow clients must not starve reads. The transfer slots bound how many run at once.
        final AtomicInteger uploadThreads = new AtomicInteger();
        this.uploads = Executors.newCachedThreadPool(r ->
        {
            final Thread t = new Thread(r, "terrace-upload-" + uploadThreads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Object and block bodies streaming in or out now. */
    int transfersInFlight()
    {
        return transfers.inUse();
    }

    /** The four methods on one item, served by the owner of its slot; anything else is 405. */
    Route item(final ItemKind kind, final String container, final String name)
    {
        final int slot = kind == ItemKind.OBJECT
            ? SlotHash.objectSlot(container, name, SlotHash.DEFAULT_SLOTS)
            : SlotHash.kvSlot(container, Long.parseUnsignedLong(name), SlotHash.DEFAULT_SLOTS);
        return routing.route(slot, () -> localItem(kind, container, name));
    }

    private Route localItem(final ItemKind kind, final String container, final String name)
    {
        final long waitNanos = rateLimiter.acquire(kind == ItemKind.OBJECT ? "o/" + container + '/' + name
            : "k/" + container + '/' + name);
        if (waitNanos > 0)
        {
            return complete(HttpErrors.tooManyRequests("rate_limited", "more than " +
                rateLimiter.describe() + " to " + describe(kind, container, name), waitNanos));
        }
        return concat(
            put(() -> withTransfer(lease -> putItem(kind, container, name, lease))),
            get(() -> optionalHeaderValueByName("Range", range ->
                withTransfer(lease -> getItem(kind, container, name, range, lease)))),
            head(() -> getItem(kind, container, name, Optional.empty(), null)),
            delete(() -> deleteItem(kind, container, name)),
            complete(HttpErrors.error(StatusCodes.METHOD_NOT_ALLOWED, "method_not_allowed",
                "use PUT, GET, HEAD or DELETE")));
    }

    /** Runs the route with a transfer slot, or answers 429 when every slot is taken. */
    private Route withTransfer(final Function<TransferSlots.Lease, Route> route)
    {
        final TransferSlots.Lease lease = transfers.tryAcquire();
        if (lease == null)
        {
            return complete(HttpErrors.tooManyRequests("too_many_transfers", "the node is already streaming " +
                transfers.max() + " object and block bodies (terrace.limits.max-concurrent-transfers)",
                TimeUnit.SECONDS.toNanos(1)));
        }
        try
        {
            return route.apply(lease);
        }
        catch (final RuntimeException ex)
        {
            lease.release();
            throw ex;
        }
    }

    private Route putItem(final ItemKind kind, final String container, final String name, final TransferSlots.Lease lease)
    {
        return optionalHeaderValueByName(TerraceHeaders.DURABILITY, durabilityHeader ->
            extractMaterializer(materializer -> extractRequestEntity(entity ->
            {
                final Durability durability;
                try
                {
                    durability = durabilityHeader.map(Durability::parse)
                        .orElse(kind == ItemKind.OBJECT ? Durability.WRITE_THROUGH : Durability.CACHE);
                }
                catch (final IllegalArgumentException ex)
                {
                    lease.release();
                    return discardAnd(entity, materializer,
                        HttpErrors.badRequest("invalid_header", TerraceHeaders.DURABILITY + ": " + ex.getMessage()));
                }
                final OptionalLong length = entity.getContentLengthOption();
                if (length.isEmpty())
                {
                    lease.release();
                    return discardAnd(entity, materializer, HttpErrors.error(StatusCodes.LENGTH_REQUIRED,
                        "length_required", "PUT needs a Content-Length header"));
                }
                final long max = kind == ItemKind.OBJECT ? maxObjectSize : maxKvBlockSize;
                if (length.getAsLong() > max)
                {
                    lease.release();
                    // Not consuming the body makes the server close the connection after this answer.
                    return complete(HttpErrors.tooLarge("body of " + length.getAsLong() +
                        " bytes exceeds the limit of " + max + " bytes"));
                }
                final InputStream body = entity.getDataBytes()
                    .runWith(StreamConverters.asInputStream(BODY_READ_TIMEOUT), materializer);
                final CompletionStage<HttpResponse> response = CompletableFuture
                    .supplyAsync(() -> store.put(kind, container, name, body, length.getAsLong(), durability), uploads)
                    .handle((meta, failure) ->
                    {
                        lease.release();
                        closeQuietly(body);
                        return failure != null ? HttpErrors.fromThrowable(failure) : stored(meta);
                    });
                return completeWithFuture(response);
            })));
    }

    /**
     * GET (with a transfer lease, held until the body has streamed) or HEAD (lease null) of one item.
     */
    private Route getItem(
        final ItemKind kind, final String container, final String name, final Optional<String> range,
        final TransferSlots.Lease lease)
    {
        final CompletionStage<HttpResponse> response = CompletableFuture.supplyAsync(() ->
        {
            final ItemMeta meta = store.head(kind, container, name);
            if (meta == null)
            {
                return HttpErrors.notFound(describe(kind, container, name) + " does not exist");
            }
            final ByteRange byteRange;
            try
            {
                byteRange = ByteRange.resolve(range.orElse(null), meta.size());
            }
            catch (final ByteRange.UnsatisfiableException ex)
            {
                return HttpErrors.error(StatusCodes.RANGE_NOT_SATISFIABLE, "range_not_satisfiable", ex.getMessage())
                    .addHeader(RawHeader.create("Content-Range", "bytes */" + meta.size()));
            }
            catch (final IllegalArgumentException ex)
            {
                return HttpErrors.badRequest("invalid_range", ex.getMessage());
            }
            final List<HttpHeader> headers = new ArrayList<>();
            headers.add(RawHeader.create("ETag", meta.etag()));
            headers.add(RawHeader.create("Accept-Ranges", "bytes"));
            headers.add(RawHeader.create(TerraceHeaders.DURABILITY, meta.durability().wireName()));
            if (lease == null)
            {
                final TierKind tier = store.residentTier(meta);
                if (tier == null)
                {
                    return HttpErrors.notFound("cache-class data of " + describe(kind, container, name) + " was evicted");
                }
                headers.add(RawHeader.create(TerraceHeaders.TIER, tier.label()));
                return HttpResponse.create().withStatus(StatusCodes.OK).addHeaders(headers)
                    .withEntity(meta.size() == 0 ? HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM, new byte[0])
                        : HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM, meta.size(), Source.empty()));
            }
            final NodeStore.ItemRead read = store.open(meta, byteRange.offset(), byteRange.length());
            headers.add(RawHeader.create(TerraceHeaders.TIER, read.firstTier().label()));
            if (byteRange.partial())
            {
                headers.add(RawHeader.create("Content-Range", "bytes " + byteRange.offset() + '-' +
                    (byteRange.offset() + byteRange.length() - 1) + '/' + meta.size()));
            }
            final ResponseEntity entity;
            if (byteRange.length() == 0)
            {
                lease.release();
                entity = HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM, new byte[0]);
            }
            else
            {
                lease.releaseWhenUnreachable(read.stream());
                final Source<ByteString, ?> bytes = StreamConverters.fromInputStream(read::stream, STREAM_CHUNK)
                    .watchTermination((materialized, done) ->
                    {
                        done.whenComplete((ok, failure) -> lease.release());
                        return materialized;
                    });
                entity = HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM, byteRange.length(), bytes);
            }
            return HttpResponse.create()
                .withStatus(byteRange.partial() ? StatusCodes.PARTIAL_CONTENT : StatusCodes.OK)
                .addHeaders(headers)
                .withEntity(entity);
        }, io).handle((answer, failure) ->
        {
            // Only a 200 or 206 streams a body, and that body gives the lease back when it ends.
            if (lease != null && (failure != null || answer.status().intValue() >= 300))
            {
                lease.release();
            }
            return failure != null ? HttpErrors.fromThrowable(failure) : answer;
        });
        return completeWithFuture(response);
    }

    private Route deleteItem(final ItemKind kind, final String container, final String name)
    {
        final CompletionStage<HttpResponse> response = CompletableFuture.supplyAsync(() ->
            store.delete(kind, container, name)
                ? HttpResponse.create().withStatus(StatusCodes.NO_CONTENT)
                : HttpErrors.notFound(describe(kind, container, name) + " does not exist"), io)
            .exceptionally(HttpErrors::fromThrowable);
        return completeWithFuture(response);
    }

    private static HttpResponse stored(final ItemMeta meta)
    {
        final ObjectNode json = HttpErrors.JSON.createObjectNode();
        if (meta.kind() == ItemKind.OBJECT)
        {
            json.put("bucket", meta.container()).put("key", meta.name());
        }
        else
        {
            json.put("namespace", meta.container()).put("hash", meta.name());
        }
        json.put("size", meta.size()).put("etag", meta.etag()).put("durability", meta.durability().wireName());
        return HttpResponse.create()
            .withStatus(StatusCodes.OK)
            .addHeader(RawHeader.create("ETag", meta.etag()))
            .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, json.toString()));
    }

    private static Route discardAnd(final HttpEntity entity, final Materializer materializer, final HttpResponse response)
    {
        entity.discardBytes(materializer);
        return complete(response);
    }

    static String describe(final ItemKind kind, final String container, final String name)
    {
        return kind == ItemKind.OBJECT ? "object " + container + '/' + name : "block " + container + '/' + name;
    }

    private static void closeQuietly(final InputStream in)
    {
        try
        {
            in.close();
        }
        catch (final java.io.IOException ignored)
        {
            // the body stream is finished either way
        }
    }
}
