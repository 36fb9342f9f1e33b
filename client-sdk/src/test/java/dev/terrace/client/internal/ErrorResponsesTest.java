package dev.terrace.client.internal;

import dev.terrace.client.InsufficientStorageException;
import dev.terrace.client.InvalidRequestException;
import dev.terrace.client.NotFoundException;
import dev.terrace.client.PayloadTooLargeException;
import dev.terrace.client.ServiceUnavailableException;
import dev.terrace.client.TerraceException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ErrorResponsesTest
{
    private static byte[] utf8(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsCodeAndMessageOfTheJsonBody()
    {
        final ErrorResponses.ErrorBody body = ErrorResponses.parse(400,
            utf8("{\"error\":\"invalid_range\",\"message\":\"Range 'bytes=9-3': last byte before first byte\"}"),
            "GET /v1/objects/b/k");
        assertEquals("invalid_range", body.code());
        assertEquals("Range 'bytes=9-3': last byte before first byte", body.message());
    }

    @Test
    void ignoresUnknownFieldsAndToleratesAMissingMessage()
    {
        final ErrorResponses.ErrorBody body = ErrorResponses.parse(507,
            utf8("{\"error\":\"insufficient_storage\",\"tier\":\"flash\"}"), "PUT /v1/objects/b/k");
        assertEquals("insufficient_storage", body.code());
        assertEquals("HTTP 507 for PUT /v1/objects/b/k", body.message());
    }

    @Test
    void anEmptyBodyGetsTheCodeOfItsStatus()
    {
        final ErrorResponses.ErrorBody body = ErrorResponses.parse(404, new byte[0], "HEAD /v1/objects/b/k");
        assertEquals("not_found", body.code());
        assertEquals("HTTP 404 for HEAD /v1/objects/b/k", body.message());
    }

    @Test
    void aNonJsonBodyIsQuotedShortly()
    {
        final String html = "<html><body>" + "x".repeat(1000) + "</body></html>";
        final ErrorResponses.ErrorBody body = ErrorResponses.parse(502, utf8(html), "GET /v1/objects/b/k");
        assertEquals("http_502", body.code());
        assertTrue(body.message().startsWith("HTTP 502 for GET /v1/objects/b/k: <html><body>xxx"), body.message());
        assertTrue(body.message().length() < 300, body.message());
    }

    @Test
    void jsonWithoutAnErrorFieldIsTreatedAsText()
    {
        final ErrorResponses.ErrorBody body = ErrorResponses.parse(400, utf8("[1,2]"), "POST /x");
        assertEquals("bad_request", body.code());
        assertEquals("HTTP 400 for POST /x: [1,2]", body.message());
    }

    @ParameterizedTest
    @CsvSource({
        "400, invalid_name, InvalidRequestException",
        "411, length_required, InvalidRequestException",
        "416, range_not_satisfiable, InvalidRequestException",
        "499, truncated_body, InvalidRequestException",
        "404, not_found, NotFoundException",
        "413, too_large, PayloadTooLargeException",
        "503, unavailable, ServiceUnavailableException",
        "507, insufficient_storage, InsufficientStorageException",
        "405, method_not_allowed, TerraceException",
        "500, internal, TerraceException",
    })
    void eachStatusMapsToItsExceptionType(final int status, final String code, final String type)
    {
        final TerraceException error = ErrorResponses.toException(status,
            utf8("{\"error\":\"" + code + "\",\"message\":\"what happened\"}"), "GET /x", null);
        assertEquals(type, error.getClass().getSimpleName());
        assertEquals(status, error.status());
        assertEquals(code, error.errorCode());
        assertEquals("what happened", error.getMessage());
    }

    @Test
    void unavailableCarriesTheRequestedPause()
    {
        final TerraceException error = ErrorResponses.toException(503, new byte[0], "PUT /x", Duration.ofSeconds(7));
        assertSame(ServiceUnavailableException.class, error.getClass());
        assertEquals(Duration.ofSeconds(7), ((ServiceUnavailableException)error).retryAfter());
        assertEquals("unavailable", error.errorCode());
    }

    @Test
    void typedExceptionsShareTheBaseType()
    {
        assertTrue(TerraceException.class.isAssignableFrom(NotFoundException.class));
        assertTrue(TerraceException.class.isAssignableFrom(InvalidRequestException.class));
        assertTrue(TerraceException.class.isAssignableFrom(PayloadTooLargeException.class));
        assertTrue(TerraceException.class.isAssignableFrom(InsufficientStorageException.class));
        assertTrue(RuntimeException.class.isAssignableFrom(TerraceException.class));
    }
}
