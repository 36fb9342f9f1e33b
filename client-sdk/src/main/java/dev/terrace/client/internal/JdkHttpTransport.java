package dev.terrace.client.internal;

import dev.terrace.client.TerraceException;
import dev.terrace.client.TerraceIOException;

import java.io.FileNotFoundException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.BodySubscribers;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * {@link HttpTransport} over the JDK's {@link HttpClient}, HTTP/1.1. Bodies are streamed in both directions:
 * files and streams go out through publishers with a fixed length, and answers go straight into the sink's
 * subscriber.
 */
public final class JdkHttpTransport implements HttpTransport
{
    private static final String USER_AGENT = "terrace-java-sdk/1";

    private final HttpClient client;
    private final boolean verifyChecksums;

    /**
     * @param connectTimeout  time allowed to open a connection.
     * @param executor        runs the client's callbacks; {@code null} for the JDK's default pool.
     * @param verifyChecksums check whole-object bodies against the CRC32C in their ETag.
     */
    public JdkHttpTransport(final Duration connectTimeout, final Executor executor, final boolean verifyChecksums)
    {
        final HttpClient.Builder builder = HttpClient.newBuilder()
            // HTTP/1.1: no h2c upgrade dance on plain http, and one request per connection keeps streaming simple.
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(connectTimeout);
        if (executor != null)
        {
            builder.executor(executor);
        }
        this.client = builder.build();
        this.verifyChecksums = verifyChecksums;
    }

    @Override
    public <T> CompletableFuture<TransportResponse<T>> exchange(
        final TransportRequest request, final ResponseSink<T> sink)
    {
        final HttpRequest httpRequest;
        try
        {
            httpRequest = toHttpRequest(request);
        }
        catch (final TerraceException ex)
        {
            return CompletableFuture.failedFuture(ex);
        }
        return client.sendAsync(httpRequest, info -> subscriberFor(info, sink))
            .thenApply(response -> toTransportResponse(response));
    }

    @Override
    public void close()
    {
        // The JDK 17 client has no close(); its selector thread ends once the client is unreachable.
    }

    private <T> BodySubscriber<Received<T>> subscriberFor(
        final HttpResponse.ResponseInfo info, final ResponseSink<T> sink)
    {
        final int status = info.statusCode();
        if (status < 200 || status >= 300)
        {
            return BodySubscribers.mapping(BodySubscribers.ofByteArray(), Received::error);
        }
        final long contentLength = info.headers().firstValueAsLong("Content-Length").orElse(-1);
        final long expectedCrc = verifyChecksums && status == 200 ?
            Etag.expectedCrc(info.headers().firstValue("ETag").orElse(null), contentLength) : Etag.NO_CRC;
        return BodySubscribers.mapping(sink.newSubscriber(contentLength, expectedCrc), Received::body);
    }

    private static <T> TransportResponse<T> toTransportResponse(final HttpResponse<Received<T>> response)
    {
        final Received<T> received = response.body();
        return new TransportResponse<>(
            response.statusCode(),
            new ResponseHeaders(response.headers().map()),
            received == null ? null : received.body(),
            received == null ? new byte[0] : received.errorBody());
    }

    private static HttpRequest toHttpRequest(final TransportRequest request)
    {
        final HttpRequest.Builder builder = HttpRequest.newBuilder(request.uri())
            .timeout(request.timeout())
            // No Expect: 100-continue: the JDK 17 client hangs when the answer is a final status instead of 100
            // (JDK-8286171). Without it, an early 413 or 507 still reaches the caller and ends the upload.
            .header("User-Agent", USER_AGENT)
            .method(request.method(), publisherFor(request.body()));
        request.headers().forEach(builder::header);
        return builder.build();
    }

    private static BodyPublisher publisherFor(final RequestBody body)
    {
        if (body.length() == 0 && !(body instanceof RequestBody.File))
        {
            return BodyPublishers.noBody();
        }
        if (body instanceof RequestBody.Bytes)
        {
            final RequestBody.Bytes bytes = (RequestBody.Bytes)body;
            return BodyPublishers.ofByteArray(bytes.array(), bytes.offset(), bytes.count());
        }
        if (body instanceof RequestBody.Buffer)
        {
            final ByteBuffer view = ((RequestBody.Buffer)body).view();
            return BodyPublishers.fromPublisher(new ByteBufferPublisher(view), view.remaining());
        }
        if (body instanceof RequestBody.File)
        {
            final RequestBody.File file = (RequestBody.File)body;
            try
            {
                return BodyPublishers.ofFile(file.path());
            }
            catch (final FileNotFoundException ex)
            {
                throw new TerraceIOException(TerraceException.NO_STATUS, "io",
                    "cannot read " + file.path() + ": " + ex.getMessage(), ex);
            }
        }
        if (body instanceof RequestBody.Stream)
        {
            final RequestBody.Stream stream = (RequestBody.Stream)body;
            return BodyPublishers.fromPublisher(
                BodyPublishers.ofInputStream(stream::input), stream.length());
        }
        return BodyPublishers.noBody();
    }

    /** A 2xx body or an error body, so one handler can serve both. */
    private record Received<T>(T body, byte[] errorBody)
    {
        static <T> Received<T> body(final T body)
        {
            return new Received<>(body, null);
        }

        static <T> Received<T> error(final byte[] errorBody)
        {
            return new Received<>(null, errorBody);
        }
    }
}
