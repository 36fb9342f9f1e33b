package dev.terrace.node.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * The CLI's view of a node's admin API: JSON requests with short timeouts, and failures turned into one readable
 * line (an unreachable node, or the node's own error message) instead of a stack trace.
 */
final class AdminHttp
{
    /** A request that did not get the expected answer; the message is meant for the operator. */
    static final class Failure extends Exception
    {
        private static final long serialVersionUID = 1L;

        /** The HTTP status, or 0 when the node did not answer. */
        final int status;

        Failure(final int status, final String message)
        {
            super(message);
            this.status = status;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String endpoint;

    /**
     * @throws IllegalArgumentException when {@code endpoint} is not an http(s) URL.
     */
    AdminHttp(final String endpoint)
    {
        final String trimmed = endpoint.strip();
        if (!trimmed.startsWith("http://") && !trimmed.startsWith("https://"))
        {
            throw new IllegalArgumentException("endpoint '" + endpoint + "' must start with http:// or https://");
        }
        this.endpoint = trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
    }

    String endpoint()
    {
        return endpoint;
    }

    /** {@code GET path}, expecting 200 and a JSON body. */
    JsonNode get(final String path) throws Failure, InterruptedException
    {
        final HttpResponse<String> response = send(HttpRequest.newBuilder(uri(path)).GET(), "GET " + path);
        if (response.statusCode() != 200)
        {
            throw new Failure(response.statusCode(), describe("GET " + path, response));
        }
        return parse(response.body(), "GET " + path);
    }

    /** {@code POST path} with an empty body; returns the answer whatever its status. */
    HttpResponse<String> post(final String path) throws Failure, InterruptedException
    {
        return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody()), "POST " + path);
    }

    /** One line saying what a non-2xx answer means: its status and the node's error message when it gave one. */
    String describe(final String request, final HttpResponse<String> response)
    {
        String message = response.body();
        try
        {
            final JsonNode error = JSON.readTree(response.body());
            if (error != null && error.hasNonNull("message"))
            {
                message = error.path("message").asText();
            }
        }
        catch (final IOException ex)
        {
            // Not JSON: show the body as it is.
        }
        return endpoint + " answered " + response.statusCode() + " to " + request +
            (message == null || message.isBlank() ? "" : ": " + message.strip());
    }

    static JsonNode parse(final String body, final String request) throws Failure
    {
        try
        {
            return JSON.readTree(body);
        }
        catch (final IOException ex)
        {
            throw new Failure(200, "the answer to " + request + " is not JSON: " + ex.getMessage());
        }
    }

    private URI uri(final String path) throws Failure
    {
        try
        {
            return URI.create(endpoint + path);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new Failure(0, "bad endpoint " + endpoint + ": " + ex.getMessage());
        }
    }

    private HttpResponse<String> send(final HttpRequest.Builder request, final String what)
        throws Failure, InterruptedException
    {
        try
        {
            return http.send(request.timeout(REQUEST_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        }
        catch (final ConnectException ex)
        {
            throw new Failure(0, "cannot reach " + endpoint + " (connection refused): is a node running there?");
        }
        catch (final HttpTimeoutException ex)
        {
            throw new Failure(0, endpoint + " did not answer " + what + " in time: " + ex.getMessage());
        }
        catch (final IOException ex)
        {
            throw new Failure(0, "cannot reach " + endpoint + ": " + (ex.getMessage() == null ?
                ex.getClass().getSimpleName() : ex.getMessage()));
        }
    }
}
