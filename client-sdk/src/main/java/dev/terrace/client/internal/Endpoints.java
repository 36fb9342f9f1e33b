package dev.terrace.client.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Checks and normalises the node endpoints a client is built with.
 */
public final class Endpoints
{
    private Endpoints()
    {
    }

    /**
     * {@code endpoint} as a base URI without a trailing slash ({@code http://host:port} or, behind a proxy,
     * {@code http://host:port/base}).
     *
     * @throws IllegalArgumentException saying what is wrong: not http(s), no host, user info, query or fragment.
     */
    public static String normalize(final String endpoint)
    {
        if (endpoint == null || endpoint.isBlank())
        {
            throw new IllegalArgumentException("endpoint must not be empty");
        }
        if (!endpoint.contains("://"))
        {
            throw new IllegalArgumentException("endpoint '" + endpoint + "' must start with http:// or https://");
        }
        final URI uri;
        try
        {
            uri = new URI(endpoint.trim());
        }
        catch (final URISyntaxException ex)
        {
            throw new IllegalArgumentException("endpoint '" + endpoint + "' is not a URI: " + ex.getMessage());
        }
        final String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https")))
        {
            throw new IllegalArgumentException("endpoint '" + endpoint + "' must start with http:// or https://");
        }
        if (uri.getHost() == null)
        {
            throw new IllegalArgumentException("endpoint '" + endpoint + "' has no host");
        }
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null)
        {
            throw new IllegalArgumentException(
                "endpoint '" + endpoint + "' must not carry user info, a query or a fragment");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        while (path.endsWith("/"))
        {
            path = path.substring(0, path.length() - 1);
        }
        return scheme.toLowerCase(Locale.ROOT) + "://" + uri.getRawAuthority() + path;
    }
}
