package dev.terrace.mover;

/**
 * PUT_EXTENT: announces an extent of {@code Total Length} bytes whose CRC32C is {@code CRC32C}; its bytes follow as
 * {@link ExtentChunkFlyweight}s with the same transfer id.
 * <ul>
 *   <li>Without {@link #FLAG_REPLY} it asks the peer to store the extent under the key. The peer answers with an
 *   {@link AckFlyweight} carrying the offset it already holds (0 for a new transfer, more when resuming), and the
 *   sender streams from there. Re-sending it with the same transfer id is how a sender resumes.</li>
 *   <li>With {@link #FLAG_REPLY} it is the answer to a {@link GetExtentFlyweight}; chunks follow at once, from the
 *   request's {@code Resume From}.</li>
 * </ul>
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------+---------------+-------------------------------+
 *  |  Version = 1  |   Type = 2    |         Flags (REPLY=1)       |  0
 *  +---------------+---------------+-------------------------------+
 *  |                          Transfer Id                          |  4
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                         Total Length                          | 12
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                     CRC32C of the extent                      | 20
 *  +---------------------------------------------------------------+
 *  |           Request block (see ExtentRequestFlyweight)         ... 24
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class PutExtentFlyweight extends ExtentRequestFlyweight
{
    /** Set when this PUT_EXTENT answers a GET_EXTENT. */
    public static final int FLAG_REPLY = 0x1;

    public static final int TOTAL_LENGTH_OFFSET = 12;
    public static final int CRC_OFFSET = 20;
    public static final int BLOCK_OFFSET = 24;
    /** Length of a PUT_EXTENT before its key and host. */
    public static final int FIXED_LENGTH = BLOCK_OFFSET + BLOCK_LENGTH;

    public PutExtentFlyweight()
    {
        super(BLOCK_OFFSET);
    }

    /** The extent's length in bytes. */
    public long totalLength()
    {
        return getLong(TOTAL_LENGTH_OFFSET);
    }

    /** CRC32C of all the extent's bytes. */
    public int crc32c()
    {
        return getInt(CRC_OFFSET);
    }

    /**
     * Encodes a complete PUT_EXTENT.
     *
     * @return the encoded length.
     */
    public int encode(
        final long transferId,
        final int flags,
        final String key,
        final long totalLength,
        final int crc32c,
        final int timeoutMs,
        final TransferClass transferClass,
        final ReplyMedia replyMedia,
        final String replyHost,
        final int replyPort,
        final int replyStreamId)
    {
        header(MessageType.PUT_EXTENT, flags, transferId);
        putLong(TOTAL_LENGTH_OFFSET, totalLength);
        putInt(CRC_OFFSET, crc32c);
        return encodeBlock(timeoutMs, replyMedia, replyHost, replyPort, replyStreamId, transferClass, key);
    }

    /**
     * Checks the whole frame; {@link FrameRejection#NONE} when it may be acted on.
     *
     * @param maxExtentLength the largest extent this node accepts.
     */
    public FrameRejection validate(final long maxExtentLength)
    {
        final FrameRejection header = validateHeader();
        if (header != FrameRejection.NONE)
        {
            return header;
        }
        final FrameRejection block = validateBlock();
        if (block != FrameRejection.NONE)
        {
            return block;
        }
        final long totalLength = totalLength();
        if (totalLength < 0)
        {
            return FrameRejection.BAD_LENGTH;
        }
        if (totalLength > maxExtentLength)
        {
            return FrameRejection.OVERSIZED;
        }
        return FrameRejection.NONE;
    }
}
