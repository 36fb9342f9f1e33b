package dev.terrace.tier;

import dev.terrace.tier.internal.BoundedChannelInputStream;
import dev.terrace.tier.internal.FileIo;
import dev.terrace.tier.internal.Keys;
import dev.terrace.tier.internal.Ranges;
import dev.terrace.tier.internal.TierCounters;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The embedded default capacity tier: a plain directory in which key {@code a/b/c} is the file {@code <root>/a/b/c},
 * so {@code ls}, {@code cat} and backup tools read the objects directly.
 * <p>
 * A put writes a temporary file ({@value #TEMP_PREFIX}...) in the target's directory, optionally fsyncs it, and
 * renames it over the target atomically: readers see the old file or the new one, and a failed or truncated upload
 * leaves nothing visible. A key must be canonical (no empty, {@code .} or {@code ..} segments, no leading or trailing
 * {@code /}) and must resolve inside the root; any other key is refused with a {@link TierException}. Because it is
 * a directory tree, the tier cannot hold both {@code a/b} and {@code a/b/c}; such a put fails with a
 * {@link TierException}.
 * <p>
 * The tier is unbounded ({@link #capacityBytes()} is {@code Long.MAX_VALUE}); a put that the file system has no space
 * for fails with {@link TierFullException}. Used bytes and the object count are taken by walking the tree when the
 * tier opens and kept up to date by this instance's own puts and deletes.
 */
public final class FileSystemCapacityTier implements TierDriver
{
    /** File name prefix of in-flight uploads; such files are never listed and cannot be named by a key. */
    public static final String TEMP_PREFIX = ".terrace-tmp-";

    private static final Logger LOG = LoggerFactory.getLogger(FileSystemCapacityTier.class);
    private static final int STRIPES = 64;
    private static final int COPY_CHUNK = 256 * 1024;
    private static final int MAX_DIRECTORY_RETRIES = 8;
    /** Temporary files older than this are left-overs of a crashed process and are removed on open. */
    private static final Duration STALE_TEMP_AGE = Duration.ofHours(1);

    private final Path root;
    private final boolean fsync;
    private final FileStore fileStore;
    private final Object[] stripes = new Object[STRIPES];
    private final AtomicLong usedBytes = new AtomicLong();
    private final AtomicLong objects = new AtomicLong();
    private final AtomicLong tempSequence = new AtomicLong(System.nanoTime());
    private final TierCounters counters = new TierCounters();
    private volatile boolean closed;

    /** Opens (creating if needed) the tier at {@code root}, fsyncing every put. */
    public FileSystemCapacityTier(final Path root) throws TierException
    {
        this(root, true);
    }

    /**
     * Opens (creating if needed) the tier at {@code root}.
     *
     * @param fsync whether a put fsyncs the file and its directory before it returns (the durability a
     *              {@code write-through} acknowledgement relies on).
     */
    public FileSystemCapacityTier(final Path root, final boolean fsync) throws TierException
    {
        this.fsync = fsync;
        for (int i = 0; i < STRIPES; i++)
        {
            stripes[i] = new Object();
        }
        try
        {
            Files.createDirectories(root);
            this.root = root.toRealPath();
            this.fileStore = Files.getFileStore(this.root);
            scan();
        }
        catch (final IOException ex)
        {
            throw new TierException("cannot open capacity directory " + root + ": " + ex.getMessage(), ex);
        }
    }

    /** The directory holding the objects. */
    public Path root()
    {
        return root;
    }

    /** The file that holds {@code key}'s bytes (whether or not it exists yet). */
    public Path pathOf(final String key) throws TierException
    {
        return resolve(key);
    }

    @Override
    public TierKind kind()
    {
        return TierKind.CAPACITY;
    }

    @Override
    public void put(final String key, final ByteBuffer data) throws TierException
    {
        final Path target = resolve(key);
        final long length = data.remaining();
        write(key, target, length, channel -> FileIo.writeFully(channel, data.duplicate(), 0));
    }

    @Override
    public void put(final String key, final InputStream in, final long length) throws TierException
    {
        Keys.requireLength(length);
        final Path target = resolve(key);
        write(key, target, length, channel ->
        {
            final byte[] chunk = new byte[(int)Math.min(COPY_CHUNK, Math.max(1, length))];
            final ByteBuffer wrapper = ByteBuffer.wrap(chunk);
            long written = 0;
            while (written < length)
            {
                final int read = in.read(chunk, 0, (int)Math.min(chunk.length, length - written));
                if (read < 0)
                {
                    throw new EOFException("stream ended after " + written + " of " + length + " bytes");
                }
                wrapper.clear().limit(read);
                FileIo.writeFully(channel, wrapper, written);
                written += read;
            }
        });
    }

    @Override
    public ByteBuffer get(final String key, final long offset, final long length) throws TierException
    {
        Ranges.check(offset, length);
        final Path path = resolve(key);
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ))
        {
            final long count = Ranges.count(channel.size(), offset, length);
            if (count > Integer.MAX_VALUE - 8)
            {
                throw new TierException("range of " + count + " bytes of " + key + " exceeds one buffer; use openStream");
            }
            final ByteBuffer buffer = ByteBuffer.allocateDirect((int)count);
            FileIo.readFully(channel, buffer, offset);
            counters.hit(count);
            return buffer.flip().asReadOnlyBuffer();
        }
        catch (final NoSuchFileException ex)
        {
            counters.miss();
            return null;
        }
        catch (final IOException ex)
        {
            if (Files.isDirectory(path))
            {
                counters.miss();
                return null;
            }
            throw new TierException("reading " + key + " failed: " + ex.getMessage(), ex);
        }
    }

    @Override
    public InputStream openStream(final String key, final long offset, final long length) throws TierException
    {
        Ranges.check(offset, length);
        final Path path = resolve(key);
        FileChannel channel = null;
        try
        {
            if (!Files.isRegularFile(path))
            {
                counters.miss();
                return null;
            }
            channel = FileChannel.open(path, StandardOpenOption.READ);
            final long count = Ranges.count(channel.size(), offset, length);
            counters.hit(count);
            return new BoundedChannelInputStream(channel, offset, count);
        }
        catch (final NoSuchFileException ex)
        {
            counters.miss();
            return null;
        }
        catch (final IOException ex)
        {
            closeQuietly(channel);
            throw new TierException("opening " + key + " failed: " + ex.getMessage(), ex);
        }
    }

    @Override
    public long size(final String key) throws TierException
    {
        final Path path = resolve(key);
        try
        {
            final BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            return attributes.isRegularFile() ? attributes.size() : -1;
        }
        catch (final NoSuchFileException ex)
        {
            return -1;
        }
        catch (final IOException ex)
        {
            throw new TierException("reading the size of " + key + " failed: " + ex.getMessage(), ex);
        }
    }

    @Override
    public boolean contains(final String key) throws TierException
    {
        return size(key) >= 0;
    }

    @Override
    public boolean delete(final String key) throws TierException
    {
        final Path path = resolve(key);
        try
        {
            synchronized (stripe(key))
            {
                final long size = size(key);
                if (size < 0)
                {
                    return false;
                }
                Files.delete(path);
                usedBytes.addAndGet(-size);
                objects.decrementAndGet();
            }
            if (fsync)
            {
                FileIo.fsyncDirectory(path.getParent());
            }
            removeEmptyParents(path.getParent());
            return true;
        }
        catch (final NoSuchFileException ex)
        {
            return false;
        }
        catch (final IOException ex)
        {
            throw new TierException("deleting " + key + " failed: " + ex.getMessage(), ex);
        }
    }

    @Override
    public List<String> list(final String prefix) throws TierException
    {
        checkOpen();
        final Path start = root.resolve(prefix.substring(0, prefix.lastIndexOf('/') + 1)).normalize();
        if (!start.startsWith(root) || !Files.isDirectory(start))
        {
            return List.of();
        }
        final List<String> keys = new ArrayList<>();
        try
        {
            walk(start, (file, attributes) ->
            {
                final String key = keyOf(file);
                if (key.startsWith(prefix))
                {
                    keys.add(key);
                }
            });
        }
        catch (final IOException ex)
        {
            throw new TierException("listing " + prefix + " failed: " + ex.getMessage(), ex);
        }
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
        return usedBytes.get();
    }

    @Override
    public TierStats stats()
    {
        return new TierStats(
            TierKind.CAPACITY,
            Long.MAX_VALUE,
            usedBytes.get(),
            objects.get(),
            counters.hits.sum(),
            counters.misses.sum(),
            counters.bytesRead.sum(),
            counters.bytesWritten.sum(),
            0);
    }

    @Override
    public void close()
    {
        closed = true;
    }

    @Override
    public String toString()
    {
        return "FileSystemCapacityTier{root=" + root + ", fsync=" + fsync + "}";
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** Writes a value into a channel that starts empty. */
    @FunctionalInterface
    private interface ValueWriter
    {
        void writeTo(FileChannel channel) throws IOException;
    }

    /** Visits one object file found in the tree. */
    @FunctionalInterface
    private interface ObjectVisitor
    {
        void visit(Path file, BasicFileAttributes attributes) throws IOException;
    }

    private void write(final String key, final Path target, final long length, final ValueWriter writer)
        throws TierException
    {
        checkOpen();
        Path temp = null;
        try
        {
            if (fileStore.getUsableSpace() < length)
            {
                throw new TierFullException("capacity directory " + root + " has no room for " + length + " bytes");
            }
            temp = createTemp(key, target.getParent());
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE))
            {
                writer.writeTo(channel);
                if (fsync)
                {
                    channel.force(true);
                }
            }
            synchronized (stripe(key))
            {
                final long previous = size(key);
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                temp = null;
                usedBytes.addAndGet(length - Math.max(0, previous));
                if (previous < 0)
                {
                    objects.incrementAndGet();
                }
            }
            if (fsync)
            {
                FileIo.fsyncDirectory(target.getParent());
            }
            counters.bytesWritten.add(length);
        }
        catch (final DirectoryNotEmptyException | FileAlreadyExistsException ex)
        {
            throw new TierException("key " + key + " collides with an existing object or prefix in " + root, ex);
        }
        catch (final IOException ex)
        {
            if (FileIo.isOutOfSpace(ex))
            {
                throw new TierFullException("capacity directory " + root + " is full: " + ex.getMessage());
            }
            throw new TierException("writing " + key + " failed: " + ex.getMessage(), ex);
        }
        finally
        {
            if (temp != null)
            {
                deleteQuietly(temp);
                removeEmptyParents(temp.getParent());
            }
        }
    }

    /**
     * Creates the temporary file next to its target, creating parent directories first. A concurrent delete may remove
     * a parent that just became empty, so creation is retried.
     */
    private Path createTemp(final String key, final Path directory) throws IOException
    {
        for (int attempt = 0; ; attempt++)
        {
            createDirectories(directory);
            final Path temp = directory.resolve(TEMP_PREFIX + Long.toHexString(tempSequence.incrementAndGet()));
            try
            {
                return Files.createFile(temp);
            }
            catch (final NoSuchFileException ex)
            {
                if (attempt >= MAX_DIRECTORY_RETRIES)
                {
                    throw ex;
                }
            }
        }
    }

    private void createDirectories(final Path directory) throws IOException
    {
        if (Files.isDirectory(directory))
        {
            return;
        }
        createDirectories(directory.getParent());
        try
        {
            Files.createDirectory(directory);
            if (fsync)
            {
                FileIo.fsyncDirectory(directory.getParent());
            }
        }
        catch (final FileAlreadyExistsException ex)
        {
            if (!Files.isDirectory(directory))
            {
                throw ex;
            }
        }
    }

    /** Removes directories left empty by a delete, up to (not including) the root. */
    private void removeEmptyParents(final Path directory)
    {
        Path current = directory;
        while (current != null && !current.equals(root) && current.startsWith(root))
        {
            try
            {
                Files.delete(current);
            }
            catch (final IOException ex)
            {
                return;
            }
            current = current.getParent();
        }
    }

    private Path resolve(final String key) throws TierException
    {
        checkOpen();
        Keys.require(key);
        final Path path;
        try
        {
            path = root.resolve(key).normalize();
        }
        catch (final InvalidPathException ex)
        {
            throw new TierException("key is not a valid path: " + ex.getMessage());
        }
        if (!path.startsWith(root) || path.equals(root))
        {
            throw new TierException("key resolves outside the capacity directory: " + key);
        }
        if (!keyOf(path).equals(key))
        {
            throw new TierException("key must be canonical (no empty, '.' or '..' segments, no leading or " +
                "trailing '/'): " + key);
        }
        if (path.getFileName().toString().startsWith(TEMP_PREFIX))
        {
            throw new TierException("key must not name a temporary file (" + TEMP_PREFIX + "...): " + key);
        }
        return path;
    }

    private String keyOf(final Path file)
    {
        final Path relative = root.relativize(file);
        if (relative.getNameCount() == 1)
        {
            return relative.toString();
        }
        final StringBuilder key = new StringBuilder();
        for (final Path segment : relative)
        {
            if (key.length() > 0)
            {
                key.append('/');
            }
            key.append(segment);
        }
        return key.toString();
    }

    /** Counts the objects and their bytes; removes temporary files that a crashed process left behind long ago. */
    private void scan() throws IOException
    {
        final Instant staleBefore = Instant.now().minus(STALE_TEMP_AGE);
        Files.walkFileTree(root, new SimpleFileVisitor<>()
        {
            @Override
            public FileVisitResult visitFile(final Path file, final BasicFileAttributes attributes)
            {
                if (!attributes.isRegularFile())
                {
                    return FileVisitResult.CONTINUE;
                }
                if (file.getFileName().toString().startsWith(TEMP_PREFIX))
                {
                    if (attributes.lastModifiedTime().toInstant().isBefore(staleBefore))
                    {
                        LOG.info("removing stale upload {}", file);
                        deleteQuietly(file);
                    }
                    return FileVisitResult.CONTINUE;
                }
                usedBytes.addAndGet(attributes.size());
                objects.incrementAndGet();
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(final Path file, final IOException ex)
            {
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private void walk(final Path start, final ObjectVisitor visitor) throws IOException
    {
        Files.walkFileTree(start, new SimpleFileVisitor<>()
        {
            @Override
            public FileVisitResult visitFile(final Path file, final BasicFileAttributes attributes) throws IOException
            {
                if (attributes.isRegularFile() && !file.getFileName().toString().startsWith(TEMP_PREFIX))
                {
                    visitor.visit(file, attributes);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(final Path file, final IOException ex) throws IOException
            {
                if (ex instanceof NoSuchFileException)
                {
                    return FileVisitResult.CONTINUE;
                }
                throw ex;
            }
        });
    }

    private Object stripe(final String key)
    {
        return stripes[(key.hashCode() & 0x7fffffff) % STRIPES];
    }

    private void checkOpen() throws TierException
    {
        if (closed)
        {
            throw new TierException("capacity directory tier is closed");
        }
    }

    private static void deleteQuietly(final Path file)
    {
        try
        {
            Files.deleteIfExists(file);
        }
        catch (final IOException ex)
        {
            LOG.warn("could not remove {}: {}", file, ex.getMessage());
        }
    }

    private static void closeQuietly(final FileChannel channel)
    {
        if (channel != null)
        {
            try
            {
                channel.close();
            }
            catch (final IOException ignored)
            {
                // The open failed part-way; nothing more to release.
            }
        }
    }
}
