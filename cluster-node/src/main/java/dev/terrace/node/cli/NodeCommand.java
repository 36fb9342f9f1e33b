package dev.terrace.node.cli;

import dev.terrace.node.NodeConfig;
import dev.terrace.node.TerraceNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code terrace node}: starts a node in the foreground; Ctrl-C stops it gracefully.
 */
@Command(name = "node", mixinStandardHelpOptions = true,
    description = "Start a node in the foreground (Ctrl-C stops it gracefully).")
final class NodeCommand implements Callable<Integer>
{
    static final AtomicBoolean RUNNING = new AtomicBoolean();

    @Option(names = "--config", description = "HOCON file layered over the defaults")
    Path configFile;

    @Option(names = "--http-port", description = "HTTP port (default 8080; 0 picks a free one)")
    Integer httpPort;

    @Option(names = "--http-host", description = "HTTP bind address (default 127.0.0.1)")
    String httpHost;

    @Option(names = "--data-dir", description = "root of node-local state (default ./var)")
    Path dataDir;

    @Option(names = "--cluster-port", description = "cluster (Pekko Artery) port (default 7355; 0 picks a free one)")
    Integer clusterPort;

    @Option(names = "--seed", description = "HOST:PORT of a node to join (repeatable); none starts a new cluster")
    java.util.List<String> seeds = new java.util.ArrayList<>();

    @Option(names = "-D", description = "any configuration key, e.g. -D terrace.memory.capacity=2GiB",
        mapFallbackValue = "")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Override
    public Integer call()
    {
        final Map<String, Object> all = new LinkedHashMap<>(overrides);
        if (clusterPort != null)
        {
            all.put("terrace.cluster.port", clusterPort.toString());
        }
        if (!seeds.isEmpty())
        {
            all.put("terrace.cluster.seeds", seeds);
        }
        if (httpPort != null)
        {
            all.put("terrace.http.port", httpPort.toString());
        }
        if (httpHost != null)
        {
            all.put("terrace.http.host", httpHost);
        }
        if (dataDir != null)
        {
            all.put("terrace.data-dir", dataDir.toString());
        }
        final NodeConfig config;
        try
        {
            config = NodeConfig.load(configFile, all);
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("terrace: " + ex.getMessage());
            return 2;
        }
        final TerraceNode node;
        try
        {
            node = TerraceNode.start(config);
        }
        catch (final RuntimeException ex)
        {
            System.err.println("terrace: node failed to start: " + ex.getMessage());
            return 1;
        }
        RUNNING.set(true);
        System.out.printf("Terrace node %s listening on %s%n", node.nodeId(), node.httpEndpoint());
        System.out.printf("  memory tier   %s off-heap (placement policy %s)%n",
            Sizes.human(config.memoryCapacity), config.placementPolicy);
        System.out.printf("  flash tier    %s, up to %s%n", config.flashDir, Sizes.human(config.flashCapacity));
        System.out.printf("  capacity tier %s%n", config.capacityType.equals("s3")
            ? "s3://" + config.s3.bucket + '/' + config.s3.prefix +
                (config.s3.endpoint.isEmpty() ? "" : " at " + config.s3.endpoint)
            : "directory " + config.capacityDir);
        if (!config.httpHost.equals("127.0.0.1") && !config.httpHost.equals("localhost"))
        {
            System.out.println("  WARNING: the HTTP API has no authentication yet; bind it to a private network only.");
        }
        System.out.println("Press Ctrl-C to stop.");
        node.whenTerminated().join();
        System.out.println("Terrace node stopped.");
        return 0;
    }
}
