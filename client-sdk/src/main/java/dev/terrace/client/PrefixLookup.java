package dev.terrace.client;

import java.util.List;

/**
 * The answer of a longest-cached-prefix query over a chain of KV block hashes {@code h0..hk}.
 *
 * @param length how many leading blocks {@code h0..h(length-1)} are cached; the block at {@code length} (if any)
 *               is the first one missing.
 * @param tiers  the tier of each of those {@code length} blocks, in chain order.
 */
public record PrefixLookup(int length, List<Tier> tiers)
{
    public PrefixLookup
    {
        tiers = List.copyOf(tiers);
    }

    /** Whether every one of {@code requested} blocks is cached. */
    public boolean isCompleteFor(final int requested)
    {
        return length >= requested;
    }
}
