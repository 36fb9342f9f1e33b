package dev.terrace.placement;

/**
 * Limits on what a {@link PrefetchPlanner} may stage, in weight units (bytes in a node, blocks in the simulator).
 * Per-job and per-namespace limits bound the memory that hinted items (resident or planned) may claim, so that
 * one job's hints cannot flush everyone's hot data.
 *
 * @param maxPlanWeight      most weight one plan may stage (one planning round's transfer budget).
 * @param maxJobWeight       most hinted weight one job may hold in the target tier.
 * @param maxNamespaceWeight most hinted weight one namespace may hold in the target tier.
 * @param horizonMillis      only hints starting within this long from now are planned; later ones wait, since
 *                           what is staged too early is evicted before use.
 */
public record PrefetchBudget(long maxPlanWeight, long maxJobWeight, long maxNamespaceWeight, long horizonMillis)
{
    /**
     * @throws IllegalArgumentException when a limit is not positive.
     */
    public PrefetchBudget
    {
        if (maxPlanWeight <= 0 || maxJobWeight <= 0 || maxNamespaceWeight <= 0 || horizonMillis <= 0)
        {
            throw new IllegalArgumentException("every prefetch budget limit must be positive: " +
                "maxPlanWeight=" + maxPlanWeight + " maxJobWeight=" + maxJobWeight +
                " maxNamespaceWeight=" + maxNamespaceWeight + " horizonMillis=" + horizonMillis);
        }
    }

    /**
     * Budget derived from the target tier's capacity: a namespace may claim 75% of it, a job 50%, one plan
     * 25%, and hints starting within {@code horizonMillis} are planned. (The predictive policy protects hinted
     * items up to 80% of its capacity, so plans within this budget are not trimmed by the policy.)
     */
    public static PrefetchBudget forCapacity(final long capacity, final long horizonMillis)
    {
        final long c = Math.max(1, capacity);
        return new PrefetchBudget(Math.max(1, c / 4), Math.max(1, c / 2), Math.max(1, c * 3 / 4), horizonMillis);
    }
}
