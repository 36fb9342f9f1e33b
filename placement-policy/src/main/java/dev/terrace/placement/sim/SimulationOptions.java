package dev.terrace.placement.sim;

/**
 * How one simulation run is set up.
 *
 * @param memoryBlocks      memory tier capacity in blocks (> 0).
 * @param flashBlocks       flash tier capacity in blocks, below memory and fed by its evictions; 0 for no flash.
 * @param hintLookaheadMs   when >= 0, a scheduler announces each request's blocks this long before its arrival and
 *                          they are prefetched into memory through the {@link dev.terrace.placement.PrefetchPlanner};
 *                          negative for no hints.
 * @param prefetchPerSecond blocks the prefetcher can stage per second of trace time (transfers queue behind each
 *                          other); 0 for unlimited, in which case a staged block arrives when it is planned.
 */
public record SimulationOptions(long memoryBlocks, long flashBlocks, long hintLookaheadMs, double prefetchPerSecond)
{
    /**
     * @throws IllegalArgumentException when a value is out of range.
     */
    public SimulationOptions
    {
        if (memoryBlocks <= 0)
        {
            throw new IllegalArgumentException("memory blocks must be positive: " + memoryBlocks);
        }
        if (flashBlocks < 0)
        {
            throw new IllegalArgumentException("flash blocks must not be negative: " + flashBlocks);
        }
        if (prefetchPerSecond < 0 || Double.isNaN(prefetchPerSecond))
        {
            throw new IllegalArgumentException("prefetch rate must not be negative: " + prefetchPerSecond);
        }
    }

    /** Memory only, no flash, no hints. */
    public static SimulationOptions memoryOnly(final long memoryBlocks)
    {
        return new SimulationOptions(memoryBlocks, 0, -1, 0);
    }

    /** Whether hints are emulated. */
    public boolean hints()
    {
        return hintLookaheadMs >= 0;
    }

    /** Whether there is a flash tier. */
    public boolean flash()
    {
        return flashBlocks > 0;
    }
}
