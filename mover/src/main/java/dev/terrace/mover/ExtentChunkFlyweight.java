package dev.terrace.mover;

import org.agrona.DirectBuffer;

/**
 * EXTENT_CHUNK: {@code Length} bytes of an extent starting at {@code Offset}. Chunks of one transfer are sent in
 * offset order; a receiver accepts only the chunk at its contiguous received offset, so duplicates and gaps after a
 * reconnection are dropped and the transfer resynchronises through an {@link AckFlyweight} or a resent
 * {@link GetExtentFlyweight}.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------+---------------+-------------------------------+
 *  |  Version = 1  |   Type = 3    |           Flags = 0           |  0
 *  +---------------+---------------+-------------------------------+
 *  |                          Transfer Id                          |  4
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                      Offset in the extent                     | 12
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                        Payload Length                         | 20
 *  +---------------------------------------------------------------+
 *  |                   Payload (Payload Length bytes)             ... 24
 *  +---------------------------------------------------------------+
 * </pre>
 * The sender writes this header from a small buffer and the payload straight from the extent (a two-part
 * {@code Publication.offer}), so no chunk is copied before it reaches the term buffer.
 */
public final class ExtentChunkFlyweight extends MessageFlyweight
{
    public static final int OFFSET_OFFSET = 12;
    public static final int PAYLOAD_LENGTH_OFFSET = 20;
    public static final int PAYLOAD_OFFSET = 24;
    /** Length of the chunk header before the payload. */
    public static final int HEADER_LENGTH = PAYLOAD_OFFSET;

    /** Offset of the payload within the extent. */
    public long chunkOffset()
    {
        return getLong(OFFSET_OFFSET);
    }

    /** Payload length in bytes. */
    public int payloadLength()
    {
        return getInt(PAYLOAD_LENGTH_OFFSET);
    }

    /** Index of the payload within the wrapped region. */
    public int payloadIndex()
    {
        return PAYLOAD_OFFSET;
    }

    /**
     * Encodes the chunk header only (the payload is offered separately).
     *
     * @return {@link #HEADER_LENGTH}.
     */
    public int encodeHeader(final long transferId, final long chunkOffset, final int payloadLength)
    {
        header(MessageType.EXTENT_CHUNK, 0, transferId);
        putLong(OFFSET_OFFSET, chunkOffset);
        putInt(PAYLOAD_LENGTH_OFFSET, payloadLength);
        return HEADER_LENGTH;
    }

    /** Encodes a header and copies the payload after it; used by tests and simple peers. */
    public int encode(
        final long transferId,
        final long chunkOffset,
        final DirectBuffer payload,
        final int payloadOffset,
        final int payloadLength)
    {
        encodeHeader(transferId, chunkOffset, payloadLength);
        putBytes(PAYLOAD_OFFSET, payload, payloadOffset, payloadLength);
        return HEADER_LENGTH + payloadLength;
    }

    /**
     * Checks the whole frame; {@link FrameRejection#NONE} when it may be acted on.
     *
     * @param maxPayloadLength the largest chunk payload this node accepts.
     */
    public FrameRejection validate(final int maxPayloadLength)
    {
        final FrameRejection header = validateHeader();
        if (header != FrameRejection.NONE)
        {
            return header;
        }
        if (capacity() < HEADER_LENGTH)
        {
            return FrameRejection.SHORT_FRAME;
        }
        final int payloadLength = payloadLength();
        if (payloadLength > maxPayloadLength)
        {
            return FrameRejection.OVERSIZED;
        }
        if (payloadLength <= 0 || chunkOffset() < 0 || HEADER_LENGTH + payloadLength != capacity())
        {
            return FrameRejection.BAD_LENGTH;
        }
        return FrameRejection.NONE;
    }
}
