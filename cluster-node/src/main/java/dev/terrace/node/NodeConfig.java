package dev.terrace.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The typed, validated settings of one node, read once from HOCON ({@code terrace.conf} defaults, then an optional
 * file, then system properties and the given overrides). Invalid values fail at start with the key named.
 */
public final class NodeConfig
{
    private final Config config;

    /** The configured node id, or null to use the one kept in the data directory. */
    public final String nodeId;
    public final Path dataDir;
    public final String httpHost;
    public final int httpPort;
    public final String clusterHost;
    public final int clusterPort;
    /** Seed nodes {@code host:port} (Pekko Artery endpoints); empty for a new one-node cluster. */
    public final java.util.List<String> seeds;
    public final int extentSize;
    public final long memoryCapacity;
    public final double memoryHighWatermark;
    public final Path flashDir;
    public final long flashCapacity;
    public final boolean flashFsync;
    public final long flashSegmentSize;
    public final String capacityType;
    public final Path capacityDir;
    public final S3 s3;
    public final long maxObjectSize;
    public final long maxKvBlockSize;
    public final double requestsPerSecondPerKey;
    public final double requestBurstPerKey;
    public final int rateLimitedKeys;
    public final int maxConcurrentTransfers;
    public final String placementPolicy;
    public final int ioThreads;
    public final long hintHorizonMillis;
    public final double hintMaxJobFraction;
    public final double hintMaxNamespaceFraction;
    public final long hintDefaultTtlMillis;
    public final int hintStageThreads;

    /** Settings of an S3-compatible capacity tier. */
    public static final class S3
    {
        public final String endpoint;
        public final String region;
        public final String bucket;
        public final String prefix;
        public final String accessKey;
        public final String secretKey;
        public final boolean pathStyle;
        public final long multipartThreshold;
        public final long partSize;
        public final boolean createBucket;
        public final java.time.Duration connectTimeout;
        public final java.time.Duration socketTimeout;
        public final int maxAttempts;
        public final java.time.Duration failFastFor;

        S3(final Config c)
        {
            endpoint = c.getString("endpoint");
            region = c.getString("region");
            bucket = c.getString("bucket");
            prefix = c.getString("prefix");
            accessKey = c.getString("access-key");
            secretKey = c.getString("secret-key");
            pathStyle = c.getBoolean("path-style");
            multipartThreshold = c.getBytes("multipart-threshold");
            partSize = c.getBytes("part-size");
            createBucket = c.getBoolean("create-bucket");
            connectTimeout = c.getDuration("connect-timeout");
            socketTimeout = c.getDuration("socket-timeout");
            maxAttempts = c.getInt("max-attempts");
            failFastFor = c.getDuration("fail-fast-for");
        }
    }

    private NodeConfig(final Config config)
    {
        this.config = config;
        final Config t = config.getConfig("terrace");
        dataDir = Path.of(t.getString("data-dir")).toAbsolutePath().normalize();
        httpHost = t.getString("http.host");
        httpPort = t.getInt("http.port");
        clusterHost = t.getString("cluster.host");
        clusterPort = t.getInt("cluster.port");
        seeds = t.getStringList("cluster.seeds");
        final String id = t.getString("node.id");
        nodeId = id.isEmpty() ? null : id;
        extentSize = intBytes(t, "extent-size");
        memoryCapacity = t.getBytes("memory.capacity");
        memoryHighWatermark = t.getDouble("memory.high-watermark");
        flashDir = Path.of(t.getString("flash.dir")).toAbsolutePath().normalize();
        flashCapacity = t.getBytes("flash.capacity");
        flashFsync = t.getBoolean("flash.fsync");
        flashSegmentSize = t.getBytes("flash.segment-size");
        capacityType = t.getString("capacity.type");
        capacityDir = Path.of(t.getString("capacity.dir")).toAbsolutePath().normalize();
        s3 = new S3(t.getConfig("capacity.s3"));
        maxObjectSize = t.getBytes("limits.max-object-size");
        maxKvBlockSize = t.getBytes("limits.max-kv-block-size");
        requestsPerSecondPerKey = t.getDouble("limits.requests-per-second-per-key");
        requestBurstPerKey = t.getDouble("limits.request-burst-per-key");
        rateLimitedKeys = t.getInt("limits.rate-limited-keys");
        maxConcurrentTransfers = t.getInt("limits.max-concurrent-transfers");
        placementPolicy = t.getString("placement.policy");
        ioThreads = t.getInt("io-threads");
        hintHorizonMillis = t.getDuration("hints.horizon").toMillis();
        hintMaxJobFraction = t.getDouble("hints.max-job-fraction");
        hintMaxNamespaceFraction = t.getDouble("hints.max-namespace-fraction");
        hintDefaultTtlMillis = t.getDuration("hints.default-ttl").toMillis();
        // 0: half the I/O threads, so staging never holds more threads than client reads are left with.
        hintStageThreads = t.getInt("hints.stage-threads") == 0 ? Math.max(1, t.getInt("io-threads") / 2)
            : t.getInt("hints.stage-threads");
        validate();
    }

    /**
     * Loads the settings.
     *
     * @param file      an optional HOCON file layered over the defaults (null for none).
     * @param overrides key/value pairs that win over everything (for tests and the CLI).
     */
    public static NodeConfig load(final Path file, final Map<String, ?> overrides)
    {
        Config layered = ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.systemProperties());
        if (file != null)
        {
            if (!Files.isRegularFile(file))
            {
                throw new IllegalArgumentException("config file not found: " + file);
            }
            layered = layered.withFallback(ConfigFactory.parseFile(file.toFile()));
        }
        final Config resolved = layered
            .withFallback(ConfigFactory.parseResources("terrace.conf"))
            .withFallback(ConfigFactory.parseResources("pekko-node.conf"))
            .withFallback(ConfigFactory.defaultReference())
            .resolve();
        try
        {
            return new NodeConfig(resolved);
        }
        catch (final ConfigException ex)
        {
            throw new IllegalArgumentException("invalid configuration: " + ex.getMessage(), ex);
        }
    }

    /** The HTTP API's request limits ({@code terrace.limits.*}). */
    public dev.terrace.node.http.RequestLimits requestLimits()
    {
        return new dev.terrace.node.http.RequestLimits(maxObjectSize, maxKvBlockSize, requestsPerSecondPerKey,
            requestBurstPerKey, rateLimitedKeys, maxConcurrentTransfers);
    }

    /** The full resolved config, including the Pekko settings, for the actor system. */
    public Config raw()
    {
        return config;
    }

    private void validate()
    {
        require(httpPort >= 0 && httpPort <= 65535, "terrace.http.port must be 0-65535");
        require(clusterPort >= 0 && clusterPort <= 65535, "terrace.cluster.port must be 0-65535");
        for (final String seed : seeds)
        {
            require(seed.matches("[^:/@\\s]+:\\d{1,5}"), "terrace.cluster.seeds entries are host:port, not '" + seed + "'");
        }
        require(extentSize >= 4096 && extentSize <= 64 * 1024 * 1024, "terrace.extent-size must be 4KiB-64MiB");
        require(memoryCapacity >= extentSize, "terrace.memory.capacity must hold at least one extent");
        require(memoryHighWatermark > 0.1 && memoryHighWatermark <= 1.0, "terrace.memory.high-watermark must be in (0.1, 1]");
        require(flashCapacity >= extentSize, "terrace.flash.capacity must hold at least one extent");
        require(capacityType.equals("directory") || capacityType.equals("s3"),
            "terrace.capacity.type must be 'directory' or 's3'");
        if (capacityType.equals("s3"))
        {
            require(!s3.bucket.isEmpty(), "terrace.capacity.s3.bucket must be set when terrace.capacity.type = s3");
        }
        require(maxObjectSize > 0, "terrace.limits.max-object-size must be positive");
        require(maxKvBlockSize > 0 && maxKvBlockSize <= Integer.MAX_VALUE - 64,
            "terrace.limits.max-kv-block-size must be positive and below 2GiB");
        require(requestsPerSecondPerKey >= 0, "terrace.limits.requests-per-second-per-key must be >= 0 (0 = off)");
        require(requestBurstPerKey >= 1, "terrace.limits.request-burst-per-key must be at least 1");
        require(rateLimitedKeys >= 1 && rateLimitedKeys <= 1 << 24, "terrace.limits.rate-limited-keys must be 1-16777216");
        require(maxConcurrentTransfers >= 1, "terrace.limits.max-concurrent-transfers must be at least 1");
        require(hintMaxJobFraction > 0 && hintMaxJobFraction <= 1, "terrace.hints.max-job-fraction must be in (0, 1]");
        require(hintMaxNamespaceFraction > 0 && hintMaxNamespaceFraction <= 1,
            "terrace.hints.max-namespace-fraction must be in (0, 1]");
        require(hintHorizonMillis > 0, "terrace.hints.horizon must be positive");
        require(ioThreads >= 1 && ioThreads <= 256, "terrace.io-threads must be 1-256");
        require(hintStageThreads >= 1 && hintStageThreads < Math.max(2, ioThreads),
            "terrace.hints.stage-threads must be 0 (half of terrace.io-threads) or 1 to terrace.io-threads - 1");
    }

    private static void require(final boolean condition, final String message)
    {
        if (!condition)
        {
            throw new IllegalArgumentException("invalid configuration: " + message);
        }
    }

    private static int intBytes(final Config c, final String key)
    {
        final long v = c.getBytes(key);
        if (v > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("invalid configuration: " + key + " is too large");
        }
        return (int)v;
    }

}
