package dev.terrace.node.hints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Hint parts between nodes over the internal HTTP endpoint {@code /internal/v1/hints/{id}/part}: POST a part (its
 * body is a hint with the owner's items), GET its status, DELETE it. Bodies are small JSON documents.
 */
public final class HintTransport
{
    /** How long a peer may take to answer before its part counts as unreachable. */
    static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    /** Sends a part to {@code peer}; completes with the part's status there. */
    CompletableFuture<HintService.Status> sendPart(final HintPeers.Peer peer, final String id, final JsonNode body)
    {
        final HttpRequest request = request(peer, id).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(response ->
        {
            if (response.statusCode() / 100 != 2)
            {
                throw new IllegalStateException(peer.nodeId() + " answered " + response.statusCode() + ": " +
                    response.body());
            }
            return HintJson.part(read(response.body()));
        });
    }

    /** The status of {@code peer}'s part of hint {@code id}, empty when it holds none. */
    CompletableFuture<Optional<HintService.Status>> fetchPart(final HintPeers.Peer peer, final String id)
    {
        return http.sendAsync(request(peer, id).GET().build(), HttpResponse.BodyHandlers.ofString()).thenApply(response ->
        {
            if (response.statusCode() == 404)
            {
                return Optional.empty();
            }
            if (response.statusCode() != 200)
            {
                throw new IllegalStateException(peer.nodeId() + " answered " + response.statusCode());
            }
            return Optional.of(HintJson.part(read(response.body())));
        });
    }

    /** Cancels {@code peer}'s part of hint {@code id}; completes with whether it held one. */
    CompletableFuture<Boolean> cancelPart(final HintPeers.Peer peer, final String id)
    {
        return http.sendAsync(request(peer, id).DELETE().build(), HttpResponse.BodyHandlers.discarding())
            .thenApply(response ->
            {
                if (response.statusCode() != 204 && response.statusCode() != 404)
                {
                    throw new IllegalStateException(peer.nodeId() + " answered " + response.statusCode());
                }
                return response.statusCode() == 204;
            });
    }

    private static HttpRequest.Builder request(final HintPeers.Peer peer, final String id)
    {
        return HttpRequest.newBuilder(URI.create(peer.httpEndpoint() + "/internal/v1/hints/" +
            URLEncoder.encode(id, StandardCharsets.UTF_8) + "/part")).timeout(TIMEOUT);
    }

    private static JsonNode read(final String body)
    {
        try
        {
            return JSON.readTree(body);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
