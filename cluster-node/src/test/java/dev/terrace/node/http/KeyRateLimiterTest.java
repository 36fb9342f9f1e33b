package dev.terrace.node.http;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The per-key token buckets, on a clock the test moves: burst, refill, the wait a refused request is told, keys kept
 * apart, and a table that stays the same size however many keys arrive.
 */
class KeyRateLimiterTest
{
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Test
    void aKeyGetsItsBurstThenTheRate()
    {
        final KeyRateLimiter limiter = new KeyRateLimiter(10, 5, 1024, now::get);
        for (int i = 0; i < 5; i++)
        {
            assertEquals(0, limiter.acquire("o/b/k"), "request " + i + " is within the burst");
        }
        final long wait = limiter.acquire("o/b/k");
        assertEquals(TimeUnit.MILLISECONDS.toNanos(100), wait, "one token every 100 ms at 10 per second");
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(40));
        assertEquals(TimeUnit.MILLISECONDS.toNanos(60), limiter.acquire("o/b/k"));
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(60));
        assertEquals(0, limiter.acquire("o/b/k"));
        assertTrue(limiter.acquire("o/b/k") > 0);
        // A second later the bucket holds 5 again (never more than the burst).
        now.addAndGet(TimeUnit.SECONDS.toNanos(10));
        for (int i = 0; i < 5; i++)
        {
            assertEquals(0, limiter.acquire("o/b/k"));
        }
        assertTrue(limiter.acquire("o/b/k") > 0);
    }

    @Test
    void keysAreLimitedApart()
    {
        final KeyRateLimiter limiter = new KeyRateLimiter(1, 2, 1024, now::get);
        assertEquals(0, limiter.acquire("o/b/hot"));
        assertEquals(0, limiter.acquire("o/b/hot"));
        assertTrue(limiter.acquire("o/b/hot") > 0);
        for (int i = 0; i < 100; i++)
        {
            assertEquals(0, limiter.acquire("o/b/other-" + i), "a key that made no requests is never limited");
        }
        assertTrue(limiter.acquire("o/b/hot") > 0, "other keys did not refill the hot key's bucket");
    }

    @Test
    void theTableStaysBoundedAndIdleKeysGiveTheirSlotsBack()
    {
        final KeyRateLimiter limiter = new KeyRateLimiter(100, 1, 64, now::get);
        assertEquals(64, limiter.capacity());
        // Far more keys than slots, each limited right after its request: some keys find no free slot and go
        // unlimited, but none is throttled for another key's traffic and the table does not grow.
        int limited = 0;
        for (int i = 0; i < 10_000; i++)
        {
            assertEquals(0, limiter.acquire("k/ns/" + i), "first request of key " + i);
            limited += limiter.acquire("k/ns/" + i) > 0 ? 1 : 0;
        }
        assertEquals(64, limiter.capacity());
        assertTrue(limited > 0, "keys that found a slot are limited");
        // Once the buckets refill, every key gets a slot again and is limited as before.
        now.addAndGet(TimeUnit.SECONDS.toNanos(1));
        assertEquals(0, limiter.acquire("o/b/late"));
        assertTrue(limiter.acquire("o/b/late") > 0);
    }

    @Test
    void aZeroRateTurnsLimitingOff()
    {
        final KeyRateLimiter limiter = new KeyRateLimiter(0, 1, 1024, now::get);
        assertTrue(limiter.disabled());
        for (int i = 0; i < 1000; i++)
        {
            assertEquals(0, limiter.acquire("o/b/k"));
        }
        assertEquals(0, limiter.capacity(), "nothing is allocated when limiting is off");
    }
}
