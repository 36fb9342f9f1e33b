package dev.terrace.tier;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.terrace.tier.TierDriverContractTest.assertBytes;
import static dev.terrace.tier.TierDriverContractTest.randomBytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the S3 capacity tier promises beyond the contract: multipart uploads, aborts, prefixes, credentials, and
 * objects that ordinary S3 tools read.
 */
class S3CapacityTierTest
{
    private static final int MIB = 1024 * 1024;

    private static S3ProxyFixture s3;

    @TempDir
    Path temp;

    @BeforeAll
    static void startS3() throws Exception
    {
        s3 = S3ProxyFixture.shared();
    }

    private static S3CapacityTier.Context multipartContext(final String bucket)
    {
        return s3.context(bucket, "mp/").multipartThreshold(8L * MIB).partSize(5L * MIB);
    }

    @Test
    void anOutageFailsFastAndTheTierRecoversWhenTheStoreComesBack() throws Exception
    {
        // An endpoint of its own: stopping the shared one would break the other tests.
        try (S3ProxyFixture own = S3ProxyFixture.start())
        {
            final String bucket = own.newBucket();
            final byte[] value = randomBytes(100_000, 7);
            try (S3CapacityTier tier = S3CapacityTier.open(own.context(bucket, "")
                .failFastFor(java.time.Duration.ofSeconds(30)).maxAttempts(2)))
            {
                tier.put("kept", ByteBuffer.wrap(value));
                own.stopServing();
                final TierException first = assertThrows(TierException.class, () -> tier.get("kept", 0, -1));
                assertTrue(first.getCause() != null, "the store's failure is the cause: " + first);
                // Within the fail-fast period no call reaches the store; the message says why.
                final TierException fast = assertThrows(TierException.class,
                    () -> tier.put("new", ByteBuffer.wrap(value)));
                assertTrue(fast.getMessage().contains("unavailable"), fast.getMessage());
                assertTrue(fast.getCause() == null, "failed without trying the store: " + fast);
                assertThrows(TierException.class, () -> tier.contains("kept"));
                own.resumeServing();
            }
            // A tier opened with no fail-fast period tries every call and works as soon as the store is back.
            try (S3CapacityTier tier = S3CapacityTier.open(own.context(bucket, "").failFastFor(java.time.Duration.ZERO)))
            {
                own.stopServing();
                assertThrows(TierException.class, () -> tier.get("kept", 0, -1));
                own.resumeServing();
                assertBytes(value, tier.get("kept", 0, -1));
                tier.put("new", ByteBuffer.wrap(value));
                assertBytes(value, tier.get("new", 0, -1));
            }
        }
    }

    @Test
    void aLargeStreamGoesUpInPartsAndRangesComeBack() throws Exception
    {
        final String bucket = s3.newBucket();
        final byte[] value = randomBytes(12 * MIB, 1);
        try (S3CapacityTier tier = S3CapacityTier.open(multipartContext(bucket)))
        {
            tier.put("big/object", new ByteArrayInputStream(value), value.length);

            assertEquals(value.length, tier.size("big/object"));
            try (S3Client client = client())
            {
                final String etag = client.headObject(request -> request.bucket(bucket).key("mp/big/object")).eTag();
                assertTrue(etag.contains("-3"), "a 12 MiB object in 5 MiB parts is a 3-part upload: " + etag);
            }
            final int acrossParts = 5 * MIB - 1000;
            assertBytes(TierDriverContractTest.slice(value, acrossParts, 2000), tier.get("big/object", acrossParts, 2000));
            assertBytes(TierDriverContractTest.slice(value, 10 * MIB, 2 * MIB), tier.get("big/object", 10 * MIB, -1));
            try (InputStream in = tier.openStream("big/object", 0, -1))
            {
                assertArrayEquals(value, in.readAllBytes());
            }
        }
    }

    @Test
    void aFailedMultipartUploadIsAbortedAndLeavesNothing() throws Exception
    {
        final String bucket = s3.newBucket();
        try (S3CapacityTier tier = S3CapacityTier.open(multipartContext(bucket)))
        {
            tier.put("kept", ByteBuffer.wrap(randomBytes(1000, 2)));
            assertThrows(TierException.class, () -> tier.put("kept",
                new TierDriverContractTest.FailingInputStream(randomBytes(7 * MIB, 3)), 12L * MIB));
            assertThrows(TierException.class,
                () -> tier.put("short", new ByteArrayInputStream(randomBytes(6 * MIB, 4)), 12L * MIB));

            assertBytes(randomBytes(1000, 2), tier.get("kept", 0, -1), "the old value stays");
            assertFalse(tier.contains("short"));
            try (S3Client client = client())
            {
                assertEquals(List.of(), client.listMultipartUploads(request -> request.bucket(bucket)).uploads(),
                    "no multipart upload is left open");
            }
        }
    }

    @Test
    void objectsLiveWholeUnderThePrefixAndOnlyThoseAreListed() throws Exception
    {
        final String bucket = s3.newBucket();
        try (S3CapacityTier tier = S3CapacityTier.open(s3.context(bucket, "terrace/")))
        {
            tier.put("b/k1", ByteBuffer.wrap(randomBytes(10, 5)));
            tier.put("b/k2", ByteBuffer.wrap(randomBytes(20, 6)));
            assertEquals("terrace/b/k1", tier.objectKey("b/k1"));
            assertTrue(s3.blobStore().blobExists(bucket, "terrace/b/k1"));
            try (S3Client client = client())
            {
                client.putObject(request -> request.bucket(bucket).key("elsewhere/x"),
                    software.amazon.awssdk.core.sync.RequestBody.fromBytes(new byte[3]));
            }
            assertEquals(List.of("b/k1", "b/k2"), tier.list(""));
            assertEquals(30, tier.usedBytes(), "usage counts only the prefix");
            assertEquals(2, tier.stats().extents());
        }
    }

    @Test
    void keysThatAreNotCanonicalAreRefused() throws Exception
    {
        try (S3CapacityTier tier = S3CapacityTier.open(s3.context(s3.newBucket(), "p/")))
        {
            for (final String key : List.of("../escape", "a/../../b", "/abs", "a//b", "a/", "./a", "a\\b"))
            {
                assertThrows(TierException.class, () -> tier.put(key, ByteBuffer.wrap(new byte[1])), key);
                assertThrows(TierException.class, () -> tier.get(key, 0, -1), key);
            }
            assertEquals(List.of(), tier.list(""));
        }
    }

    @Test
    void withoutStaticCredentialsTheDefaultProviderChainIsUsed() throws Exception
    {
        final String bucket = s3.newBucket();
        final S3CapacityTier.Context context = new S3CapacityTier.Context()
            .endpoint(s3.endpoint()).bucket(bucket).region(S3ProxyFixture.REGION);
        System.setProperty("aws.accessKeyId", S3ProxyFixture.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", S3ProxyFixture.SECRET_KEY);
        try (S3CapacityTier tier = S3CapacityTier.open(context))
        {
            tier.put("k", ByteBuffer.wrap(randomBytes(100, 7)));
            assertBytes(randomBytes(100, 7), tier.get("k", 0, -1));
        }
        finally
        {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
        System.setProperty("aws.accessKeyId", "wrong");
        System.setProperty("aws.secretAccessKey", "wrong");
        try
        {
            assertThrows(TierException.class, () -> S3CapacityTier.open(new S3CapacityTier.Context()
                .endpoint(s3.endpoint()).bucket(bucket).region(S3ProxyFixture.REGION)), "bad credentials are refused");
        }
        finally
        {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
    }

    @Test
    void aMissingBucketIsAnErrorUnlessAskedToCreateIt() throws Exception
    {
        assertThrows(TierException.class, () -> S3CapacityTier.open(s3.context("terrace-missing", "")));
        try (S3CapacityTier tier = S3CapacityTier.open(s3.context("terrace-created", "").createBucket(true)))
        {
            tier.put("k", ByteBuffer.wrap(new byte[1]));
            assertTrue(s3.blobStore().blobExists("terrace-created", "k"));
        }
    }

    @Test
    void theContextIsValidatedOnce()
    {
        assertThrows(IllegalArgumentException.class, () -> new S3CapacityTier.Context().conclude());
        assertThrows(IllegalArgumentException.class,
            () -> new S3CapacityTier.Context().bucket("b").credentials("only-access", null).conclude());
        assertThrows(IllegalArgumentException.class,
            () -> new S3CapacityTier.Context().bucket("b").partSize(MIB).conclude());
        assertThrows(IllegalArgumentException.class,
            () -> new S3CapacityTier.Context().bucket("b").prefix("/abs").conclude());
        final S3CapacityTier.Context defaults = new S3CapacityTier.Context().bucket("b").conclude();
        assertEquals(16L * MIB, defaults.multipartThreshold());
        assertTrue(defaults.pathStyle());
        assertEquals("us-east-1", defaults.region());
    }

    @Test
    void theAwsCliReadsWhatTheTierWroteAndTheTierReadsWhatTheCliWrote() throws Exception
    {
        final String aws = findOnPath("aws");
        Assumptions.assumeTrue(aws != null, "the 'aws' CLI is not on PATH; install awscli to run this test");
        final String bucket = s3.newBucket();
        final byte[] small = randomBytes(300_000, 8);
        final byte[] large = randomBytes(9 * MIB, 9);
        try (S3CapacityTier tier = S3CapacityTier.open(multipartContext(bucket)))
        {
            tier.put("cli/small.bin", ByteBuffer.wrap(small));
            tier.put("cli/large.bin", new ByteArrayInputStream(large), large.length);

            final Path copies = temp.resolve("copies");
            runAws(aws, "s3", "cp", "--recursive", "s3://" + bucket + "/mp/cli/", copies.toString());
            assertArrayEquals(small, Files.readAllBytes(copies.resolve("small.bin")));
            assertArrayEquals(large, Files.readAllBytes(copies.resolve("large.bin")));

            final Path upload = temp.resolve("upload.bin");
            Files.write(upload, randomBytes(70_000, 10));
            runAws(aws, "s3", "cp", upload.toString(), "s3://" + bucket + "/mp/cli/from-cli.bin");
            assertBytes(randomBytes(70_000, 10), tier.get("cli/from-cli.bin", 0, -1));
        }
    }

    private static S3Client client()
    {
        return S3Client.builder()
            .endpointOverride(s3.endpoint())
            .region(Region.of(S3ProxyFixture.REGION))
            .forcePathStyle(true)
            .credentialsProvider(StaticCredentialsProvider.create(
                AwsBasicCredentials.create(S3ProxyFixture.ACCESS_KEY, S3ProxyFixture.SECRET_KEY)))
            .httpClientBuilder(ApacheHttpClient.builder())
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .build();
    }

    private void runAws(final String aws, final String... arguments) throws Exception
    {
        final List<String> command = new ArrayList<>();
        command.add(aws);
        command.addAll(List.of(arguments));
        command.add("--endpoint-url");
        command.add(s3.endpoint().toString());
        command.add("--only-show-errors");
        final Path output = temp.resolve("aws.out");
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        final Map<String, String> environment = builder.environment();
        environment.put("AWS_ACCESS_KEY_ID", S3ProxyFixture.ACCESS_KEY);
        environment.put("AWS_SECRET_ACCESS_KEY", S3ProxyFixture.SECRET_KEY);
        environment.put("AWS_DEFAULT_REGION", S3ProxyFixture.REGION);
        // s3proxy predates the flexible-checksum headers newer CLIs send by default.
        environment.put("AWS_REQUEST_CHECKSUM_CALCULATION", "when_required");
        environment.put("AWS_RESPONSE_CHECKSUM_VALIDATION", "when_required");
        environment.put("AWS_CONFIG_FILE", temp.resolve("no-aws-config").toString());
        environment.put("AWS_SHARED_CREDENTIALS_FILE", temp.resolve("no-aws-credentials").toString());
        final Process process = builder.start();
        try
        {
            assertTrue(process.waitFor(120, TimeUnit.SECONDS), "aws " + String.join(" ", arguments) + " timed out");
            assertEquals(0, process.exitValue(), "aws " + String.join(" ", arguments) + " failed:\n" +
                Files.readString(output));
        }
        finally
        {
            process.destroyForcibly();
        }
    }

    private static String findOnPath(final String program)
    {
        final String path = System.getenv("PATH");
        if (path == null)
        {
            return null;
        }
        for (final String directory : path.split(File.pathSeparator))
        {
            final Path candidate = Path.of(directory, program);
            if (Files.isExecutable(candidate))
            {
                return candidate.toString();
            }
        }
        return null;
    }
}
