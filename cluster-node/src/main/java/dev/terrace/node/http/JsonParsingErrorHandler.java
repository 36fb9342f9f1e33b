package dev.terrace.node.http;

import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.ParsingErrorHandler;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.scaladsl.model.ErrorInfo;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;

/**
 * Answers requests too malformed to reach the routes (a bad request line, an unknown method, an overlong URI or
 * header, a bad {@code Content-Length} or chunk) in the API's JSON error format. Pekko answers an unknown method or
 * transfer coding with 501 and an unknown protocol version with 505; all are the client's mistake here, so they become
 * 405 (methods) and 400: a 5xx from this node always means the node (or a tier behind it) failed. Configured as
 * {@code pekko.http.server.parsing.error-handler}; Pekko creates it by reflection.
 */
public final class JsonParsingErrorHandler extends ParsingErrorHandler
{
    private static final int NOT_IMPLEMENTED = 501;
    private static final int VERSION_NOT_SUPPORTED = 505;

    @Override
    public HttpResponse handle(
        final org.apache.pekko.http.scaladsl.model.StatusCode status,
        final ErrorInfo info,
        final LoggingAdapter log,
        final ServerSettings settings)
    {
        final String message = info.summary().isEmpty() ? status.reason() : info.summary();
        if (log.isDebugEnabled())
        {
            log.debug("refused a malformed request ({}): {}", status.intValue(), info.formatPretty());
        }
        final int code = status.intValue();
        if (code == NOT_IMPLEMENTED && message.toLowerCase(java.util.Locale.ROOT).contains("method"))
        {
            return HttpErrors.error(StatusCodes.METHOD_NOT_ALLOWED, "method_not_allowed", message);
        }
        if (code == VERSION_NOT_SUPPORTED || code >= 500)
        {
            return HttpErrors.badRequest("bad_request", message);
        }
        return HttpErrors.error(status, errorCode(status), message);
    }

    private static String errorCode(final StatusCode status)
    {
        return switch (status.intValue())
        {
            case 413 -> "too_large";
            case 414 -> "uri_too_long";
            case 431 -> "headers_too_large";
            case 417 -> "expectation_failed";
            default -> "bad_request";
        };
    }
}
