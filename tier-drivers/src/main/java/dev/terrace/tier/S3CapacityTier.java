package dev.terrace.tier;

import dev.terrace.tier.internal.ByteBufferInputStream;
import dev.terrace.tier.internal.Keys;
import dev.terrace.tier.internal.Ranges;
import dev.terrace.tier.internal.Streams;
import dev.terrace.tier.internal.TierCounters;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The capacity tier on any S3-compatible object store (AWS S3, MinIO, Ceph RGW, s3proxy).
 * <p>
 * Key {@code k} is the object {@code <prefix>k} in the configured bucket, stored whole, so {@code aws s3 cp} and any
 * other S3 tool read it directly. A put from a buffer, or from a stream no longer than
 * {@link Context#multipartThreshold(long)}, is one PutObject; a longer stream is a multipart upload sent part by part
 * (one part in memory at a time) and aborted on any failure, so a partial object never becomes visible. Ranged gets
 * use the HTTP {@code Range} header.
 * <p>
 * The tier is unbounded. Its used bytes and object count come from listing the prefix, at most once per
 * {@link Context#usageRefreshInterval(Duration)}, because the store may be shared with other nodes and tools.
 * <p>
 * When the store is unreachable or failing (no connection, a timeout, a 5xx after the SDK's retries), every call
 * fails at once for {@link Context#failFastFor(Duration)} instead of each waiting out its own timeouts and retries;
 * the first call after that tries the store again, so the tier recovers by itself when the store comes back.
 */
public final class S3CapacityTier implements TierDriver
{
    private static final Logger LOG = LoggerFactory.getLogger(S3CapacityTier.class);
    private static final String CONTENT_TYPE = "application/octet-stream";
    /** The smallest part S3 accepts, except for the last one. */
    public static final long MIN_PART_SIZE = 5L * 1024 * 1024;
    /** The largest part S3 accepts. */
    public static final long MAX_PART_SIZE = 5L * 1024 * 1024 * 1024;
    private static final int MAX_PARTS = 10_000;
    private static final int HTTP_NOT_FOUND = 404;
    private static final int HTTP_RANGE_NOT_SATISFIABLE = 416;
    private static final int HTTP_SERVER_ERROR = 500;

    private final Context context;
    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final TierCounters counters = new TierCounters();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Object usageLock = new Object();
    private volatile long usedBytes;
    private volatile long objects;
    private volatile long usageTakenAtNanos;
    private volatile boolean usageKnown;
    private volatile long unavailableUntilNanos;
    private volatile String lastOutage;

    private S3CapacityTier(final Context context, final S3Client s3)
    {
        this.context = context;
        this.s3 = s3;
        this.bucket = context.bucket();
        this.prefix = context.prefix();
    }

    /**
     * Connects to the store described by {@code context} (validated here) and checks that the bucket is reachable,
     * creating it first when {@link Context#createBucket(boolean)} is set.
     */
    public static S3CapacityTier open(final Context context) throws TierException
    {
        context.conclude();
        final S3ClientBuilder builder = S3Client.builder()
            .region(Region.of(context.region()))
            .credentialsProvider(credentials(context))
            .forcePathStyle(context.pathStyle())
            // Third-party stores (MinIO, Ceph, s3proxy) do not all accept the SDK's newer default checksum trailers.
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .overrideConfiguration(override -> override.retryStrategy(retry -> retry.maxAttempts(context.maxAttempts())))
            .httpClientBuilder(ApacheHttpClient.builder()
                .maxConnections(context.maxConnections())
                .connectionTimeout(context.connectTimeout())
                .socketTimeout(context.socketTimeout()));
        if (context.endpoint() != null)
        {
            builder.endpointOverride(context.endpoint());
        }
        final S3Client s3;
        try
        {
            s3 = builder.build();
        }
        catch (final SdkException ex)
        {
            throw new TierException("cannot build an S3 client for " + context + ": " + ex.getMessage(), ex);
        }
        final S3CapacityTier tier = new S3CapacityTier(context, s3);
        try
        {
            tier.checkBucket();
        }
        catch (final TierException | RuntimeException ex)
        {
            tier.close();
            throw ex;
        }
        return tier;
    }

    /** The configuration this tier was opened with. */
    public Context context()
    {
        return context;
    }

    /** The S3 object key that holds {@code key}. */
    public String objectKey(final String key) throws TierException
    {
        return prefix + Keys.requireCanonical(key);
    }

    @Override
    public TierKind kind()
    {
        return TierKind.CAPACITY;
    }

    @Override
    public void put(final String key, final ByteBuffer data) throws TierException
    {
        checkOpen();
        final String objectKey = objectKey(key);
        final ByteBuffer value = data.duplicate();
        final long length = value.remaining();
        try
        {
            // A content provider re-reads the caller's buffer for signing and retries instead of copying it.
            s3.putObject(request -> request.bucket(bucket).key(objectKey).contentLength(length).contentType(CONTENT_TYPE),
                RequestBody.fromContentProvider(() -> new ByteBufferInputStream(value), length, CONTENT_TYPE));
        }
        catch (final SdkException ex)
        {
            throw failure("putting " + key, ex);
        }
        counters.bytesWritten.add(length);
    }

    @Override
    public void put(final String key, final InputStream in, final long length) throws TierException
    {
        checkOpen();
        Keys.requireLength(length);
        final String objectKey = objectKey(key);
        if (length <= context.multipartThreshold())
        {
            final byte[] value = new byte[(int)length];
            try
            {
                Streams.readFully(in, ByteBuffer.wrap(value));
            }
            catch (final IOException ex)
            {
                throw new TierException("reading the value for " + key + " failed: " + ex.getMessage(), ex);
            }
            try
            {
                s3.putObject(request -> request.bucket(bucket).key(objectKey).contentLength(length)
                    .contentType(CONTENT_TYPE), RequestBody.fromContentProvider(
                    () -> new ByteArrayInputStream(value), length, CONTENT_TYPE));
            }
            catch (final SdkException ex)
            {
                throw failure("putting " + key, ex);
            }
        }
        else
        {
            putMultipart(key, objectKey, in, length);
        }
        counters.bytesWritten.add(length);
    }

    @Override
    public ByteBuffer get(final String key, final long offset, final long length) throws TierException
    {
        Ranges.check(offset, length);
        checkOpen();
        final String objectKey = objectKey(key);
        if (length == 0)
        {
            return emptyIfPresent(key, objectKey);
        }
        try (ResponseInputStream<GetObjectResponse> response = openRange(objectKey, offset, length))
        {
            if (response == null)
            {
                counters.miss();
                return null;
            }
            final long count = rangeCount(response.response(), offset, length);
            if (count > Integer.MAX_VALUE - 8)
            {
                throw new TierException("range of " + count + " bytes of " + key + " exceeds one buffer; use openStream");
            }
            skipToOffset(response, offset);
            final ByteBuffer buffer = ByteBuffer.allocateDirect((int)count);
            Streams.readFully(response, buffer);
            counters.hit(count);
            return buffer.flip().asReadOnlyBuffer();
        }
        catch (final RangeNotSatisfiable ex)
        {
            return emptyIfPresent(key, objectKey);
        }
        catch (final IOException ex)
        {
            throw new TierException("reading " + key + " from s3://" + bucket + "/" + objectKey + " failed: " +
                ex.getMessage(), ex);
        }
        catch (final SdkException ex)
        {
            throw failure("getting " + key, ex);
        }
    }

    /** Returns the live HTTP response body; the caller must close it to release the connection. */
    @Override
    public InputStream openStream(final String key, final long offset, final long length) throws TierException
    {
        Ranges.check(offset, length);
        checkOpen();
        final String objectKey = objectKey(key);
        if (length == 0)
        {
            final ByteBuffer empty = emptyIfPresent(key, objectKey);
            return empty == null ? null : new ByteBufferInputStream(empty);
        }
        ResponseInputStream<GetObjectResponse> response = null;
        try
        {
            response = openRange(objectKey, offset, length);
            if (response == null)
            {
                counters.miss();
                return null;
            }
            final long count = rangeCount(response.response(), offset, length);
            skipToOffset(response, offset);
            counters.hit(count);
            return new BoundedInputStream(response, count);
        }
        catch (final RangeNotSatisfiable ex)
        {
            final ByteBuffer empty = emptyIfPresent(key, objectKey);
            return empty == null ? null : new ByteBufferInputStream(empty);
        }
        catch (final IOException ex)
        {
            abortQuietly(response);
            throw new TierException("reading " + key + " failed: " + ex.getMessage(), ex);
        }
        catch (final SdkException ex)
        {
            throw failure("getting " + key, ex);
        }
    }

    @Override
    public long size(final String key) throws TierException
    {
        checkOpen();
        final HeadObjectResponse head = head(key, objectKey(key));
        return head == null ? -1 : head.contentLength();
    }

    @Override
    public boolean contains(final String key) throws TierException
    {
        return size(key) >= 0;
    }

    /** Deletes the object; S3 does not say whether one existed, so a HeadObject asks first. */
    @Override
    public boolean delete(final String key) throws TierException
    {
        checkOpen();
        final String objectKey = objectKey(key);
        if (head(key, objectKey) == null)
        {
            return false;
        }
        try
        {
            s3.deleteObject(request -> request.bucket(bucket).key(objectKey));
            return true;
        }
        catch (final SdkException ex)
        {
            throw failure("deleting " + key, ex);
        }
    }

    @Override
    public List<String> list(final String keyPrefix) throws TierException
    {
        checkOpen();
        final List<String> keys = new ArrayList<>();
        try
        {
            for (final S3Object object : listObjects(prefix + keyPrefix))
            {
                keys.add(object.key().substring(prefix.length()));
            }
        }
        catch (final SdkException ex)
        {
            throw failure("listing " + keyPrefix, ex);
        }
        // S3 lists in UTF-8 byte order; the SPI promises String order, like every other tier.
        Collections.sort(keys);
        return keys;
    }

    @Override
    public long capacityBytes()
    {
        return Long.MAX_VALUE;
    }

    @Override
    public long usedBytes()
    {
        refreshUsageIfStale();
        return usedBytes;
    }

    @Override
    public TierStats stats()
    {
        refreshUsageIfStale();
        return new TierStats(
            TierKind.CAPACITY,
            Long.MAX_VALUE,
            usedBytes,
            objects,
            counters.hits.sum(),
            counters.misses.sum(),
            counters.bytesRead.sum(),
            counters.bytesWritten.sum(),
            0);
    }

    @Override
    public void close()
    {
        if (closed.compareAndSet(false, true))
        {
            s3.close();
        }
    }

    @Override
    public String toString()
    {
        return "S3CapacityTier{bucket=" + bucket + ", prefix=" + prefix + ", endpoint=" + context.endpoint() + "}";
    }

    // ---------------------------------------------------------------------------------------------------------------

    private void putMultipart(final String key, final String objectKey, final InputStream in, final long length)
        throws TierException
    {
        final long partSize = Math.max(context.partSize(), ceilDiv(length, MAX_PARTS));
        if (partSize > MAX_PART_SIZE)
        {
            throw new TierException("object of " + length + " bytes exceeds what " + MAX_PARTS + " parts can hold");
        }
        final String uploadId;
        try
        {
            uploadId = s3.createMultipartUpload(request -> request.bucket(bucket).key(objectKey)
                .contentType(CONTENT_TYPE)).uploadId();
        }
        catch (final SdkException ex)
        {
            throw failure("starting a multipart upload of " + key, ex);
        }
        boolean completed = false;
        try
        {
            final byte[] part = new byte[(int)Math.min(partSize, length)];
            final List<CompletedPart> parts = new ArrayList<>();
            long sent = 0;
            for (int partNumber = 1; sent < length; partNumber++)
            {
                final int partLength = (int)Math.min(part.length, length - sent);
                Streams.readFully(in, ByteBuffer.wrap(part, 0, partLength));
                final int number = partNumber;
                final String etag = s3.uploadPart(request -> request.bucket(bucket).key(objectKey)
                        .uploadId(uploadId).partNumber(number).contentLength((long)partLength),
                    RequestBody.fromContentProvider(() -> new ByteArrayInputStream(part, 0, partLength),
                        partLength, CONTENT_TYPE)).eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
                sent += partLength;
            }
            s3.completeMultipartUpload(request -> request.bucket(bucket).key(objectKey).uploadId(uploadId)
                .multipartUpload(upload -> upload.parts(parts)));
            completed = true;
        }
        catch (final IOException ex)
        {
            throw new TierException("reading the value for " + key + " failed: " + ex.getMessage(), ex);
        }
        catch (final SdkException ex)
        {
            throw failure("uploading " + key, ex);
        }
        finally
        {
            if (!completed)
            {
                abortUpload(objectKey, uploadId);
            }
        }
    }

    private void abortUpload(final String objectKey, final String uploadId)
    {
        try
        {
            s3.abortMultipartUpload(request -> request.bucket(bucket).key(objectKey).uploadId(uploadId));
        }
        catch (final SdkException ex)
        {
            LOG.warn("could not abort multipart upload {} of s3://{}/{} (a bucket lifecycle rule should reap it): {}",
                uploadId, bucket, objectKey, ex.getMessage());
        }
    }

    /** Thrown out of {@link #openRange} when the range starts at or past the end of the object. */
    private static final class RangeNotSatisfiable extends Exception
    {
        private static final long serialVersionUID = 1L;

        RangeNotSatisfiable()
        {
            super("range not satisfiable", null, false, false);
        }
    }

    /** Opens a GetObject for the range, or returns null when the object does not exist. */
    private ResponseInputStream<GetObjectResponse> openRange(final String objectKey, final long offset, final long length)
        throws RangeNotSatisfiable
    {
        final String range = "bytes=" + offset + "-" + (length == -1 ? "" : Long.toString(offset + length - 1));
        try
        {
            return s3.getObject(GetObjectRequest.builder().bucket(bucket).key(objectKey).range(range).build());
        }
        catch (final S3Exception ex)
        {
            if (ex.statusCode() == HTTP_NOT_FOUND && !(ex instanceof NoSuchBucketException))
            {
                return null;
            }
            if (ex.statusCode() == HTTP_RANGE_NOT_SATISFIABLE)
            {
                throw new RangeNotSatisfiable();
            }
            throw ex;
        }
    }

    /** How many bytes of the range the response carries (a store that ignores Range sends the whole object). */
    private static long rangeCount(final GetObjectResponse response, final long offset, final long length)
    {
        final long contentLength = response.contentLength();
        if (response.contentRange() != null)
        {
            return contentLength;
        }
        return Ranges.count(contentLength, offset, length);
    }

    private static void skipToOffset(final ResponseInputStream<GetObjectResponse> response, final long offset)
        throws IOException
    {
        if (response.response().contentRange() == null && offset > 0)
        {
            long remaining = offset;
            while (remaining > 0)
            {
                final long skipped = response.skip(remaining);
                if (skipped <= 0)
                {
                    if (response.read() < 0)
                    {
                        throw new EOFException("object ended before offset " + offset);
                    }
                    remaining--;
                }
                else
                {
                    remaining -= skipped;
                }
            }
        }
    }

    private ByteBuffer emptyIfPresent(final String key, final String objectKey) throws TierException
    {
        if (head(key, objectKey) == null)
        {
            counters.miss();
            return null;
        }
        counters.hit(0);
        return ByteBuffer.allocateDirect(0).asReadOnlyBuffer();
    }

    private HeadObjectResponse head(final String key, final String objectKey) throws TierException
    {
        try
        {
            return s3.headObject(request -> request.bucket(bucket).key(objectKey));
        }
        catch (final S3Exception ex)
        {
            if (ex.statusCode() == HTTP_NOT_FOUND)
            {
                return null;
            }
            throw failure("looking up " + key, ex);
        }
        catch (final SdkException ex)
        {
            throw failure("looking up " + key, ex);
        }
    }

    private Iterable<S3Object> listObjects(final String fullPrefix)
    {
        return s3.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(bucket).prefix(fullPrefix).build())
            .contents();
    }

    private void refreshUsageIfStale()
    {
        if (closed.get())
        {
            return;
        }
        final long interval = context.usageRefreshInterval().toNanos();
        if (usageKnown && System.nanoTime() - usageTakenAtNanos < interval || unavailableUntilNanos - System.nanoTime() > 0)
        {
            return;
        }
        synchronized (usageLock)
        {
            if (usageKnown && System.nanoTime() - usageTakenAtNanos < interval)
            {
                return;
            }
            try
            {
                long bytes = 0;
                long count = 0;
                for (final S3Object object : listObjects(prefix))
                {
                    bytes += object.size();
                    count++;
                }
                usedBytes = bytes;
                objects = count;
                usageKnown = true;
            }
            catch (final SdkException ex)
            {
                LOG.warn("could not list s3://{}/{} to measure usage: {}", bucket, prefix,
                    failure("listing", ex).getMessage());
            }
            usageTakenAtNanos = System.nanoTime();
        }
    }

    private void checkBucket() throws TierException
    {
        try
        {
            s3.headBucket(request -> request.bucket(bucket));
        }
        catch (final S3Exception ex)
        {
            if (ex.statusCode() != HTTP_NOT_FOUND || !context.createBucket())
            {
                throw failure("checking bucket " + bucket, ex);
            }
            try
            {
                s3.createBucket(request -> request.bucket(bucket));
            }
            catch (final SdkException createFailed)
            {
                throw failure("creating bucket " + bucket, createFailed);
            }
        }
        catch (final SdkException ex)
        {
            throw failure("checking bucket " + bucket, ex);
        }
    }

    private TierException failure(final String what, final SdkException ex)
    {
        if (closed.get())
        {
            return new TierException("S3 capacity tier is closed");
        }
        final String message = what + " in s3://" + bucket + "/" + prefix + " failed: " + ex.getMessage();
        if (isOutage(ex))
        {
            lastOutage = ex.getMessage();
            unavailableUntilNanos = System.nanoTime() + context.failFastFor().toNanos();
        }
        return new TierException(message, ex);
    }

    /** Whether the store itself is down or failing (as opposed to refusing this one request). */
    private static boolean isOutage(final SdkException ex)
    {
        return ex instanceof S3Exception s3 ? s3.statusCode() >= HTTP_SERVER_ERROR : ex instanceof SdkClientException;
    }

    /** Throws when the tier is closed, or when the store failed a moment ago and calls fail fast for now. */
    private void checkOpen() throws TierException
    {
        if (closed.get())
        {
            throw new TierException("S3 capacity tier is closed");
        }
        final long waitNanos = unavailableUntilNanos - System.nanoTime();
        if (waitNanos > 0)
        {
            throw new TierException("S3 store " + (context.endpoint() == null ? "" : context.endpoint() + " ") +
                "is unavailable (" + lastOutage + "); trying again in " +
                Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos)) + " ms");
        }
    }

    private static AwsCredentialsProvider credentials(final Context context)
    {
        if (context.accessKey() == null)
        {
            return DefaultCredentialsProvider.builder().build();
        }
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(context.accessKey(), context.secretKey()));
    }

    private static long ceilDiv(final long dividend, final long divisor)
    {
        return (dividend + divisor - 1) / divisor;
    }

    private static void abortQuietly(final ResponseInputStream<GetObjectResponse> response)
    {
        if (response != null)
        {
            response.abort();
        }
    }

    /** Limits a response body to the bytes of the range, and aborts the connection if closed before the end. */
    private static final class BoundedInputStream extends InputStream
    {
        private final ResponseInputStream<GetObjectResponse> response;
        private long remaining;

        BoundedInputStream(final ResponseInputStream<GetObjectResponse> response, final long count)
        {
            this.response = response;
            this.remaining = count;
        }

        @Override
        public int read() throws IOException
        {
            if (remaining <= 0)
            {
                return -1;
            }
            final int next = response.read();
            if (next < 0)
            {
                throw new EOFException("object ended " + remaining + " bytes early");
            }
            remaining--;
            return next;
        }

        @Override
        public int read(final byte[] bytes, final int offset, final int length) throws IOException
        {
            if (length == 0)
            {
                return 0;
            }
            if (remaining <= 0)
            {
                return -1;
            }
            final int read = response.read(bytes, offset, (int)Math.min(length, remaining));
            if (read < 0)
            {
                throw new EOFException("object ended " + remaining + " bytes early");
            }
            remaining -= read;
            return read;
        }

        @Override
        public void close() throws IOException
        {
            if (remaining > 0)
            {
                // Reading the rest just to reuse the connection can cost far more than a new connection.
                response.abort();
            }
            response.close();
        }
    }

    /**
     * Configuration of an {@link S3CapacityTier}: set what differs from the defaults, then pass it to
     * {@link S3CapacityTier#open(Context)}, which validates it once ({@link #conclude()}).
     * <pre>{@code
     * S3CapacityTier capacity = S3CapacityTier.open(new S3CapacityTier.Context()
     *     .endpoint(URI.create("http://127.0.0.1:9000"))
     *     .bucket("terrace")
     *     .prefix("cluster-a/")
     *     .credentials("minio", "minio-secret"));
     * }</pre>
     */
    public static final class Context
    {
        private URI endpoint;
        private String region = "us-east-1";
        private String bucket;
        private String prefix = "";
        private String accessKey;
        private String secretKey;
        private boolean pathStyle = true;
        private long multipartThreshold = 16L * 1024 * 1024;
        private long partSize = 8L * 1024 * 1024;
        private int maxConnections = 32;
        private Duration usageRefreshInterval = Duration.ofSeconds(30);
        private Duration connectTimeout = Duration.ofSeconds(2);
        private Duration socketTimeout = Duration.ofSeconds(30);
        private int maxAttempts = 3;
        private Duration failFastFor = Duration.ofSeconds(1);
        private boolean createBucket;
        private boolean concluded;

        /** The store's endpoint, e.g. {@code http://127.0.0.1:9000}; null (the default) means AWS S3 itself. */
        public Context endpoint(final URI endpoint)
        {
            this.endpoint = endpoint;
            return this;
        }

        public URI endpoint()
        {
            return endpoint;
        }

        /** The signing region. Default {@code us-east-1}. */
        public Context region(final String region)
        {
            this.region = region;
            return this;
        }

        public String region()
        {
            return region;
        }

        /** The bucket holding the tier. Required. */
        public Context bucket(final String bucket)
        {
            this.bucket = bucket;
            return this;
        }

        public String bucket()
        {
            return bucket;
        }

        /** Prepended to every key, e.g. {@code "terrace/"}; must not start with {@code /}. Default empty. */
        public Context prefix(final String prefix)
        {
            this.prefix = prefix;
            return this;
        }

        public String prefix()
        {
            return prefix;
        }

        /**
         * Static credentials. Leave both unset to use the SDK's default provider chain (environment, profile,
         * container or instance role).
         */
        public Context credentials(final String accessKey, final String secretKey)
        {
            this.accessKey = accessKey;
            this.secretKey = secretKey;
            return this;
        }

        public String accessKey()
        {
            return accessKey;
        }

        public String secretKey()
        {
            return secretKey;
        }

        /** Path-style addressing ({@code endpoint/bucket/key}), as MinIO, Ceph and s3proxy expect. Default true. */
        public Context pathStyle(final boolean pathStyle)
        {
            this.pathStyle = pathStyle;
            return this;
        }

        public boolean pathStyle()
        {
            return pathStyle;
        }

        /** Streams longer than this are sent as multipart uploads. Default 16 MiB. */
        public Context multipartThreshold(final long multipartThreshold)
        {
            this.multipartThreshold = multipartThreshold;
            return this;
        }

        public long multipartThreshold()
        {
            return multipartThreshold;
        }

        /** Size of each multipart part (the last may be shorter); at least 5 MiB. Default 8 MiB. */
        public Context partSize(final long partSize)
        {
            this.partSize = partSize;
            return this;
        }

        public long partSize()
        {
            return partSize;
        }

        /** HTTP connections kept to the store. Default 32. */
        public Context maxConnections(final int maxConnections)
        {
            this.maxConnections = maxConnections;
            return this;
        }

        public int maxConnections()
        {
            return maxConnections;
        }

        /** How stale the listed used bytes and object count may be. Default 30 s; zero lists on every call. */
        public Context usageRefreshInterval(final Duration usageRefreshInterval)
        {
            this.usageRefreshInterval = usageRefreshInterval;
            return this;
        }

        public Duration usageRefreshInterval()
        {
            return usageRefreshInterval;
        }

        /** How long to wait for a connection to the store. Default 2 s. */
        public Context connectTimeout(final Duration connectTimeout)
        {
            this.connectTimeout = connectTimeout;
            return this;
        }

        public Duration connectTimeout()
        {
            return connectTimeout;
        }

        /** How long a connection may stay silent while a response is awaited or read. Default 30 s. */
        public Context socketTimeout(final Duration socketTimeout)
        {
            this.socketTimeout = socketTimeout;
            return this;
        }

        public Duration socketTimeout()
        {
            return socketTimeout;
        }

        /** Attempts per call, the first included (the SDK retries with backoff in between). Default 3. */
        public Context maxAttempts(final int maxAttempts)
        {
            this.maxAttempts = maxAttempts;
            return this;
        }

        public int maxAttempts()
        {
            return maxAttempts;
        }

        /**
         * After a call fails because the store is unreachable or failing, how long further calls fail at once
         * without trying the store. Default 1 s; zero tries every call.
         */
        public Context failFastFor(final Duration failFastFor)
        {
            this.failFastFor = failFastFor;
            return this;
        }

        public Duration failFastFor()
        {
            return failFastFor;
        }

        /** Whether {@link S3CapacityTier#open(Context)} creates a missing bucket. Default false. */
        public Context createBucket(final boolean createBucket)
        {
            this.createBucket = createBucket;
            return this;
        }

        public boolean createBucket()
        {
            return createBucket;
        }

        /**
         * Checks the settings; called by {@link S3CapacityTier#open(Context)}.
         *
         * @throws IllegalArgumentException naming the first bad setting.
         */
        public Context conclude()
        {
            if (concluded)
            {
                return this;
            }
            if (bucket == null || bucket.isBlank())
            {
                throw new IllegalArgumentException("S3 bucket is required");
            }
            if (region == null || region.isBlank())
            {
                throw new IllegalArgumentException("S3 region is required");
            }
            if (prefix == null || prefix.startsWith("/"))
            {
                throw new IllegalArgumentException("S3 key prefix must not be null or start with '/': " + prefix);
            }
            if ((accessKey == null) != (secretKey == null))
            {
                throw new IllegalArgumentException("S3 access key and secret key go together: set both or neither");
            }
            if (partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE)
            {
                throw new IllegalArgumentException("S3 part size must be in [5 MiB, 5 GiB]: " + partSize);
            }
            if (multipartThreshold < 0 || multipartThreshold > Integer.MAX_VALUE - 8)
            {
                throw new IllegalArgumentException("S3 multipart threshold must be in [0, 2 GiB): " + multipartThreshold);
            }
            if (maxConnections < 1)
            {
                throw new IllegalArgumentException("S3 max connections must be at least 1: " + maxConnections);
            }
            if (usageRefreshInterval == null || usageRefreshInterval.isNegative())
            {
                throw new IllegalArgumentException("S3 usage refresh interval must be >= 0: " + usageRefreshInterval);
            }
            if (connectTimeout == null || connectTimeout.isNegative() || connectTimeout.isZero() ||
                socketTimeout == null || socketTimeout.isNegative() || socketTimeout.isZero())
            {
                throw new IllegalArgumentException("S3 connect and socket timeouts must be positive: " +
                    connectTimeout + ", " + socketTimeout);
            }
            if (maxAttempts < 1)
            {
                throw new IllegalArgumentException("S3 max attempts must be at least 1: " + maxAttempts);
            }
            if (failFastFor == null || failFastFor.isNegative())
            {
                throw new IllegalArgumentException("S3 fail-fast period must be >= 0: " + failFastFor);
            }
            if (endpoint != null && endpoint.getScheme() == null)
            {
                throw new IllegalArgumentException("S3 endpoint needs a scheme (http:// or https://): " + endpoint);
            }
            concluded = true;
            return this;
        }

        @Override
        public String toString()
        {
            return "S3CapacityTier.Context{endpoint=" + endpoint + ", region=" + region + ", bucket=" + bucket +
                ", prefix=" + prefix + ", credentials=" + (accessKey == null ? "default chain" : "static") +
                ", pathStyle=" + pathStyle + ", multipartThreshold=" + multipartThreshold + ", partSize=" + partSize +
                ", connectTimeout=" + connectTimeout + ", socketTimeout=" + socketTimeout + ", maxAttempts=" +
                maxAttempts + ", failFastFor=" + failFastFor + "}";
        }
    }
}
