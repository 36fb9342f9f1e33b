package dev.terrace.mover;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * A data plane in its own JVM, for {@code DataPlaneChildJvmIT}. It serves {@code peer/value} (deterministic random
 * bytes), stores pushed extents in memory, and talks over stdout/stdin:
 * <ul>
 *   <li>prints {@code READY <port>} once bound;</li>
 *   <li>prints {@code STORED <key> <length> <crc32c>} for every stored push;</li>
 *   <li>on end of stdin prints {@code SENT <payload bytes sent>} and exits.</li>
 * </ul>
 * Arguments: port (0 = any), aeron dir, value length in bytes, seed, send rate in bytes/s (0 = unlimited).
 */
public final class PeerProcess
{
    private PeerProcess()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final int port = Integer.parseInt(args[0]);
        final String aeronDir = args[1];
        final int valueLength = Integer.parseInt(args[2]);
        final long seed = Long.parseLong(args[3]);
        final long rate = Long.parseLong(args[4]);

        final MapExtentStore store = new MapExtentStore();
        store.put("peer/value", TestPlanes.randomBytes(valueLength, seed));
        final ExtentSink announcingSink = (key, extent) ->
        {
            store.store(key, extent);
            final CRC32C crc = new CRC32C();
            crc.update(extent.duplicate());
            print("STORED " + key + " " + extent.remaining() + " " + (int)crc.getValue());
        };
        final MoverContext ctx = new MoverContext()
            .aeronDirectoryName(aeronDir)
            .bindEndpoint("127.0.0.1:" + port)
            .connectionTimeoutNs(TimeUnit.SECONDS.toNanos(1))
            .resumeTimeoutNs(TimeUnit.MILLISECONDS.toNanos(200))
            .extentSource(store)
            .extentSink(announcingSink);
        if (rate > 0)
        {
            ctx.scheduler(new TransferScheduler(new TransferScheduler.Config()
                .budget(TransferClass.CLIENT_READ, TransferBudget.of(4, rate)), System.nanoTime()));
        }
        try (DataPlane plane = DataPlane.launch(ctx))
        {
            print("READY " + plane.localEndpoint().port());
            final BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (stdin.readLine() != null)
            {
                // Wait for the parent to close stdin.
            }
            print("SENT " + plane.counters().bytesSent.get());
        }
    }

    private static synchronized void print(final String line)
    {
        System.out.println(line);
        System.out.flush();
    }
}
