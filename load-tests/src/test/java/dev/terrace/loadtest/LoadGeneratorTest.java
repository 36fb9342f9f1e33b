package dev.terrace.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class LoadGeneratorTest
{
    @Test
    void openLoopChargesAStallToEveryOperationQueuedBehindIt() throws InterruptedException
    {
        // 1000/s for 1.5 s on one worker; operation 0 stalls 100 ms. About 100 arrivals queue behind it: their
        // corrected latency includes the wait, while their service time stays tiny. The run is long enough that a
        // stall stretched several times by a busy machine still ends well before it.
        final LoadResult result = LoadGenerator.openLoop(1_000, Duration.ofMillis(1_500), 1, 1,
            (index, random) ->
            {
                if (index == 0)
                {
                    Thread.sleep(100);
                }
            });
        assertEquals(1_500, result.operations() + result.missed(), "every arrival is either run or counted as missed");
        assertEquals(0, result.errors());
        assertTrue(result.latency().getMaxValue() >= TimeUnit.MILLISECONDS.toNanos(95),
            "the stalled operation's latency: " + result.summary());
        // Arrivals during the stall wait between 0 and 100 ms, so about 90 of them wait 10 ms or more.
        final long chargedForTheStall = result.latency().getCountBetweenValues(
            TimeUnit.MILLISECONDS.toNanos(10), result.latency().getMaxValue());
        assertTrue(chargedForTheStall >= 50,
            chargedForTheStall + " operations charged for the stall: " + result.summary());
        // Only the stalled operation was itself slow (a few more may be descheduled on a busy machine).
        final long slowService = result.serviceTime().getCountBetweenValues(
            TimeUnit.MILLISECONDS.toNanos(10), result.serviceTime().getMaxValue());
        assertTrue(slowService >= 1 && slowService <= 10 + result.operations() / 50,
            slowService + " slow operations: " + result.summary());
        assertTrue(result.serviceTime().getValueAtPercentile(50) < TimeUnit.MILLISECONDS.toNanos(5),
            "service time excludes the queueing: " + result.summary());
    }

    @Test
    void closedLoopRunsBackToBackAndCountsErrors() throws InterruptedException
    {
        final AtomicLong calls = new AtomicLong();
        final LoadResult result = LoadGenerator.closedLoop(2, Duration.ofMillis(1_000), 7, (index, random) ->
        {
            calls.incrementAndGet();
            if (index % 10 == 0)
            {
                throw new IllegalStateException("planned failure " + index);
            }
            Thread.sleep(1);
        });
        assertEquals(calls.get(), result.operations());
        assertTrue(result.operations() > 20, result.summary());
        assertTrue(result.errors() > 0 && result.errors() <= result.operations() / 10 + 2, result.summary());
        assertTrue(result.firstError().contains("planned failure"), result.firstError());
        assertEquals(0, result.missed());
        assertTrue(result.throughputPerSecond() > 0);
    }
}
