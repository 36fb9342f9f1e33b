package dev.terrace.client.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.terrace.client.InsufficientStorageException;
import dev.terrace.client.InvalidRequestException;
import dev.terrace.client.NotFoundException;
import dev.terrace.client.PayloadTooLargeException;
import dev.terrace.client.ServiceUnavailableException;
import dev.terrace.client.TerraceException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Turns a non-2xx answer into the typed exception for its status, with the code and message of the node's JSON
 * error body ({@code {"error": code, "message": ...}}). A body that is not that JSON (a proxy's HTML page, a HEAD
 * answer with no body) still yields the right type, with a code derived from the status.
 */
public final class ErrorResponses
{
    /** How much of a non-JSON body is quoted in the message. */
    static final int MAX_QUOTED_CHARS = 200;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ErrorResponses()
    {
    }

    /** The code and message of an error body. */
    public record ErrorBody(String code, String message)
    {
    }

    /**
     * Reads an error body. Never fails: missing fields fall back to a code for {@code status} and a message naming
     * the request.
     */
    public static ErrorBody parse(final int status, final byte[] body, final String requestLine)
    {
        final String fallbackCode = defaultCode(status);
        final String fallbackMessage = "HTTP " + status + " for " + requestLine;
        if (body == null || body.length == 0)
        {
            return new ErrorBody(fallbackCode, fallbackMessage);
        }
        try
        {
            final JsonNode root = MAPPER.readTree(body);
            if (root != null && root.isObject())
            {
                final JsonNode code = root.get("error");
                final JsonNode message = root.get("message");
                if (code != null && code.isTextual())
                {
                    return new ErrorBody(
                        code.asText(),
                        message != null && message.isTextual() ? message.asText() : fallbackMessage);
                }
            }
        }
        catch (final IOException ex)
        {
            // Not JSON: quote the start of it below.
        }
        final String text = new String(body, StandardCharsets.UTF_8).strip();
        final String quoted = text.length() > MAX_QUOTED_CHARS ? text.substring(0, MAX_QUOTED_CHARS) + "..." : text;
        return new ErrorBody(fallbackCode, fallbackMessage + ": " + quoted);
    }

    /**
     * The exception for an error answer.
     *
     * @param retryAfter the parsed {@code Retry-After}, or {@code null}.
     */
    public static TerraceException toException(
        final int status, final byte[] body, final String requestLine, final Duration retryAfter)
    {
        final ErrorBody error = parse(status, body, requestLine);
        switch (status)
        {
            case 400:
            case 411:
            case 416:
            case 499:
                return new InvalidRequestException(status, error.code(), error.message());
            case 404:
                return new NotFoundException(status, error.code(), error.message());
            case 413:
                return new PayloadTooLargeException(status, error.code(), error.message());
            case 503:
                return new ServiceUnavailableException(status, error.code(), error.message(), retryAfter);
            case 507:
                return new InsufficientStorageException(status, error.code(), error.message());
            default:
                return new TerraceException(status, error.code(), error.message());
        }
    }

    /** The code the node uses for {@code status}, for answers that carry none. */
    static String defaultCode(final int status)
    {
        switch (status)
        {
            case 400:
                return "bad_request";
            case 404:
                return "not_found";
            case 405:
                return "method_not_allowed";
            case 411:
                return "length_required";
            case 413:
                return "too_large";
            case 416:
                return "range_not_satisfiable";
            case 499:
                return "truncated_body";
            case 503:
                return "unavailable";
            case 507:
                return "insufficient_storage";
            case 500:
                return "internal";
            default:
                return "http_" + status;
        }
    }
}
