package dev.terrace.mover;

/**
 * The message types of the mover wire protocol; the id is the {@code Type} byte of every message header.
 */
public enum MessageType
{
    /** Ask a peer for bytes of a value: {@link GetExtentFlyweight}. */
    GET_EXTENT(1),
    /** Announce an extent that follows as chunks (a put, or the answer to a get): {@link PutExtentFlyweight}. */
    PUT_EXTENT(2),
    /** A slice of an extent's bytes: {@link ExtentChunkFlyweight}. */
    EXTENT_CHUNK(3),
    /** The receiver's contiguous received offset: {@link AckFlyweight}. */
    ACK(4),
    /** A transfer failed or was refused: {@link ErrorFlyweight}. */
    ERROR(5);

    private static final MessageType[] BY_ID = new MessageType[6];

    static
    {
        for (final MessageType type : values())
        {
            BY_ID[type.id] = type;
        }
    }

    private final int id;

    MessageType(final int id)
    {
        this.id = id;
    }

    /** The value of the header's {@code Type} byte. */
    public int id()
    {
        return id;
    }

    /** The type with this id, or {@code null} when the id is unknown. */
    public static MessageType get(final int id)
    {
        return id >= 0 && id < BY_ID.length ? BY_ID[id] : null;
    }
}
