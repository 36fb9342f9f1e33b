package dev.terrace.tier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static dev.terrace.tier.TierDriverContractTest.assertBytes;
import static dev.terrace.tier.TierDriverContractTest.randomBytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the directory capacity tier promises beyond the contract: plain files, atomic uploads, confinement to its root.
 */
class FileSystemCapacityTierTest
{
    @TempDir
    Path directory;

    @Test
    void objectsArePlainFilesUnderTheirKey() throws Exception
    {
        final Path root = directory.resolve("capacity");
        try (FileSystemCapacityTier tier = new FileSystemCapacityTier(root))
        {
            final byte[] value = randomBytes(12_345, 1);
            tier.put("bucket/dir/object.bin", ByteBuffer.wrap(value));
            assertArrayEquals(value, Files.readAllBytes(root.resolve("bucket/dir/object.bin")));
            assertEquals(root.toRealPath().resolve("bucket/dir/object.bin"), tier.pathOf("bucket/dir/object.bin"));

            // A file an operator drops in is an object too.
            Files.writeString(root.resolve("bucket/dir/by-hand.txt"), "hello");
            assertBytes("hello".getBytes(StandardCharsets.US_ASCII), tier.get("bucket/dir/by-hand.txt", 0, -1));
        }
    }

    @Test
    void keysThatEscapeTheRootOrAreNotCanonicalAreRefused() throws Exception
    {
        final Path root = directory.resolve("capacity");
        Files.createDirectories(directory.resolve("outside"));
        try (FileSystemCapacityTier tier = new FileSystemCapacityTier(root))
        {
            for (final String key : List.of("../outside/x", "a/../../outside/x", "/etc/passwd", "a/../b", "./a",
                "a//b", "a/", "..", ".", "a/" + FileSystemCapacityTier.TEMP_PREFIX + "1"))
            {
                assertThrows(TierException.class, () -> tier.put(key, ByteBuffer.wrap(new byte[1])), key);
                assertThrows(TierException.class, () -> tier.get(key, 0, -1), key);
                assertThrows(TierException.class, () -> tier.delete(key), key);
            }
            try (Stream<Path> files = Files.list(directory.resolve("outside")))
            {
                assertEquals(0, files.count(), "nothing was written outside the root");
            }
            assertFalse(Files.exists(Path.of("/etc/passwd.tmp")));
        }
    }

    @Test
    void aTruncatedUploadLeavesNoFileBehind() throws Exception
    {
        final Path root = directory.resolve("capacity");
        try (FileSystemCapacityTier tier = new FileSystemCapacityTier(root))
        {
            assertThrows(TierException.class,
                () -> tier.put("b/new/object", new ByteArrayInputStream(new byte[1000]), 2000));
            assertFalse(Files.exists(root.resolve("b")), "no object, no temp file, no empty directory left");

            tier.put("b/kept", ByteBuffer.wrap(randomBytes(100, 2)));
            assertThrows(TierException.class,
                () -> tier.put("b/kept", new ByteArrayInputStream(new byte[10]), 2000));
            try (Stream<Path> files = Files.list(root.resolve("b")))
            {
                assertEquals(List.of(root.resolve("b/kept").toRealPath()), files.map(Path::toAbsolutePath).toList());
            }
            assertBytes(randomBytes(100, 2), tier.get("b/kept", 0, -1));
        }
    }

    @Test
    void temporaryFilesAreNeverListedAndDeletesPruneEmptyDirectories() throws Exception
    {
        final Path root = directory.resolve("capacity");
        try (FileSystemCapacityTier tier = new FileSystemCapacityTier(root))
        {
            tier.put("a/b/c", ByteBuffer.wrap(new byte[3]));
            Files.write(root.resolve("a/b/" + FileSystemCapacityTier.TEMP_PREFIX + "99"), new byte[5]);
            assertEquals(List.of("a/b/c"), tier.list(""));
            assertEquals(List.of("a/b/c"), tier.list("a/b/"));

            Files.delete(root.resolve("a/b/" + FileSystemCapacityTier.TEMP_PREFIX + "99"));
            assertTrue(tier.delete("a/b/c"));
            assertFalse(Files.exists(root.resolve("a")), "empty parents are removed");
            assertTrue(Files.isDirectory(root), "the root stays");
        }
    }

    @Test
    void aKeyCannotBeBothAnObjectAndAPrefix() throws Exception
    {
        try (FileSystemCapacityTier tier = new FileSystemCapacityTier(directory.resolve("capacity")))
        {
            tier.put("x/y", ByteBuffer.wrap(new byte[1]));
            assertThrows(TierException.class, () -> tier.put("x/y/z", ByteBuffer.wrap(new byte[1])));
            assertThrows(TierException.class, () -> tier.put("x", ByteBuffer.wrap(new byte[1])));
            assertEquals(-1, tier.size("x"), "a directory is not an object");
            assertEquals(List.of("x/y"), tier.list(""));
        }
    }

    @Test
    void reopeningCountsWhatIsAlreadyThere() throws Exception
    {
        final Path root = directory.resolve("capacity");
        try (FileSystemCapacityTier tier = new FileSystemCapacityTier(root, false))
        {
            tier.put("p/1", ByteBuffer.wrap(new byte[100]));
            tier.put("p/2", ByteBuffer.wrap(new byte[250]));
        }
        try (FileSystemCapacityTier tier = new FileSystemCapacityTier(root, false))
        {
            assertEquals(350, tier.usedBytes());
            assertEquals(2, tier.stats().extents());
            tier.put("p/1", ByteBuffer.wrap(new byte[50]));
            assertEquals(300, tier.usedBytes());
            assertEquals(2, tier.stats().extents());
        }
    }
}
