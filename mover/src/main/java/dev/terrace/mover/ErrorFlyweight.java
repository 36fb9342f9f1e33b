package dev.terrace.mover;

import java.nio.charset.StandardCharsets;

/**
 * ERROR: the transfer failed or was refused; both sides drop its state. {@code Code} is a
 * {@link MoverErrorCode#value()}; the message is for logs and people.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------+---------------+-------------------------------+
 *  |  Version = 1  |   Type = 5    |           Flags = 0           |  0
 *  +---------------+---------------+-------------------------------+
 *  |                          Transfer Id                          |  4
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                             Code                              | 12
 *  +-------------------------------+-------------------------------+
 *  |        Message Length         |   Message (UTF-8)            ... 16
 *  +-------------------------------+-------------------------------+
 * </pre>
 */
public final class ErrorFlyweight extends MessageFlyweight
{
    public static final int CODE_OFFSET = 12;
    public static final int MESSAGE_LENGTH_OFFSET = 16;
    public static final int MESSAGE_OFFSET = 18;
    /** Longest message carried, in bytes; longer messages are cut when encoding and rejected when decoding. */
    public static final int MAX_MESSAGE_LENGTH = 512;

    /** The raw error code; see {@link MoverErrorCode#get(int)}. */
    public int code()
    {
        return getInt(CODE_OFFSET);
    }

    /** Message length in bytes. */
    public int messageLength()
    {
        return getUnsignedShort(MESSAGE_LENGTH_OFFSET);
    }

    /** Decodes the message. */
    public String message()
    {
        return getStringWithoutLengthUtf8(MESSAGE_OFFSET, messageLength());
    }

    /**
     * Encodes an ERROR, cutting the message to {@link #MAX_MESSAGE_LENGTH} bytes.
     *
     * @return the encoded length.
     */
    public int encode(final long transferId, final MoverErrorCode code, final String message)
    {
        header(MessageType.ERROR, 0, transferId);
        putInt(CODE_OFFSET, code.value());
        final byte[] bytes = (message == null ? "" : message).getBytes(StandardCharsets.UTF_8);
        final int length = Math.min(bytes.length, MAX_MESSAGE_LENGTH);
        putShort(MESSAGE_LENGTH_OFFSET, (short)length);
        putBytes(MESSAGE_OFFSET, bytes, 0, length);
        return MESSAGE_OFFSET + length;
    }

    /** Checks the whole frame; {@link FrameRejection#NONE} when it may be acted on. */
    public FrameRejection validate()
    {
        final FrameRejection header = validateHeader();
        if (header != FrameRejection.NONE)
        {
            return header;
        }
        if (capacity() < MESSAGE_OFFSET)
        {
            return FrameRejection.SHORT_FRAME;
        }
        final int messageLength = messageLength();
        if (messageLength > MAX_MESSAGE_LENGTH)
        {
            return FrameRejection.OVERSIZED;
        }
        if (MESSAGE_OFFSET + messageLength != capacity())
        {
            return FrameRejection.BAD_LENGTH;
        }
        return FrameRejection.NONE;
    }
}
