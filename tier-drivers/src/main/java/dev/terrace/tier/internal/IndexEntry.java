package dev.terrace.tier.internal;

/**
 * Where the current version of a flash key lives, and what older versions may still lie on disk.
 * <p>
 * {@code shadowMin..shadowMax} spans the ids of segments that may hold older (dead) records of the key. A tombstone
 * must be kept, and copied forward by compaction, while any of those segments exists; otherwise a restart would bring
 * an older version back. The span is conservative: it may name segments that no longer hold such a record.
 * Instances are immutable.
 */
public final class IndexEntry
{
    /** An empty shadow span. */
    public static final long NO_SHADOW_MIN = Long.MAX_VALUE;
    public static final long NO_SHADOW_MAX = Long.MIN_VALUE;

    public final Segment segment;
    public final long offset;
    public final int keyLength;
    public final long valueLength;
    public final long sequence;
    public final boolean tombstone;
    public final long shadowMin;
    public final long shadowMax;

    public IndexEntry(
        final Segment segment,
        final long offset,
        final int keyLength,
        final long valueLength,
        final long sequence,
        final boolean tombstone,
        final long shadowMin,
        final long shadowMax)
    {
        this.segment = segment;
        this.offset = offset;
        this.keyLength = keyLength;
        this.valueLength = valueLength;
        this.sequence = sequence;
        this.tombstone = tombstone;
        this.shadowMin = shadowMin;
        this.shadowMax = shadowMax;
    }

    /** Bytes the record occupies in its segment, padding included. */
    public long alignedLength()
    {
        return FlashRecord.alignedLength(keyLength, valueLength);
    }

    /** Bytes of header, key and value, without padding. */
    public int recordLength()
    {
        return (int)(FlashRecord.HEADER_LENGTH + keyLength + valueLength);
    }

    /** This entry, also shadowing whatever {@code older} shadowed and {@code older}'s own segment. */
    public IndexEntry shadowing(final IndexEntry older)
    {
        return withShadow(
            Math.min(older.shadowMin, Math.min(shadowMin, older.segment.id())),
            Math.max(older.shadowMax, Math.max(shadowMax, older.segment.id())));
    }

    /** This entry, also shadowing a dead record of its key in segment {@code segmentId}. */
    public IndexEntry shadowing(final long segmentId)
    {
        return withShadow(Math.min(shadowMin, segmentId), Math.max(shadowMax, segmentId));
    }

    /** The same record at a new place (after compaction moved it). */
    public IndexEntry movedTo(final Segment newSegment, final long newOffset)
    {
        return new IndexEntry(newSegment, newOffset, keyLength, valueLength, sequence, tombstone, shadowMin, shadowMax);
    }

    public boolean hasShadow()
    {
        return shadowMin <= shadowMax;
    }

    /**
     * Whether this record beats {@code other} as the current version of their key: the higher sequence wins; at equal
     * sequence (a record and its compaction copy, or a corrupt record and the tombstone written for it) a tombstone
     * wins, then the later position.
     */
    public boolean supersedes(final IndexEntry other)
    {
        if (sequence != other.sequence)
        {
            return sequence > other.sequence;
        }
        if (tombstone != other.tombstone)
        {
            return tombstone;
        }
        if (segment.id() != other.segment.id())
        {
            return segment.id() > other.segment.id();
        }
        return offset > other.offset;
    }

    private IndexEntry withShadow(final long min, final long max)
    {
        return new IndexEntry(segment, offset, keyLength, valueLength, sequence, tombstone, min, max);
    }

    @Override
    public String toString()
    {
        return "IndexEntry{segment=" + segment.id() + ", offset=" + offset + ", value=" + valueLength +
            ", seq=" + sequence + (tombstone ? ", tombstone" : "") + "}";
    }
}
