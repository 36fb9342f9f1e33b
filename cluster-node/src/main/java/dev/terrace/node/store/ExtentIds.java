package dev.terrace.node.store;

/**
 * 64-bit ids for extent keys, the form placement policies track items in.
 * A collision could only make a policy misjudge one extent's heat; the node resolves ids back to keys through
 * its own map, so data is never confused.
 */
final class ExtentIds
{
    private ExtentIds()
    {
    }

    static long of(final String extentKey)
    {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < extentKey.length(); i++)
        {
            h = (h ^ extentKey.charAt(i)) * 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb93e53b5a5c3L;
        h ^= h >>> 33;
        return h;
    }
}
