package dev.terrace.tier;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Test helpers that damage flash segment files the way crashes and failing media do.
 */
final class FlashSegmentFiles
{
    /** Where some bytes were found: a segment file and an offset in it. */
    record Location(Path file, long offset)
    {
    }

    private FlashSegmentFiles()
    {
    }

    static List<Path> segments(final Path directory)
    {
        try (Stream<Path> files = Files.list(directory))
        {
            return files.filter(file -> file.getFileName().toString().endsWith(".seg")).sorted().toList();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** The segment files' total size, each rounded up to the 8-byte record alignment (the last padding is not written). */
    static long totalSize(final Path directory) throws IOException
    {
        long total = 0;
        for (final Path segment : segments(directory))
        {
            total += (Files.size(segment) + 7) & -8L;
        }
        return total;
    }

    /** Finds the one place in the directory's segments where {@code needle} (random bytes, so unique) is stored. */
    static Location find(final Path directory, final byte[] needle) throws IOException
    {
        for (final Path segment : segments(directory))
        {
            final byte[] bytes = Files.readAllBytes(segment);
            outer:
            for (int i = 0; i + needle.length <= bytes.length; i++)
            {
                for (int j = 0; j < needle.length; j++)
                {
                    if (bytes[i + j] != needle[j])
                    {
                        continue outer;
                    }
                }
                return new Location(segment, i);
            }
        }
        fail("bytes not found in any segment of " + directory);
        return null;
    }

    /** Inverts one bit of the byte at {@code offset}. */
    static void flipBit(final Path file, final long offset) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, offset);
            one.flip();
            one.put(0, (byte)(one.get(0) ^ 0x10));
            channel.write(one, offset);
        }
    }

    /** Overwrites {@code length} bytes at {@code offset} with zeros (extending the file if they reach past its end). */
    static void zero(final Path file, final long offset, final long length) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
        {
            final ByteBuffer zeros = ByteBuffer.allocate((int)length);
            while (zeros.hasRemaining())
            {
                channel.write(zeros, offset + zeros.position());
            }
        }
    }

    /** Copies the segment files of {@code from} into {@code to} as they are now, as a crash would leave them. */
    static void copySegments(final Path from, final Path to) throws IOException
    {
        Files.createDirectories(to);
        for (final Path segment : segments(from))
        {
            Files.copy(segment, to.resolve(segment.getFileName()));
        }
    }

    /** Cuts {@code bytes} off the end of the file, as a crash during the last write would. */
    static void truncateBy(final Path file, final long bytes) throws IOException
    {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE))
        {
            channel.truncate(channel.size() - bytes);
        }
    }
}
