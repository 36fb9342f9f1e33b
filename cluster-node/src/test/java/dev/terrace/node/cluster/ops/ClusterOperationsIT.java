package dev.terrace.node.cluster.ops;

import com.fasterxml.jackson.databind.JsonNode;
import dev.terrace.client.TerraceClient;
import dev.terrace.protocol.Durability;
import dev.terrace.protocol.SlotHash;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The operator flows of a cluster, with real node JVMs on loopback sharing one capacity directory, driven through
 * the Java SDK and the admin API only.
 * <ol>
 *   <li><b>Add a node</b> to a settled 3-node cluster holding objects and KV blocks, under a steady client load:
 *       about 1/4 of the slots move, all of them to the new node (none between two old nodes), the load sees no
 *       failed request, every item reads back with its SHA-256, and the moved bytes are reported.</li>
 *   <li><b>Drain a node</b> through another node's {@code POST /v1/cluster/nodes/{id}/drain}: its slots go to
 *       their next rendezvous owners (nothing else moves), its process exits by itself, the load keeps working, and
 *       every item reads back.</li>
 * </ol>
 * The drain runs on the 4-node cluster the first flow leaves, so the cluster starts once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ClusterOperationsIT
{
    private static final int SLOTS = SlotHash.DEFAULT_SLOTS;
    private static final List<String> FIRST_THREE = List.of("node-1", "node-2", "node-3");
    private static final List<String> ALL_FOUR = List.of("node-1", "node-2", "node-3", "node-4");
    private static final String DRAINED = "node-2";
    private static final Duration STABLE_FOR = Duration.ofSeconds(3);
    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(150);
    private static final int OBJECTS = 24;
    private static final int BLOCKS = 48;
    private static final long LOAD_PAUSE_MILLIS = 20;

    private Path root;
    private LoopbackCluster cluster;
    private boolean failed;
    private final ClusterProbe probe = new ClusterProbe();
    private final ExpectedItems expected = new ExpectedItems();
    private TerraceClient client;

    @BeforeAll
    void startThreeNodesAndWriteData() throws Exception
    {
        // Under target/, not a temp dir: the node logs of a failed run stay there for a look.
        Files.createDirectories(Path.of("target"));
        root = Files.createTempDirectory(Path.of("target"), "cluster-ops-it-");
        cluster = new LoopbackCluster(root, FIRST_THREE.size());
        withLogsOnFailure(() ->
        {
            final long start = System.nanoTime();
            cluster.start(FIRST_THREE.toArray(new String[0]));
            final SlotMapView map = probe.awaitSettled(seed(), FIRST_THREE, STABLE_FOR, SETTLE_TIMEOUT);
            assertEquals(0, map.unassigned());
            System.out.printf("3 nodes up and settled in %d ms: %s%n", millisSince(start), map.slotsPerNode());

            client = sdk(cluster.liveEndpoints());
            final SplittableRandom random = new SplittableRandom(20_240_301L);
            for (int i = 0; i < OBJECTS; i++)
            {
                // A few KiB to 1 MiB, spread evenly on a log scale.
                final int size = (int)Math.round(4096 * Math.pow(256, random.nextDouble()));
                expected.putObject(client, "datasets", "shard-" + i, ExpectedItems.bytes(random, size),
                    Durability.WRITE_THROUGH);
            }
            for (int i = 0; i < BLOCKS; i++)
            {
                final int size = 8192 + random.nextInt(56 * 1024);
                expected.putBlock(client, "llama-ops", random.nextLong(), ExpectedItems.bytes(random, size),
                    Durability.CACHE);
            }
            assertEquals(List.of(), expected.verifyAll(client));
            System.out.printf("wrote %d objects and %d KV blocks, %d bytes%n", OBJECTS, BLOCKS,
                expected.totalBytes());
        });
    }

    @AfterAll
    void stopEverything() throws Exception
    {
        if (client != null)
        {
            client.close();
        }
        if (cluster != null)
        {
            cluster.close();
        }
        if (root != null && !failed)
        {
            deleteTree(root);
        }
    }

    @Test
    @Order(1)
    void addingANodeMovesAQuarterOfTheSlotsWithTheirDataUnderLoad() throws Exception
    {
        withLogsOnFailure(() ->
        {
            final SlotMapView before = probe.awaitSettled(seed(), FIRST_THREE, STABLE_FOR, SETTLE_TIMEOUT);
            final JsonNode overviewBefore = probe.overview(seed());
            final SteadyLoad load;
            final List<ExpectedItems.Item> heldBefore;
            final SlotMapView after;
            try (TerraceClient loadClient = sdk(cluster.liveEndpoints()))
            {
                load = new SteadyLoad(loadClient, expected, "join", 1L, LOAD_PAUSE_MILLIS);
                try (load)
                {
                    Thread.sleep(2_000);
                    heldBefore = expected.snapshot();
                    final long start = System.nanoTime();
                    cluster.start("node-4");
                    final long joined = millisSince(start);
                    after = probe.awaitSettled(seed(), ALL_FOUR, STABLE_FOR, SETTLE_TIMEOUT);
                    System.out.printf("node-4 started in %d ms, cluster settled %d ms after the start%n", joined,
                        millisSince(start));
                }
            }
            final JsonNode overviewAfter = probe.overview(seed());

            final List<Integer> moved = new ArrayList<>();
            final List<String> violations = new ArrayList<>();
            for (int slot = 0; slot < SLOTS; slot++)
            {
                if (!before.owners()[slot].equals(after.owners()[slot]))
                {
                    moved.add(slot);
                    if (!after.owners()[slot].equals("node-4"))
                    {
                        violations.add("slot " + slot + " moved between two nodes that both stay: " +
                            before.owners()[slot] + " -> " + after.owners()[slot]);
                    }
                }
            }
            final long bytesMoved = ClusterProbe.sumOverMembers(overviewAfter, "bytesHandedOff") -
                ClusterProbe.sumOverMembers(overviewBefore, "bytesHandedOff");
            final long itemsMoved = ClusterProbe.sumOverMembers(overviewAfter, "itemsHandedOff") -
                ClusterProbe.sumOverMembers(overviewBefore, "itemsHandedOff");
            final long[] inMovedSlots = itemsIn(heldBefore, moved);
            // Upper bound of what had to move: everything in the moved slots, the load's writes during the join
            // included (some of those went straight to node-4 and never needed moving).
            final long[] inMovedSlotsAtEnd = itemsIn(expected.snapshot(), moved);
            final long totalBefore = bytesOf(heldBefore);
            System.out.printf("moved %d of %d slots to node-4 (%s); hand-offs reported %d items, %d bytes; the " +
                    "moved slots held %d items, %d bytes before the join (of %d in all, ideal 1/4: %d) and %d " +
                    "items, %d bytes after it (%.2fx the bytes moved); load: %d requests, %d failed, slowest %d ms%n",
                moved.size(), SLOTS, after.slotsPerNode(), itemsMoved, bytesMoved, inMovedSlots[0], inMovedSlots[1],
                totalBefore, totalBefore / 4, inMovedSlotsAtEnd[0], inMovedSlotsAtEnd[1],
                (double)bytesMoved / Math.max(1, inMovedSlotsAtEnd[1]), load.requests(), load.failed(),
                load.maxLatencyMillis());

            if (moved.size() < 200 || moved.size() > 320)
            {
                violations.add("about 1/4 of the slots should move, not " + moved.size());
            }
            if (after.slotsPerNode().get("node-4") != moved.size())
            {
                violations.add("node-4 owns " + after.slotsPerNode().get("node-4") + " slots, " + moved.size() +
                    " moved");
            }
            violations.addAll(load.failures());
            if (load.requests() < 20)
            {
                violations.add("the load made only " + load.requests() + " requests during the join");
            }
            violations.addAll(unreadable(before, after));
            if (itemsMoved < inMovedSlots[0] || inMovedSlots[0] == 0)
            {
                violations.add("every item held in a moved slot is handed off, but " + itemsMoved + " of " +
                    inMovedSlots[0] + " were");
            }
            if (bytesMoved <= 0)
            {
                violations.add("no moved bytes reported");
            }
            assertEquals(List.of(), violations);
        });
    }

    @Test
    @Order(2)
    void drainingANodeHandsOffItsSlotsAndTheNodeExits() throws Exception
    {
        withLogsOnFailure(() ->
        {
            final List<String> members = new ArrayList<>(
                ClusterProbe.memberIds(probe.overview(seed())).contains("node-4") ? ALL_FOUR : FIRST_THREE);
            final SlotMapView before = probe.awaitSettled(seed(), members, STABLE_FOR, SETTLE_TIMEOUT);
            final List<String> stayers = new ArrayList<>(members);
            stayers.remove(DRAINED);
            final LoopbackCluster.Node drained = cluster.node(DRAINED);
            // The drained node's endpoint goes last: the SDK fails over from it once it is gone.
            final List<String> endpoints = new ArrayList<>(cluster.liveEndpoints());
            endpoints.remove(drained.http());
            endpoints.add(drained.http());
            final List<String> violations = new ArrayList<>();
            final SteadyLoad load;
            final SlotMapView after;
            try (TerraceClient loadClient = sdk(endpoints))
            {
                load = new SteadyLoad(loadClient, expected, "drain", 2L, LOAD_PAUSE_MILLIS);
                try (load)
                {
                    Thread.sleep(2_000);
                    final long start = System.nanoTime();
                    final int status = probe.post(seed(), "/v1/cluster/nodes/" + DRAINED + "/drain");
                    assertEquals(202, status, "drain request");
                    final boolean exited = drained.awaitExit(Duration.ofSeconds(120));
                    if (!exited)
                    {
                        violations.add(DRAINED + " is still running 120 s after its drain");
                    }
                    final long exitedAfter = millisSince(start);
                    after = probe.awaitSettled(seed(), stayers, STABLE_FOR, SETTLE_TIMEOUT);
                    System.out.printf("%s exited %d ms after the drain request, cluster settled after %d ms%n",
                        DRAINED, exitedAfter, millisSince(start));
                }
            }

            int handedOff = 0;
            for (int slot = 0; slot < SLOTS; slot++)
            {
                final String was = before.owners()[slot];
                final String now = after.owners()[slot];
                if (was.equals(DRAINED))
                {
                    handedOff++;
                }
                else if (!was.equals(now))
                {
                    violations.add("slot " + slot + " moved between two nodes that both stay: " + was + " -> " + now);
                }
            }
            System.out.printf("drain handed off %d slots (%s); load: %d requests, %d failed, slowest %d ms%n",
                handedOff, after.slotsPerNode(), load.requests(), load.failed(), load.maxLatencyMillis());
            if (handedOff == 0)
            {
                violations.add(DRAINED + " owned no slots before its drain");
            }
            violations.addAll(load.failures());
            if (load.requests() < 20)
            {
                violations.add("the load made only " + load.requests() + " requests during the drain");
            }
            violations.addAll(unreadable(before, after));
            assertEquals(List.of(), violations);
        });
    }

    /** Every written item that does not read back, with its slot and where the slot was and is. */
    private List<String> unreadable(final SlotMapView before, final SlotMapView after)
    {
        final List<String> problems = new ArrayList<>();
        for (final ExpectedItems.Item item : expected.snapshot())
        {
            final String problem = expected.check(client, item);
            if (problem != null)
            {
                final int slot = slotOf(item);
                problems.add(problem + " [slot " + slot + ": " + before.owners()[slot] + " -> " +
                    after.owners()[slot] + "]");
            }
        }
        return problems;
    }

    /** Items and bytes among {@code items} whose slots are in {@code slots}. */
    private static long[] itemsIn(final List<ExpectedItems.Item> items, final List<Integer> slots)
    {
        long count = 0;
        long bytes = 0;
        for (final ExpectedItems.Item item : items)
        {
            if (slots.contains(slotOf(item)))
            {
                count++;
                bytes += item.size();
            }
        }
        return new long[] {count, bytes};
    }

    private static long bytesOf(final List<ExpectedItems.Item> items)
    {
        long bytes = 0;
        for (final ExpectedItems.Item item : items)
        {
            bytes += item.size();
        }
        return bytes;
    }

    private static int slotOf(final ExpectedItems.Item item)
    {
        return item.block() ? SlotHash.kvSlot(item.container(), item.hash(), SLOTS) :
            SlotHash.objectSlot(item.container(), item.name(), SLOTS);
    }

    private String seed()
    {
        return cluster.node("node-1").http();
    }

    private static TerraceClient sdk(final List<String> endpoints)
    {
        // Retry-After of a moving slot is 1 s; up to 12 retries ride out a hand-off.
        return TerraceClient.builder().endpoints(endpoints).requestTimeout(Duration.ofSeconds(60))
            .maxRetries(12).backoffBase(Duration.ofMillis(100)).backoffMax(Duration.ofSeconds(2)).build();
    }

    private static void deleteTree(final Path dir) throws IOException
    {
        try (Stream<Path> paths = Files.walk(dir))
        {
            for (final Path path : paths.sorted(Comparator.reverseOrder()).toList())
            {
                Files.delete(path);
            }
        }
    }

    private static long millisSince(final long startNanos)
    {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** A step of a flow that may throw. */
    @FunctionalInterface
    private interface Step
    {
        void run() throws Exception;
    }

    /** Runs a step; when it fails, the tail of every node's log goes to stderr (the failsafe report keeps it). */
    private void withLogsOnFailure(final Step step) throws Exception
    {
        try
        {
            step.run();
        }
        catch (final Exception | AssertionError ex)
        {
            failed = true;
            System.err.println("flow failed: " + ex + "\nnode logs are kept under " + root.toAbsolutePath() + "\n" +
                cluster.logTails(60));
            throw ex;
        }
    }
}
