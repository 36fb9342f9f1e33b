package dev.terrace.mover;

import org.agrona.IoUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

import static dev.terrace.mover.TestPlanes.MIB;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A data plane in this JVM against one in a child JVM over loopback UDP: extents both ways, and a fetch that
 * survives the peer process being killed (SIGKILL) and started again on the same port.
 */
class DataPlaneChildJvmIT
{
    private static final int VALUE_LENGTH = 13 * MIB;
    private static final long SEED = 77;

    private final List<Peer> peers = new ArrayList<>();
    private final List<String> aeronDirs = new ArrayList<>();
    private DataPlane local;

    @AfterEach
    void tearDown() throws Exception
    {
        if (null != local)
        {
            local.close();
        }
        for (final Peer peer : peers)
        {
            peer.process.destroyForcibly();
            peer.process.waitFor(10, TimeUnit.SECONDS);
        }
        for (final String dir : aeronDirs)
        {
            IoUtil.delete(new File(dir), true);
        }
    }

    @Test
    void extentsTravelBothWaysBetweenProcesses() throws Exception
    {
        final Peer peer = startPeer(0, 0);
        local = DataPlane.launch(TestPlanes.context(new MapExtentStore()));
        final MoverEndpoint remote = MoverEndpoint.udp("127.0.0.1", peer.port);

        final ByteBuffer fetched = local.fetch(remote, "peer/value").get(30, TimeUnit.SECONDS);
        assertArrayEquals(TestPlanes.randomBytes(VALUE_LENGTH, SEED), TestPlanes.bytes(fetched));

        final byte[] pushed = TestPlanes.randomBytes(4 * MIB, 5);
        local.push(remote, "bucket/from-parent", TestPlanes.direct(pushed)).get(30, TimeUnit.SECONDS);
        final String stored = peer.await("STORED ");
        assertEquals("STORED bucket/from-parent " + pushed.length + " " + crc32c(pushed), stored);

        final long sent = peer.stop();
        assertEquals(VALUE_LENGTH, sent, "the peer served the extent once");
    }

    @Test
    void fetchSurvivesThePeerProcessBeingKilledAndRestarted() throws Exception
    {
        final Peer first = startPeer(0, 8L * MIB);
        local = DataPlane.launch(TestPlanes.context(new MapExtentStore()));
        final MoverEndpoint remote = MoverEndpoint.udp("127.0.0.1", first.port);

        final CompletableFuture<ByteBuffer> fetch = local.fetch(
            remote, "peer/value", 0, -1, TransferOptions.defaults().withDeadline(Duration.ofSeconds(40)));
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (local.counters().bytesReceived.get() < 3L * MIB && System.nanoTime() < deadline)
        {
            Thread.sleep(5);
        }
        first.process.destroyForcibly();
        assertTrue(first.process.waitFor(10, TimeUnit.SECONDS));
        final long receivedBeforeKill = local.counters().bytesReceived.get();
        assertTrue(receivedBeforeKill >= 3L * MIB && receivedBeforeKill < VALUE_LENGTH, "" + receivedBeforeKill);

        final Peer second = startPeer(first.port, 0);
        final ByteBuffer fetched = fetch.get(40, TimeUnit.SECONDS);

        assertArrayEquals(TestPlanes.randomBytes(VALUE_LENGTH, SEED), TestPlanes.bytes(fetched));
        final long resent = second.stop();
        assertTrue(resent <= VALUE_LENGTH - receivedBeforeKill + 2L * MIB,
            "the restarted peer sent " + resent + " bytes after " + receivedBeforeKill + " had arrived");
        assertTrue(local.counters().resumes.get() >= 1);
    }

    private Peer startPeer(final int port, final long rate) throws IOException, InterruptedException
    {
        final String aeronDir = MoverConfiguration.defaultAeronDirectoryName();
        aeronDirs.add(aeronDir);
        final String java = ProcessHandle.current().info().command().orElse("java");
        final ProcessBuilder builder = new ProcessBuilder(
            java,
            "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "-Xmx256m",
            "-Dlogback.configurationFile=" + new File("target/test-classes/logback-test.xml").getAbsolutePath(),
            "-cp", System.getProperty("java.class.path"),
            PeerProcess.class.getName(),
            Integer.toString(port), aeronDir, Integer.toString(VALUE_LENGTH), Long.toString(SEED), Long.toString(rate));
        builder.redirectError(ProcessBuilder.Redirect.DISCARD);
        final Process process = builder.start();
        final Peer peer = new Peer(process);
        peers.add(peer);
        final String ready = peer.await("READY ");
        assertNotNull(ready, "peer did not start");
        peer.port = Integer.parseInt(ready.substring("READY ".length()).trim());
        return peer;
    }

    private static int crc32c(final byte[] bytes)
    {
        final CRC32C crc = new CRC32C();
        crc.update(bytes);
        return (int)crc.getValue();
    }

    /** A child process and the lines it prints. */
    private static final class Peer
    {
        final Process process;
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        int port;

        Peer(final Process process)
        {
            this.process = process;
            final Thread reader = new Thread(() ->
            {
                try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
                {
                    String line;
                    while ((line = out.readLine()) != null)
                    {
                        lines.add(line);
                    }
                }
                catch (final IOException ignored)
                {
                    // The process went away.
                }
            });
            reader.setDaemon(true);
            reader.start();
        }

        /** The next line starting with {@code prefix}, skipping log lines. */
        String await(final String prefix) throws InterruptedException
        {
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline)
            {
                final String line = lines.poll(100, TimeUnit.MILLISECONDS);
                if (null != line && line.startsWith(prefix))
                {
                    return line;
                }
            }
            throw new AssertionError("no line starting with '" + prefix + "' from the peer");
        }

        /** Closes the peer's stdin and returns the payload bytes it sent. */
        long stop() throws IOException, InterruptedException
        {
            process.getOutputStream().close();
            final String sent = await("SENT ");
            assertTrue(process.waitFor(20, TimeUnit.SECONDS));
            return Long.parseLong(sent.substring("SENT ".length()).trim());
        }
    }
}
