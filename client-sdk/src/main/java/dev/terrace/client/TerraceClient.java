package dev.terrace.client;

import dev.terrace.client.internal.Backoff;
import dev.terrace.client.internal.BoundedParallel;
import dev.terrace.client.internal.Endpoints;
import dev.terrace.client.internal.Etag;
import dev.terrace.client.internal.HttpTransport;
import dev.terrace.client.internal.JdkHttpTransport;
import dev.terrace.client.internal.Json;
import dev.terrace.client.internal.PathCodec;
import dev.terrace.client.internal.RequestBody;
import dev.terrace.client.internal.RequestRunner;
import dev.terrace.client.internal.RequestRunner.Call;
import dev.terrace.client.internal.ResponseSink;
import dev.terrace.client.internal.RetryPolicy;
import dev.terrace.client.internal.RouteKey;
import dev.terrace.client.internal.SlotMap;
import dev.terrace.client.internal.SlotRouter;
import dev.terrace.client.internal.TransportResponse;
import dev.terrace.protocol.Durability;
import dev.terrace.protocol.Names;
import dev.terrace.protocol.TerraceHeaders;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The Java client of a Terrace cluster: objects ({@code bucket/key}) and KV blocks ({@code namespace/hash}).
 * <pre>{@code
 * try (TerraceClient client = TerraceClient.builder().endpoint("http://127.0.0.1:8080").build())
 * {
 *     client.put("datasets", "shard-0001", bytes);
 *     byte[] back = client.get("datasets", "shard-0001");
 * }
 * }</pre>
 * Every operation has a blocking form and an {@code ...Async} form returning a {@link CompletableFuture}; the
 * blocking form throws the {@link TerraceException} subclass directly, the future fails with it. Names are checked
 * with the protocol's rules before anything is sent. Connection failures and 503 answers are retried with
 * exponential backoff and jitter when the body can be sent again. Object and KV-block requests go straight to the
 * node that owns their slot once the client has the cluster's slot map ({@link Builder#slotRouting(boolean)});
 * everything else goes to the configured endpoints in failover order. Bodies are streamed: files and streams are never
 * loaded into memory, and reads into a file or stream never pass through a byte array.
 * <p>
 * Whole-object reads are checked against the CRC32C in the ETag. Arrays and buffers handed to a write are sent
 * from where they are, not copied: leave them unchanged until the call (or its future) completes.
 * Thread-safe; share one client per process.
 */
public final class TerraceClient implements AutoCloseable
{
    private static final String OCTET_STREAM = "application/octet-stream";

    private final List<String> endpoints;
    private final Duration requestTimeout;
    private final Durability objectDurability;
    private final Durability blockDurability;
    private final int batchParallelism;
    private final boolean routing;
    private final HttpTransport transport;
    private final SlotRouter router;
    private final RequestRunner runner;
    private final AtomicBoolean closed = new AtomicBoolean();

    private TerraceClient(final Builder builder, final List<String> endpoints)
    {
        this.endpoints = endpoints;
        this.requestTimeout = builder.requestTimeout;
        this.objectDurability = builder.objectDurability;
        this.blockDurability = builder.blockDurability;
        this.batchParallelism = builder.batchParallelism;
        this.routing = builder.slotRouting;
        this.transport = new JdkHttpTransport(builder.connectTimeout, builder.executor, builder.verifyChecksums);
        final RetryPolicy policy = new RetryPolicy(builder.maxRetries,
            new Backoff(builder.backoffBase, builder.backoffMax, () -> ThreadLocalRandom.current().nextDouble()));
        final Executor background = builder.executor != null ? builder.executor : ForkJoinPool.commonPool();
        this.router = new SlotRouter(builder.slotRouting, this::fetchSlotMap,
            (delayNanos, task) -> CompletableFuture.delayedExecutor(delayNanos, TimeUnit.NANOSECONDS, background)
                .execute(task),
            System::nanoTime, SlotRouter.Timing.DEFAULTS);
        this.runner = new RequestRunner(endpoints, router, transport, policy, background, Clock.systemUTC(), closed);
    }

    /** A builder; at least one endpoint is required. */
    public static Builder builder()
    {
        return new Builder();
    }

    /** The endpoints this client was built with, normalised. */
    public List<String> endpoints()
    {
        return endpoints;
    }

    /** Counters of slot routing and the slot map in use, for monitoring and tests. */
    public ClientStats stats()
    {
        final SlotRouter.Counters counters = router.counters();
        final SlotMap map = counters.map();
        return new ClientStats(counters.forwardedResponses(), counters.ownerRequests(), counters.fallbackRequests(),
            counters.ownerFailures(), counters.mapFetches(), counters.mapFetchFailures(),
            map == null ? -1 : map.epoch(), map == null ? 0 : map.routableSlots(),
            map == null ? 0 : map.slots());
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Objects: put
    // ---------------------------------------------------------------------------------------------------------------

    /** Stores {@code data} as {@code bucket/key}, replacing any previous object atomically. */
    public PutResult put(final String bucket, final String key, final byte[] data)
    {
        return await(putAsync(bucket, key, data, PutOptions.defaults()));
    }

    /** Stores {@code data} as {@code bucket/key} with per-call options (durability, timeout). */
    public PutResult put(final String bucket, final String key, final byte[] data, final PutOptions options)
    {
        return await(putAsync(bucket, key, data, options));
    }

    /** Stores the bytes between the buffer's position and limit; the buffer is not moved. */
    public PutResult put(final String bucket, final String key, final ByteBuffer data)
    {
        return await(putAsync(bucket, key, data, PutOptions.defaults()));
    }

    /** Stores the bytes between the buffer's position and limit with per-call options. */
    public PutResult put(final String bucket, final String key, final ByteBuffer data, final PutOptions options)
    {
        return await(putAsync(bucket, key, data, options));
    }

    /**
     * Streams exactly {@code length} bytes of {@code in}; the caller keeps ownership of the stream. Not retried once
     * a byte has been read from it. A stream that ends early fails with {@link InvalidRequestException} and leaves
     * nothing stored.
     */
    public PutResult put(final String bucket, final String key, final InputStream in, final long length)
    {
        return await(putAsync(bucket, key, in, length, PutOptions.defaults()));
    }

    /** Streams exactly {@code length} bytes of {@code in} with per-call options. */
    public PutResult put(
        final String bucket, final String key, final InputStream in, final long length, final PutOptions options)
    {
        return await(putAsync(bucket, key, in, length, options));
    }

    /** Streams the file from disk. */
    public PutResult put(final String bucket, final String key, final Path file)
    {
        return await(putAsync(bucket, key, file, PutOptions.defaults()));
    }

    /** Streams the file from disk with per-call options. */
    public PutResult put(final String bucket, final String key, final Path file, final PutOptions options)
    {
        return await(putAsync(bucket, key, file, options));
    }

    /** Asynchronous {@link #put(String, String, byte[])}. */
    public CompletableFuture<PutResult> putAsync(final String bucket, final String key, final byte[] data)
    {
        return putAsync(bucket, key, data, PutOptions.defaults());
    }

    /** Asynchronous {@link #put(String, String, byte[], PutOptions)}. */
    public CompletableFuture<PutResult> putAsync(
        final String bucket, final String key, final byte[] data, final PutOptions options)
    {
        return start(() ->
        {
            checkObjectName(bucket, key);
            Objects.requireNonNull(data, "data");
            return write(object(bucket, key), new RequestBody.Bytes(data, 0, data.length),
                options, objectDurability);
        });
    }

    /** Asynchronous {@link #put(String, String, ByteBuffer)}. */
    public CompletableFuture<PutResult> putAsync(final String bucket, final String key, final ByteBuffer data)
    {
        return putAsync(bucket, key, data, PutOptions.defaults());
    }

    /** Asynchronous {@link #put(String, String, ByteBuffer, PutOptions)}. */
    public CompletableFuture<PutResult> putAsync(
        final String bucket, final String key, final ByteBuffer data, final PutOptions options)
    {
        return start(() ->
        {
            checkObjectName(bucket, key);
            Objects.requireNonNull(data, "data");
            return write(object(bucket, key), new RequestBody.Buffer(data), options, objectDurability);
        });
    }

    /** Asynchronous {@link #put(String, String, InputStream, long)}. */
    public CompletableFuture<PutResult> putAsync(
        final String bucket, final String key, final InputStream in, final long length)
    {
        return putAsync(bucket, key, in, length, PutOptions.defaults());
    }

    /** Asynchronous {@link #put(String, String, InputStream, long, PutOptions)}. */
    public CompletableFuture<PutResult> putAsync(
        final String bucket, final String key, final InputStream in, final long length, final PutOptions options)
    {
        return start(() ->
        {
            checkObjectName(bucket, key);
            Objects.requireNonNull(in, "in");
            if (length < 0)
            {
                throw new InvalidRequestException(TerraceException.NO_STATUS, "bad_request",
                    "stream length must not be negative: " + length);
            }
            return write(object(bucket, key),
                new RequestBody.Stream(new RequestBody.CountingInputStream(in, length), length),
                options, objectDurability);
        });
    }

    /** Asynchronous {@link #put(String, String, Path)}. */
    public CompletableFuture<PutResult> putAsync(final String bucket, final String key, final Path file)
    {
        return putAsync(bucket, key, file, PutOptions.defaults());
    }

    /** Asynchronous {@link #put(String, String, Path, PutOptions)}. */
    public CompletableFuture<PutResult> putAsync(
        final String bucket, final String key, final Path file, final PutOptions options)
    {
        return start(() ->
        {
            checkObjectName(bucket, key);
            Objects.requireNonNull(file, "file");
            final long size;
            try
            {
                if (!Files.isRegularFile(file))
                {
                    throw new IOException("not a regular file");
                }
                size = Files.size(file);
            }
            catch (final IOException ex)
            {
                throw new TerraceIOException(TerraceException.NO_STATUS, "io",
                    "cannot read " + file + ": " + ex.getMessage(), ex);
            }
            return write(object(bucket, key), new RequestBody.File(file, size), options,
                objectDurability);
        });
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Objects: get
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * The whole object as a byte array.
     *
     * @throws NotFoundException when there is no such object.
     */
    public byte[] get(final String bucket, final String key)
    {
        return await(getAsync(bucket, key));
    }

    /**
     * {@code length} bytes of the object from {@code offset} (fewer when the object ends first).
     *
     * @throws InvalidRequestException with status 416 when {@code offset} is past the end.
     */
    public byte[] get(final String bucket, final String key, final long offset, final long length)
    {
        return await(getAsync(bucket, key, offset, length));
    }

    /** The object (or a range of it) as a byte array, with its ETag, tier and range. */
    public GetResult<byte[]> getBytes(final String bucket, final String key, final ByteRange range)
    {
        return await(getBytesAsync(bucket, key, range));
    }

    /**
     * The object (or a range of it) in a direct {@link ByteBuffer} allocated at its exact size, with its ETag, tier
     * and range. At most 2 GiB; read larger objects with {@link #getStream} or {@link #getToFile}.
     */
    public GetResult<ByteBuffer> getBuffer(final String bucket, final String key, final ByteRange range)
    {
        return await(getBufferAsync(bucket, key, range));
    }

    /** The object (or a range of it) as a stream read off the connection; the caller closes it. */
    public ObjectStream getStream(final String bucket, final String key, final ByteRange range)
    {
        return await(getStreamAsync(bucket, key, range));
    }

    /**
     * Streams the object (or a range of it) into {@code target}: written to a temporary file beside it, then moved
     * over it atomically, so {@code target} never holds a partial body. The target's directory must exist.
     */
    public GetResult<Path> getToFile(final String bucket, final String key, final Path target, final ByteRange range)
    {
        return await(getToFileAsync(bucket, key, target, range));
    }

    /** Asynchronous {@link #get(String, String)}. */
    public CompletableFuture<byte[]> getAsync(final String bucket, final String key)
    {
        return getBytesAsync(bucket, key, null).thenApply(GetResult::body);
    }

    /** Asynchronous {@link #get(String, String, long, long)}. */
    public CompletableFuture<byte[]> getAsync(
        final String bucket, final String key, final long offset, final long length)
    {
        return start(() -> getBytesAsync(bucket, key, ByteRange.of(offset, length)).thenApply(GetResult::body));
    }

    /**
     * Asynchronous {@link #getBytes(String, String, ByteRange)}.
     *
     * @param range the bytes to read, or {@code null} for the whole object.
     */
    public CompletableFuture<GetResult<byte[]>> getBytesAsync(
        final String bucket, final String key, final ByteRange range)
    {
        return start(() ->
        {
            checkObjectName(bucket, key);
            return read(object(bucket, key), range, ResponseSink.bytes())
                .thenApply(response -> result(response, response.body().length));
        });
    }

    /**
     * Asynchronous {@link #getBuffer(String, String, ByteRange)}.
     *
     * @param range the bytes to read, or {@code null} for the whole object.
     */
    public CompletableFuture<GetResult<ByteBuffer>> getBufferAsync(
        final String bucket, final String key, final ByteRange range)
    {
        return start(() ->
        {
            checkObjectName(bucket, key);
            return read(object(bucket, key), range, ResponseSink.directBuffer())
                .thenApply(response -> result(response, response.body().remaining()));
        });
    }

    /**
     * Asynchronous {@link #getStream(String, String, ByteRange)}: completes once the answer's headers arrived.
     *
     * @param range the bytes to read, or {@code null} for the whole object.
     */
    public CompletableFuture<ObjectStream> getStreamAsync(
        final String bucket, final String key, final ByteRange range)
    {
        return start(() ->
        {
            checkObjectName(bucket, key);
            return read(object(bucket, key), range, ResponseSink.stream())
                .thenApply(response ->
                {
                    final GetResult<InputStream> result =
                        result(response, response.headers().firstLong("Content-Length"));
                    return new ObjectStream(result.body(), result.etag(), result.tier(), result.contentLength(),
                        result.contentRange());
                });
        });
    }

    /**
     * Asynchronous {@link #getToFile(String, String, Path, ByteRange)}.
     *
     * @param range the bytes to read, or {@code null} for the whole object.
     */
    public CompletableFuture<GetResult<Path>> getToFileAsync(
        final String bucket, final String key, final Path target, final ByteRange range)
    {
        return start(() ->
        {
            checkObjectName(bucket, key);
            Objects.requireNonNull(target, "target");
            final Path absolute = target.toAbsolutePath();
            final Path temp;
            try
            {
                temp = Files.createTempFile(absolute.getParent(), "." + absolute.getFileName() + ".", ".part");
            }
            catch (final IOException ex)
            {
                throw new TerraceIOException(TerraceException.NO_STATUS, "io",
                    "cannot create a temporary file beside " + absolute + ": " + ex.getMessage(), ex);
            }
            return read(object(bucket, key), range, ResponseSink.file(temp))
                .thenApply(response ->
                {
                    final long size;
                    try
                    {
                        size = Files.size(temp);
                        moveAtomically(temp, absolute);
                    }
                    catch (final IOException ex)
                    {
                        throw new TerraceIOException(TerraceException.NO_STATUS, "io",
                            "cannot move the download into " + absolute + ": " + ex.getMessage(), ex);
                    }
                    final GetResult<Path> downloaded = result(response, size);
                    return new GetResult<>(absolute, downloaded.etag(), downloaded.tier(), size,
                        downloaded.contentRange());
                })
                .whenComplete((ignored, failure) ->
                {
                    if (failure != null)
                    {
                        deleteQuietly(temp);
                    }
                });
        });
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Objects: head, delete, list
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Size, ETag, current tier and durability of an object, without its bytes.
     *
     * @throws NotFoundException when there is no such object.
     */
    public ObjectInfo head(final String bucket, final String key)
    {
        return await(headAsync(bucket, key));
    }

    /** Asynchronous {@link #head(String, String)}. */
    public CompletableFuture<ObjectInfo> headAsync(final String bucket, final String key)
    {
        return start(() ->
        {
            checkObjectName(bucket, key);
            return runner.run(call("HEAD", object(bucket, key), Map.of(), RequestBody.EMPTY, ResponseSink.discard(),
                requestTimeout)).thenApply(response -> new ObjectInfo(
                    bucket,
                    key,
                    response.headers().firstLong("Content-Length"),
                    Etag.normalize(response.headers().first("ETag")),
                    Tier.fromWireName(response.headers().first(TerraceHeaders.TIER)),
                    parseDurability(response.headers().first(TerraceHeaders.DURABILITY))));
        });
    }

    /**
     * Deletes an object.
     *
     * @return {@code true} when it existed, {@code false} when there was nothing to delete (also when a retried
     * delete finds its first attempt already succeeded).
     */
    public boolean delete(final String bucket, final String key)
    {
        return await(deleteAsync(bucket, key));
    }

    /** Asynchronous {@link #delete(String, String)}. */
    public CompletableFuture<Boolean> deleteAsync(final String bucket, final String key)
    {
        return start(() ->
        {
            checkObjectName(bucket, key);
            return remove(object(bucket, key));
        });
    }

    /**
     * The objects whose keys start with {@code prefix}, sorted by key, as one answer of the node (which may cut
     * a long listing; use {@link #listObjects} to see whether it did).
     */
    public List<ObjectInfo> list(final String bucket, final String prefix)
    {
        return await(listAsync(bucket, prefix));
    }

    /**
     * At most {@code limit} objects whose keys start with {@code prefix}, and whether more match.
     *
     * @param limit the most entries wanted, or {@code 0} for the node's default.
     */
    public ObjectListing listObjects(final String bucket, final String prefix, final int limit)
    {
        return await(listObjectsAsync(bucket, prefix, limit));
    }

    /** Asynchronous {@link #list(String, String)}. */
    public CompletableFuture<List<ObjectInfo>> listAsync(final String bucket, final String prefix)
    {
        return listObjectsAsync(bucket, prefix, 0).thenApply(ObjectListing::objects);
    }

    /** Asynchronous {@link #listObjects(String, String, int)}. */
    public CompletableFuture<ObjectListing> listObjectsAsync(final String bucket, final String prefix, final int limit)
    {
        return start(() ->
        {
            checkBucket(bucket);
            if (limit < 0)
            {
                throw new InvalidRequestException(TerraceException.NO_STATUS, "bad_request",
                    "limit must not be negative: " + limit);
            }
            final String effectivePrefix = prefix == null ? "" : prefix;
            return runner.run(call("GET", PathCodec.listPath(bucket, effectivePrefix, limit), Map.of(),
                RequestBody.EMPTY, ResponseSink.bytes(), requestTimeout))
                .thenApply(response -> Json.listing(response.status(), response.body(), bucket, effectivePrefix));
        });
    }

    // ---------------------------------------------------------------------------------------------------------------
    // KV blocks
    // ---------------------------------------------------------------------------------------------------------------

    /** Stores a KV block ({@code hash} is an unsigned 64-bit value). */
    public PutResult putBlock(final String namespace, final long hash, final byte[] data)
    {
        return await(putBlockAsync(namespace, hash, data, PutOptions.defaults()));
    }

    /** Stores a KV block with per-call options. */
    public PutResult putBlock(final String namespace, final long hash, final byte[] data, final PutOptions options)
    {
        return await(putBlockAsync(namespace, hash, data, options));
    }

    /** Stores the bytes between the buffer's position and limit as a KV block; the buffer is not moved. */
    public PutResult putBlock(final String namespace, final long hash, final ByteBuffer data)
    {
        return await(putBlockAsync(namespace, hash, data, PutOptions.defaults()));
    }

    /** Stores a KV block from a buffer with per-call options. */
    public PutResult putBlock(
        final String namespace, final long hash, final ByteBuffer data, final PutOptions options)
    {
        return await(putBlockAsync(namespace, hash, data, options));
    }

    /** Asynchronous {@link #putBlock(String, long, byte[])}. */
    public CompletableFuture<PutResult> putBlockAsync(final String namespace, final long hash, final byte[] data)
    {
        return putBlockAsync(namespace, hash, data, PutOptions.defaults());
    }

    /** Asynchronous {@link #putBlock(String, long, byte[], PutOptions)}. */
    public CompletableFuture<PutResult> putBlockAsync(
        final String namespace, final long hash, final byte[] data, final PutOptions options)
    {
        return start(() ->
        {
            checkNamespace(namespace);
            Objects.requireNonNull(data, "data");
            return write(block(namespace, hash), new RequestBody.Bytes(data, 0, data.length), options,
                blockDurability);
        });
    }

    /** Asynchronous {@link #putBlock(String, long, ByteBuffer)}. */
    public CompletableFuture<PutResult> putBlockAsync(final String namespace, final long hash, final ByteBuffer data)
    {
        return putBlockAsync(namespace, hash, data, PutOptions.defaults());
    }

    /** Asynchronous {@link #putBlock(String, long, ByteBuffer, PutOptions)}. */
    public CompletableFuture<PutResult> putBlockAsync(
        final String namespace, final long hash, final ByteBuffer data, final PutOptions options)
    {
        return start(() ->
        {
            checkNamespace(namespace);
            Objects.requireNonNull(data, "data");
            return write(block(namespace, hash), new RequestBody.Buffer(data), options,
                blockDurability);
        });
    }

    /**
     * A KV block's bytes.
     *
     * @throws NotFoundException when the block is not cached.
     */
    public byte[] getBlock(final String namespace, final long hash)
    {
        return await(getBlockAsync(namespace, hash));
    }

    /** A KV block's bytes with its ETag and tier. */
    public GetResult<byte[]> getBlockBytes(final String namespace, final long hash)
    {
        return await(getBlockBytesAsync(namespace, hash));
    }

    /** A KV block in a direct buffer (for handing to native code without a heap copy), with its ETag and tier. */
    public GetResult<ByteBuffer> getBlockBuffer(final String namespace, final long hash)
    {
        return await(getBlockBufferAsync(namespace, hash));
    }

    /** Asynchronous {@link #getBlock(String, long)}. */
    public CompletableFuture<byte[]> getBlockAsync(final String namespace, final long hash)
    {
        return getBlockBytesAsync(namespace, hash).thenApply(GetResult::body);
    }

    /** Asynchronous {@link #getBlockBytes(String, long)}. */
    public CompletableFuture<GetResult<byte[]>> getBlockBytesAsync(final String namespace, final long hash)
    {
        return start(() ->
        {
            checkNamespace(namespace);
            return read(block(namespace, hash), null, ResponseSink.bytes())
                .thenApply(response -> result(response, response.body().length));
        });
    }

    /** Asynchronous {@link #getBlockBuffer(String, long)}. */
    public CompletableFuture<GetResult<ByteBuffer>> getBlockBufferAsync(final String namespace, final long hash)
    {
        return start(() ->
        {
            checkNamespace(namespace);
            return read(block(namespace, hash), null, ResponseSink.directBuffer())
                .thenApply(response -> result(response, response.body().remaining()));
        });
    }

    /**
     * Several KV blocks at once, fetched concurrently and grouped by the node that owns each block's slot: every
     * owner gets its blocks directly, with at most the builder's {@code batchParallelism} requests in flight per
     * owner. The result has one entry per hash, in the order given; a block that is not cached is {@code null}.
     */
    public List<GetResult<byte[]>> batchGet(final String namespace, final long... hashes)
    {
        return await(batchGetAsync(namespace, hashes));
    }

    /** Asynchronous {@link #batchGet(String, long...)}. */
    public CompletableFuture<List<GetResult<byte[]>>> batchGetAsync(final String namespace, final long... hashes)
    {
        return start(() ->
        {
            checkNamespace(namespace);
            final long[] chain = Objects.requireNonNull(hashes, "hashes").clone();
            return batchByOwner(namespace, chain);
        });
    }

    /**
     * Fetches the blocks grouped by the node that owns them, each group with at most {@code batchParallelism}
     * requests in flight, all groups at once. Blocks without a known owner form one group for the configured
     * endpoints. The first failure fails the batch and no group starts a further request.
     */
    private CompletableFuture<List<GetResult<byte[]>>> batchByOwner(final String namespace, final long[] chain)
    {
        final Map<String, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < chain.length; i++)
        {
            final String owner = routing ? router.peek(RouteKey.block(namespace, chain[i])) : null;
            groups.computeIfAbsent(owner == null ? "" : owner, ignored -> new ArrayList<>()).add(i);
        }
        if (groups.size() <= 1)
        {
            return BoundedParallel.run(chain.length, batchParallelism, i ->
                getBlockBytesAsync(namespace, chain[i]).exceptionally(TerraceClient::nullIfNotFound));
        }
        @SuppressWarnings("unchecked")
        final GetResult<byte[]>[] results = new GetResult[chain.length];
        final CompletableFuture<List<GetResult<byte[]>>> batch = new CompletableFuture<>();
        final List<CompletableFuture<?>> running = new ArrayList<>(groups.size());
        for (final List<Integer> group : groups.values())
        {
            running.add(BoundedParallel.run(group.size(), batchParallelism, i ->
            {
                if (batch.isDone())
                {
                    return CompletableFuture.completedFuture(null);
                }
                final int index = group.get(i);
                return getBlockBytesAsync(namespace, chain[index]).exceptionally(TerraceClient::nullIfNotFound)
                    .thenApply(result ->
                    {
                        results[index] = result;
                        return result;
                    });
            }).whenComplete((ignored, failure) ->
            {
                if (failure != null)
                {
                    batch.completeExceptionally(RequestRunner.unwrap(failure));
                }
            }));
        }
        CompletableFuture.allOf(running.toArray(new CompletableFuture[0])).whenComplete((ignored, failure) ->
        {
            if (failure == null)
            {
                batch.complete(Collections.unmodifiableList(Arrays.asList(results)));
            }
        });
        return batch;
    }

    /** Whether a KV block is cached (a {@code HEAD}, no bytes move). */
    public boolean containsBlock(final String namespace, final long hash)
    {
        return await(containsBlockAsync(namespace, hash));
    }

    /** Asynchronous {@link #containsBlock(String, long)}. */
    public CompletableFuture<Boolean> containsBlockAsync(final String namespace, final long hash)
    {
        return start(() ->
        {
            checkNamespace(namespace);
            return runner.run(call("HEAD", block(namespace, hash), Map.of(), RequestBody.EMPTY,
                ResponseSink.discard(), requestTimeout))
                .thenApply(response -> Boolean.TRUE)
                .exceptionally(TerraceClient::falseIfNotFound);
        });
    }

    /**
     * Deletes a KV block.
     *
     * @return {@code true} when it was cached, {@code false} when there was nothing to delete.
     */
    public boolean deleteBlock(final String namespace, final long hash)
    {
        return await(deleteBlockAsync(namespace, hash));
    }

    /** Asynchronous {@link #deleteBlock(String, long)}. */
    public CompletableFuture<Boolean> deleteBlockAsync(final String namespace, final long hash)
    {
        return start(() ->
        {
            checkNamespace(namespace);
            return remove(block(namespace, hash));
        });
    }

    /**
     * The longest cached prefix of a chain of prefix-chained block hashes {@code h0, h1, ...}: how many leading
     * blocks are cached, and in which tier each of them is.
     */
    public PrefixLookup lookupPrefix(final String namespace, final long... hashes)
    {
        return await(lookupPrefixAsync(namespace, hashes));
    }

    /** Asynchronous {@link #lookupPrefix(String, long...)}. */
    public CompletableFuture<PrefixLookup> lookupPrefixAsync(final String namespace, final long... hashes)
    {
        return start(() ->
        {
            checkNamespace(namespace);
            final byte[] json = Json.lookupRequest(Objects.requireNonNull(hashes, "hashes"));
            return runner.run(call("POST", PathCodec.lookupPath(namespace), Map.of("Content-Type", "application/json"),
                new RequestBody.Bytes(json, 0, json.length), ResponseSink.bytes(), requestTimeout))
                .thenApply(response -> Json.prefixLookup(response.status(), response.body()));
        });
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Scheduler hints
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Tells the cluster that a job will read these objects and KV chains, so they are staged into memory before it
     * starts. Returns the hint's status, whose {@link HintStatus#id()} names it afterwards.
     */
    public HintStatus hint(final PrefetchHint hint)
    {
        return await(hintAsync(hint));
    }

    /** Asynchronous {@link #hint(PrefetchHint)}. */
    public CompletableFuture<HintStatus> hintAsync(final PrefetchHint hint)
    {
        return start(() ->
        {
            final byte[] json = Json.hintRequest(Objects.requireNonNull(hint, "hint"));
            return runner.run(call("POST", "/v1/hints", Map.of("Content-Type", "application/json"),
                new RequestBody.Bytes(json, 0, json.length), ResponseSink.bytes(), requestTimeout))
                .thenApply(response -> Json.hintStatus(response.status(), response.body()));
        });
    }

    /** The status of hint {@code id}. @throws NotFoundException when the node does not know it. */
    public HintStatus hintStatus(final String id)
    {
        return await(start(() -> runner.run(call("GET", "/v1/hints/" + PathCodec.encode(id, false), Map.of(),
                RequestBody.EMPTY, ResponseSink.bytes(), requestTimeout))
            .thenApply(response -> Json.hintStatus(response.status(), response.body()))));
    }

    /** Cancels hint {@code id}; returns false when the node does not know it. */
    public boolean cancelHint(final String id)
    {
        return await(start(() -> remove(new Item("/v1/hints/" + PathCodec.encode(id, false), null))));
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Lifecycle
    // ---------------------------------------------------------------------------------------------------------------

    /**
     * Closes the client: new calls fail with {@link IllegalStateException}, pending retries stop. Requests already
     * on the wire may still complete. Idempotent.
     */
    @Override
    public void close()
    {
        if (closed.compareAndSet(false, true))
        {
            router.close();
            transport.close();
        }
    }

    @Override
    public String toString()
    {
        return "TerraceClient" + endpoints;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Implementation
    // ---------------------------------------------------------------------------------------------------------------

    /** One fetch of the slot map from the configured endpoints; {@code null} when the node has none (404). */
    private CompletableFuture<SlotMap> fetchSlotMap()
    {
        return runner.runInBackground(call("GET", "/v1/cluster/slots", Map.of(), RequestBody.EMPTY,
                ResponseSink.bytes(), requestTimeout))
            .handle((response, failure) ->
            {
                if (failure == null)
                {
                    return SlotMap.parse(response.body());
                }
                if (RequestRunner.unwrap(failure) instanceof NotFoundException)
                {
                    return null;
                }
                throw new CompletionException(RequestRunner.unwrap(failure));
            });
    }

    /** An object's request target, routed to its slot's owner when slot routing is on. */
    private Item object(final String bucket, final String key)
    {
        return new Item(PathCodec.objectPath(bucket, key), routing ? RouteKey.object(bucket, key) : null);
    }

    /** A KV block's request target, routed to its slot's owner when slot routing is on. */
    private Item block(final String namespace, final long hash)
    {
        return new Item(PathCodec.blockPath(namespace, hash), routing ? RouteKey.block(namespace, hash) : null);
    }

    private CompletableFuture<PutResult> write(
        final Item target, final RequestBody body, final PutOptions options, final Durability kindDefault)
    {
        final PutOptions effective = options == null ? PutOptions.defaults() : options;
        final Durability durability = effective.durability() != null ? effective.durability() : kindDefault;
        final Map<String, String> headers = new HashMap<>();
        headers.put("Content-Type", OCTET_STREAM);
        if (durability != null)
        {
            headers.put(TerraceHeaders.DURABILITY, durability.wireName());
        }
        final Duration timeout = effective.timeout() != null ? effective.timeout() : requestTimeout;
        return runner.run(new Call<>("PUT", target.path(), headers, body, ResponseSink.bytes(), timeout,
                target.route()))
            .thenApply(response -> Json.putResult(response.status(), response.body()));
    }

    private <T> CompletableFuture<TransportResponse<T>> read(
        final Item target, final ByteRange range, final ResponseSink<T> sink)
    {
        final Map<String, String> headers = range == null ? Map.of() : Map.of("Range", range.toHeaderValue());
        return runner.run(call("GET", target, headers, RequestBody.EMPTY, sink, requestTimeout));
    }

    private CompletableFuture<Boolean> remove(final Item target)
    {
        return runner.run(call("DELETE", target, Map.of(), RequestBody.EMPTY, ResponseSink.discard(), requestTimeout))
            .thenApply(response -> Boolean.TRUE)
            .exceptionally(TerraceClient::falseIfNotFound);
    }

    private static <T> Call<T> call(
        final String method, final String target, final Map<String, String> headers, final RequestBody body,
        final ResponseSink<T> sink, final Duration timeout)
    {
        return new Call<>(method, target, headers, body, sink, timeout);
    }

    private static <T> Call<T> call(
        final String method, final Item target, final Map<String, String> headers, final RequestBody body,
        final ResponseSink<T> sink, final Duration timeout)
    {
        return new Call<>(method, target.path(), headers, body, sink, timeout, target.route());
    }

    /** A request target and what it routes by ({@code null}: the configured endpoints). */
    private record Item(String path, RouteKey route)
    {
    }

    private static <T> GetResult<T> result(final TransportResponse<T> response, final long contentLength)
    {
        return new GetResult<>(
            response.body(),
            Etag.normalize(response.headers().first("ETag")),
            Tier.fromWireName(response.headers().first(TerraceHeaders.TIER)),
            contentLength,
            response.status() == 206 ? ContentRange.parse(response.headers().first("Content-Range")) : null);
    }

    /** Maps a "not found" failure to {@code null}; rethrows anything else. */
    private static <T> T nullIfNotFound(final Throwable failure)
    {
        final Throwable cause = RequestRunner.unwrap(failure);
        if (cause instanceof NotFoundException)
        {
            return null;
        }
        throw rethrow(cause);
    }

    /** Maps a "not found" failure to {@code false}; rethrows anything else. */
    private static Boolean falseIfNotFound(final Throwable failure)
    {
        final Throwable cause = RequestRunner.unwrap(failure);
        if (cause instanceof NotFoundException)
        {
            return Boolean.FALSE;
        }
        throw rethrow(cause);
    }

    private static Durability parseDurability(final String value)
    {
        if (value == null)
        {
            return null;
        }
        try
        {
            return Durability.parse(value);
        }
        catch (final IllegalArgumentException ex)
        {
            return null;
        }
    }

    private static void moveAtomically(final Path from, final Path to) throws IOException
    {
        try
        {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (final AtomicMoveNotSupportedException ex)
        {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteQuietly(final Path file)
    {
        try
        {
            Files.deleteIfExists(file);
        }
        catch (final IOException ex)
        {
            // Best effort: a leftover ".part" file is harmless and named after its target.
        }
    }

    private <T> CompletableFuture<T> start(final Supplier<CompletableFuture<T>> operation)
    {
        if (closed.get())
        {
            return CompletableFuture.failedFuture(new IllegalStateException("TerraceClient is closed"));
        }
        try
        {
            return operation.get();
        }
        catch (final RuntimeException ex)
        {
            return CompletableFuture.failedFuture(ex);
        }
    }

    private static <T> T await(final CompletableFuture<T> future)
    {
        try
        {
            return future.get();
        }
        catch (final InterruptedException ex)
        {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new TerraceIOException(TerraceException.NO_STATUS, "interrupted",
                "interrupted while waiting for the node", ex);
        }
        catch (final ExecutionException ex)
        {
            throw rethrow(RequestRunner.unwrap(ex));
        }
    }

    /** The failure as an unchecked exception for the caller to throw; an {@link Error} is thrown from here. */
    private static RuntimeException rethrow(final Throwable failure)
    {
        if (failure instanceof RuntimeException)
        {
            return (RuntimeException)failure;
        }
        if (failure instanceof Error)
        {
            throw (Error)failure;
        }
        return new TerraceException(TerraceException.NO_STATUS, "client_error", String.valueOf(failure), failure);
    }

    private static void checkObjectName(final String bucket, final String key)
    {
        checkBucket(bucket);
        final String problem = Names.keyProblem(key);
        if (problem != null)
        {
            throw invalidName(problem, key);
        }
    }

    private static void checkBucket(final String bucket)
    {
        final String problem = Names.bucketProblem(bucket);
        if (problem != null)
        {
            throw invalidName(problem, bucket);
        }
    }

    private static void checkNamespace(final String namespace)
    {
        final String problem = Names.namespaceProblem(namespace);
        if (problem != null)
        {
            throw invalidName(problem, namespace);
        }
    }

    private static InvalidRequestException invalidName(final String problem, final String name)
    {
        final String shown = name == null ? "null" :
            "'" + (name.length() > 80 ? name.substring(0, 80) + "..." : name) + "'";
        return new InvalidRequestException(TerraceException.NO_STATUS, "invalid_name", problem + ": " + shown);
    }

    /**
     * Configures a {@link TerraceClient}. Setters only record values; {@link #build()} checks them all at once and
     * reports every problem in one {@link IllegalArgumentException}.
     */
    public static final class Builder
    {
        private final List<String> endpoints = new ArrayList<>();
        private Duration requestTimeout = Duration.ofSeconds(30);
        private Duration connectTimeout = Duration.ofSeconds(5);
        private int maxRetries = 3;
        private Duration backoffBase = Duration.ofMillis(50);
        private Duration backoffMax = Duration.ofSeconds(2);
        private Durability objectDurability;
        private Durability blockDurability;
        private Executor executor;
        private int batchParallelism = 8;
        private boolean verifyChecksums = true;
        private boolean slotRouting = true;

        private Builder()
        {
        }

        /** Adds a node endpoint, e.g. {@code http://127.0.0.1:8080}. Requests fail over between endpoints in order. */
        public Builder endpoint(final String endpoint)
        {
            endpoints.add(endpoint);
            return this;
        }

        /** Adds several node endpoints. */
        public Builder endpoints(final String... endpoints)
        {
            this.endpoints.addAll(Arrays.asList(endpoints));
            return this;
        }

        /** Adds several node endpoints. */
        public Builder endpoints(final List<String> endpoints)
        {
            this.endpoints.addAll(endpoints);
            return this;
        }

        /**
         * Time allowed per attempt until the node's answer starts (default 30 s). An upload's time counts; a
         * download's body, once started, is not limited. Writes may override it with
         * {@link PutOptions#withTimeout(Duration)}.
         */
        public Builder requestTimeout(final Duration requestTimeout)
        {
            this.requestTimeout = requestTimeout;
            return this;
        }

        /** Time allowed to open a connection (default 5 s). */
        public Builder connectTimeout(final Duration connectTimeout)
        {
            this.connectTimeout = connectTimeout;
            return this;
        }

        /** Retries after the first attempt on connection failures and 503 (default 3; 0 disables retries). */
        public Builder maxRetries(final int maxRetries)
        {
            this.maxRetries = maxRetries;
            return this;
        }

        /** First backoff cap (default 50 ms); it doubles per retry up to {@link #backoffMax(Duration)}. */
        public Builder backoffBase(final Duration backoffBase)
        {
            this.backoffBase = backoffBase;
            return this;
        }

        /**
         * Largest backoff (default 2 s). A 503 whose {@code Retry-After} asks for more is not retried: it fails with
         * a {@link ServiceUnavailableException} carrying the requested pause.
         */
        public Builder backoffMax(final Duration backoffMax)
        {
            this.backoffMax = backoffMax;
            return this;
        }

        /** Durability of object writes that do not choose one (default: the node's, {@code write-through}). */
        public Builder objectDurability(final Durability durability)
        {
            this.objectDurability = durability;
            return this;
        }

        /** Durability of KV block writes that do not choose one (default: the node's, {@code cache}). */
        public Builder blockDurability(final Durability durability)
        {
            this.blockDurability = durability;
            return this;
        }

        /**
         * Runs the HTTP client's callbacks, the completions of async calls and delayed retries (default: the JDK
         * client's own pool, and the common pool for retry timers). The client does not shut it down.
         */
        public Builder executor(final Executor executor)
        {
            this.executor = executor;
            return this;
        }

        /**
         * Most requests one {@link TerraceClient#batchGet} keeps in flight per owner node (default 8); without a
         * slot map (or with slot routing off), in all.
         */
        public Builder batchParallelism(final int batchParallelism)
        {
            this.batchParallelism = batchParallelism;
            return this;
        }

        /** Check whole-object reads against the CRC32C in their ETag (default on). */
        public Builder verifyChecksums(final boolean verifyChecksums)
        {
            this.verifyChecksums = verifyChecksums;
            return this;
        }

        /**
         * Send each object and KV-block request straight to the node that owns its slot (default on). The client
         * loads the cluster's slot map on first use and refreshes it in the background when a node reports that
         * it forwarded a request. Listings, prefix lookups and hints always go to the configured endpoints. Turn
         * it off when the nodes' advertised HTTP endpoints cannot be reached from this client (behind a proxy or
         * NAT): every request then goes to the configured endpoints, which forward it.
         */
        public Builder slotRouting(final boolean slotRouting)
        {
            this.slotRouting = slotRouting;
            return this;
        }

        /**
         * Checks the configuration and builds the client.
         *
         * @throws IllegalArgumentException listing every problem found.
         */
        public TerraceClient build()
        {
            final List<String> problems = new ArrayList<>();
            final List<String> normalized = new ArrayList<>();
            if (endpoints.isEmpty())
            {
                problems.add("at least one endpoint is required");
            }
            for (final String endpoint : endpoints)
            {
                try
                {
                    normalized.add(Endpoints.normalize(endpoint));
                }
                catch (final IllegalArgumentException ex)
                {
                    problems.add(ex.getMessage());
                }
            }
            checkPositive(problems, "requestTimeout", requestTimeout);
            checkPositive(problems, "connectTimeout", connectTimeout);
            if (maxRetries < 0)
            {
                problems.add("maxRetries must not be negative: " + maxRetries);
            }
            checkPositive(problems, "backoffBase", backoffBase);
            checkPositive(problems, "backoffMax", backoffMax);
            if (isPositive(backoffBase) && isPositive(backoffMax) && backoffMax.compareTo(backoffBase) < 0)
            {
                problems.add("backoffMax (" + backoffMax + ") must not be below backoffBase (" + backoffBase + ")");
            }
            if (batchParallelism < 1)
            {
                problems.add("batchParallelism must be at least 1: " + batchParallelism);
            }
            if (!problems.isEmpty())
            {
                throw new IllegalArgumentException("invalid TerraceClient configuration: " +
                    String.join("; ", problems));
            }
            return new TerraceClient(this, List.copyOf(normalized));
        }

        private static void checkPositive(final List<String> problems, final String name, final Duration value)
        {
            if (!isPositive(value))
            {
                problems.add(name + " must be a positive duration: " + value);
            }
        }

        private static boolean isPositive(final Duration value)
        {
            return value != null && !value.isNegative() && !value.isZero();
        }
    }
}
