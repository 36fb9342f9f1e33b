package dev.terrace.placement;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A scheduler's promise that job {@link #jobId()} will read these items, in this order, starting at or before
 * {@link #startAtMillis()}. Items are policy ids (KV block hashes, or hashes of object extents) grouped in
 * sequences: a KV chain (root first, so a block behind a missing one is useless) or a training epoch's read order.
 * <p>
 * Immutable. Times are in the caller's clock (the node's wall clock, the simulator's trace time).
 *
 * @param hintId          unique id of this hint (the HTTP API's {@code /v1/hints/{id}}).
 * @param jobId           the job the reads belong to; budgets are charged per job.
 * @param namespace       KV namespace or bucket; budgets are charged per namespace too.
 * @param sequences       item ids in read order; each sequence is one chain or one ordered list.
 * @param prefixChained   whether each sequence is a KV prefix chain (stop staging a chain at its first block that
 *                        no tier holds) rather than independent items.
 * @param startAtMillis   when the job starts reading (the deadline for staging).
 * @param priority        higher is more important; breaks ties between hints with the same start.
 * @param expiresAtMillis after this the hint is ignored and its items lose their protection.
 */
public record Hint(
    String hintId,
    String jobId,
    String namespace,
    List<long[]> sequences,
    boolean prefixChained,
    long startAtMillis,
    int priority,
    long expiresAtMillis)
{
    /**
     * Validates and defensively copies.
     *
     * @throws IllegalArgumentException saying what is wrong (the HTTP layer returns it as a 400 message).
     */
    public Hint
    {
        requireName("hintId", hintId);
        requireName("jobId", jobId);
        requireName("namespace", namespace);
        Objects.requireNonNull(sequences, "sequences");
        if (sequences.isEmpty())
        {
            throw new IllegalArgumentException("a hint needs at least one sequence of item ids");
        }
        final List<long[]> copy = new ArrayList<>(sequences.size());
        for (final long[] sequence : sequences)
        {
            if (sequence == null || sequence.length == 0)
            {
                throw new IllegalArgumentException("a hinted sequence must not be empty");
            }
            copy.add(sequence.clone());
        }
        sequences = Collections.unmodifiableList(copy);
        if (expiresAtMillis < startAtMillis)
        {
            throw new IllegalArgumentException(
                "expiresAtMillis " + expiresAtMillis + " is before startAtMillis " + startAtMillis);
        }
    }

    /** A hint for one KV chain in {@code namespace}, by job {@code jobId}, with priority 0. */
    public static Hint forChain(
        final String hintId,
        final String jobId,
        final String namespace,
        final long[] chain,
        final long startAtMillis,
        final long expiresAtMillis)
    {
        return new Hint(hintId, jobId, namespace, List.of(chain), true, startAtMillis, 0, expiresAtMillis);
    }

    /** The hinted sequences, copied (callers may modify the arrays they get). */
    @Override
    public List<long[]> sequences()
    {
        final List<long[]> copy = new ArrayList<>(sequences.size());
        for (final long[] sequence : sequences)
        {
            copy.add(sequence.clone());
        }
        return copy;
    }

    /** Number of sequences. */
    public int sequenceCount()
    {
        return sequences.size();
    }

    /** Total number of hinted items (with repeats). */
    public int itemCount()
    {
        int n = 0;
        for (final long[] sequence : sequences)
        {
            n += sequence.length;
        }
        return n;
    }

    /** The sequence at {@code index}, without copying: callers must not modify it. */
    long[] sequenceUnsafe(final int index)
    {
        return sequences.get(index);
    }

    /** Returns a copy of the sequence at {@code index}. */
    public long[] sequence(final int index)
    {
        return sequences.get(index).clone();
    }

    private static void requireName(final String what, final String value)
    {
        if (value == null || value.isBlank())
        {
            throw new IllegalArgumentException(what + " must not be blank");
        }
    }
}
