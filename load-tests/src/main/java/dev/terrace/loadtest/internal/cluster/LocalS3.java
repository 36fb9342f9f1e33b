package dev.terrace.loadtest.internal.cluster;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A real S3 endpoint for a benchmark: {@link S3ProxyMain} in a child JVM, storing objects as files in a directory.
 */
public final class LocalS3 implements AutoCloseable
{
    /** Credentials the endpoint checks; they guard nothing but loopback test data. */
    public static final String ACCESS_KEY = "terrace-bench-access";
    public static final String SECRET_KEY = "terrace-bench-secret";

    private static final Pattern READY = Pattern.compile("s3proxy listening on (http://\\S+)");

    private final ChildJvm child;
    private final String endpoint;
    private final String bucket;
    private final Path dir;
    private final long getLatencyMillis;

    private LocalS3(
        final ChildJvm child, final String endpoint, final String bucket, final Path dir, final long getLatencyMillis)
    {
        this.child = child;
        this.endpoint = endpoint;
        this.bucket = bucket;
        this.dir = dir;
        this.getLatencyMillis = getLatencyMillis;
    }

    /**
     * Starts s3proxy with its blobs under {@code dir} and one bucket.
     *
     * @param dir    the filesystem blob store's base directory (created).
     * @param bucket the bucket to create.
     * @param getLatencyMillis how long every object GET waits before it is answered (0: not at all).
     * @param log    where its output goes.
     */
    public static LocalS3 start(final Path dir, final String bucket, final long getLatencyMillis, final Path log)
        throws IOException, InterruptedException
    {
        final ChildJvm.Started started = ChildJvm.start("s3proxy", List.of("-Xmx256m", "-XX:+UseSerialGC"),
            S3ProxyMain.class.getName(),
            List.of("--dir", dir.toString(), "--bucket", bucket, "--access-key", ACCESS_KEY, "--secret-key", SECRET_KEY,
                "--get-latency-ms", Long.toString(getLatencyMillis)),
            log, READY, Duration.ofSeconds(90));
        return new LocalS3(started.child(), started.match(), bucket, dir, getLatencyMillis);
    }

    /** The delay every object GET waits before it is answered, in milliseconds. */
    public long getLatencyMillis()
    {
        return getLatencyMillis;
    }

    /** The endpoint URL, e.g. {@code http://127.0.0.1:41234}. */
    public String endpoint()
    {
        return endpoint;
    }

    /** The bucket it was started with. */
    public String bucket()
    {
        return bucket;
    }

    /** The directory holding the blobs. */
    public Path dir()
    {
        return dir;
    }

    /** The process, e.g. for its pid or log. */
    public ChildJvm process()
    {
        return child;
    }

    /** Node settings that put a node's capacity tier in this endpoint's bucket under {@code prefix}. */
    public Map<String, String> nodeSettings(final String prefix)
    {
        final Map<String, String> settings = new LinkedHashMap<>();
        settings.put("terrace.capacity.type", "s3");
        settings.put("terrace.capacity.s3.endpoint", endpoint);
        settings.put("terrace.capacity.s3.bucket", bucket);
        settings.put("terrace.capacity.s3.prefix", prefix);
        settings.put("terrace.capacity.s3.access-key", ACCESS_KEY);
        settings.put("terrace.capacity.s3.secret-key", SECRET_KEY);
        settings.put("terrace.capacity.s3.path-style", "true");
        return settings;
    }

    @Override
    public void close()
    {
        child.stop(Duration.ofSeconds(15));
    }
}
