package dev.terrace.client;

import dev.terrace.protocol.Names;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A scheduler's hint: job {@code job} will read these objects and KV chains starting at (or before) a time, so the
 * cluster stages them into memory ahead of it. Build with {@link #forJob(String)}; send with
 * {@link TerraceClient#hint(PrefetchHint)}.
 * <pre>{@code
 * HintStatus status = client.hint(PrefetchHint.forJob("epoch-3")
 *     .startIn(Duration.ofSeconds(30))
 *     .objects("dataset", "shard-000", "shard-001")
 *     .kvChain("llama3-8b", h0, h1, h2));
 * }</pre>
 */
public final class PrefetchHint
{
    /** Objects of one bucket, listed by key or selected by prefix. */
    public record ObjectSelection(String bucket, List<String> keys, String prefix)
    {
    }

    /** One KV prefix chain, root first. */
    public record KvChain(String namespace, long[] hashes)
    {
    }

    private final String job;
    private Instant startAt;
    private Duration startIn;
    private int priority;
    private Duration ttl;
    private final List<ObjectSelection> objects = new ArrayList<>();
    private final List<KvChain> chains = new ArrayList<>();

    private PrefetchHint(final String job)
    {
        if (job == null || job.isBlank())
        {
            throw new IllegalArgumentException("a hint needs a job id");
        }
        this.job = job;
    }

    /** Starts a hint for {@code job} (budgets are charged per job). */
    public static PrefetchHint forJob(final String job)
    {
        return new PrefetchHint(job);
    }

    /** The job reads from {@code startAt} on (default: now). */
    public PrefetchHint startAt(final Instant startAt)
    {
        this.startAt = Objects.requireNonNull(startAt, "startAt");
        this.startIn = null;
        return this;
    }

    /** The job reads from {@code delay} after the node receives the hint. */
    public PrefetchHint startIn(final Duration delay)
    {
        this.startIn = Objects.requireNonNull(delay, "delay");
        this.startAt = null;
        return this;
    }

    /** Higher wins between hints with the same start (default 0, range -1000..1000). */
    public PrefetchHint priority(final int priority)
    {
        this.priority = priority;
        return this;
    }

    /** The hint expires this long after its start (default: the node's, 10 minutes). */
    public PrefetchHint ttl(final Duration ttl)
    {
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        return this;
    }

    /** Objects of {@code bucket} in the order the job reads them. */
    public PrefetchHint objects(final String bucket, final String... keys)
    {
        return objects(bucket, Arrays.asList(keys));
    }

    /** Objects of {@code bucket} in the order the job reads them. */
    public PrefetchHint objects(final String bucket, final List<String> keys)
    {
        requireBucket(bucket);
        for (final String key : keys)
        {
            final String problem = Names.keyProblem(key);
            if (problem != null)
            {
                throw new IllegalArgumentException(problem + ": '" + key + "'");
            }
        }
        objects.add(new ObjectSelection(bucket, List.copyOf(keys), null));
        return this;
    }

    /** Every object of {@code bucket} whose key starts with {@code prefix}, in key order. */
    public PrefetchHint objectPrefix(final String bucket, final String prefix)
    {
        requireBucket(bucket);
        objects.add(new ObjectSelection(bucket, List.of(), Objects.requireNonNull(prefix, "prefix")));
        return this;
    }

    /** A KV prefix chain of {@code namespace}, root first. */
    public PrefetchHint kvChain(final String namespace, final long... hashes)
    {
        final String problem = Names.namespaceProblem(namespace);
        if (problem != null)
        {
            throw new IllegalArgumentException(problem + ": '" + namespace + "'");
        }
        if (hashes.length == 0)
        {
            throw new IllegalArgumentException("a KV chain needs at least one hash");
        }
        chains.add(new KvChain(namespace, hashes.clone()));
        return this;
    }

    public String job()
    {
        return job;
    }

    public Instant startAt()
    {
        return startAt;
    }

    public Duration startIn()
    {
        return startIn;
    }

    public int priority()
    {
        return priority;
    }

    public Duration ttl()
    {
        return ttl;
    }

    public List<ObjectSelection> objectSelections()
    {
        return List.copyOf(objects);
    }

    public List<KvChain> kvChains()
    {
        return List.copyOf(chains);
    }

    private static void requireBucket(final String bucket)
    {
        final String problem = Names.bucketProblem(bucket);
        if (problem != null)
        {
            throw new IllegalArgumentException(problem + ": '" + bucket + "'");
        }
    }
}
