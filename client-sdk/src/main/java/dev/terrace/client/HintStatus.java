package dev.terrace.client;

import java.util.List;
import java.util.Map;

/**
 * How far a hint has come ({@code GET /v1/hints/{id}}).
 *
 * @param id           the hint's id, for {@link TerraceClient#hintStatus(String)} and {@link TerraceClient#cancelHint(String)}.
 * @param job          the job it was sent for.
 * @param state        {@code pending} (starts beyond the staging horizon), {@code staging}, {@code staged},
 *                     {@code expired} or {@code cancelled}.
 * @param items        hinted items.
 * @param itemsStaged  of which in memory now.
 * @param itemsMissing of which no tier holds (never written, or evicted cache-class data).
 * @param bytesTotal   bytes of the items some tier holds.
 * @param bytesStaged  bytes in memory now.
 * @param bytesByTier  where those bytes are now, by tier name.
 * @param itemsRead    items the job has read since the hint arrived (the owners follow the reads, and stage a
 *                     window ahead of them).
 * @param partNodes    the nodes holding a part of the hint (the owners of its items' slots).
 * @param partsUnreachable nodes holding a part that did not answer: their items are not in the figures.
 */
public record HintStatus(
    String id,
    String job,
    String state,
    int items,
    int itemsStaged,
    int itemsMissing,
    long bytesTotal,
    long bytesStaged,
    Map<String, Long> bytesByTier,
    int itemsRead,
    List<String> partNodes,
    List<String> partsUnreachable)
{
    public HintStatus
    {
        bytesByTier = Map.copyOf(bytesByTier);
        partNodes = List.copyOf(partNodes);
        partsUnreachable = List.copyOf(partsUnreachable);
    }

    /** Whether every item that can be staged is in memory. */
    public boolean isStaged()
    {
        return "staged".equals(state);
    }
}
