package dev.terrace.mover;

/**
 * Why a transfer failed, as carried in an {@link ErrorFlyweight} and reported by {@link MoverException#code()}.
 */
public enum MoverErrorCode
{
    /** Any other failure. */
    GENERIC(0),
    /** The peer holds no value under the key. */
    NOT_FOUND(1),
    /** The extent's bytes do not match its CRC32C; nothing was stored. */
    CRC_MISMATCH(2),
    /** The extent is larger than the receiver accepts. */
    TOO_LARGE(3),
    /** The receiver has no memory budget left for the extent now; retry later. */
    BUSY(4),
    /** The receiver could not store the verified extent. */
    STORE_FAILED(5),
    /** The sender could not read the extent. */
    READ_FAILED(6),
    /** The request was malformed or named an invalid key. */
    INVALID_REQUEST(7),
    /** The other side abandoned the transfer. */
    CANCELLED(8),
    /** The transfer's deadline passed. */
    TIMEOUT(9),
    /** The peer does not serve this kind of request (no source or no sink configured). */
    UNSUPPORTED(10),
    /** The local data plane was closed. */
    CLOSED(11);

    private final int value;

    MoverErrorCode(final int value)
    {
        this.value = value;
    }

    /** The wire value. */
    public int value()
    {
        return value;
    }

    /** The code with this wire value; unknown values map to {@link #GENERIC}. */
    public static MoverErrorCode get(final int value)
    {
        for (final MoverErrorCode code : values())
        {
            if (code.value == value)
            {
                return code;
            }
        }
        return GENERIC;
    }
}
