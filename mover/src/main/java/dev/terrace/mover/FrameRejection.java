package dev.terrace.mover;

/**
 * Why a received frame was rejected before it reached any transfer. {@link #NONE} means the frame is well formed.
 * Each reason is counted separately in {@link MoverCounters}.
 */
public enum FrameRejection
{
    /** The frame is well formed. */
    NONE,
    /** Shorter than its header or its fixed fields. */
    SHORT_FRAME,
    /** The version byte is not {@link MessageFlyweight#VERSION}. */
    UNSUPPORTED_VERSION,
    /** The type byte names no {@link MessageType}. */
    UNKNOWN_TYPE,
    /** A length field disagrees with the frame length, or an offset or length is negative. */
    BAD_LENGTH,
    /** A length field is larger than this node accepts (key, message, chunk or extent length). */
    OVERSIZED,
    /** An enumerated field (media, transfer class) holds an unknown value. */
    BAD_FIELD
}
