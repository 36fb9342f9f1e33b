package dev.terrace.tier;

import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;

import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real S3 endpoint in this JVM: s3proxy over jclouds' in-memory ("transient") blob store, listening on a free
 * loopback port with AWS V2/V4 signature checking. Published in this module's test-jar for other modules' tests.
 * <pre>{@code
 * S3ProxyFixture s3 = S3ProxyFixture.shared();
 * try (S3CapacityTier tier = S3CapacityTier.open(s3.context(s3.newBucket(), "")))
 * {
 *     ...
 * }
 * }</pre>
 */
public final class S3ProxyFixture implements AutoCloseable
{
    public static final String ACCESS_KEY = "terrace-test-access";
    public static final String SECRET_KEY = "terrace-test-secret";
    public static final String REGION = "us-east-1";

    private static final AtomicInteger BUCKETS = new AtomicInteger();
    private static S3ProxyFixture shared;

    private final BlobStoreContext blobStoreContext;
    private final URI endpoint;
    private S3Proxy proxy;

    private S3ProxyFixture(final S3Proxy proxy, final BlobStoreContext blobStoreContext)
    {
        this.proxy = proxy;
        this.blobStoreContext = blobStoreContext;
        this.endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    /** Starts s3proxy on a free port and waits until it accepts requests. */
    public static S3ProxyFixture start() throws Exception
    {
        final BlobStoreContext blobStoreContext = ContextBuilder.newBuilder("transient")
            .credentials("identity", "credential")
            .build(BlobStoreContext.class);
        try
        {
            return new S3ProxyFixture(startProxy(blobStoreContext, URI.create("http://127.0.0.1:0")), blobStoreContext);
        }
        catch (final Exception ex)
        {
            blobStoreContext.close();
            throw ex;
        }
    }

    private static S3Proxy startProxy(final BlobStoreContext blobStoreContext, final URI endpoint) throws Exception
    {
        final S3Proxy proxy = S3Proxy.builder()
            .blobStore(blobStoreContext.getBlobStore())
            .endpoint(endpoint)
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .build();
        proxy.start();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!"STARTED".equals(proxy.getState()))
        {
            if (System.nanoTime() > deadline || "FAILED".equals(proxy.getState()))
            {
                proxy.stop();
                throw new IllegalStateException("s3proxy did not start on " + endpoint + ": " + proxy.getState());
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
        return proxy;
    }

    /**
     * Stops serving S3 (an outage: connections to the port are refused) while keeping every stored blob. Not for the
     * {@link #shared()} endpoint.
     */
    public synchronized void stopServing() throws Exception
    {
        proxy.stop();
    }

    /** Serves again on the same port over the same blobs, as a store that comes back after an outage does. */
    public synchronized void resumeServing() throws Exception
    {
        proxy = startProxy(blobStoreContext, endpoint);
    }

    /**
     * One endpoint for the whole JVM, started on first use and stopped when the JVM exits: starting s3proxy costs
     * seconds, so test classes share it and isolate themselves with {@link #newBucket()}. Do not close it.
     */
    public static synchronized S3ProxyFixture shared() throws Exception
    {
        if (shared == null)
        {
            final S3ProxyFixture fixture = start();
            Runtime.getRuntime().addShutdownHook(new Thread(() ->
            {
                try
                {
                    fixture.close();
                }
                catch (final Exception ignored)
                {
                    // The JVM is exiting; the port and memory go with it.
                }
            }, "s3proxy-fixture-stop"));
            shared = fixture;
        }
        return shared;
    }

    /** Where the endpoint listens, e.g. {@code http://127.0.0.1:41234}. */
    public URI endpoint()
    {
        return endpoint;
    }

    /** The blob store behind the endpoint, for inspecting what was stored without going through S3. */
    public BlobStore blobStore()
    {
        return blobStoreContext.getBlobStore();
    }

    /** Creates a bucket with a name no other caller in this JVM gets, and returns the name. */
    public String newBucket()
    {
        final String bucket = "terrace-test-" + BUCKETS.incrementAndGet();
        blobStore().createContainerInLocation(null, bucket);
        return bucket;
    }

    /** A tier configuration pointing at this endpoint, with the fixture's credentials and usage listed on every call. */
    public S3CapacityTier.Context context(final String bucket, final String prefix)
    {
        return new S3CapacityTier.Context()
            .endpoint(endpoint)
            .region(REGION)
            .bucket(bucket)
            .prefix(prefix)
            .credentials(ACCESS_KEY, SECRET_KEY)
            .pathStyle(true)
            .usageRefreshInterval(java.time.Duration.ZERO);
    }

    @Override
    public synchronized void close() throws Exception
    {
        try
        {
            proxy.stop();
        }
        finally
        {
            blobStoreContext.close();
        }
    }
}
