package dev.terrace.node.hints;

import dev.terrace.node.store.ItemKind;
import dev.terrace.protocol.SlotHash;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;

/**
 * One node's part of a hint: the hinted items whose slots this node owns, in the order the hint lists them, and how
 * far the job's readers have come. Items are grouped in sequences (one per object group or KV chain, or per batch
 * forwarded here later); a position is done once a reader has read it or it was forwarded to another owner, and the
 * staging window starts at the first position not done. Guarded by the {@link HintService}'s lock.
 */
final class HintPart
{
    final String id;
    final String job;
    final long startAtMillis;
    final int priority;
    final long expiresAtMillis;
    final long createdMillis;
    final Set<String> nodes = new LinkedHashSet<>();
    final List<Sequence> sequences = new ArrayList<>();
    boolean cancelled;
    /** No longer staged nor following reads (cancelled or expired). */
    boolean retired;

    HintPart(final String id, final HintRequest request, final long createdMillis)
    {
        this.id = id;
        this.job = request.job();
        this.startAtMillis = request.startAtMillis();
        this.priority = request.priority();
        this.expiresAtMillis = request.startAtMillis() + request.ttlMillis();
        this.createdMillis = createdMillis;
    }

    /** Whether the part still stages: neither cancelled nor expired. */
    boolean active(final long nowMillis)
    {
        return !cancelled && nowMillis <= expiresAtMillis;
    }

    /** Items of one object group or KV chain, in read order. */
    static final class Sequence
    {
        final String plannerId;
        final ItemKind kind;
        final String container;
        final boolean prefixChained;
        final long[] ids;
        final String[] names;
        /** Read by a client or forwarded to another owner. */
        final BitSet done;
        /** Forwarded to another owner: no longer this node's to stage or report. */
        final BitSet moved;
        /** Unread positions of each id, in order: a read consumes the earliest (an id may recur, epoch after epoch). */
        private final Map<Long, ArrayDeque<Integer>> unread = new HashMap<>();
        int first;
        int reads;
        /** The window last given to the planner, or null. */
        long[] planned;
        boolean dirty = true;

        Sequence(final String plannerId, final ItemKind kind, final String container, final boolean prefixChained,
            final List<String> names)
        {
            this.plannerId = plannerId;
            this.kind = kind;
            this.container = container;
            this.prefixChained = prefixChained;
            this.names = names.toArray(new String[0]);
            this.ids = new long[this.names.length];
            this.done = new BitSet(this.names.length);
            this.moved = new BitSet(this.names.length);
            for (int i = 0; i < ids.length; i++)
            {
                ids[i] = itemId(kind, container, this.names[i]);
                unread.computeIfAbsent(ids[i], k -> new ArrayDeque<>(1)).add(i);
            }
        }

        int size()
        {
            return ids.length;
        }

        int slot(final int position)
        {
            return kind == ItemKind.OBJECT
                ? SlotHash.objectSlot(container, names[position], SlotHash.DEFAULT_SLOTS)
                : SlotHash.kvSlot(container, Long.parseUnsignedLong(names[position]), SlotHash.DEFAULT_SLOTS);
        }

        /** A reader read {@code id}: its earliest unread position is done. Returns whether the hint listed it. */
        boolean markRead(final long id)
        {
            final ArrayDeque<Integer> positions = unread.get(id);
            if (positions == null)
            {
                return false;
            }
            final int position = positions.poll();
            if (positions.isEmpty())
            {
                unread.remove(id);
            }
            reads++;
            finish(position);
            return true;
        }

        /** The item at {@code position} was forwarded to its owner. */
        void markMoved(final int position)
        {
            moved.set(position);
            final ArrayDeque<Integer> positions = unread.get(ids[position]);
            if (positions != null)
            {
                positions.remove(position);
                if (positions.isEmpty())
                {
                    unread.remove(ids[position]);
                }
            }
            finish(position);
        }

        private void finish(final int position)
        {
            done.set(position);
            first = done.nextClearBit(first);
            dirty = true;
        }

        /** Whether {@code window} differs from what the planner has. */
        boolean changed(final long[] window)
        {
            return planned == null || !Arrays.equals(planned, window);
        }
    }

    /** The id the placement planner and the read tracking know an item by (its 64-bit name hash). */
    static long itemId(final ItemKind kind, final String container, final String name)
    {
        return kind == ItemKind.OBJECT
            ? SlotHash.objectHash(container, name)
            : SlotHash.kvHash(container, Long.parseUnsignedLong(name));
    }
}
