package dev.terrace.placement.sim;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Generated traces for workloads the Mooncake trace does not cover: training epochs (a dataset read in a shuffled
 * or fixed order every epoch), sequential scans mixed with a hot set, and Zipf-popular items. Every request reads
 * {@code batch} items; timestamps advance {@code 10 ms} per request.
 */
final class SyntheticTraces
{
    private SyntheticTraces()
    {
    }

    /** {@code epochs} passes over items {@code 0..datasetSize-1}, each pass shuffled when {@code shuffle}. */
    static Trace epochs(final int datasetSize, final int epochs, final int batch, final boolean shuffle, final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final long[] ids = new long[datasetSize * epochs];
        final int[] order = new int[datasetSize];
        for (int i = 0; i < datasetSize; i++)
        {
            order[i] = i;
        }
        for (int e = 0; e < epochs; e++)
        {
            if (shuffle)
            {
                for (int i = datasetSize - 1; i > 0; i--)
                {
                    final int j = random.nextInt(i + 1);
                    final int t = order[i];
                    order[i] = order[j];
                    order[j] = t;
                }
            }
            for (int i = 0; i < datasetSize; i++)
            {
                ids[e * datasetSize + i] = 1_000_000L + order[i];
            }
        }
        return batched((shuffle ? "shuffled" : "sequential") + "-epochs", ids, batch);
    }

    /**
     * A Zipf(0.9)-popular hot set of {@code hotItems} read one item per reference, interrupted every
     * {@code scanEvery} references by a scan of {@code scanLength} never-repeated items.
     */
    static Trace hotSetWithScans(
        final int hotItems,
        final int references,
        final int scanEvery,
        final int scanLength,
        final int batch,
        final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final double[] cumulative = zipf(hotItems, 0.9);
        final long[] ids = new long[references];
        long scanId = 10_000_000L;
        int i = 0;
        while (i < references)
        {
            if (scanEvery > 0 && i > 0 && i % scanEvery == 0)
            {
                for (int s = 0; s < scanLength && i < references; s++)
                {
                    ids[i++] = scanId++;
                }
                continue;
            }
            ids[i++] = sample(cumulative, random);
        }
        return batched("hot-set-with-scans", ids, batch);
    }

    /** {@code references} reads of Zipf({@code exponent})-popular items out of {@code items}. */
    static Trace zipf(final int items, final double exponent, final int references, final int batch, final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final double[] cumulative = zipf(items, exponent);
        final long[] ids = new long[references];
        for (int i = 0; i < references; i++)
        {
            ids[i] = sample(cumulative, random);
        }
        return batched("zipf", ids, batch);
    }

    /**
     * Multi-turn conversations: each turn's KV chain is the previous turn's chain plus {@code turnBlocks} new
     * blocks, behind a shared system prompt; conversations interleave and some never continue.
     */
    static Trace conversations(
        final int conversations,
        final int turns,
        final int promptBlocks,
        final int turnBlocks,
        final int concurrent,
        final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final long[][] chains = new long[conversations][];
        final int[] turnsLeft = new int[conversations];
        long nextId = 5_000_000L;
        final long[] prompt = new long[promptBlocks];
        for (int i = 0; i < promptBlocks; i++)
        {
            prompt[i] = nextId++;
        }
        long[] ids = new long[1024];
        int[] offsets = new int[64];
        long[] timestamps = new long[64];
        int requests = 0;
        int references = 0;
        int started = 0;
        final int[] active = new int[concurrent];
        int activeCount = 0;
        while (started < conversations || activeCount > 0)
        {
            while (activeCount < concurrent && started < conversations)
            {
                chains[started] = prompt.clone();
                turnsLeft[started] = 1 + random.nextInt(turns);
                active[activeCount++] = started++;
            }
            final int pick = random.nextInt(activeCount);
            final int c = active[pick];
            final long[] chain = Arrays.copyOf(chains[c], chains[c].length + turnBlocks);
            for (int b = chains[c].length; b < chain.length; b++)
            {
                chain[b] = nextId++;
            }
            chains[c] = chain;
            if (requests + 1 >= offsets.length)
            {
                offsets = Arrays.copyOf(offsets, offsets.length * 2);
                timestamps = Arrays.copyOf(timestamps, timestamps.length * 2);
            }
            while (references + chain.length > ids.length)
            {
                ids = Arrays.copyOf(ids, ids.length * 2);
            }
            offsets[requests] = references;
            timestamps[requests] = requests * 10L;
            System.arraycopy(chain, 0, ids, references, chain.length);
            references += chain.length;
            requests++;
            if (--turnsLeft[c] == 0)
            {
                active[pick] = active[--activeCount];
            }
        }
        offsets[requests] = references;
        return new Trace("conversations", Arrays.copyOf(timestamps, requests), Arrays.copyOf(offsets, requests + 1),
            Arrays.copyOf(ids, references));
    }

    private static Trace batched(final String name, final long[] ids, final int batch)
    {
        final int requests = (ids.length + batch - 1) / batch;
        final long[] timestamps = new long[requests];
        final int[] offsets = new int[requests + 1];
        for (int r = 0; r < requests; r++)
        {
            timestamps[r] = r * 10L;
            offsets[r] = r * batch;
        }
        offsets[requests] = ids.length;
        return new Trace(name, timestamps, offsets, ids);
    }

    private static double[] zipf(final int items, final double exponent)
    {
        final double[] cumulative = new double[items];
        double sum = 0;
        for (int i = 0; i < items; i++)
        {
            sum += 1.0 / Math.pow(i + 1, exponent);
            cumulative[i] = sum;
        }
        for (int i = 0; i < items; i++)
        {
            cumulative[i] /= sum;
        }
        return cumulative;
    }

    private static long sample(final double[] cumulative, final SplittableRandom random)
    {
        final int index = Arrays.binarySearch(cumulative, random.nextDouble());
        // Scatter ranks so that popularity is not correlated with id order.
        return 2_000_000L + ((index < 0 ? -index - 1 : index) * 7919L) % 1_000_003L;
    }
}
