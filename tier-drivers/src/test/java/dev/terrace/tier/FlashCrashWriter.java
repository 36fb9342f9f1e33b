package dev.terrace.tier;

import java.io.ByteArrayInputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.CRC32C;

/**
 * The child process of {@link FlashTierCrashIT}: writes to a flash tier with fsync on until it is killed.
 * <p>
 * Before each operation it prints what it is about to do, and after the operation returns it prints the
 * acknowledgement, each line ending in {@code END} so that a line cut short by the kill is recognisable:
 * <pre>
 * PUT &lt;key&gt; &lt;crc32c&gt; &lt;length&gt; END      (about to put)
 * ACK &lt;key&gt; &lt;crc32c&gt; &lt;length&gt; END      (put returned: durable)
 * DEL &lt;key&gt; END                          (about to delete)
 * ACKDEL &lt;key&gt; END                       (delete returned: durable)
 * </pre>
 * Arguments: the flash directory, a seed, and whether to zero-fill segments ahead of appends.
 */
public final class FlashCrashWriter
{
    static final int KEYS = 150;
    static final int MAX_VALUE = 256 * 1024;

    private FlashCrashWriter()
    {
    }

    /** The tier configuration both the writer and the verifying test use. */
    static FlashTier.Context context(final Path directory, final boolean preallocate)
    {
        return new FlashTier.Context()
            .directory(directory)
            .capacityBytes(64L * 1024 * 1024)
            .segmentSize(2L * 1024 * 1024)
            .fsync(true)
            .preallocate(preallocate)
            .compactionThreshold(0.5);
    }

    public static void main(final String[] args) throws Exception
    {
        final Path directory = Path.of(args[0]);
        final Random random = new Random(Long.parseLong(args[1]));
        final PrintStream out = new PrintStream(System.out, true, StandardCharsets.US_ASCII);
        try (FlashTier tier = FlashTier.open(context(directory, Boolean.parseBoolean(args[2]))))
        {
            out.println("READY END");
            for (long operation = 0; ; operation++)
            {
                final String key = "crash/" + random.nextInt(KEYS);
                if (random.nextInt(10) == 0)
                {
                    out.println("DEL " + key + " END");
                    tier.delete(key);
                    out.println("ACKDEL " + key + " END");
                }
                else
                {
                    final byte[] value = new byte[1 + random.nextInt(MAX_VALUE)];
                    random.nextBytes(value);
                    final CRC32C crc = new CRC32C();
                    crc.update(value);
                    final String line = key + " " + crc.getValue() + " " + value.length + " END";
                    out.println("PUT " + line);
                    if (operation % 3 == 0)
                    {
                        // A slow stream means many writes per record: the kill often tears one.
                        tier.put(key, new TrickleInputStream(value), value.length);
                    }
                    else
                    {
                        tier.put(key, ByteBuffer.wrap(value));
                    }
                    out.println("ACK " + line);
                }
                if (operation % 64 == 63)
                {
                    tier.compact();
                }
            }
        }
    }

    /** Hands out at most 16 KiB per read, pausing before each like a slow upload. */
    private static final class TrickleInputStream extends ByteArrayInputStream
    {
        TrickleInputStream(final byte[] bytes)
        {
            super(bytes);
        }

        @Override
        public synchronized int read(final byte[] bytes, final int offset, final int length)
        {
            try
            {
                Thread.sleep(1);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            return super.read(bytes, offset, Math.min(length, 16 * 1024));
        }
    }
}
