package dev.terrace.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code terrace drain NODE_ID}: asks the cluster to drain a node ({@code POST /v1/cluster/nodes/{id}/drain}): the
 * node hands all its slots, with their data, off to the other nodes, then leaves the cluster and its process exits.
 * With {@code --wait} it follows the slot map until the node owns nothing and no longer answers.
 */
@Command(name = "drain", mixinStandardHelpOptions = true,
    description = "Hand all slots of a node off to the other nodes; the node then leaves the cluster and exits.")
final class DrainCommand implements Callable<Integer>
{
    private static final long POLL_MILLIS = 1_000;

    @Parameters(index = "0", paramLabel = "NODE_ID", description = "id of the node to drain (see `terrace status`)")
    String nodeId;

    @Option(names = {"--endpoint", "-e"}, defaultValue = "http://127.0.0.1:8080",
        description = "HTTP endpoint of any node, the drained one included (default ${DEFAULT-VALUE})")
    String endpoint;

    @Option(names = "--wait", description = "wait until the node has handed everything off and left")
    boolean wait;

    @Option(names = "--timeout", defaultValue = "600", paramLabel = "SECONDS",
        description = "with --wait, give up after this long (default ${DEFAULT-VALUE} s)")
    long timeoutSeconds;

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
            final JsonNode map = admin.get("/v1/cluster/slots");
            final String drainedHttp = httpOf(map, nodeId);
            final int slotsBefore = slotsOf(map, nodeId);
            final HttpResponse<String> answer = admin.post("/v1/cluster/nodes/" + nodeId + "/drain");
            if (answer.statusCode() == 404)
            {
                System.err.println("terrace: no member with node id '" + nodeId + "' is up (members: " +
                    String.join(", ", nodeIds(map)) + ")");
                return 1;
            }
            if (answer.statusCode() != 202 && answer.statusCode() != 200)
            {
                System.err.println("terrace: " + admin.describe("POST /v1/cluster/nodes/" + nodeId + "/drain",
                    answer));
                return 1;
            }
            System.out.printf("%s is draining: it hands its %d slots off to the other nodes, then leaves and " +
                "exits.%n", nodeId, slotsBefore);
            if (!wait)
            {
                System.out.println("Follow it with `terrace slots` or `terrace status`, or drain with --wait.");
                return 0;
            }
            return awaitGone(admin, map, drainedHttp);
        }
        catch (final AdminHttp.Failure ex)
        {
            System.err.println("terrace: " + ex.getMessage());
            return 1;
        }
    }

    /** Polls the other nodes' slot maps until the drained node owns nothing and its HTTP endpoint is gone. */
    private int awaitGone(final AdminHttp asked, final JsonNode map, final String drainedHttp)
        throws InterruptedException
    {
        // Poll through the nodes that stay: the drained node stops answering once it has left.
        final List<AdminHttp> pollers = new ArrayList<>();
        if (drainedHttp == null || !drainedHttp.equals(asked.endpoint()))
        {
            pollers.add(asked);
        }
        for (final JsonNode node : map.path("nodes"))
        {
            final String http = node.path("http").asText("");
            if (!node.path("nodeId").asText().equals(nodeId) && !http.isEmpty() && !http.equals(asked.endpoint()))
            {
                pollers.add(new AdminHttp(http));
            }
        }
        final AdminHttp drained = drainedHttp == null ? null : new AdminHttp(drainedHttp);
        final long start = System.nanoTime();
        final long deadline = start + timeoutSeconds * 1_000_000_000L;
        int lastReported = -1;
        String lastProblem = null;
        while (System.nanoTime() < deadline)
        {
            final JsonNode current = firstAnswer(pollers);
            if (current == null)
            {
                lastProblem = "no other node answers";
            }
            else
            {
                final int left = slotsOf(current, nodeId);
                if (left != lastReported)
                {
                    System.out.printf("  %s owns %d slots%n", nodeId, left);
                    lastReported = left;
                }
                if (left == 0 && !answersAs(drained, nodeId))
                {
                    System.out.printf("%s has handed off its slots and left the cluster (%d s).%n", nodeId,
                        (System.nanoTime() - start) / 1_000_000_000L);
                    return 0;
                }
                lastProblem = left == 0 ? "it owns no slots but still answers on " + drainedHttp : null;
            }
            Thread.sleep(POLL_MILLIS);
        }
        System.err.printf("terrace: %s has not left after %d s%s%n", nodeId, timeoutSeconds,
            lastProblem == null ? "" : " (" + lastProblem + ")");
        return 1;
    }

    private static JsonNode firstAnswer(final List<AdminHttp> pollers) throws InterruptedException
    {
        for (final AdminHttp poller : pollers)
        {
            try
            {
                return poller.get("/v1/cluster/slots");
            }
            catch (final AdminHttp.Failure ex)
            {
                // Try the next node.
            }
        }
        return null;
    }

    /** Whether {@code http} still answers as node {@code id}. */
    private static boolean answersAs(final AdminHttp http, final String id) throws InterruptedException
    {
        if (http == null)
        {
            return false;
        }
        try
        {
            return http.get("/v1/node").path("nodeId").asText().equals(id);
        }
        catch (final AdminHttp.Failure ex)
        {
            return false;
        }
    }

    private static String httpOf(final JsonNode map, final String id)
    {
        for (final JsonNode node : map.path("nodes"))
        {
            if (node.path("nodeId").asText().equals(id) && !node.path("http").asText("").isEmpty())
            {
                return node.path("http").asText();
            }
        }
        return null;
    }

    /** Slots the slot map gives node {@code id}. */
    static int slotsOf(final JsonNode map, final String id)
    {
        final JsonNode nodes = map.path("nodes");
        int index = -1;
        for (int i = 0; i < nodes.size(); i++)
        {
            if (nodes.get(i).path("nodeId").asText().equals(id))
            {
                index = i;
            }
        }
        int count = 0;
        for (final JsonNode owner : map.path("owners"))
        {
            count += index >= 0 && owner.asInt() == index ? 1 : 0;
        }
        return count;
    }

    private static List<String> nodeIds(final JsonNode map)
    {
        final List<String> ids = new ArrayList<>();
        for (final JsonNode node : map.path("nodes"))
        {
            ids.add(node.path("nodeId").asText());
        }
        return ids;
    }
}
