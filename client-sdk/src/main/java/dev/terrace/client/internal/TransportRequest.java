package dev.terrace.client.internal;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * One attempt of a request, addressed to one endpoint.
 *
 * @param method         HTTP method.
 * @param uri            endpoint plus the encoded path and query.
 * @param headers        extra request headers (never {@code Content-Length}: the body's length gives it).
 * @param body           the body.
 * @param timeout        time allowed until the answer's headers arrive (an upload's time counts).
 */
public record TransportRequest(
    String method,
    URI uri,
    Map<String, String> headers,
    RequestBody body,
    Duration timeout)
{
    public TransportRequest
    {
        headers = Map.copyOf(headers);
    }

    /** {@code METHOD target} for messages. */
    public String requestLine()
    {
        return method + " " + uri;
    }
}
