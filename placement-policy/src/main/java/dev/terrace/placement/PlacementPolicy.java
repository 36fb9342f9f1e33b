package dev.terrace.placement;

/**
 * Decides which items one tier keeps: admission on a miss, eviction when the weighted size exceeds the capacity.
 * <p>
 * A policy is pure: it sees only the access events, removals and hints it is given, does no I/O and keeps no
 * clock of its own, so the same code runs inside a node (one policy per tier) and in the offline simulator.
 * Items are identified by a 64-bit id (a KV block hash in the simulator; a hash of the extent key in a node)
 * and carry a weight (bytes in a node, 1 per block in the simulator).
 * <p>
 * Evictions are reported through the {@link EvictionListener} given at construction, synchronously, from inside
 * {@link #recordAccess}/{@link #admit}; the node demotes what it is told to evict. Implementations are not
 * thread-safe: the node serializes calls per tier.
 * <p>
 * Optional inputs (no-ops by default): {@link #beginChain} announces a KV request's chain before its block reads, and
 * {@link #hint}/{@link #cancelHint} pass scheduler hints; {@link PrefetchPlanner} decides what to stage, which the
 * node then stages through {@link #admit}. Create policies by name with {@link Policies#create}.
 */
public interface PlacementPolicy
{
    /** Short name used in config, reports and the simulator table ({@code lru}, {@code s3fifo}, ...). */
    String name();

    /**
     * Records a read or write of {@code id} at {@code nowMillis}.
     * If the item is resident this is a hit and the policy updates its state; if not, the policy decides whether to
     * admit it and may evict others to make room.
     *
     * @return true when {@code id} is resident after the call (it was a hit, or it was admitted).
     */
    boolean recordAccess(long id, long weight, long nowMillis);

    /**
     * Makes {@code id} resident without counting an access (a prefetch, or a write the node must hold in this tier),
     * evicting others as needed.
     *
     * @return true when it is resident after the call.
     */
    boolean admit(long id, long weight, long nowMillis);

    /** Whether {@code id} is resident. */
    boolean contains(long id);

    /** Forgets {@code id} (deleted, or removed by the node for its own reasons); no eviction is reported. */
    void remove(long id);

    /** Sum of the weights of resident items. */
    long weightedSize();

    /** The capacity in weight units. */
    long capacity();

    /** Number of resident items. */
    int size();

    /**
     * Announces that one request is about to read a prefix-chained sequence of KV blocks, {@code ids[0..length)}
     * root first; the reads themselves follow as {@link #recordAccess} calls in that order. Chain-aware policies
     * learn from the structure (which blocks a reused prefix covers, which blocks extend it, which block ends the
     * prompt); the default ignores it. The policy must not keep a reference to {@code ids}.
     */
    default void beginChain(final long[] ids, final int length, final long nowMillis)
    {
    }

    /**
     * Tells the policy that a scheduler expects the items of {@code hint} to be read from {@code hint.startAtMillis()}
     * on. A hint-aware policy keeps such items (and prefetched ones) until they are read or the hint expires,
     * within the hint's budget; the default ignores hints.
     */
    default void hint(final Hint hint, final long nowMillis)
    {
    }

    /** Withdraws a hint given to {@link #hint} (cancelled, expired or done); unknown ids are ignored. */
    default void cancelHint(final String hintId)
    {
    }

    /**
     * Receives the ids a policy evicts.
     */
    @FunctionalInterface
    interface EvictionListener
    {
        /** {@code id} of weight {@code weight} is no longer resident. */
        void onEvict(long id, long weight);
    }
}
