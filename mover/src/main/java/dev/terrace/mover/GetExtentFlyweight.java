package dev.terrace.mover;

/**
 * GET_EXTENT: asks a peer for bytes {@code [Offset, Offset + Length)} of the value under a key, sent from
 * {@code Resume From} bytes into that range. The peer answers on the reply address with a {@link PutExtentFlyweight}
 * flagged {@link PutExtentFlyweight#FLAG_REPLY} and then {@link ExtentChunkFlyweight}s, or with an
 * {@link ErrorFlyweight}. Re-sending the request with the same transfer id and a larger {@code Resume From} resumes a
 * transfer broken by a lost connection or a restarted peer.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------+---------------+-------------------------------+
 *  |  Version = 1  |   Type = 1    |           Flags = 0           |  0
 *  +---------------+---------------+-------------------------------+
 *  |                          Transfer Id                          |  4
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                     Offset (within the value)                 | 12
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                   Length (-1 = to the end)                    | 20
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                Resume From (offset within the range)          | 28
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |           Request block (see ExtentRequestFlyweight)         ... 36
 *  +---------------------------------------------------------------+
 * </pre>
 */
public final class GetExtentFlyweight extends ExtentRequestFlyweight
{
    public static final int OFFSET_OFFSET = 12;
    public static final int LENGTH_OFFSET = 20;
    public static final int RESUME_FROM_OFFSET = 28;
    public static final int BLOCK_OFFSET = 36;
    /** Length of a GET_EXTENT before its key and host. */
    public static final int FIXED_LENGTH = BLOCK_OFFSET + BLOCK_LENGTH;

    public GetExtentFlyweight()
    {
        super(BLOCK_OFFSET);
    }

    /** Offset within the value. */
    public long offset()
    {
        return getLong(OFFSET_OFFSET);
    }

    /** Bytes wanted, or -1 for "to the end". */
    public long length()
    {
        return getLong(LENGTH_OFFSET);
    }

    /** Where in the range to start sending (non-zero when resuming). */
    public long resumeFrom()
    {
        return getLong(RESUME_FROM_OFFSET);
    }

    /**
     * Encodes a complete GET_EXTENT.
     *
     * @return the encoded length.
     */
    public int encode(
        final long transferId,
        final String key,
        final long offset,
        final long length,
        final long resumeFrom,
        final int timeoutMs,
        final TransferClass transferClass,
        final ReplyMedia replyMedia,
        final String replyHost,
        final int replyPort,
        final int replyStreamId)
    {
        header(MessageType.GET_EXTENT, 0, transferId);
        putLong(OFFSET_OFFSET, offset);
        putLong(LENGTH_OFFSET, length);
        putLong(RESUME_FROM_OFFSET, resumeFrom);
        return encodeBlock(timeoutMs, replyMedia, replyHost, replyPort, replyStreamId, transferClass, key);
    }

    /** Checks the whole frame; {@link FrameRejection#NONE} when it may be acted on. */
    public FrameRejection validate()
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
        if (offset() < 0 || length() < -1 || length() == 0 || resumeFrom() < 0)
        {
            return FrameRejection.BAD_LENGTH;
        }
        return FrameRejection.NONE;
    }
}
