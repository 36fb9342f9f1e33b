package dev.terrace.client.internal;

import java.util.concurrent.CompletableFuture;

/**
 * Sends one request attempt and delivers its answer. Retries, endpoint choice, error mapping and name validation
 * live above this interface, so another transport (the Aeron data plane) can carry the same operations.
 * <p>
 * The returned future completes normally for every HTTP answer, whatever its status, and exceptionally only when no
 * complete answer arrived (connection failure, timeout, damaged body). Implementations are thread-safe.
 */
public interface HttpTransport extends AutoCloseable
{
    /**
     * Sends {@code request}; a 2xx body goes to {@code sink}, any other body is returned raw.
     *
     * @param <T> what the sink makes of the body.
     */
    <T> CompletableFuture<TransportResponse<T>> exchange(TransportRequest request, ResponseSink<T> sink);

    /** Releases the transport's resources; requests in flight may still complete. */
    @Override
    void close();
}
