package dev.terrace.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code terrace status}: a node's tiers as a table.
 */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show a node's tiers and counters.")
final class StatusCommand implements Callable<Integer>
{
    @Option(names = {"--endpoint", "-e"}, defaultValue = "http://127.0.0.1:8080",
        description = "node HTTP endpoint (default ${DEFAULT-VALUE})")
    String endpoint;

    @Override
    public Integer call() throws Exception
    {
        final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        final HttpResponse<String> response;
        try
        {
            response = http.send(HttpRequest.newBuilder(URI.create(endpoint + "/v1/node"))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        }
        catch (final java.io.IOException ex)
        {
            System.err.println("terrace: cannot reach " + endpoint + ": " + ex.getMessage());
            return 1;
        }
        if (response.statusCode() != 200)
        {
            System.err.println("terrace: " + endpoint + " answered " + response.statusCode() + ": " + response.body());
            return 1;
        }
        final JsonNode node = new ObjectMapper().readTree(response.body());
        System.out.printf("node %s at %s  objects=%d kvBlocks=%d policy=%s%n", node.path("nodeId").asText(),
            node.path("http").asText(), node.path("objects").asLong(), node.path("kvBlocks").asLong(),
            node.path("placementPolicy").asText());
        System.out.printf("%-9s %12s %12s %9s %10s %10s %11s%n", "TIER", "USED", "CAPACITY", "EXTENTS", "HITS", "MISSES",
            "CORRUPTIONS");
        for (final JsonNode tier : node.path("tiers"))
        {
            final long cap = tier.path("capacityBytes").asLong();
            System.out.printf("%-9s %12s %12s %9d %10d %10d %11d%n", tier.path("tier").asText(),
                Sizes.human(tier.path("usedBytes").asLong()), cap == Long.MAX_VALUE ? "unbounded" : Sizes.human(cap),
                tier.path("extents").asLong(), tier.path("hits").asLong(), tier.path("misses").asLong(),
                tier.path("corruptions").asLong());
        }
        return 0;
    }
}
