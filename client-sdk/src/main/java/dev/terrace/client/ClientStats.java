package dev.terrace.client;

/**
 * Counters of a {@link TerraceClient}'s slot routing since it was built, and the slot map it routes by
 * ({@link TerraceClient#stats()}). Counts are per attempt: a retried request counts once per attempt.
 *
 * @param forwardedResponses   answers that carried {@code X-Terrace-Owner}: a node that does not own the slot
 *                             forwarded the request. Stays flat while the client's map is current.
 * @param ownerRequests        attempts of object and KV-block requests sent straight to the slot's owner.
 * @param fallbackRequests     attempts of object and KV-block requests sent to the configured endpoints instead
 *                             (no map yet, slot unassigned, or owner recently unreachable); with slot routing off
 *                             nothing is routed and this stays 0.
 * @param ownerFailures        attempts to an owner that could not connect (each falls back and refreshes the map).
 * @param slotMapFetches       slot maps fetched.
 * @param slotMapFetchFailures slot map fetches that failed.
 * @param slotMapEpoch         the epoch of the map in use, as numbered by the node that served it; {@code -1}
 *                             when the client has no map.
 * @param routableSlots        slots of that map whose owner the client sends requests to.
 * @param slots                the slot count of that map ({@code 0} without a map).
 */
public record ClientStats(
    long forwardedResponses,
    long ownerRequests,
    long fallbackRequests,
    long ownerFailures,
    long slotMapFetches,
    long slotMapFetchFailures,
    long slotMapEpoch,
    int routableSlots,
    int slots)
{
}
