package dev.terrace.node.cluster;

import dev.terrace.node.MemberInfo;
import dev.terrace.node.cluster.protocol.SlotCommand;
import dev.terrace.node.http.SlotRouting;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetClusterShardingStats;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.typed.Cluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * This node's part in the cluster: it starts Cluster Sharding for slots (with the rendezvous allocation strategy),
 * keeps every slot alive somewhere (a keeper pings all slots; sharding starts the ones not running), and keeps a
 * slot map (slot -> owner) refreshed from the sharding coordinator's view. The map answers request routing.
 */
public final class ClusterRuntime implements SlotRouting.SlotOwners, AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(ClusterRuntime.class);
    private static final Duration KEEPER_INTERVAL = Duration.ofSeconds(2);
    private static final Duration MAP_INTERVAL = Duration.ofMillis(500);

    /** A member as the slot map shows it. */
    public record MemberView(String nodeId, String httpEndpoint, String address, String status, int slotsOwned)
    {
    }

    /** An immutable slot map: owner index per slot into {@link #members()}, or -1 while unassigned. */
    public record SlotMap(long epoch, List<MemberView> members, int[] owners)
    {
        /** The owner of {@code slot}, or null. */
        public MemberView ownerOf(final int slot)
        {
            final int index = owners[slot];
            return index < 0 ? null : members.get(index);
        }
    }

    private final ActorSystem<?> system;
    private final String selfId;
    private final int slots;
    private final LocalSlots localSlots;
    private final AtomicReference<SlotMap> map;
    private final AtomicLong epochs = new AtomicLong();
    private final Cancellable keeper;
    private final Cancellable refresher;
    private final Cancellable watcher;
    private final java.net.http.HttpClient peers = java.net.http.HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(2)).build();
    private final Map<String, Long> cacheItemsByNode = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, String> lastStatusByNode = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Integer> lastSlotsByNode = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<LostNode> lostNodes = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * A member that left without handing its slots off (killed, or cut off and downed): its {@code cache}-class items
     * are gone, and the loss is reported here rather than hidden.
     *
     * @param cacheItemsLost the last count it reported of items it held only in cache class (-1 if never known).
     */
    public record LostNode(String nodeId, long atMillis, int slotsOwned, long cacheItemsLost)
    {
    }

    private ClusterRuntime(
        final ActorSystem<?> system, final String selfId, final int slots, final SlotEntity.HandOffWork handOff)
    {
        this.system = system;
        this.selfId = selfId;
        this.slots = slots;
        this.localSlots = new LocalSlots(slots);
        final int[] none = new int[slots];
        Arrays.fill(none, -1);
        this.map = new AtomicReference<>(new SlotMap(0, List.of(), none));
        final ClusterSharding sharding = ClusterSharding.get(system);
        sharding.init(Entity.of(SlotEntity.TYPE_KEY,
                context -> SlotEntity.create(Integer.parseInt(context.getEntityId()), localSlots, handOff))
            .withStopMessage(new SlotCommand.HandOff(0))
            .withAllocationStrategy(SlotAllocationStrategy.create(system))
            .withMessageExtractor(new SlotEntity.SlotMessageExtractor())
            .withEntityProps(DispatcherSelector.blocking()));
        this.keeper = system.scheduler().scheduleAtFixedRate(Duration.ofMillis(200), KEEPER_INTERVAL,
            () -> keepAlive(sharding), system.executionContext());
        this.refresher = system.scheduler().scheduleAtFixedRate(Duration.ofMillis(300), MAP_INTERVAL,
            this::refresh, system.executionContext());
        this.watcher = system.scheduler().scheduleAtFixedRate(Duration.ofSeconds(1), Duration.ofSeconds(2),
            this::watchMembers, system.executionContext());
    }

    /**
     * Starts slot sharding on this node.
     *
     * @param handOff what to do with a slot's data when it moves away.
     */
    public static ClusterRuntime start(
        final ActorSystem<?> system, final String selfId, final int slots, final SlotEntity.HandOffWork handOff)
    {
        return new ClusterRuntime(system, selfId, slots, handOff);
    }

    @Override
    public String selfId()
    {
        return selfId;
    }

    @Override
    public SlotRouting.Owner ownerOf(final int slot)
    {
        if (localSlots.owns(slot))
        {
            return null;
        }
        final MemberView owner = map.get().ownerOf(slot);
        if (owner != null && owner.httpEndpoint() != null && !owner.nodeId().equals(selfId))
        {
            return new SlotRouting.Owner(owner.nodeId(), owner.httpEndpoint());
        }
        // Not assigned yet: it will go to the rendezvous choice among the members. The map still names this node
        // although the slot just left it: it is going to the rendezvous choice among the other members.
        final List<String> candidates = memberNodeIds();
        if (owner != null)
        {
            candidates.remove(selfId);
        }
        if (candidates.isEmpty())
        {
            return null;
        }
        final String next = SlotAllocation.ownerOf(slot, candidates);
        if (next.equals(selfId))
        {
            // Alone in the cluster: serve. Otherwise the slot is on its way here and its data may not have
            // arrived yet: the client retries rather than read a half-moved slot.
            return candidates.size() == 1 ? null : SlotRouting.MOVING;
        }
        final String endpoint = httpEndpointOf(next);
        return endpoint == null ? null : new SlotRouting.Owner(next, endpoint);
    }

    /** The current slot map. */
    public SlotMap slotMap()
    {
        return map.get();
    }

    /** The slots running on this node. */
    public LocalSlots localSlots()
    {
        return localSlots;
    }

    /** Node ids of the members that are up (or joining), for placement decisions such as hand-off targets. */
    public List<String> memberNodeIds()
    {
        final List<String> ids = new ArrayList<>();
        for (final Member member : Cluster.get(system).state().getMembers())
        {
            final String id = MemberInfo.nodeId(member);
            if (id != null && (member.status() == MemberStatus.up() || member.status() == MemberStatus.joining() ||
                member.status() == MemberStatus.weaklyUp()))
            {
                ids.add(id);
            }
        }
        return ids;
    }

    /** The HTTP endpoint of a member by node id, or null. */
    public String httpEndpointOf(final String nodeId)
    {
        for (final Member member : Cluster.get(system).state().getMembers())
        {
            if (nodeId.equals(MemberInfo.nodeId(member)))
            {
                return MemberInfo.httpEndpoint(member);
            }
        }
        return null;
    }

    /**
     * Asks member {@code nodeId} to leave the cluster: its slots are handed off (their data streams to the next
     * owners), then it stops.
     *
     * @return false when no such member is up.
     */
    public boolean drain(final String nodeId)
    {
        for (final Member member : Cluster.get(system).state().getMembers())
        {
            if (nodeId.equals(MemberInfo.nodeId(member)) && member.status() == MemberStatus.up())
            {
                Cluster.get(system).manager().tell(new org.apache.pekko.cluster.typed.Leave(member.address()));
                return true;
            }
        }
        return false;
    }

    /** Members that left without a hand-off, with what was lost. */
    public List<LostNode> lostNodes()
    {
        return List.copyOf(lostNodes);
    }

    /** Notes members' states and their cache-class item counts, and reports members that vanished after a downing. */
    private void watchMembers()
    {
        final Map<String, String> now = new HashMap<>();
        for (final Member member : Cluster.get(system).state().getMembers())
        {
            final String id = MemberInfo.nodeId(member);
            if (id == null)
            {
                continue;
            }
            final boolean unreachable = Cluster.get(system).state().getUnreachable().contains(member);
            now.put(id, unreachable && member.status() == MemberStatus.up() ? "unreachable" :
                member.status().toString().toLowerCase(java.util.Locale.ROOT));
            final String endpoint = MemberInfo.httpEndpoint(member);
            if (endpoint != null && !unreachable)
            {
                peers.sendAsync(java.net.http.HttpRequest.newBuilder(java.net.URI.create(endpoint + "/v1/node"))
                        .timeout(Duration.ofSeconds(2)).GET().build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString())
                    .thenAccept(response ->
                    {
                        final java.util.regex.Matcher m = java.util.regex.Pattern
                            .compile("\"cacheItems\":(\\d+)").matcher(response.body());
                        if (response.statusCode() == 200 && m.find())
                        {
                            cacheItemsByNode.put(id, Long.parseLong(m.group(1)));
                        }
                    });
            }
        }
        for (final MemberView view : map.get().members())
        {
            if (view.nodeId() != null)
            {
                lastSlotsByNode.put(view.nodeId(), view.slotsOwned());
            }
        }
        for (final Map.Entry<String, String> previous : Map.copyOf(lastStatusByNode).entrySet())
        {
            final String id = previous.getKey();
            if (!now.containsKey(id))
            {
                final String last = previous.getValue();
                if (last.equals("down") || last.equals("unreachable"))
                {
                    final LostNode lost = new LostNode(id, System.currentTimeMillis(),
                        lastSlotsByNode.getOrDefault(id, 0), cacheItemsByNode.getOrDefault(id, -1L));
                    lostNodes.add(lost);
                    LOG.warn("node {} left without handing off its {} slots: {} cache-class items were lost with it",
                        id, lost.slotsOwned(), lost.cacheItemsLost() < 0 ? "an unknown number of" : lost.cacheItemsLost());
                }
                lastStatusByNode.remove(id);
                cacheItemsByNode.remove(id);
            }
        }
        lastStatusByNode.putAll(now);
    }

    @Override
    public void close()
    {
        keeper.cancel();
        refresher.cancel();
        watcher.cancel();
    }

    private void keepAlive(final ClusterSharding sharding)
    {
        if (Cluster.get(system).selfMember().status() != MemberStatus.up())
        {
            return;
        }
        final SlotMap current = map.get();
        for (int slot = 0; slot < slots; slot++)
        {
            final MemberView owner = current.ownerOf(slot);
            // Unassigned slots get allocated; a slot placed here whose entity is not running (its first messages
            // were dropped during a hand-off) gets started.
            if (owner == null || selfId.equals(owner.nodeId()) && !localSlots.owns(slot))
            {
                sharding.entityRefFor(SlotEntity.TYPE_KEY, Integer.toString(slot)).tell(new SlotCommand.Activate(slot));
            }
        }
    }

    private void refresh()
    {
        AskPattern.<org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery, ShardRegion.ClusterShardingStats>ask(
                ClusterSharding.get(system).shardState(),
                replyTo -> new GetClusterShardingStats(SlotEntity.TYPE_KEY, Duration.ofSeconds(2), replyTo),
                Duration.ofSeconds(3), system.scheduler())
            .whenComplete((stats, failure) ->
            {
                if (failure != null)
                {
                    LOG.debug("slot map refresh failed: {}", failure.toString());
                    return;
                }
                publish(stats);
            });
    }

    private void publish(final ShardRegion.ClusterShardingStats stats)
    {
        final Cluster cluster = Cluster.get(system);
        final Address selfAddress = cluster.selfMember().address();
        final Map<Address, Member> members = new HashMap<>();
        for (final Member member : cluster.state().getMembers())
        {
            members.put(member.address(), member);
        }
        final List<MemberView> views = new ArrayList<>();
        final Map<Address, Integer> indexOf = new HashMap<>();
        final int[] owners = new int[slots];
        Arrays.fill(owners, -1);
        final int[] counts = new int[members.size() + stats.getRegions().size()];
        for (final Map.Entry<Address, ShardRegion.ShardRegionStats> region : stats.getRegions().entrySet())
        {
            final Address address = region.getKey().hasLocalScope() ? selfAddress : region.getKey();
            final Integer index = indexOf.computeIfAbsent(address, a -> indexOf.size());
            for (final String shard : region.getValue().getStats().keySet())
            {
                final int slot = Integer.parseInt(shard);
                if (slot >= 0 && slot < slots)
                {
                    owners[slot] = index;
                    counts[index]++;
                }
            }
        }
        final MemberView[] ordered = new MemberView[indexOf.size()];
        for (final Map.Entry<Address, Integer> e : indexOf.entrySet())
        {
            final Member member = members.get(e.getKey());
            ordered[e.getValue()] = new MemberView(
                member == null ? e.getKey().toString() : MemberInfo.nodeId(member),
                member == null ? null : MemberInfo.httpEndpoint(member),
                e.getKey().toString(),
                member == null ? "removed" : member.status().toString().toLowerCase(java.util.Locale.ROOT),
                counts[e.getValue()]);
        }
        views.addAll(Arrays.asList(ordered));
        final SlotMap previous = map.get();
        // A shard in the middle of a hand-off may not answer the stats query: keep its last known owner rather
        // than report it unassigned.
        for (int slot = 0; slot < slots; slot++)
        {
            if (owners[slot] < 0 && previous.owners()[slot] >= 0)
            {
                final MemberView last = previous.members().get(previous.owners()[slot]);
                for (int i = 0; i < ordered.length; i++)
                {
                    if (ordered[i].address().equals(last.address()))
                    {
                        owners[slot] = i;
                        break;
                    }
                }
            }
        }
        if (!Arrays.equals(previous.owners(), owners) || !previous.members().equals(views))
        {
            map.set(new SlotMap(epochs.incrementAndGet(), List.copyOf(views), owners));
        }
    }
}
