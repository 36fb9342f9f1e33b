package dev.terrace.loadtest.internal.cluster;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * The entry point of the benchmark's S3 endpoint, run in its own JVM: s3proxy over jclouds' {@code filesystem} blob
 * store (each object a file under {@code --dir}), on a free loopback port with AWS V2/V4 signatures checked. Prints
 * {@code s3proxy listening on http://127.0.0.1:PORT} once it serves, creates {@code --bucket}, and exits on SIGTERM or
 * when its parent is gone ({@link ParentWatch}). With {@code --get-latency-ms N} every object GET waits N ms before it
 * is answered ({@link DelayedGetBlobStore}), emulating a remote endpoint's first-byte latency.
 * <pre>
 * S3ProxyMain --dir DIR --bucket NAME --access-key K --secret-key S [--get-latency-ms N]
 * </pre>
 */
public final class S3ProxyMain
{
    private S3ProxyMain()
    {
    }

    /** Runs until stopped. */
    public static void main(final String[] args) throws Exception
    {
        Path dir = null;
        String bucket = null;
        String accessKey = null;
        String secretKey = null;
        long getLatencyMillis = 0;
        for (int i = 0; i + 1 < args.length; i += 2)
        {
            switch (args[i])
            {
                case "--dir" -> dir = Path.of(args[i + 1]);
                case "--bucket" -> bucket = args[i + 1];
                case "--access-key" -> accessKey = args[i + 1];
                case "--secret-key" -> secretKey = args[i + 1];
                case "--get-latency-ms" -> getLatencyMillis = Long.parseLong(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (dir == null || bucket == null || accessKey == null || secretKey == null)
        {
            System.err.println(
                "usage: S3ProxyMain --dir DIR --bucket NAME --access-key K --secret-key S [--get-latency-ms N]");
            System.exit(2);
        }
        ParentWatch.start();
        Files.createDirectories(dir);
        final Properties properties = new Properties();
        properties.setProperty("jclouds.filesystem.basedir", dir.toAbsolutePath().toString());
        final BlobStoreContext context = ContextBuilder.newBuilder("filesystem")
            .credentials("identity", "credential")
            .overrides(properties)
            .build(BlobStoreContext.class);
        final org.jclouds.blobstore.BlobStore store = getLatencyMillis > 0
            ? new DelayedGetBlobStore(context.getBlobStore(), getLatencyMillis) : context.getBlobStore();
        final S3Proxy proxy = S3Proxy.builder()
            .blobStore(store)
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
            .build();
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            try
            {
                proxy.stop();
            }
            catch (final Exception ignored)
            {
                // exiting anyway
            }
            context.close();
            stopped.countDown();
        }, "s3proxy-stop"));
        proxy.start();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!"STARTED".equals(proxy.getState()))
        {
            if (System.nanoTime() > deadline)
            {
                System.err.println("s3proxy did not start: " + proxy.getState());
                System.exit(1);
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
        context.getBlobStore().createContainerInLocation(null, bucket);
        System.out.println("s3proxy listening on http://127.0.0.1:" + proxy.getPort());
        System.out.flush();
        stopped.await();
    }
}
