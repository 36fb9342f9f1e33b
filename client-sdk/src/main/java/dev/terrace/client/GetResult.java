package dev.terrace.client;

/**
 * The body of a read together with what the node said about it.
 *
 * @param body          the bytes read: a {@code byte[]}, a {@code ByteBuffer} (positioned at 0, limited to the bytes
 *                      read) or the {@code Path} they were written to.
 * @param etag          the entity tag of the whole object, without quotes; {@code null} when the node sent none.
 * @param tier          where the first byte was read from ({@code X-Terrace-Tier}); {@code null} when not reported.
 * @param contentLength number of bytes in {@code body}.
 * @param contentRange  the part of the object the body is, for a ranged read answered with 206; otherwise
 *                      {@code null} (the body is the whole object).
 * @param <T>           the body type.
 */
public record GetResult<T>(T body, String etag, Tier tier, long contentLength, ContentRange contentRange)
{
    /** Size of the whole object, or {@code -1} when a ranged answer did not say. */
    public long objectSize()
    {
        return contentRange == null ? contentLength : contentRange.objectSize();
    }
}
