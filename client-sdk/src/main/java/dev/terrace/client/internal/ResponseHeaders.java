package dev.terrace.client.internal;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Response headers with case-insensitive names, independent of the transport that received them.
 */
public final class ResponseHeaders
{
    /** No headers. */
    public static final ResponseHeaders EMPTY = new ResponseHeaders(Map.of());

    private final Map<String, List<String>> values;

    public ResponseHeaders(final Map<String, List<String>> headers)
    {
        final TreeMap<String, List<String>> sorted = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((name, list) -> sorted.merge(name, List.copyOf(list), (a, b) ->
        {
            final List<String> merged = new java.util.ArrayList<>(a);
            merged.addAll(b);
            return List.copyOf(merged);
        }));
        this.values = Collections.unmodifiableMap(sorted);
    }

    /** The first value of {@code name}, or {@code null}. */
    public String first(final String name)
    {
        final List<String> list = values.get(name);
        return list == null || list.isEmpty() ? null : list.get(0);
    }

    /** The first value of {@code name} as a non-negative long, or {@code -1} when absent or not a number. */
    public long firstLong(final String name)
    {
        final String value = first(name);
        if (value == null)
        {
            return -1;
        }
        try
        {
            final long parsed = Long.parseLong(value.trim());
            return parsed < 0 ? -1 : parsed;
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }

    @Override
    public String toString()
    {
        return values.toString();
    }
}
