package dev.terrace.node.store;

import dev.terrace.node.testing.TestNode;
import dev.terrace.tier.S3ProxyFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A node whose capacity tier is an S3 bucket (a real S3 endpoint, s3proxy in-process): write-through objects land
 * whole under {@code prefix/bucket/key}, large ones by multipart upload, and an ordinary S3 client reads them.
 */
class S3CapacityNodeIT
{
    @TempDir
    static Path dataDir;
    static S3ProxyFixture s3;
    static String bucket;
    static TestNode node;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception
    {
        s3 = S3ProxyFixture.start();
        bucket = s3.newBucket();
        node = TestNode.start(dataDir, Map.of(
            "terrace.capacity.type", "s3",
            "terrace.capacity.s3.endpoint", s3.endpoint().toString(),
            "terrace.capacity.s3.bucket", bucket,
            "terrace.capacity.s3.prefix", "cluster-a/",
            "terrace.capacity.s3.access-key", S3ProxyFixture.ACCESS_KEY,
            "terrace.capacity.s3.secret-key", S3ProxyFixture.SECRET_KEY,
            "terrace.capacity.s3.multipart-threshold", "8MiB",
            "terrace.capacity.s3.part-size", "5MiB",
            "terrace.memory.capacity", "8MiB",
            "terrace.memory.high-watermark", "0.5"));
    }

    @AfterAll
    static void stop() throws Exception
    {
        node.close();
        s3.close();
    }

    @Test
    void writeThroughObjectsLiveWholeInTheBucketAndReadBackFromIt() throws Exception
    {
        final byte[] data = new byte[21 * 1024 * 1024 + 7];
        new Random(42).nextBytes(data);
        final URI uri = URI.create(node.httpEndpoint() + "/v1/objects/models/llama/weights.bin");
        final HttpResponse<String> put = http.send(HttpRequest.newBuilder(uri)
            .PUT(HttpRequest.BodyPublishers.ofByteArray(data)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, put.statusCode(), put.body());

        // In the bucket, whole, under the prefix: multipart made one object.
        final var blob = s3.blobStore().getBlob(bucket, "cluster-a/models/llama/weights.bin");
        assertArrayEquals(data, blob.getPayload().openStream().readAllBytes());

        // The memory tier (8 MiB) cannot hold it: most extents are read back from the bucket.
        final HttpResponse<byte[]> get = http.send(HttpRequest.newBuilder(uri).GET().build(),
            HttpResponse.BodyHandlers.ofByteArray());
        assertArrayEquals(data, get.body());
        final HttpResponse<byte[]> tail = http.send(HttpRequest.newBuilder(uri).header("Range", "bytes=-1000").GET().build(),
            HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(206, tail.statusCode());
        assertArrayEquals(java.util.Arrays.copyOfRange(data, data.length - 1000, data.length), tail.body());
    }

    @Test
    void theAwsCliReadsWhatTheNodeWrote() throws Exception
    {
        assumeTrue(onPath("aws"), "the AWS CLI is not installed (.ci/run installs the awscli package)");
        final byte[] data = "written through terrace".getBytes();
        final HttpResponse<String> put = http.send(HttpRequest.newBuilder(
                URI.create(node.httpEndpoint() + "/v1/objects/docs/readme.txt"))
            .PUT(HttpRequest.BodyPublishers.ofByteArray(data)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, put.statusCode(), put.body());
        final Path out = dataDir.resolve("aws-read.txt");
        final ProcessBuilder aws = new ProcessBuilder(List.of("aws", "--endpoint-url", s3.endpoint().toString(),
            "--region", S3ProxyFixture.REGION, "s3", "cp", "s3://" + bucket + "/cluster-a/docs/readme.txt", out.toString()))
            .redirectErrorStream(true);
        aws.environment().put("AWS_ACCESS_KEY_ID", S3ProxyFixture.ACCESS_KEY);
        aws.environment().put("AWS_SECRET_ACCESS_KEY", S3ProxyFixture.SECRET_KEY);
        aws.environment().put("AWS_EC2_METADATA_DISABLED", "true");
        final Process process = aws.start();
        final String output = new String(process.getInputStream().readAllBytes());
        assertEquals(true, process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), output);
        assertArrayEquals(data, Files.readAllBytes(out));
    }

    private static boolean onPath(final String tool)
    {
        for (final String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
        {
            if (Files.isExecutable(Path.of(dir, tool)))
            {
                return true;
            }
        }
        return false;
    }
}
