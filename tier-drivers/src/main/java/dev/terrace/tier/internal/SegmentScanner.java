package dev.terrace.tier.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * Reads a segment file front to back through one large direct window and reports every record, verifying both
 * checksums of each. Used once per segment when the flash tier opens.
 * <p>
 * A record whose header is intact but whose key or value fails its CRC (or runs past the end of the file: a torn
 * write) is reported as damaged and skipped exactly, since its lengths are trustworthy. Bytes that do not start an
 * intact header are damaged too; the scanner then steps forward 8 bytes at a time until it finds the next intact
 * header written for this segment at that very offset, and reports the skipped span as one damaged region.
 * <p>
 * Where nothing but zeros follows, up to the end of the file, the data has ended: that is space the tier zero-filled
 * ahead of its appends and never wrote (or a file the crash left longer than what reached it). It is reported as the
 * zero tail, not as damage. No header starts with a zero word, so runs of zeros are skipped a word at a time.
 */
public final class SegmentScanner
{
    /** What a scan finds, in file order. */
    public interface Visitor
    {
        /** An intact record (not padding). {@code header} is a private copy of its 48 header bytes. */
        void record(long offset, ByteBuffer header, String key) throws IOException;

        /**
         * A record with an intact header but damaged or missing body bytes, spanning {@code [offset, end)} of the file.
         * {@code key} is null when the key bytes themselves are cut off.
         */
        void damagedRecord(long offset, long end, ByteBuffer header, String key) throws IOException;

        /** Bytes {@code [start, end)} that hold no intact record. */
        void damagedRegion(long start, long end) throws IOException;

        /** Bytes {@code [start, end of file)} are all zero: the data ends at {@code start}. Reported last, if at all. */
        void zeroTail(long start) throws IOException;
    }

    private static final int DEFAULT_WINDOW = 4 * 1024 * 1024;

    private final ByteBuffer window;
    private final ByteBuffer header = ByteBuffer.allocateDirect(FlashRecord.HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    private FileChannel channel;
    private long fileSize;
    private long windowStart;
    private int windowLength;

    public SegmentScanner()
    {
        this(DEFAULT_WINDOW);
    }

    public SegmentScanner(final int windowSize)
    {
        if (windowSize < FlashRecord.HEADER_LENGTH + FlashRecord.MAX_KEY_LENGTH)
        {
            throw new IllegalArgumentException("window must hold a header and the longest key: " + windowSize);
        }
        window = ByteBuffer.allocateDirect(windowSize).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Scans {@code segment} and reports what it finds to {@code visitor}. */
    public void scan(final Segment segment, final Visitor visitor) throws IOException
    {
        channel = segment.channel();
        fileSize = channel.size();
        windowStart = 0;
        windowLength = 0;
        final long segmentId = segment.id();
        long position = 0;
        long damageStart = -1;
        while (position + FlashRecord.HEADER_LENGTH <= fileSize)
        {
            final ByteBuffer candidate = view(position, FlashRecord.HEADER_LENGTH);
            if (!FlashRecord.isValidHeader(candidate, segmentId, position))
            {
                final long zerosEnd = zerosEnd(position);
                if (zerosEnd >= fileSize)
                {
                    if (damageStart >= 0)
                    {
                        visitor.damagedRegion(damageStart, position);
                    }
                    visitor.zeroTail(position);
                    channel = null;
                    return;
                }
                if (damageStart < 0)
                {
                    damageStart = position;
                }
                position = Math.max(position + FlashRecord.ALIGNMENT, zerosEnd);
                continue;
            }
            if (damageStart >= 0)
            {
                visitor.damagedRegion(damageStart, position);
                damageStart = -1;
            }
            header.clear();
            header.put(candidate).flip();

            final int flags = FlashRecord.flags(header);
            final int keyLength = FlashRecord.keyLength(header);
            final long valueLength = FlashRecord.valueLength(header);
            final long aligned = FlashRecord.alignedLength(keyLength, valueLength);
            if ((flags & FlashRecord.FLAG_PADDING) != 0)
            {
                position += aligned;
                continue;
            }

            final long keyStart = position + FlashRecord.HEADER_LENGTH;
            final String key = keyStart + keyLength <= fileSize ?
                StandardCharsets.UTF_8.decode(view(keyStart, keyLength)).toString() : null;
            final long end = keyStart + keyLength + valueLength;
            if (end > fileSize)
            {
                visitor.damagedRecord(position, FlashRecord.align(fileSize), header.duplicate(), key);
                position = FlashRecord.align(fileSize);
                break;
            }

            final CRC32C crc = new CRC32C();
            crc.update(header.slice(0, FlashRecord.BODY_CRC_HEADER_BYTES));
            update(crc, keyStart, keyLength + valueLength);
            if ((int)crc.getValue() == FlashRecord.bodyCrc(header))
            {
                visitor.record(position, header.duplicate().order(ByteOrder.LITTLE_ENDIAN), key);
            }
            else
            {
                visitor.damagedRecord(position, position + aligned, header.duplicate(), key);
            }
            position += aligned;
        }
        if (damageStart >= 0)
        {
            visitor.damagedRegion(damageStart, FlashRecord.align(fileSize));
        }
        else if (position < fileSize)
        {
            if (zerosEnd(position) >= fileSize)
            {
                visitor.zeroTail(position);
            }
            else
            {
                visitor.damagedRegion(position, FlashRecord.align(fileSize));
            }
        }
        channel = null;
    }

    /**
     * Where the run of zero bytes starting at {@code position} (a multiple of 8) ends: the start of the first 8-byte
     * word holding a non-zero byte, or the file size when only zeros follow.
     */
    private long zerosEnd(final long position) throws IOException
    {
        long at = position;
        while (at < fileSize)
        {
            final int length = (int)Math.min(window.capacity(), fileSize - at);
            final ByteBuffer bytes = view(at, length);
            int i = 0;
            for (; i + Long.BYTES <= length; i += Long.BYTES)
            {
                if (bytes.getLong(i) != 0)
                {
                    return at + i;
                }
            }
            for (; i < length; i++)
            {
                if (bytes.get(i) != 0)
                {
                    return at + (i & -FlashRecord.ALIGNMENT);
                }
            }
            at += length;
        }
        return fileSize;
    }

    /** Bytes {@code [position, position + length)} of the file, loading the window there if they are not in it. */
    private ByteBuffer view(final long position, final int length) throws IOException
    {
        if (position < windowStart || position + length > windowStart + windowLength)
        {
            final int toRead = (int)Math.min(window.capacity(), fileSize - position);
            window.clear().limit(toRead);
            FileIo.readFully(channel, window, position);
            windowStart = position;
            windowLength = toRead;
        }
        return window.slice((int)(position - windowStart), length).order(ByteOrder.LITTLE_ENDIAN);
    }

    private void update(final CRC32C crc, final long position, final long length) throws IOException
    {
        long at = position;
        long remaining = length;
        while (remaining > 0)
        {
            final int chunk = (int)Math.min(remaining, window.capacity());
            crc.update(view(at, chunk));
            at += chunk;
            remaining -= chunk;
        }
    }
}
