package dev.terrace.node.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.terrace.node.store.StoreException;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.scaladsl.model.EntityStreamException;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletionException;

/**
 * JSON error responses: {@code {"error": code, "message": ...}}. Every non-2xx answer of the API is built here, so a
 * client always gets a machine-readable code and a sentence saying what was wrong.
 */
public final class HttpErrors
{
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(HttpErrors.class);

    private HttpErrors()
    {
    }

    /** A JSON error response. */
    public static HttpResponse error(final StatusCode status, final String code, final String message)
    {
        final ObjectNode body = JSON.createObjectNode().put("error", code).put("message", message);
        return HttpResponse.create()
            .withStatus(status)
            .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body.toString()));
    }

    static HttpResponse badRequest(final String code, final String message)
    {
        return error(StatusCodes.BAD_REQUEST, code, message);
    }

    static HttpResponse notFound(final String message)
    {
        return error(StatusCodes.NOT_FOUND, "not_found", message);
    }

    static HttpResponse tooLarge(final String message)
    {
        return error(StatusCodes.PAYLOAD_TOO_LARGE, "too_large", message);
    }

    /**
     * 429 with {@code Retry-After}: whole seconds, rounded up, at least 1.
     */
    static HttpResponse tooManyRequests(final String code, final String message, final long retryAfterNanos)
    {
        final long seconds = Math.max(1, (retryAfterNanos + 999_999_999L) / 1_000_000_000L);
        return error(StatusCodes.TOO_MANY_REQUESTS, code, message + "; retry after " + seconds + " s")
            .addHeader(RawHeader.create("Retry-After", Long.toString(seconds)));
    }

    /** Maps any failure of a request's work onto a response; only a bug becomes a 500. */
    static HttpResponse fromThrowable(final Throwable thrown)
    {
        Throwable t = thrown;
        while (t instanceof CompletionException && t.getCause() != null)
        {
            t = t.getCause();
        }
        if (t instanceof StoreException ex)
        {
            return switch (ex.reason())
            {
                case NOT_FOUND -> notFound(ex.getMessage());
                case TOO_LARGE -> tooLarge(ex.getMessage());
                case TRUNCATED -> badRequest("truncated_body", ex.getMessage());
                case INSUFFICIENT_STORAGE -> error(StatusCodes.INSUFFICIENT_STORAGE, "insufficient_storage", ex.getMessage());
                case UNAVAILABLE -> error(StatusCodes.SERVICE_UNAVAILABLE, "unavailable", ex.getMessage())
                    .addHeader(RawHeader.create("Retry-After", "1"));
            };
        }
        if (t instanceof IllegalArgumentException)
        {
            return badRequest("bad_request", t.getMessage());
        }
        if (t instanceof EntityStreamException ex)
        {
            // The client's body broke off (it closed the connection mid-body, or sent a bad chunk): its mistake.
            return badRequest("truncated_body", "the request body ended early: " + ex.info().summary());
        }
        LOG.error("internal error", t);
        return error(StatusCodes.INTERNAL_SERVER_ERROR, "internal", "internal error: " + t);
    }
}
