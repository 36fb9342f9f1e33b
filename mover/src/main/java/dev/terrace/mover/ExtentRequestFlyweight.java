package dev.terrace.mover;

import java.nio.charset.StandardCharsets;

/**
 * The part that {@link GetExtentFlyweight} and {@link PutExtentFlyweight} share: where to answer, how long the
 * requester will wait, the transfer class, and the key. It starts at a type-specific {@code blockOffset}:
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                          Timeout (ms)                         | +0
 *  +---------------------------------------------------------------+
 *  |                        Reply Stream Id                        | +4
 *  +-------------------------------+---------------+---------------+
 *  |          Reply Port           |  Reply Media  | Transfer Class| +8
 *  +-------------------------------+---------------+---------------+
 *  |          Key Length           |       Reply Host Length       | +12
 *  +-------------------------------+-------------------------------+
 *  |                  Key (UTF-8, Key Length bytes)               ... +16
 *  +---------------------------------------------------------------+
 *  |              Reply Host (ASCII, Reply Host Length bytes)     ...
 *  +---------------------------------------------------------------+
 * </pre>
 * The frame ends exactly after the reply host; a frame of any other length is rejected. For IPC replies the host is
 * empty and the port 0.
 */
public abstract class ExtentRequestFlyweight extends MessageFlyweight
{
    public static final int TIMEOUT_FIELD = 0;
    public static final int REPLY_STREAM_ID_FIELD = 4;
    public static final int REPLY_PORT_FIELD = 8;
    public static final int REPLY_MEDIA_FIELD = 10;
    public static final int TRANSFER_CLASS_FIELD = 11;
    public static final int KEY_LENGTH_FIELD = 12;
    public static final int REPLY_HOST_LENGTH_FIELD = 14;
    /** Length of the block before the variable-length key and host. */
    public static final int BLOCK_LENGTH = 16;
    /** The longest reply host accepted (a DNS name is at most 253 characters). */
    public static final int MAX_HOST_LENGTH = 255;

    private final int blockOffset;

    protected ExtentRequestFlyweight(final int blockOffset)
    {
        this.blockOffset = blockOffset;
    }

    /** How long the requester waits for the transfer, in milliseconds. */
    public int timeoutMs()
    {
        return getInt(blockOffset + TIMEOUT_FIELD);
    }

    /** The stream id to answer on. */
    public int replyStreamId()
    {
        return getInt(blockOffset + REPLY_STREAM_ID_FIELD);
    }

    /** The UDP port to answer to (0 for IPC). */
    public int replyPort()
    {
        return getUnsignedShort(blockOffset + REPLY_PORT_FIELD);
    }

    /** The raw reply media byte; see {@link ReplyMedia#get(int)}. */
    public int replyMediaId()
    {
        return getByte(blockOffset + REPLY_MEDIA_FIELD) & 0xFF;
    }

    /** The raw transfer class byte; see {@link TransferClass#get(int)}. */
    public int transferClassId()
    {
        return getByte(blockOffset + TRANSFER_CLASS_FIELD) & 0xFF;
    }

    /** The key length in bytes. */
    public int keyLength()
    {
        return getUnsignedShort(blockOffset + KEY_LENGTH_FIELD);
    }

    /** The reply host length in bytes. */
    public int replyHostLength()
    {
        return getUnsignedShort(blockOffset + REPLY_HOST_LENGTH_FIELD);
    }

    /** Decodes the key (allocates a String: once per transfer, never per chunk). */
    public String key()
    {
        return getStringWithoutLengthUtf8(blockOffset + BLOCK_LENGTH, keyLength());
    }

    /** Decodes the reply host. */
    public String replyHost()
    {
        return getStringWithoutLengthAscii(blockOffset + BLOCK_LENGTH + keyLength(), replyHostLength());
    }

    /**
     * Writes the shared block and returns the total encoded length of the message.
     *
     * @throws IllegalArgumentException when the key or host is empty or too long.
     */
    protected int encodeBlock(
        final int timeoutMs,
        final ReplyMedia replyMedia,
        final String replyHost,
        final int replyPort,
        final int replyStreamId,
        final TransferClass transferClass,
        final String key)
    {
        final byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        if (keyBytes.length == 0 || keyBytes.length > MAX_KEY_LENGTH)
        {
            throw new IllegalArgumentException("key must be 1-" + MAX_KEY_LENGTH + " UTF-8 bytes");
        }
        if (replyHost.length() > MAX_HOST_LENGTH)
        {
            throw new IllegalArgumentException("reply host longer than " + MAX_HOST_LENGTH);
        }
        putInt(blockOffset + TIMEOUT_FIELD, timeoutMs);
        putInt(blockOffset + REPLY_STREAM_ID_FIELD, replyStreamId);
        putShort(blockOffset + REPLY_PORT_FIELD, (short)replyPort);
        putByte(blockOffset + REPLY_MEDIA_FIELD, (byte)replyMedia.id());
        putByte(blockOffset + TRANSFER_CLASS_FIELD, (byte)transferClass.id());
        putShort(blockOffset + KEY_LENGTH_FIELD, (short)keyBytes.length);
        putShort(blockOffset + REPLY_HOST_LENGTH_FIELD, (short)replyHost.length());
        final int keyIndex = blockOffset + BLOCK_LENGTH;
        putBytes(keyIndex, keyBytes);
        putStringWithoutLengthAscii(keyIndex + keyBytes.length, replyHost);
        return keyIndex + keyBytes.length + replyHost.length();
    }

    /**
     * Checks the shared block against the wrapped frame length. Call after {@link #validateHeader()}.
     */
    protected FrameRejection validateBlock()
    {
        final int frameLength = capacity();
        if (frameLength < blockOffset + BLOCK_LENGTH)
        {
            return FrameRejection.SHORT_FRAME;
        }
        final int keyLength = keyLength();
        final int hostLength = replyHostLength();
        if (keyLength > MAX_KEY_LENGTH || hostLength > MAX_HOST_LENGTH)
        {
            return FrameRejection.OVERSIZED;
        }
        if (keyLength == 0 || blockOffset + BLOCK_LENGTH + keyLength + hostLength != frameLength)
        {
            return FrameRejection.BAD_LENGTH;
        }
        final ReplyMedia media = ReplyMedia.get(replyMediaId());
        if (media == null || TransferClass.get(transferClassId()) == null)
        {
            return FrameRejection.BAD_FIELD;
        }
        if (media == ReplyMedia.UDP && (hostLength == 0 || replyPort() == 0))
        {
            return FrameRejection.BAD_FIELD;
        }
        if (timeoutMs() <= 0 || !isHostSafe(blockOffset + BLOCK_LENGTH + keyLength, hostLength))
        {
            return FrameRejection.BAD_FIELD;
        }
        return FrameRejection.NONE;
    }

    /**
     * Whether the host holds only the characters of a DNS name or an IP literal. The host becomes part of an Aeron
     * channel URI, so characters such as {@code |}, {@code ?} or {@code =} would let a peer inject URI parameters.
     */
    private boolean isHostSafe(final int index, final int length)
    {
        for (int i = 0; i < length; i++)
        {
            final int c = getByte(index + i) & 0xFF;
            final boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '.' || c == '-' || c == ':' || c == '[' || c == ']' || c == '_';
            if (!allowed)
            {
                return false;
            }
        }
        return true;
    }
}
