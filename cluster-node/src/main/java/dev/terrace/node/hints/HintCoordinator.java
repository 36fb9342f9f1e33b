package dev.terrace.node.hints;

import com.fasterxml.jackson.databind.JsonNode;
import dev.terrace.node.store.ItemKind;
import dev.terrace.protocol.SlotHash;
import dev.terrace.tier.TierKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The public hints API on any node: {@code POST /v1/hints} splits a hint by the owner of each item's slot and sends
 * each owner its part (this node's own part goes straight to its {@link HintService}); object prefixes go to every
 * member, since any of them may own matching objects. {@code GET /v1/hints/{id}} asks every member for its part and
 * adds the parts up; {@code DELETE} cancels every part.
 * <p>
 * An owner that does not take its part (unreachable, or it answers with an error) does not fail the hint: its items
 * are held in this node's part, which forwards them once the owner answers (see {@link HintService}); its share of
 * a prefix is lost, and the status names it under {@code partsUnreachable}.
 */
public final class HintCoordinator
{
    private static final Logger LOG = LoggerFactory.getLogger(HintCoordinator.class);

    private final HintService local;
    private final HintPeers peers;
    private final HintTransport transport;

    public HintCoordinator(final HintService local, final HintPeers peers, final HintTransport transport)
    {
        this.local = local;
        this.peers = peers;
        this.transport = transport;
    }

    /** This node's own parts. */
    public HintService parts()
    {
        return local;
    }

    /**
     * Accepts a hint and hands its parts to their owners.
     *
     * @throws IllegalArgumentException saying what is wrong with the hint (before anything is sent).
     */
    public CompletableFuture<HintView> submit(final JsonNode body)
    {
        final long now = System.currentTimeMillis();
        final HintRequest request = HintRequest.parse(body, now, local.defaultTtlMillis());
        final String id = UUID.randomUUID().toString();
        final String self = peers.selfId();
        final Map<String, HintPeers.Peer> members = new LinkedHashMap<>();
        final HintPlan plan = new HintPlan();
        int source = 0;
        for (final HintRequest.ObjectGroup objects : request.objects())
        {
            if (objects.prefix() != null)
            {
                plan.addPrefix(self, objects.bucket(), objects.prefix());
                for (final HintPeers.Peer peer : peers.otherMembers())
                {
                    members.put(peer.nodeId(), peer);
                    plan.addPrefix(peer.nodeId(), objects.bucket(), objects.prefix());
                }
            }
            for (final String key : objects.keys())
            {
                final HintPeers.Peer owner = peers.remoteOwnerOf(SlotHash.objectSlot(objects.bucket(), key,
                    SlotHash.DEFAULT_SLOTS));
                plan.add(nodeOf(owner, self, members), source, ItemKind.OBJECT, objects.bucket(), key);
            }
            source++;
        }
        for (final HintRequest.KvChain chain : request.kv())
        {
            for (final long hash : chain.hashes())
            {
                final HintPeers.Peer owner = peers.remoteOwnerOf(SlotHash.kvSlot(chain.namespace(), hash,
                    SlotHash.DEFAULT_SLOTS));
                plan.add(nodeOf(owner, self, members), source, ItemKind.KV_BLOCK, chain.namespace(),
                    Long.toUnsignedString(hash));
            }
            source++;
        }
        final List<String> nodes = List.copyOf(plan.nodes());
        final List<CompletableFuture<Optional<HintService.Status>>> parts = new ArrayList<>();
        final Set<String> unreachable = new LinkedHashSet<>();
        for (final String node : nodes)
        {
            final HintRequest part = plan.request(node, request);
            if (node.equals(self))
            {
                parts.add(CompletableFuture.completedFuture(Optional.of(local.acceptPart(id, part, nodes, now))));
                continue;
            }
            parts.add(transport.sendPart(members.get(node), id, HintJson.partBody(part, nodes))
                .thenApply(Optional::of)
                .exceptionally(error ->
                {
                    LOG.info("{} did not take its part of hint {}: {}", node, id, error.toString());
                    synchronized (unreachable)
                    {
                        unreachable.add(node);
                    }
                    return holdHere(id, part, nodes, now);
                }));
        }
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0])).thenApply(done ->
        {
            final List<HintService.Status> answered = new ArrayList<>();
            parts.forEach(p -> p.join().ifPresent(answered::add));
            synchronized (unreachable)
            {
                return aggregate(id, answered, new ArrayList<>(unreachable));
            }
        });
    }

    /** The hint's status summed over every member's part; completes with null when no member holds a part. */
    public CompletableFuture<HintView> status(final String id)
    {
        final List<HintService.Status> answered = new ArrayList<>();
        final HintService.Status own = local.partStatus(id);
        if (own != null)
        {
            answered.add(own);
        }
        final List<CompletableFuture<Void>> asks = new ArrayList<>();
        for (final HintPeers.Peer peer : peers.otherMembers())
        {
            asks.add(transport.fetchPart(peer, id).handle((part, error) ->
            {
                synchronized (answered)
                {
                    if (error == null)
                    {
                        part.ifPresent(answered::add);
                    }
                }
                return null;
            }));
        }
        return CompletableFuture.allOf(asks.toArray(new CompletableFuture<?>[0])).thenApply(done ->
        {
            synchronized (answered)
            {
                if (answered.isEmpty())
                {
                    return null;
                }
                // A node named as holding a part that did not answer, or answered without it (it restarted).
                final Set<String> missing = new LinkedHashSet<>();
                for (final HintService.Status part : answered)
                {
                    missing.addAll(part.nodes());
                }
                for (final HintService.Status part : answered)
                {
                    missing.remove(part.node());
                }
                return aggregate(id, answered, new ArrayList<>(missing));
            }
        });
    }

    /** Cancels every part of the hint; completes with whether any member held one. */
    public CompletableFuture<Boolean> cancel(final String id)
    {
        final boolean here = local.cancelPart(id);
        final List<CompletableFuture<Boolean>> cancels = new ArrayList<>();
        for (final HintPeers.Peer peer : peers.otherMembers())
        {
            cancels.add(transport.cancelPart(peer, id).exceptionally(error ->
            {
                LOG.info("cancelling hint {} on {} failed: {}", id, peer.nodeId(), error.toString());
                return false;
            }));
        }
        return CompletableFuture.allOf(cancels.toArray(new CompletableFuture<?>[0])).thenApply(done ->
        {
            boolean any = here;
            for (final CompletableFuture<Boolean> cancel : cancels)
            {
                any |= cancel.join();
            }
            return any;
        });
    }

    private static String nodeOf(final HintPeers.Peer owner, final String self, final Map<String, HintPeers.Peer> members)
    {
        if (owner == null)
        {
            return self;
        }
        members.put(owner.nodeId(), owner);
        return owner.nodeId();
    }

    /** Keeps an unreachable owner's listed items in this node's part, to be forwarded when the owner answers. */
    private Optional<HintService.Status> holdHere(final String id, final HintRequest part, final List<String> nodes,
        final long now)
    {
        final List<HintRequest.ObjectGroup> listed = new ArrayList<>();
        for (final HintRequest.ObjectGroup group : part.objects())
        {
            if (group.prefix() == null)
            {
                listed.add(group);
            }
        }
        if (listed.isEmpty() && part.kv().isEmpty())
        {
            return Optional.empty();
        }
        return Optional.of(local.acceptPart(id, part.part(listed, part.kv()), nodes, now));
    }

    /** Adds the parts up. One hint state: cancelled or expired if so, staged once every part is, pending while all are. */
    private HintView aggregate(final String id, final List<HintService.Status> answered, final List<String> unreachable)
    {
        // The same node may appear twice (its own part, and the items held for an unreachable owner): keep its last.
        final Map<String, HintService.Status> byNode = new LinkedHashMap<>();
        answered.forEach(part -> byNode.put(part.node(), part));
        final List<HintService.Status> parts = new ArrayList<>(byNode.values());
        final HintService.Status first = parts.get(0);
        int items = 0;
        int staged = 0;
        int missing = 0;
        int read = 0;
        int forwarding = 0;
        long total = 0;
        long stagedBytes = 0;
        final Map<TierKind, Long> byTier = new EnumMap<>(TierKind.class);
        boolean cancelled = false;
        boolean allStaged = unreachable.isEmpty();
        boolean allPending = true;
        final Set<String> nodes = new LinkedHashSet<>();
        for (final HintService.Status part : parts)
        {
            items += part.items();
            staged += part.itemsStaged();
            missing += part.itemsMissing();
            read += part.itemsRead();
            forwarding += part.itemsForwarding();
            total += part.bytesTotal();
            stagedBytes += part.bytesStaged();
            part.bytesByTier().forEach((tier, bytes) -> byTier.merge(tier, bytes, Long::sum));
            cancelled |= part.state().equals("cancelled");
            allStaged &= part.state().equals("staged");
            allPending &= part.state().equals("pending");
            nodes.addAll(part.nodes());
        }
        final String state;
        if (cancelled)
        {
            state = "cancelled";
        }
        else if (System.currentTimeMillis() > first.expiresAtMillis())
        {
            state = "expired";
        }
        else if (allStaged)
        {
            state = "staged";
        }
        else if (allPending)
        {
            state = "pending";
        }
        else
        {
            state = "staging";
        }
        final HintService.Status sum = new HintService.Status(id, peers.selfId(), first.job(), state,
            first.startAtMillis(), first.expiresAtMillis(), items, staged, missing, read, forwarding, total,
            stagedBytes, byTier, List.copyOf(nodes));
        return new HintView(sum, parts, unreachable);
    }
}
