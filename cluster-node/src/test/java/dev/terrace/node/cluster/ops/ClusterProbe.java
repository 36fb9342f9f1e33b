package dev.terrace.node.cluster.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads a cluster's state through a node's admin API ({@code GET /v1/cluster}, {@code GET /v1/cluster/slots}) and
 * waits for the states an operator flow goes through.
 */
final class ClusterProbe
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration POLL = Duration.ofMillis(500);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** {@code GET endpoint + path} as JSON; fails on anything but 200. */
    JsonNode get(final String endpoint, final String path) throws IOException, InterruptedException
    {
        final HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(endpoint + path))
            .timeout(Duration.ofSeconds(15)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200)
        {
            throw new IOException("GET " + endpoint + path + " answered " + response.statusCode() + ": " +
                response.body());
        }
        return JSON.readTree(response.body());
    }

    /** {@code POST endpoint + path} with an empty body; returns the status code. */
    int post(final String endpoint, final String path) throws IOException, InterruptedException
    {
        return http.send(HttpRequest.newBuilder(URI.create(endpoint + path)).timeout(Duration.ofSeconds(15))
            .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    SlotMapView slotMap(final String endpoint) throws IOException, InterruptedException
    {
        return SlotMapView.parse(get(endpoint, "/v1/cluster/slots"));
    }

    JsonNode overview(final String endpoint) throws IOException, InterruptedException
    {
        return get(endpoint, "/v1/cluster");
    }

    /**
     * Waits until the map seen through {@code endpoint} is exactly the rendezvous allocation over {@code nodeIds},
     * every member runs every slot the map gives it ({@code GET /v1/cluster/local} on each), no hand-off is in
     * progress anywhere, and the map's epoch has not changed for {@code stableFor}.
     *
     * @return the settled map.
     * @throws AssertionError on timeout, saying how far the map got.
     */
    SlotMapView awaitSettled(
        final String endpoint, final Collection<String> nodeIds, final Duration stableFor, final Duration timeout)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        long stableSince = 0;
        long stableEpoch = -1;
        String last = "no answer yet";
        while (System.nanoTime() < deadline)
        {
            try
            {
                final SlotMapView map = slotMap(endpoint);
                final List<String> differences = map.differencesFromRendezvous(nodeIds, 5);
                final JsonNode overview = overview(endpoint);
                final int handOffs = overview.path("handOffsInProgress").asInt();
                final Set<String> members = memberIds(overview);
                final Map<String, Integer> running = runningSlots(overview);
                last = "epoch " + map.epoch() + ", slots per node " + map.slotsPerNode() + ", slots running per " +
                    "node " + running + ", unassigned " + map.unassigned() + ", hand-offs " + handOffs +
                    ", members " + members + ", first differences from the rendezvous allocation " + differences;
                if (differences.isEmpty() && handOffs == 0 && members.equals(new TreeSet<>(nodeIds)) &&
                    running.equals(map.slotsPerNode()))
                {
                    if (map.epoch() != stableEpoch)
                    {
                        stableEpoch = map.epoch();
                        stableSince = System.nanoTime();
                    }
                    else if (System.nanoTime() - stableSince >= stableFor.toNanos())
                    {
                        return map;
                    }
                }
                else
                {
                    stableEpoch = -1;
                }
            }
            catch (final IOException ex)
            {
                last = ex.toString();
            }
            Thread.sleep(POLL.toMillis());
        }
        throw new AssertionError("the cluster did not settle on the rendezvous allocation over " + nodeIds +
            " within " + timeout.toSeconds() + " s; last seen: " + last);
    }

    /** Slots whose entity runs on each member, as the member itself reports ({@code GET /v1/cluster/local}). */
    Map<String, Integer> runningSlots(final JsonNode overview) throws IOException, InterruptedException
    {
        final Map<String, Integer> running = new TreeMap<>();
        for (final JsonNode member : overview.path("members"))
        {
            if (member.path("slotsOwned").asInt() > 0 || member.path("status").asText().equals("up"))
            {
                final JsonNode local = get(member.path("http").asText(), "/v1/cluster/local");
                if (local.path("slotsOwned").asInt() > 0)
                {
                    running.put(local.path("nodeId").asText(), local.path("slotsOwned").asInt());
                }
            }
        }
        return running;
    }

    /** Sum of a numeric field over the members of {@code GET /v1/cluster}. */
    static long sumOverMembers(final JsonNode overview, final String field)
    {
        long sum = 0;
        for (final JsonNode member : overview.path("members"))
        {
            sum += member.path(field).asLong();
        }
        return sum;
    }

    /** Node ids of the members that are up. */
    static Set<String> memberIds(final JsonNode overview)
    {
        final Set<String> ids = new TreeSet<>();
        for (final JsonNode member : overview.path("members"))
        {
            if (member.path("status").asText().equals("up"))
            {
                ids.add(member.path("nodeId").asText());
            }
        }
        return ids;
    }
}
