package dev.terrace.node.testing;

import dev.terrace.node.NodeConfig;
import dev.terrace.node.TerraceNode;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A real node started in this JVM for integration tests: HTTP and cluster on free ports, all state under one
 * directory, a directory capacity tier, small tier budgets unless overridden.
 */
public final class TestNode implements AutoCloseable
{
    private final TerraceNode node;

    private TestNode(final TerraceNode node)
    {
        this.node = node;
    }

    /** Starts a node whose state lives under {@code dataDir}. */
    public static TestNode start(final Path dataDir)
    {
        return start(dataDir, Map.of());
    }

    /** Starts a node with configuration overrides (HOCON keys, e.g. {@code terrace.limits.max-object-size}). */
    public static TestNode start(final Path dataDir, final Map<String, String> configOverrides)
    {
        final Map<String, String> settings = new HashMap<>();
        settings.put("terrace.data-dir", dataDir.toString());
        settings.put("terrace.http.port", "0");
        settings.put("terrace.cluster.port", "0");
        settings.put("terrace.memory.capacity", "256MiB");
        settings.put("terrace.flash.capacity", "1GiB");
        settings.put("terrace.flash.segment-size", "64MiB");
        settings.put("terrace.flash.fsync", "false");
        settings.put("terrace.node.id", "test-" + dataDir.getFileName());
        settings.put("pekko.loglevel", "WARNING");
        settings.putAll(configOverrides);
        return new TestNode(TerraceNode.start(NodeConfig.load(null, settings)));
    }

    /** {@code http://127.0.0.1:PORT}. */
    public String httpEndpoint()
    {
        return node.httpEndpoint();
    }

    /** The running node, for assertions on its store. */
    public TerraceNode node()
    {
        return node;
    }

    @Override
    public void close()
    {
        node.close();
    }
}
