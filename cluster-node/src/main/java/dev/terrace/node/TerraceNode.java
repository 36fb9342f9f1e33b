package dev.terrace.node;

import dev.terrace.mover.TransferExecutor;
import dev.terrace.mover.TransferScheduler;
import dev.terrace.node.hints.ClusterHintPeers;
import dev.terrace.node.hints.HintCoordinator;
import dev.terrace.node.hints.HintPeers;
import dev.terrace.node.hints.HintService;
import dev.terrace.node.hints.HintTransport;
import dev.terrace.node.cluster.ClusterRuntime;
import dev.terrace.node.cluster.handoff.SlotHandOff;
import dev.terrace.node.http.HttpApi;
import dev.terrace.node.http.SlotRouting;
import dev.terrace.node.metrics.NodeMetrics;
import dev.terrace.node.store.NodeStore;
import dev.terrace.placement.PlacementPolicy;
import dev.terrace.placement.Policies;
import dev.terrace.protocol.SlotHash;
import dev.terrace.tier.TierDriver;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.Address;
import org.apache.pekko.cluster.typed.JoinSeedNodes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;

/**
 * One running Terrace node: tiers, the node-local store, a Pekko Cluster member (a one-node cluster until seeds are
 * given) and the HTTP API. Stopped through Pekko's {@link CoordinatedShutdown}: unbind HTTP, drain, flush memory to
 * flash, close the tiers.
 */
public final class TerraceNode implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(TerraceNode.class);

    private final NodeConfig config;
    private final ActorSystem<Void> system;
    private final NodeStore store;
    private final HintService hints;
    private final ServerBinding binding;
    private final ExecutorService io;
    private final TierDriver[] tiers;
    private final String nodeId;

    private TerraceNode(
        final NodeConfig config,
        final ActorSystem<Void> system,
        final NodeStore store,
        final HintService hints,
        final ServerBinding binding,
        final ExecutorService io,
        final TierDriver[] tiers,
        final String nodeId)
    {
        this.nodeId = nodeId;
        this.config = config;
        this.system = system;
        this.store = store;
        this.hints = hints;
        this.binding = binding;
        this.io = io;
        this.tiers = tiers;
    }

    /** Starts a node and returns once it serves HTTP. */
    public static TerraceNode start(final NodeConfig config)
    {
        final String nodeId = NodeIdentity.resolve(config);
        // The HTTP endpoint is advertised to the cluster in this member's roles, so it is fixed before joining.
        final int httpPort = config.httpPort != 0 ? config.httpPort : NodeIdentity.freePort(config.httpHost);
        final String endpoint = "http://" + config.httpHost + ':' + httpPort;
        final TierDriver memory = TierFactory.memory(config);
        final TierDriver flash = TierFactory.flash(config);
        final TierDriver capacity = TierFactory.capacity(config);
        final TierDriver[] tiers = {memory, flash, capacity};
        final BiFunction<Long, PlacementPolicy.EvictionListener, PlacementPolicy> policies =
            (budget, listener) -> Policies.create(config.placementPolicy, budget, listener);
        final NodeStore store;
        try
        {
            store = new NodeStore(memory, flash, capacity, config.extentSize, config.memoryHighWatermark, policies,
                config.dataDir.resolve("meta"));
        }
        catch (final RuntimeException ex)
        {
            closeAll(tiers);
            throw ex;
        }
        final AtomicInteger threadIds = new AtomicInteger();
        final ExecutorService io = Executors.newFixedThreadPool(config.ioThreads, r ->
        {
            final Thread t = new Thread(r, "terrace-io-" + threadIds.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        final ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "terrace",
            ConfigFactory.parseMap(Map.of("pekko.cluster.roles", List.of(
                    MemberInfo.NODE_ID_ROLE_PREFIX + nodeId, MemberInfo.HTTP_ROLE_PREFIX + endpoint)))
                .withFallback(config.raw()));
        final AtomicReference<ClusterRuntime> runtime = new AtomicReference<>();
        final SlotHandOff handOff = new SlotHandOff(store, runtime::get, SlotHash.DEFAULT_SLOTS);
        final ClusterRuntime cluster = ClusterRuntime.start(system, nodeId, SlotHash.DEFAULT_SLOTS, handOff);
        runtime.set(cluster);

        final TransferScheduler transfers = new TransferScheduler(System.nanoTime());
        final HintPeers hintPeers = new ClusterHintPeers(cluster);
        final HintTransport hintTransport = new HintTransport();
        final HintService hints = new HintService(store, new TransferExecutor(transfers, io), hintPeers, hintTransport,
            (long)(config.memoryCapacity * config.memoryHighWatermark), config.hintHorizonMillis,
            config.hintMaxJobFraction, config.hintMaxNamespaceFraction, config.hintDefaultTtlMillis,
            config.hintStageThreads);
        final NodeMetrics metrics = new NodeMetrics(store);
        final HttpApi api = new HttpApi(store, metrics, new HintCoordinator(hints, hintPeers, hintTransport), transfers, new SlotRouting(cluster, system), cluster, handOff, io, config.requestLimits(),
            () -> nodeId, () -> endpoint);
        final ServerBinding binding;
        try
        {
            binding = Http.get(system).newServerAt(config.httpHost, httpPort).bind(api.route())
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        catch (final Exception ex)
        {
            hints.close();
            system.terminate();
            store.close();
            closeAll(tiers);
            io.shutdownNow();
            throw new IllegalStateException("cannot bind HTTP on " + config.httpHost + ':' + httpPort + ": " +
                (ex.getCause() != null ? ex.getCause().getMessage() : ex.getMessage()), ex);
        }
        // Join only once HTTP serves: a slot handed to this node streams its data to this node's HTTP endpoint.
        joinCluster(system, config);
        final TerraceNode node = new TerraceNode(config, system, store, hints, binding, io, tiers, nodeId);
        node.registerShutdown();
        return node;
    }

    /** Joins the configured seed nodes, or forms a new one-node cluster when there are none. */
    private static void joinCluster(final ActorSystem<Void> system, final NodeConfig config)
    {
        final Cluster cluster = Cluster.get(system);
        if (config.seeds.isEmpty())
        {
            cluster.manager().tell(Join.create(cluster.selfMember().address()));
            return;
        }
        final List<Address> seeds = new ArrayList<>();
        for (final String seed : config.seeds)
        {
            final int colon = seed.lastIndexOf(':');
            seeds.add(new Address("pekko", system.name(), seed.substring(0, colon),
                Integer.parseInt(seed.substring(colon + 1))));
        }
        cluster.manager().tell(new JoinSeedNodes(seeds));
    }

    /** The HTTP endpoint, e.g. {@code http://127.0.0.1:8080}. */
    public String httpEndpoint()
    {
        return "http://" + config.httpHost + ':' + binding.localAddress().getPort();
    }

    /** This node's id (configured, or host name and HTTP port). */
    public String nodeId()
    {
        return nodeId;
    }

    public int httpPort()
    {
        return binding.localAddress().getPort();
    }

    public NodeConfig config()
    {
        return config;
    }

    public NodeStore store()
    {
        return store;
    }

    /** Completes when the node has shut down. */
    public CompletableFuture<Done> whenTerminated()
    {
        return system.getWhenTerminated().toCompletableFuture();
    }

    /** Runs the coordinated shutdown and waits for it. */
    @Override
    public void close()
    {
        CoordinatedShutdown.get(system).runAll(CoordinatedShutdown.unknownReason()).toCompletableFuture().join();
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().join();
    }

    private void registerShutdown()
    {
        final CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
        shutdown.addTask(CoordinatedShutdown.PhaseServiceUnbind(), "terrace-http-unbind",
            () -> binding.unbind().thenApply(ignored -> Done.getInstance()));
        shutdown.addTask(CoordinatedShutdown.PhaseServiceRequestsDone(), "terrace-http-drain",
            () -> binding.terminate(Duration.ofSeconds(5)).thenApply(ignored -> Done.getInstance()));
        shutdown.addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "terrace-store-close", () ->
            CompletableFuture.supplyAsync(() ->
            {
                hints.close();
                io.shutdown();
                try
                {
                    io.awaitTermination(10, TimeUnit.SECONDS);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
                store.close();
                closeAll(tiers);
                LOG.info("node {} stopped", nodeId);
                return Done.getInstance();
            }));
    }

    private static void closeAll(final TierDriver[] tiers)
    {
        for (final TierDriver tier : tiers)
        {
            try
            {
                tier.close();
            }
            catch (final RuntimeException ex)
            {
                LOG.warn("closing {} tier: {}", tier.kind().label(), ex.toString());
            }
        }
    }
}
