package dev.terrace.placement;

/**
 * How much of a hint is staged in the target tier (for {@code GET /v1/hints/{id}}).
 *
 * @param items        hinted items (with repeats).
 * @param stagedItems  of which staged or on their way.
 * @param weight       total weight of the items some tier holds.
 * @param stagedWeight weight of the staged items.
 */
public record HintProgress(int items, int stagedItems, long weight, long stagedWeight)
{
    /** Fraction of items staged, in [0, 1]; 1 for a hint with no items. */
    public double stagedFraction()
    {
        return items == 0 ? 1.0 : (double)stagedItems / items;
    }
}
