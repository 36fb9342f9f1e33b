package dev.terrace.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * {@code terrace status}: the cluster's members as a table (from {@code GET /v1/cluster}), then the tiers of the
 * node asked (from {@code GET /v1/node}).
 */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Show the cluster's members, then the tiers and counters of the node asked.")
final class StatusCommand implements Callable<Integer>
{
    @Option(names = {"--endpoint", "-e"}, defaultValue = "http://127.0.0.1:8080",
        description = "HTTP endpoint of any node (default ${DEFAULT-VALUE})")
    String endpoint;

    @Override
    public Integer call() throws InterruptedException
    {
        final AdminHttp admin;
        try
        {
            admin = new AdminHttp(endpoint);
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("terrace: " + ex.getMessage());
            return 2;
        }
        try
        {
            final JsonNode node = admin.get("/v1/node");
            try
            {
                System.out.print(ClusterTables.members(admin.get("/v1/cluster")));
            }
            catch (final AdminHttp.Failure ex)
            {
                // The node answers but has no cluster view: still show its own tiers.
                System.out.println("(no cluster view: " + ex.getMessage() + ")");
            }
            System.out.println();
            System.out.print(tiers(node));
            return 0;
        }
        catch (final AdminHttp.Failure ex)
        {
            System.err.println("terrace: " + ex.getMessage());
            return 1;
        }
    }

    /** The node's own tiers, from {@code GET /v1/node}. */
    static String tiers(final JsonNode node)
    {
        final TextTable table = new TextTable(
            "TIER", TextTable.Align.LEFT, "USED", TextTable.Align.RIGHT, "CAPACITY", TextTable.Align.RIGHT,
            "EXTENTS", TextTable.Align.RIGHT, "HITS", TextTable.Align.RIGHT, "MISSES", TextTable.Align.RIGHT,
            "CORRUPTIONS", TextTable.Align.RIGHT);
        for (final JsonNode tier : node.path("tiers"))
        {
            final long capacity = tier.path("capacityBytes").asLong();
            table.row(tier.path("tier").asText(), Sizes.human(tier.path("usedBytes").asLong()),
                capacity == Long.MAX_VALUE ? "unbounded" : Sizes.human(capacity), tier.path("extents").asLong(),
                tier.path("hits").asLong(), tier.path("misses").asLong(), tier.path("corruptions").asLong());
        }
        return String.format("node %s at %s  objects=%d kvBlocks=%d policy=%s%n", node.path("nodeId").asText(),
            node.path("http").asText(), node.path("objects").asLong(), node.path("kvBlocks").asLong(),
            node.path("placementPolicy").asText()) + table.render();
    }
}
