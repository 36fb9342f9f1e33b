package dev.terrace.node.cluster;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * Rendezvous (highest-random-weight) hashing of slots onto node ids: pure, deterministic, identical on every
 * node and in every version (changing {@link #weight} would move every slot).
 * <p>
 * Each (slot, node) pair gets a pseudo-random 64-bit weight; a slot's owner is the node with the highest weight,
 * and the next-highest nodes are its replicas in order. Because a node's weight for a slot never depends on the
 * other nodes, membership changes move only what they must: a joining node takes exactly the slots for which it
 * outranks the current owner (about S/(N+1)), a leaving node's slots go each to their second-ranked node, and no
 * slot ever moves between two nodes that both stay. The node that takes over a slot when its owner leaves is its
 * first replica, so replicated data is already there.
 */
public final class SlotAllocation
{
    private static final long SLOT_SEED = 0x5107_A110_CA7E_D00DL;

    private SlotAllocation()
    {
    }

    /**
     * The owner of a slot among the given nodes.
     *
     * @throws IllegalArgumentException if {@code nodeIds} is empty or the slot is negative
     */
    public static String ownerOf(final int slot, final Collection<String> nodeIds)
    {
        requireSlot(slot);
        final String[] ids = distinct(nodeIds);
        String best = null;
        long bestWeight = 0;
        for (final String id : ids)
        {
            final long w = weight(slot, nodeHash(id));
            if (best == null || outranks(w, id, bestWeight, best))
            {
                best = id;
                bestWeight = w;
            }
        }
        return best;
    }

    /**
     * The first {@code n} nodes of a slot in rank order: the owner, then its replicas in the order they would
     * take over. Fewer if there are fewer nodes.
     *
     * @throws IllegalArgumentException if {@code nodeIds} is empty, the slot is negative or {@code n < 1}
     */
    public static List<String> rankedOwners(final int slot, final Collection<String> nodeIds, final int n)
    {
        requireSlot(slot);
        if (n < 1)
        {
            throw new IllegalArgumentException("n must be at least 1: " + n);
        }
        final String[] ids = distinct(nodeIds);
        final Ranked[] ranked = new Ranked[ids.length];
        for (int i = 0; i < ids.length; i++)
        {
            ranked[i] = new Ranked(ids[i], weight(slot, nodeHash(ids[i])));
        }
        Arrays.sort(ranked, SlotAllocation::byRank);
        final List<String> result = new ArrayList<>(Math.min(n, ranked.length));
        for (int i = 0; i < ranked.length && i < n; i++)
        {
            result.add(ranked[i].id);
        }
        return Collections.unmodifiableList(result);
    }

    /**
     * The owner of every slot: element {@code s} of the result owns slot {@code s}.
     *
     * @throws IllegalArgumentException if {@code nodeIds} is empty or {@code slots < 1}
     */
    public static List<String> assignment(final int slots, final Collection<String> nodeIds)
    {
        if (slots < 1)
        {
            throw new IllegalArgumentException("slots must be at least 1: " + slots);
        }
        final String[] ids = distinct(nodeIds);
        final long[] hashes = new long[ids.length];
        for (int i = 0; i < ids.length; i++)
        {
            hashes[i] = nodeHash(ids[i]);
        }
        final String[] owners = new String[slots];
        for (int slot = 0; slot < slots; slot++)
        {
            int best = 0;
            long bestWeight = weight(slot, hashes[0]);
            for (int i = 1; i < ids.length; i++)
            {
                final long w = weight(slot, hashes[i]);
                if (outranks(w, ids[i], bestWeight, ids[best]))
                {
                    best = i;
                    bestWeight = w;
                }
            }
            owners[slot] = ids[best];
        }
        return List.of(owners);
    }

    /**
     * The rendezvous weight of a node for a slot, compared as an unsigned number (ties, which need a 64-bit
     * collision, go to the smaller node id).
     */
    public static long weight(final int slot, final String nodeId)
    {
        return weight(slot, nodeHash(nodeId));
    }

    static long weight(final int slot, final long nodeHash)
    {
        return fmix64(nodeHash ^ fmix64(slot ^ SLOT_SEED));
    }

    /** 64-bit FNV-1a over the UTF-8 bytes of the id, finished with MurmurHash3's fmix64. */
    static long nodeHash(final String nodeId)
    {
        long h = 0xcbf29ce484222325L;
        for (final byte b : nodeId.getBytes(StandardCharsets.UTF_8))
        {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        return fmix64(h);
    }

    /** Whether weight {@code w} of node {@code id} beats weight {@code otherW} of node {@code otherId}. */
    static boolean outranks(final long w, final String id, final long otherW, final String otherId)
    {
        final int byWeight = Long.compareUnsigned(w, otherW);
        return byWeight != 0 ? byWeight > 0 : id.compareTo(otherId) < 0;
    }

    private static int byRank(final Ranked a, final Ranked b)
    {
        final int byWeight = Long.compareUnsigned(b.weight, a.weight);
        return byWeight != 0 ? byWeight : a.id.compareTo(b.id);
    }

    private static long fmix64(long k)
    {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb93e53b5a5c3L;
        k ^= k >>> 33;
        return k;
    }

    private static String[] distinct(final Collection<String> nodeIds)
    {
        final LinkedHashSet<String> unique = new LinkedHashSet<>();
        for (final String id : nodeIds)
        {
            unique.add(Objects.requireNonNull(id, "node id"));
        }
        if (unique.isEmpty())
        {
            throw new IllegalArgumentException("no nodes to allocate slots to");
        }
        return unique.toArray(new String[0]);
    }

    private static void requireSlot(final int slot)
    {
        if (slot < 0)
        {
            throw new IllegalArgumentException("negative slot " + slot);
        }
    }

    private record Ranked(String id, long weight)
    {
    }
}
