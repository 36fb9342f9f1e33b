package dev.terrace.tier.internal;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Positional file I/O loops and directory fsync, shared by the file-backed drivers.
 */
public final class FileIo
{
    private FileIo()
    {
    }

    /** Reads until {@code buffer} is full, starting at {@code position} of the file. */
    public static void readFully(final FileChannel channel, final ByteBuffer buffer, final long position)
        throws IOException
    {
        long at = position;
        while (buffer.hasRemaining())
        {
            final int read = channel.read(buffer, at);
            if (read < 0)
            {
                throw new EOFException("file ends at " + at + ", " + buffer.remaining() + " bytes short");
            }
            at += read;
        }
    }

    /** Writes all remaining bytes of {@code buffer} at {@code position} of the file. */
    public static void writeFully(final FileChannel channel, final ByteBuffer buffer, final long position)
        throws IOException
    {
        long at = position;
        while (buffer.hasRemaining())
        {
            at += channel.write(buffer, at);
        }
    }

    /** Makes a directory's entries (created, renamed, deleted files) durable. */
    public static void fsyncDirectory(final Path directory) throws IOException
    {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ))
        {
            channel.force(true);
        }
    }

    /** Whether an I/O failure means the device has no space left (so the caller can report "tier full"). */
    public static boolean isOutOfSpace(final IOException ex)
    {
        final String message = ex.getMessage();
        return message != null && (message.contains("No space left") || message.contains("Disk quota exceeded"));
    }
}
