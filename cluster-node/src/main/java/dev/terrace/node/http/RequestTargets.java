package dev.terrace.node.http;

/**
 * Checks a request target as the client sent it, before Pekko's URI model normalises it: that model drops {@code .}
 * and {@code ..} segments (also written {@code %2e}) and decodes invalid UTF-8 to replacement characters, so
 * {@code PUT /v1/objects/a/../b/k} would silently write {@code b/k} and a key sent as invalid UTF-8 would be stored
 * under a name the client never wrote. Both are refused instead (docs/names.md).
 */
final class RequestTargets
{
    private RequestTargets()
    {
    }

    /**
     * @param target the raw request target: origin form ({@code /path?query}) or absolute form.
     * @return null when the path is acceptable, otherwise what is wrong with it.
     */
    static String pathProblem(final String target)
    {
        String path = target;
        final int schemeEnd = path.indexOf("://");
        if (schemeEnd >= 0 && schemeEnd < path.indexOf('/'))
        {
            final int pathStart = path.indexOf('/', schemeEnd + 3);
            path = pathStart < 0 ? "/" : path.substring(pathStart);
        }
        final int queryStart = indexOfAny(path, '?', '#');
        if (queryStart >= 0)
        {
            path = path.substring(0, queryStart);
        }
        int segmentStart = 0;
        while (segmentStart <= path.length())
        {
            int segmentEnd = path.indexOf('/', segmentStart);
            if (segmentEnd < 0)
            {
                segmentEnd = path.length();
            }
            final String decoded;
            try
            {
                decoded = PathNames.decode(path.substring(segmentStart, segmentEnd));
            }
            catch (final IllegalArgumentException ex)
            {
                return ex.getMessage();
            }
            if (decoded.equals(".") || decoded.equals(".."))
            {
                return "path segments '.' and '..' are refused (also when percent-encoded), not resolved";
            }
            segmentStart = segmentEnd + 1;
        }
        return null;
    }

    private static int indexOfAny(final String text, final char a, final char b)
    {
        final int first = text.indexOf(a);
        final int second = text.indexOf(b);
        return first < 0 ? second : second < 0 ? first : Math.min(first, second);
    }
}
