package dev.terrace.mover;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * The header every mover message starts with, as an Agrona flyweight over a buffer region. All fields are
 * little-endian. Subclasses add the fields of one message type after the header.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------+---------------+-------------------------------+
 *  |    Version    |     Type      |             Flags             |  0
 *  +---------------+---------------+-------------------------------+
 *  |                          Transfer Id                          |  4
 *  |                                                               |
 *  +---------------------------------------------------------------+  12
 * </pre>
 * The transfer id is chosen by the peer that starts a transfer (random high bits, a counter below) and names the
 * transfer in every later message of either direction.
 * <p>
 * Wrap the flyweight with {@code wrap(buffer, offset, length)} where length is the frame length (decoding) or the
 * space available (encoding). A flyweight is reused across messages and is not thread-safe.
 */
public class MessageFlyweight extends UnsafeBuffer
{
    /** The only protocol version this code speaks. */
    public static final int VERSION = 1;

    public static final int VERSION_OFFSET = 0;
    public static final int TYPE_OFFSET = 1;
    public static final int FLAGS_OFFSET = 2;
    public static final int TRANSFER_ID_OFFSET = 4;
    /** Length of the common header in bytes. */
    public static final int HEADER_LENGTH = 12;

    /** The longest key a message may carry, in UTF-8 bytes (the key rule of the node). */
    public static final int MAX_KEY_LENGTH = 1024;

    private static final byte[] EMPTY = new byte[0];

    public MessageFlyweight()
    {
        super(EMPTY);
    }

    /** The version byte. */
    public int version()
    {
        return getByte(VERSION_OFFSET) & 0xFF;
    }

    /** The raw type byte; see {@link MessageType#get(int)}. */
    public int typeId()
    {
        return getByte(TYPE_OFFSET) & 0xFF;
    }

    /** The flags; their meaning depends on the type. */
    public int flags()
    {
        return getShort(FLAGS_OFFSET) & 0xFFFF;
    }

    /** Whether every bit of {@code flag} is set. */
    public boolean hasFlags(final int flag)
    {
        return (flags() & flag) == flag;
    }

    /** The transfer id. */
    public long transferId()
    {
        return getLong(TRANSFER_ID_OFFSET);
    }

    /** Writes the common header. */
    public MessageFlyweight header(final MessageType type, final int flags, final long transferId)
    {
        putByte(VERSION_OFFSET, (byte)VERSION);
        putByte(TYPE_OFFSET, (byte)type.id());
        putShort(FLAGS_OFFSET, (short)flags);
        putLong(TRANSFER_ID_OFFSET, transferId);
        return this;
    }

    /**
     * Checks the common header against the wrapped frame length.
     *
     * @return {@link FrameRejection#NONE} when the header is usable.
     */
    public FrameRejection validateHeader()
    {
        if (capacity() < HEADER_LENGTH)
        {
            return FrameRejection.SHORT_FRAME;
        }
        if (version() != VERSION)
        {
            return FrameRejection.UNSUPPORTED_VERSION;
        }
        if (MessageType.get(typeId()) == null)
        {
            return FrameRejection.UNKNOWN_TYPE;
        }
        return FrameRejection.NONE;
    }

    /** Reads a little-endian unsigned 16-bit field. */
    protected int getUnsignedShort(final int index)
    {
        return getShort(index) & 0xFFFF;
    }
}
