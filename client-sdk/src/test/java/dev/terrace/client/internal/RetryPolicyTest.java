package dev.terrace.client.internal;

import dev.terrace.client.NotFoundException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class RetryPolicyTest
{
    // With a fixed random of 0 every delay is exactly half its cap: 50, 100, 200 ms for base 100 ms.
    private final RetryPolicy policy =
        new RetryPolicy(3, new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), () -> 0.0));

    @Test
    void connectionFailuresAreRetriedOnTheBackoffScheduleUntilTheLimit()
    {
        final ConnectException refused = new ConnectException("refused");
        assertEquals(Duration.ofMillis(50), policy.afterFailure(refused, 0, true));
        assertEquals(Duration.ofMillis(100), policy.afterFailure(refused, 1, true));
        assertEquals(Duration.ofMillis(200), policy.afterFailure(refused, 2, true));
        assertNull(policy.afterFailure(refused, 3, true));
    }

    @Test
    void brokenConnectionsConnectTimeoutsAndDamagedBodiesAreRetried()
    {
        assertEquals(Duration.ofMillis(50), policy.afterFailure(new IOException("connection reset"), 0, true));
        assertEquals(Duration.ofMillis(50), policy.afterFailure(new HttpConnectTimeoutException("slow"), 0, true));
        assertEquals(Duration.ofMillis(50), policy.afterFailure(new ChecksumMismatchException(1, 2, 3), 0, true));
    }

    @Test
    void requestTimeoutsAndAnswersAreNotRetried()
    {
        assertNull(policy.afterFailure(new HttpTimeoutException("request timed out"), 0, true));
        assertNull(policy.afterFailure(new NotFoundException(404, "not_found", "gone"), 0, true));
        assertNull(policy.afterFailure(new IllegalStateException("bug"), 0, true));
    }

    @Test
    void aBodyThatCannotBeReplayedIsNeverRetried()
    {
        assertNull(policy.afterFailure(new ConnectException("refused"), 0, false));
        assertNull(policy.afterUnavailable(null, 0, false));
    }

    @Test
    void unavailableWaitsForTheLongerOfRetryAfterAndBackoff()
    {
        assertEquals(Duration.ofMillis(50), policy.afterUnavailable(null, 0, true));
        assertEquals(Duration.ofMillis(50), policy.afterUnavailable(Duration.ofMillis(10), 0, true));
        assertEquals(Duration.ofMillis(700), policy.afterUnavailable(Duration.ofMillis(700), 0, true));
        assertEquals(Duration.ofSeconds(1), policy.afterUnavailable(Duration.ofSeconds(1), 2, true));
        assertNull(policy.afterUnavailable(Duration.ofMillis(10), 3, true));
    }

    @Test
    void aRetryAfterBeyondTheBackoffMaximumEndsTheRetries()
    {
        assertNull(policy.afterUnavailable(Duration.ofMillis(1001), 0, true));
        assertNull(policy.afterUnavailable(Duration.ofHours(1), 0, true));
    }

    @Test
    void zeroRetriesMeansOneAttempt()
    {
        final RetryPolicy none = new RetryPolicy(0, new Backoff(Duration.ofMillis(1), Duration.ofMillis(1), () -> 0));
        assertNull(none.afterFailure(new ConnectException("refused"), 0, true));
        assertNull(none.afterUnavailable(null, 0, true));
    }
}
