package dev.terrace.client.internal;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackoffTest
{
    private static final Duration BASE = Duration.ofMillis(50);
    private static final Duration MAX = Duration.ofSeconds(2);

    @Test
    void capDoublesPerRetryUntilTheMaximum()
    {
        final Backoff backoff = new Backoff(BASE, MAX, () -> 0.5);
        assertEquals(50_000_000L, backoff.capNanos(0));
        assertEquals(100_000_000L, backoff.capNanos(1));
        assertEquals(200_000_000L, backoff.capNanos(2));
        assertEquals(1_600_000_000L, backoff.capNanos(5));
        assertEquals(2_000_000_000L, backoff.capNanos(6));
        assertEquals(2_000_000_000L, backoff.capNanos(40));
        assertEquals(2_000_000_000L, backoff.capNanos(63));
        assertEquals(2_000_000_000L, backoff.capNanos(Integer.MAX_VALUE));
    }

    @Test
    void jitterSpansTheUpperHalfOfTheCap()
    {
        assertEquals(Duration.ofMillis(100), new Backoff(BASE, MAX, () -> 0.0).delay(2));
        assertEquals(Duration.ofMillis(150), new Backoff(BASE, MAX, () -> 0.5).delay(2));
        final Duration nearTop = new Backoff(BASE, MAX, () -> 0.999_999).delay(2);
        assertTrue(nearTop.compareTo(Duration.ofMillis(199)) > 0 && nearTop.compareTo(Duration.ofMillis(200)) <= 0,
            nearTop.toString());
    }

    @Test
    void randomDelaysStayWithinBoundsForEveryRetry()
    {
        final Backoff backoff = new Backoff(BASE, MAX, () -> java.util.concurrent.ThreadLocalRandom.current()
            .nextDouble());
        for (int retry = 0; retry < 20; retry++)
        {
            final long cap = backoff.capNanos(retry);
            for (int i = 0; i < 200; i++)
            {
                final long delay = backoff.delay(retry).toNanos();
                assertTrue(delay >= cap / 2 && delay <= cap, "retry " + retry + ": " + delay + " vs cap " + cap);
            }
        }
    }

    @Test
    void rejectsAnInvertedOrEmptyRange()
    {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ZERO, MAX, () -> 0));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(MAX, BASE, () -> 0));
    }
}
