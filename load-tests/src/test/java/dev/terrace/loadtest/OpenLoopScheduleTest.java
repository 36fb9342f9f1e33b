package dev.terrace.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OpenLoopScheduleTest
{
    @Test
    void arrivalsAreEvenlySpacedFromTheStart()
    {
        final OpenLoopSchedule schedule = new OpenLoopSchedule(1_000, 1_000);
        assertEquals(1_000, schedule.intendedStartNanos(0));
        assertEquals(1_001_000, schedule.intendedStartNanos(1));
        assertEquals(1_000 + 2_500_000_000L, schedule.intendedStartNanos(2_500));
    }

    @Test
    void fractionalIntervalsDoNotAccumulateRoundingError()
    {
        // 3 per second: 333,333,333.33 ns apart; the millionth arrival must be exactly 1e6/3 seconds in, floored.
        final OpenLoopSchedule schedule = new OpenLoopSchedule(0, 3);
        assertEquals(333_333_333L, schedule.intendedStartNanos(1));
        assertEquals(666_666_666L, schedule.intendedStartNanos(2));
        assertEquals(1_000_000_000L, schedule.intendedStartNanos(3));
        assertEquals(333_333_333_333_333L, schedule.intendedStartNanos(1_000_000), 1);
    }

    @Test
    void dueByCountsArrivalsAtOrBeforeNow()
    {
        final OpenLoopSchedule schedule = new OpenLoopSchedule(10_000, 1_000);
        assertEquals(0, schedule.dueBy(9_999));
        assertEquals(1, schedule.dueBy(10_000));
        assertEquals(1, schedule.dueBy(1_009_999));
        assertEquals(2, schedule.dueBy(1_010_000));
        assertEquals(1_001, schedule.dueBy(10_000 + 1_000_000_000L));
    }

    @Test
    void dueByAgreesWithIntendedStartsForAwkwardRates()
    {
        for (final double rate : new double[] {3, 7.5, 1_234.567, 999_999.9})
        {
            final OpenLoopSchedule schedule = new OpenLoopSchedule(-5_000, rate);
            for (long i = 0; i < 5_000; i += 7)
            {
                final long due = schedule.intendedStartNanos(i);
                assertEquals(i + 1, schedule.dueBy(due), "rate " + rate + " index " + i);
                if (i > 0 && schedule.intendedStartNanos(i - 1) < due)
                {
                    assertEquals(i, schedule.dueBy(due - 1), "rate " + rate + " just before index " + i);
                }
            }
        }
    }

    @Test
    void countWithinIsTheArrivalsStrictlyBeforeTheEnd()
    {
        final OpenLoopSchedule schedule = new OpenLoopSchedule(0, 100);
        assertEquals(100, schedule.countWithin(1_000_000_000L));
        assertEquals(101, schedule.countWithin(1_000_000_001L));
        assertEquals(0, schedule.countWithin(0));
    }

    @Test
    void latencyIsChargedFromTheIntendedStartNotTheActualOne()
    {
        final OpenLoopSchedule schedule = new OpenLoopSchedule(0, 1_000);
        // Operation 5 was due at 5 ms; a stalled worker only started it at 50 ms and finished at 50.1 ms.
        assertEquals(45_100_000, schedule.correctedLatencyNanos(5, 50_100_000));
        assertEquals(0, schedule.correctedLatencyNanos(5, 4_000_000), "never negative");
    }

    @Test
    void rejectsNonPositiveRates()
    {
        assertThrows(IllegalArgumentException.class, () -> new OpenLoopSchedule(0, 0));
        assertThrows(IllegalArgumentException.class, () -> new OpenLoopSchedule(0, -1));
        assertThrows(IllegalArgumentException.class, () -> new OpenLoopSchedule(0, Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> new OpenLoopSchedule(0, 1).intendedStartNanos(-1));
        assertTrue(new OpenLoopSchedule(0, 1e-3).intendedStartNanos(1) == 1_000_000_000_000L);
    }
}
