package dev.terrace.client.internal;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class RetryAfterTest
{
    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

    @Test
    void readsDeltaSeconds()
    {
        assertEquals(Duration.ofSeconds(1), RetryAfter.parse("1", NOW));
        assertEquals(Duration.ofSeconds(120), RetryAfter.parse(" 120 ", NOW));
        assertEquals(Duration.ZERO, RetryAfter.parse("0", NOW));
    }

    @Test
    void readsAnHttpDateRelativeToNow()
    {
        assertEquals(Duration.ofSeconds(55), RetryAfter.parse("Fri, 02 Jan 2026 03:05:00 GMT", NOW));
        assertEquals(Duration.ZERO, RetryAfter.parse("Fri, 02 Jan 2026 03:00:00 GMT", NOW));
    }

    @Test
    void absentOrUnreadableIsNull()
    {
        assertNull(RetryAfter.parse(null, NOW));
        assertNull(RetryAfter.parse("", NOW));
        assertNull(RetryAfter.parse("soon", NOW));
        assertNull(RetryAfter.parse("-5", NOW));
        assertNull(RetryAfter.parse("99999999999999999999999", NOW));
    }
}
