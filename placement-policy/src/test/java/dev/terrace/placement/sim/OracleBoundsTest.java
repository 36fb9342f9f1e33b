package dev.terrace.placement.sim;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Why the no-hint target (1.5x LRU = 0.419 at 5,000 blocks) is out of reach for an online policy on the
 * synthetic trace: even LRU told the future of every block, whether it will ever be read again (admission oracle)
 * and when it is read for the last time (dead-block oracle), stays below it. The counts were also computed by an
 * independent Python script.
 */
class OracleBoundsTest
{
    @Test
    void lruWithPerfectAdmissionAndDeadBlockKnowledgeStaysBelowTheTarget()
    {
        final Trace trace = SharedTraces.synthetic();
        final long lru = TraceSimulator.run(trace, "lru", SimulationOptions.memoryOnly(5000)).memoryHits();
        final long admissionOracle = oracleLru(trace, 5000, false);
        final long deadBlockOracle = oracleLru(trace, 5000, true);

        assertEquals(43_330, admissionOracle);
        assertEquals(48_802, deadBlockOracle);
        final double target = 1.5 * lru / trace.referenceCount();
        assertTrue((double)deadBlockOracle / trace.referenceCount() < target);
    }

    // LRU that never admits a block that is not read again and, with dropDead, drops a block at its last read.
    private static long oracleLru(final Trace trace, final int capacity, final boolean dropDead)
    {
        final LinkedHashMap<Long, Boolean> lru = new LinkedHashMap<>(16, 0.75f, true)
        {
            @Override
            protected boolean removeEldestEntry(final Map.Entry<Long, Boolean> eldest)
            {
                return size() > capacity;
            }
        };
        long hits = 0;
        for (int i = 0; i < trace.referenceCount(); i++)
        {
            final long id = trace.id(i);
            final boolean readAgain = trace.nextReference(i) >= 0;
            if (lru.get(id) != null)
            {
                hits++;
                if (dropDead && !readAgain)
                {
                    lru.remove(id);
                }
            }
            else if (readAgain)
            {
                lru.put(id, Boolean.TRUE);
            }
        }
        return hits;
    }
}
