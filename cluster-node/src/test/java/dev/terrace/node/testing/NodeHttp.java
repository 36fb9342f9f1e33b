package dev.terrace.node.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The few HTTP calls fault tests make against one node: PUT with a durability class, GET, the tier a HEAD reports, and
 * one series of {@code /metrics}.
 */
public final class NodeHttp
{
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final TestNode node;

    public NodeHttp(final TestNode node)
    {
        this.node = node;
    }

    /** PUT, with {@code X-Terrace-Durability} when {@code durability} is not null. */
    public HttpResponse<byte[]> put(final String path, final byte[] body, final String durability) throws Exception
    {
        final HttpRequest.Builder request = request(path).PUT(HttpRequest.BodyPublishers.ofByteArray(body));
        if (durability != null)
        {
            request.header("X-Terrace-Durability", durability);
        }
        return send(request);
    }

    public HttpResponse<byte[]> get(final String path) throws Exception
    {
        return send(request(path).GET());
    }

    public HttpResponse<byte[]> delete(final String path) throws Exception
    {
        return send(request(path).DELETE());
    }

    /** The tier a HEAD names ({@code X-Terrace-Tier}); fails unless the HEAD is a 200. */
    public String tierOf(final String path) throws Exception
    {
        final HttpResponse<Void> head = http.send(request(path).method("HEAD", HttpRequest.BodyPublishers.noBody())
            .build(), HttpResponse.BodyHandlers.discarding());
        if (head.statusCode() != 200)
        {
            throw new AssertionError("HEAD " + path + " answered " + head.statusCode());
        }
        return head.headers().firstValue("X-Terrace-Tier").orElseThrow(() -> new AssertionError("no X-Terrace-Tier"));
    }

    /** The value of one series of {@code /metrics}, e.g. {@code terrace_tier_corruptions_total{tier="flash"}}. */
    public long metric(final String series) throws Exception
    {
        final String text = new String(get("/metrics").body(), StandardCharsets.UTF_8);
        final Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)").matcher(text);
        if (!matcher.find())
        {
            throw new AssertionError(series + " is not exported");
        }
        return (long)Double.parseDouble(matcher.group(1));
    }

    public HttpResponse<byte[]> send(final HttpRequest.Builder request) throws Exception
    {
        return http.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpRequest.Builder request(final String path)
    {
        return HttpRequest.newBuilder(URI.create(node.httpEndpoint() + path));
    }

    /** {@code size} random bytes from {@code seed}. */
    public static byte[] random(final int size, final long seed)
    {
        final byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
