package dev.terrace.client.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Reads a {@code Retry-After} header: delta-seconds ({@code 120}) or an HTTP-date
 * ({@code Fri, 31 Dec 1999 23:59:59 GMT}).
 */
public final class RetryAfter
{
    private RetryAfter()
    {
    }

    /**
     * The wait the header asks for, relative to {@code now}; {@code null} when absent or unreadable. A date in the
     * past is a wait of zero.
     */
    public static Duration parse(final String header, final Instant now)
    {
        if (header == null)
        {
            return null;
        }
        final String value = header.trim();
        if (value.isEmpty())
        {
            return null;
        }
        if (value.chars().allMatch(c -> c >= '0' && c <= '9'))
        {
            try
            {
                return Duration.ofSeconds(Long.parseLong(value));
            }
            catch (final NumberFormatException ex)
            {
                return null;
            }
        }
        try
        {
            final Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            final Duration wait = Duration.between(now, at);
            return wait.isNegative() ? Duration.ZERO : wait;
        }
        catch (final DateTimeParseException ex)
        {
            return null;
        }
    }
}
