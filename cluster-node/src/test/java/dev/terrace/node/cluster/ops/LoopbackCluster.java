package dev.terrace.node.cluster.ops;

import dev.terrace.node.testing.NodeProcess;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Real Terrace nodes in child JVMs on loopback, forming one Pekko cluster: each with its own data directory and
 * cluster port, all sharing one capacity directory (the shared capacity tier of one machine). JVMs are kept small,
 * because the test machine has two cores. {@link #close()} kills every node that is still running.
 */
final class LoopbackCluster implements AutoCloseable
{
    /** Small heap, C1 only and a serial collector: short-lived nodes on a two-core machine. */
    private static final List<String> JVM_OPTIONS = List.of(
        "-Xmx256m", "-XX:MaxDirectMemorySize=256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-XX:CICompilerCount=1");

    /** One started node. */
    record Node(String nodeId, int clusterPort, Path dataDir, NodeProcess process)
    {
        String http()
        {
            return process.httpEndpoint();
        }

        boolean alive()
        {
            return ProcessHandle.of(process.pid()).map(ProcessHandle::isAlive).orElse(false);
        }

        /** Waits until the node's process has exited by itself. */
        boolean awaitExit(final Duration timeout) throws InterruptedException
        {
            final Optional<ProcessHandle> handle = ProcessHandle.of(process.pid());
            if (handle.isEmpty())
            {
                return true;
            }
            try
            {
                handle.get().onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                return true;
            }
            catch (final TimeoutException ex)
            {
                return false;
            }
            catch (final ExecutionException ex)
            {
                throw new IllegalStateException(ex);
            }
        }
    }

    private final Path root;
    private final Path capacityDir;
    private final int initialMembers;
    private final Map<String, Node> nodes = new LinkedHashMap<>();

    /**
     * @param root           a fresh directory for every node's state.
     * @param initialMembers members the first nodes wait for before taking slots
     *                       ({@code pekko.cluster.min-nr-of-members}), so slots are not all allocated to the first
     *                       node and then moved.
     */
    LoopbackCluster(final Path root, final int initialMembers) throws IOException
    {
        this.root = root;
        this.capacityDir = Files.createDirectories(root.resolve("capacity"));
        this.initialMembers = initialMembers;
    }

    /**
     * Starts nodes, each waiting until it serves HTTP. The first node ever started forms the cluster and is the seed
     * every other node joins through; the others start in parallel.
     */
    synchronized List<Node> start(final String... nodeIds) throws IOException
    {
        final List<Node> started = new ArrayList<>();
        int next = 0;
        if (nodes.isEmpty())
        {
            final Node seed = launch(nodeIds[0], freePort(), null);
            nodes.put(seed.nodeId(), seed);
            started.add(seed);
            next = 1;
        }
        final int seedPort = nodes.values().iterator().next().clusterPort();
        final List<CompletableFuture<Node>> starting = new ArrayList<>();
        for (final String nodeId : List.of(nodeIds).subList(next, nodeIds.length))
        {
            final int clusterPort = freePort();
            starting.add(CompletableFuture.supplyAsync(() -> launch(nodeId, clusterPort, seedPort)));
        }
        RuntimeException failure = null;
        for (final CompletableFuture<Node> future : starting)
        {
            try
            {
                final Node node = future.join();
                nodes.put(node.nodeId(), node);
                started.add(node);
            }
            catch (final CompletionException ex)
            {
                // Keep collecting: every node that did start must be registered so close() kills it.
                failure = failure == null ? ex : failure;
            }
        }
        if (failure != null)
        {
            throw failure;
        }
        return started;
    }

    Node node(final String nodeId)
    {
        final Node node = nodes.get(nodeId);
        if (node == null)
        {
            throw new IllegalArgumentException("no node " + nodeId);
        }
        return node;
    }

    /** HTTP endpoints of the nodes that are alive, in start order. */
    synchronized List<String> liveEndpoints()
    {
        final List<String> endpoints = new ArrayList<>();
        for (final Node node : nodes.values())
        {
            if (node.alive())
            {
                endpoints.add(node.http());
            }
        }
        return endpoints;
    }

    /** The last {@code lines} lines of every node's log, for a failure message. */
    synchronized String logTails(final int lines)
    {
        final StringBuilder out = new StringBuilder();
        for (final Node node : nodes.values())
        {
            out.append("---- ").append(node.nodeId()).append(" (").append(node.dataDir().resolve("node.log"))
                .append(")\n");
            try
            {
                final List<String> all = Files.readAllLines(node.dataDir().resolve("node.log"), StandardCharsets.UTF_8);
                for (final String line : all.subList(Math.max(0, all.size() - lines), all.size()))
                {
                    out.append(line).append('\n');
                }
            }
            catch (final IOException ex)
            {
                out.append("(no log: ").append(ex).append(")\n");
            }
        }
        return out.toString();
    }

    @Override
    public synchronized void close() throws InterruptedException
    {
        for (final Node node : nodes.values())
        {
            node.process().close();
        }
    }

    private Node launch(final String nodeId, final int clusterPort, final Integer seedPort)
    {
        final Path dataDir = root.resolve(nodeId);
        final Map<String, String> settings = new LinkedHashMap<>();
        settings.put("terrace.node.id", nodeId);
        settings.put("terrace.cluster.port", Integer.toString(clusterPort));
        if (seedPort != null)
        {
            // A HOCON object with numeric keys reads as a list: terrace.cluster.seeds = [ "127.0.0.1:PORT" ].
            settings.put("terrace.cluster.seeds.0", "127.0.0.1:" + seedPort);
        }
        settings.put("terrace.capacity.dir", capacityDir.toString());
        settings.put("terrace.memory.capacity", "64MiB");
        settings.put("terrace.flash.capacity", "256MiB");
        settings.put("terrace.flash.segment-size", "32MiB");
        settings.put("terrace.flash.fsync", "false");
        settings.put("terrace.io-threads", "4");
        settings.put("pekko.cluster.min-nr-of-members", Integer.toString(initialMembers));
        // Membership and sharding events in node.log, to follow a flow that failed.
        settings.put("pekko.loglevel", "INFO");
        final List<String> jvmOptions = new ArrayList<>(JVM_OPTIONS);
        final URL nodeLogging = LoopbackCluster.class.getResource("/logback.xml");
        if (nodeLogging != null)
        {
            // The node's own logging (cluster events at INFO), not a test jar's logback-test.xml.
            jvmOptions.add("-Dlogback.configurationFile=" + nodeLogging);
        }
        try
        {
            return new Node(nodeId, clusterPort, dataDir, NodeProcess.start(dataDir, jvmOptions, settings));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    private static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            return socket.getLocalPort();
        }
    }
}
