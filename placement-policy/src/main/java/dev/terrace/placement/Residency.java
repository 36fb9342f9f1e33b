package dev.terrace.placement;

/**
 * What a {@link PrefetchPlanner} may ask about items while planning: whether each is already where it should be
 * staged, and whether (and at what weight) a lower tier holds it.
 */
public interface Residency
{
    /** Whether {@code id} is resident in the target tier or already on its way there. */
    boolean isStaged(long id);

    /**
     * The weight of {@code id} if it is staged already or some tier holds it, or a negative number when no tier
     * holds it (never written, or a KV block that was dropped), in which case it cannot be prefetched.
     */
    long stageableWeight(long id);
}
