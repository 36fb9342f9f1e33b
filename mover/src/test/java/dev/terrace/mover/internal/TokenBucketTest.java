package dev.terrace.mover.internal;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenBucketTest
{
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void debtDelaysTheNextCallerByExactlyTheOvershoot()
    {
        final TokenBucket bucket = new TokenBucket(1000, 100, 0);
        assertTrue(bucket.hasTokens(0));
        bucket.consume(600);
        assertEquals(-500, bucket.tokens(0), 1e-9);
        assertFalse(bucket.hasTokens(SECOND / 2));
        assertEquals(SECOND / 1000, bucket.nanosUntilTokens(SECOND / 2));
        assertTrue(bucket.hasTokens(SECOND / 2 + SECOND / 1000 + 1));
    }

    @Test
    void refillStopsAtTheBurst()
    {
        final TokenBucket bucket = new TokenBucket(1000, 100, 0);
        assertEquals(100, bucket.tokens(100 * SECOND), 1e-9);
        bucket.consume(30);
        bucket.refund(1000);
        assertEquals(100, bucket.tokens(100 * SECOND), 1e-9);
    }

    @Test
    void unlimitedNeverRefuses()
    {
        final TokenBucket bucket = new TokenBucket(Long.MAX_VALUE, Long.MAX_VALUE, 0);
        bucket.consume(Long.MAX_VALUE);
        assertTrue(bucket.hasTokens(0));
        assertTrue(bucket.isUnlimited());
        assertEquals(0, bucket.nanosUntilTokens(0));
        assertThrows(IllegalArgumentException.class, () -> new TokenBucket(0, 1, 0));
    }
}
