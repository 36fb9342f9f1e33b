package dev.terrace.mover;

/**
 * ACK: the receiver of an extent holds its bytes {@code [0, Acknowledged Offset)}. Sent in answer to a
 * {@link PutExtentFlyweight} (the offset to stream from), every ack interval while chunks arrive (the offset to
 * resume from if the connection breaks), and with {@link #FLAG_COMPLETE} once the whole extent passed its CRC32C
 * check and was stored or handed to the caller. {@link #FLAG_RESYNC} asks the sender to rewind to the offset after
 * the receiver saw a gap.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------+---------------+-------------------------------+
 *  |  Version = 1  |   Type = 4    |  Flags (COMPLETE=1, RESYNC=2) |  0
 *  +---------------+---------------+-------------------------------+
 *  |                          Transfer Id                          |  4
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                     Acknowledged Offset                       | 12
 *  |                                                               |
 *  +---------------------------------------------------------------+  20
 * </pre>
 */
public final class AckFlyweight extends MessageFlyweight
{
    /** The extent was verified and stored (or handed over); the transfer is done. */
    public static final int FLAG_COMPLETE = 0x1;
    /** The receiver saw a gap: rewind to the acknowledged offset. */
    public static final int FLAG_RESYNC = 0x2;

    public static final int ACKED_OFFSET_OFFSET = 12;
    /** Length of an ACK. */
    public static final int LENGTH = 20;

    /** Bytes the receiver holds from the start of the extent. */
    public long ackedOffset()
    {
        return getLong(ACKED_OFFSET_OFFSET);
    }

    /**
     * Encodes an ACK.
     *
     * @return {@link #LENGTH}.
     */
    public int encode(final long transferId, final int flags, final long ackedOffset)
    {
        header(MessageType.ACK, flags, transferId);
        putLong(ACKED_OFFSET_OFFSET, ackedOffset);
        return LENGTH;
    }

    /** Checks the whole frame; {@link FrameRejection#NONE} when it may be acted on. */
    public FrameRejection validate()
    {
        final FrameRejection header = validateHeader();
        if (header != FrameRejection.NONE)
        {
            return header;
        }
        if (capacity() < LENGTH)
        {
            return FrameRejection.SHORT_FRAME;
        }
        if (capacity() != LENGTH || ackedOffset() < 0)
        {
            return FrameRejection.BAD_LENGTH;
        }
        return FrameRejection.NONE;
    }
}
