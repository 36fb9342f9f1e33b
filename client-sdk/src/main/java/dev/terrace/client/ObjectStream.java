package dev.terrace.client;

import java.io.FilterInputStream;
import java.io.InputStream;

/**
 * The body of a read as a stream, read straight off the connection, plus what the node said about it. The caller
 * must close it; closing early abandons the rest of the body (and the connection).
 * <p>
 * For a whole-object read the bytes are checked against the CRC32C in the ETag as they pass: a damaged body ends
 * with an {@link java.io.IOException} instead of end-of-stream.
 */
public final class ObjectStream extends FilterInputStream
{
    private final String etag;
    private final Tier tier;
    private final long contentLength;
    private final ContentRange contentRange;

    ObjectStream(
        final InputStream in, final String etag, final Tier tier, final long contentLength,
        final ContentRange contentRange)
    {
        super(in);
        this.etag = etag;
        this.tier = tier;
        this.contentLength = contentLength;
        this.contentRange = contentRange;
    }

    /** The entity tag of the whole object, without quotes; {@code null} when the node sent none. */
    public String etag()
    {
        return etag;
    }

    /** Where the first byte was read from; {@code null} when not reported. */
    public Tier tier()
    {
        return tier;
    }

    /** Bytes the stream will deliver, or {@code -1} when the node did not announce it. */
    public long contentLength()
    {
        return contentLength;
    }

    /** The part of the object this is, for a ranged read answered with 206; otherwise {@code null}. */
    public ContentRange contentRange()
    {
        return contentRange;
    }
}
