package dev.terrace.tier.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The on-disk layout of one flash segment record, and the code that writes and checks its header.
 * <p>
 * A segment file is a sequence of records, each starting at a multiple of 8 bytes. All integers are little-endian.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                  magic 0x43455254 ("TREC")                    |  0
 *  +---------------+---------------+-------------------------------+
 *  |    version    |     flags     |          key length           |  4
 *  +---------------+---------------+-------------------------------+
 *  |                     value length (64 bits)                    |  8
 *  +                                                               +
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                       sequence (64 bits)                      | 16
 *  +                                                               +
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                      segment id (64 bits)                     | 24
 *  +                                                               +
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |              offset of this record in the segment             | 32
 *  +                                                               +
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |    body CRC32C over header bytes 0-23, the key and the value  | 40
 *  +---------------------------------------------------------------+
 *  |              header CRC32C over header bytes 0-43             | 44
 *  +---------------------------------------------------------------+
 *  |              key (UTF-8, key length bytes) ...                | 48
 *  +---------------------------------------------------------------+
 *  |              value (value length bytes) ...                   |
 *  +---------------------------------------------------------------+
 *  |              zero padding to a multiple of 8                  |
 *  +---------------------------------------------------------------+
 *
 *  flags: bit 0 TOMBSTONE  the key was deleted; value length is 0
 *         bit 1 PADDING    filler over a damaged or abandoned region: key length 0, value length covers the
 *                          region; only the header is checked
 * </pre>
 * Together the two checksums cover the whole header, the key and the value. They are split so that compaction can
 * move a record (rewriting segment id, offset and the header CRC) without summing the value again, and so that a
 * scan can trust a record's lengths, and skip exactly that record, when only its body is damaged. The segment id and
 * offset fields make a copy of a record that happens to sit inside another record's value (say, a segment file
 * stored as a value) fail its check, so a scan that resynchronises after damage never mistakes it for a record.
 * The sequence orders versions of a key across segments: the highest wins, and a copy keeps its original's.
 */
public final class FlashRecord
{
    public static final int MAGIC = 0x43455254;
    public static final byte VERSION = 1;
    public static final int HEADER_LENGTH = 48;
    public static final int ALIGNMENT = 8;
    public static final int MAX_KEY_LENGTH = 0xFFFF;

    public static final int FLAG_TOMBSTONE = 1;
    public static final int FLAG_PADDING = 2;

    public static final int MAGIC_OFFSET = 0;
    public static final int VERSION_OFFSET = 4;
    public static final int FLAGS_OFFSET = 5;
    public static final int KEY_LENGTH_OFFSET = 6;
    public static final int VALUE_LENGTH_OFFSET = 8;
    public static final int SEQUENCE_OFFSET = 16;
    public static final int SEGMENT_ID_OFFSET = 24;
    public static final int RECORD_OFFSET_OFFSET = 32;
    public static final int BODY_CRC_OFFSET = 40;
    public static final int HEADER_CRC_OFFSET = 44;
    /** The body CRC covers header bytes {@code [0, BODY_CRC_HEADER_BYTES)}: the fields a move leaves unchanged. */
    public static final int BODY_CRC_HEADER_BYTES = 24;

    private FlashRecord()
    {
    }

    /** Bytes a record occupies in its segment, padding included. */
    public static long alignedLength(final int keyLength, final long valueLength)
    {
        return align(HEADER_LENGTH + (long)keyLength + valueLength);
    }

    /** Rounds up to the record alignment. */
    public static long align(final long length)
    {
        return (length + ALIGNMENT - 1) & -ALIGNMENT;
    }

    /** Writes the fields a record keeps for life (bytes 0-23) at the start of {@code header}. */
    public static void writeFixedFields(
        final ByteBuffer header, final int flags, final int keyLength, final long valueLength, final long sequence)
    {
        header.order(ByteOrder.LITTLE_ENDIAN);
        header.putInt(MAGIC_OFFSET, MAGIC);
        header.put(VERSION_OFFSET, VERSION);
        header.put(FLAGS_OFFSET, (byte)flags);
        header.putShort(KEY_LENGTH_OFFSET, (short)keyLength);
        header.putLong(VALUE_LENGTH_OFFSET, valueLength);
        header.putLong(SEQUENCE_OFFSET, sequence);
    }

    /**
     * Starts the body checksum of a record: the fixed header fields, then the key. The caller adds the value.
     * {@code headerAndKey} holds the header at index 0 and the key right after it.
     */
    public static CRC32C startBodyCrc(final ByteBuffer headerAndKey, final int keyLength)
    {
        final CRC32C crc = new CRC32C();
        crc.update(headerAndKey.slice(0, BODY_CRC_HEADER_BYTES));
        crc.update(headerAndKey.slice(HEADER_LENGTH, keyLength));
        return crc;
    }

    /** Writes where the record lives and its body CRC, then seals the header with its own CRC. */
    public static void writeLocation(
        final ByteBuffer header, final long segmentId, final long recordOffset, final int bodyCrc)
    {
        header.order(ByteOrder.LITTLE_ENDIAN);
        header.putLong(SEGMENT_ID_OFFSET, segmentId);
        header.putLong(RECORD_OFFSET_OFFSET, recordOffset);
        header.putInt(BODY_CRC_OFFSET, bodyCrc);
        header.putInt(HEADER_CRC_OFFSET, headerCrc(header));
    }

    /** The CRC32C of header bytes 0-43 in {@code header} (starting at its index 0). */
    public static int headerCrc(final ByteBuffer header)
    {
        final CRC32C crc = new CRC32C();
        crc.update(header.slice(0, HEADER_CRC_OFFSET));
        return (int)crc.getValue();
    }

    /**
     * Whether {@code header} (index 0 is the record start, at least {@link #HEADER_LENGTH} bytes) is an intact header
     * of version 1 written for {@code segmentId} at {@code recordOffset}.
     */
    public static boolean isValidHeader(final ByteBuffer header, final long segmentId, final long recordOffset)
    {
        header.order(ByteOrder.LITTLE_ENDIAN);
        if (header.getInt(MAGIC_OFFSET) != MAGIC ||
            header.getLong(SEGMENT_ID_OFFSET) != segmentId ||
            header.getLong(RECORD_OFFSET_OFFSET) != recordOffset ||
            header.getInt(HEADER_CRC_OFFSET) != headerCrc(header))
        {
            return false;
        }
        final int flags = flags(header);
        final long valueLength = valueLength(header);
        return header.get(VERSION_OFFSET) == VERSION &&
            (flags & ~(FLAG_TOMBSTONE | FLAG_PADDING)) == 0 &&
            valueLength >= 0 &&
            ((flags & FLAG_TOMBSTONE) == 0 || valueLength == 0) &&
            ((flags & FLAG_PADDING) == 0 || keyLength(header) == 0);
    }

    public static int flags(final ByteBuffer header)
    {
        return header.get(FLAGS_OFFSET) & 0xFF;
    }

    public static int keyLength(final ByteBuffer header)
    {
        return header.order(ByteOrder.LITTLE_ENDIAN).getShort(KEY_LENGTH_OFFSET) & 0xFFFF;
    }

    public static long valueLength(final ByteBuffer header)
    {
        return header.order(ByteOrder.LITTLE_ENDIAN).getLong(VALUE_LENGTH_OFFSET);
    }

    public static long sequence(final ByteBuffer header)
    {
        return header.order(ByteOrder.LITTLE_ENDIAN).getLong(SEQUENCE_OFFSET);
    }

    public static int bodyCrc(final ByteBuffer header)
    {
        return header.order(ByteOrder.LITTLE_ENDIAN).getInt(BODY_CRC_OFFSET);
    }

    /**
     * A complete padding record header covering {@code regionLength} bytes (a multiple of 8, at least
     * {@link #HEADER_LENGTH}) at {@code recordOffset} of segment {@code segmentId}.
     */
    public static ByteBuffer paddingHeader(final long segmentId, final long recordOffset, final long regionLength)
    {
        final ByteBuffer header = ByteBuffer.allocateDirect(HEADER_LENGTH);
        writeFixedFields(header, FLAG_PADDING, 0, regionLength - HEADER_LENGTH, 0);
        writeLocation(header, segmentId, recordOffset, 0);
        return header;
    }
}
