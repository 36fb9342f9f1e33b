package dev.terrace.loadtest.internal.trace;

import java.util.HashSet;
import java.util.Set;

import dev.terrace.placement.sim.Trace;

/**
 * What a live replay sends: the first {@code requests} requests of a Mooncake trace, their arrival times compressed by
 * {@code speedup}, each hash id stored as a block of {@code blockBytes}.
 */
public final class ReplayPlan
{
    private final Trace trace;
    private final int requests;
    private final double speedup;
    private final int blockBytes;
    private final Trace subset;

    /**
     * @param trace      the whole trace.
     * @param requests   how many requests from its start to replay (at most its length).
     * @param speedup    time compression: a request at trace time t arrives at t / speedup.
     * @param blockBytes payload per hash id.
     */
    public ReplayPlan(final Trace trace, final int requests, final double speedup, final int blockBytes)
    {
        if (requests < 1 || !(speedup > 0) || blockBytes < 16)
        {
            throw new IllegalArgumentException("requests and speedup must be positive and blocks at least 16 bytes: "
                + requests + ", " + speedup + ", " + blockBytes);
        }
        this.trace = trace;
        this.requests = Math.min(requests, trace.requestCount());
        this.speedup = speedup;
        this.blockBytes = blockBytes;
        this.subset = subset(trace, this.requests);
    }

    /** The first {@code requests} requests of {@code trace} as a trace of their own (for the offline simulator). */
    static Trace subset(final Trace trace, final int requests)
    {
        final long[] timestamps = new long[requests];
        final int[] offsets = new int[requests + 1];
        for (int r = 0; r < requests; r++)
        {
            timestamps[r] = trace.timestamp(r);
            offsets[r + 1] = offsets[r] + trace.length(r);
        }
        final long[] ids = new long[offsets[requests]];
        for (int i = 0; i < ids.length; i++)
        {
            ids[i] = trace.id(i);
        }
        return new Trace(trace.name() + (requests < trace.requestCount() ? " (first " + requests + " requests)" : ""),
            timestamps, offsets, ids);
    }

    /** Requests replayed. */
    public int requests()
    {
        return requests;
    }

    /** The replayed requests as a trace. */
    public Trace trace()
    {
        return subset;
    }

    /** Time compression factor. */
    public double speedup()
    {
        return speedup;
    }

    /** Payload bytes per hash id. */
    public int blockBytes()
    {
        return blockBytes;
    }

    /** Block references in the replayed requests. */
    public int references()
    {
        return subset.referenceCount();
    }

    /** When request {@code r} arrives, in nanoseconds after the replay starts: its trace time divided by the speedup. */
    public long arrivalNanos(final int r)
    {
        return Math.round((trace.timestamp(r) - trace.timestamp(0)) * 1e6 / speedup);
    }

    /** The replay's length in seconds from first to last arrival. */
    public double durationSeconds()
    {
        return arrivalNanos(requests - 1) / 1e9;
    }

    /** The hash ids of request {@code r}, root first. */
    public long[] hashes(final int r)
    {
        final long[] chain = new long[subset.length(r)];
        subset.copyRequest(r, chain);
        return chain;
    }

    /**
     * The infinite-cache ceiling of the replayed requests: the share of references to a block referenced before.
     * With prefix-chained hashes a block seen before has its whole prefix seen before, so this bounds both the
     * any-position hit ratio and the prefix-reuse ratio.
     */
    public double infiniteCacheCeiling()
    {
        final Set<Long> seen = new HashSet<>();
        long repeats = 0;
        for (int i = 0; i < subset.referenceCount(); i++)
        {
            if (!seen.add(subset.id(i)))
            {
                repeats++;
            }
        }
        return subset.referenceCount() == 0 ? 0 : (double)repeats / subset.referenceCount();
    }

    /**
     * The payload of block {@code hash}: a fixed pattern with the hash in its first 8 bytes (big-endian), so a read
     * can be checked against the block it asked for without generating random bytes per block.
     */
    public static byte[] payload(final long hash, final byte[] pattern)
    {
        final byte[] block = pattern.clone();
        for (int i = 0; i < 8; i++)
        {
            block[i] = (byte)(hash >>> (56 - 8 * i));
        }
        return block;
    }

    /** The hash a payload carries in its first 8 bytes. */
    public static long hashOf(final byte[] block)
    {
        long hash = 0;
        for (int i = 0; i < 8; i++)
        {
            hash = hash << 8 | (block[i] & 0xff);
        }
        return hash;
    }
}
