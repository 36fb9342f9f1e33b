package dev.terrace.node.cluster.serialization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.NotSerializableException;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import com.esotericsoftware.kryo.io.Output;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.terrace.node.cluster.ClusterTestConfig;
import dev.terrace.node.cluster.protocol.ClusterMessage;
import dev.terrace.node.cluster.protocol.NodeInfo;
import dev.terrace.node.cluster.protocol.SlotCommand;
import dev.terrace.node.cluster.protocol.SlotMapSnapshot;

/**
 * Feeds the serializer forged bytes: every truncation of valid messages, random byte mutations, random payloads
 * and hand-made forged lengths. Each attempt must end quickly in {@link IllegalArgumentException} or
 * {@link NotSerializableException} (or, for a mutation that happens to be well-formed, in a valid message), and
 * must allocate no more than a small multiple of its payload, measured per thread by the JVM.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class KryoForgedInputTest
{
    /**
     * Allowed allocation of one attempt: per payload byte, plus a fixed part for the exception, actor reference
     * resolution and the first run of a string-concatenation call site (the JVM bootstraps each once, about
     * 150 KiB). A forged length that got through would ask for up to gigabytes.
     */
    private static final long ALLOCATION_PER_BYTE = 16;
    private static final long ALLOCATION_FIXED = 512 * 1024;
    /**
     * CPU time one attempt may use. Thread CPU time, not wall time, so that a descheduled thread on a busy machine
     * does not fail the test; a blocking hang is caught by the class timeout instead.
     */
    private static final long MAX_NANOS_PER_ATTEMPT = TimeUnit.MILLISECONDS.toNanos(250);

    private static ActorSystem<Void> system;
    private static KryoSerializer serializer;
    private static List<ClusterMessage> samples;
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    private long attempts;
    private long failures;
    private long maxAllocated;
    private long maxNanos;

    @BeforeAll
    static void startSystem()
    {
        // A local provider starts and stops fastest; actor references still go through the typed resolver.
        system = ActorSystem.create(Behaviors.empty(), "kryo-forged-test",
            ClusterTestConfig.config(0, "pekko.actor.provider = local"));
        serializer = (KryoSerializer)SerializationExtension.get(Adapter.toClassic(system))
            .serializerByIdentity().apply(KryoSerializer.IDENTIFIER);
        final ActorRef<NodeInfo> replyTo = system.systemActorOf(Behaviors.ignore(), "reply-to", Props.empty());
        samples = KryoSerializerTest.samples(replyTo);
        assertTrue(THREADS.isThreadAllocatedMemorySupported() && THREADS.isThreadAllocatedMemoryEnabled(),
            "this JVM must report per-thread allocation");
        assertTrue(THREADS.isCurrentThreadCpuTimeSupported() && THREADS.isThreadCpuTimeEnabled(),
            "this JVM must report per-thread CPU time");
        warmUp();
    }

    /**
     * Runs each code path once before anything is measured, so that one-time costs (the pooled Kryo instance,
     * class loading, the actor reference resolver) are not charged to the first forged payload.
     */
    private static void warmUp()
    {
        for (final ClusterMessage sample : samples)
        {
            final byte[] bytes = serializer.toBinary(sample);
            final String manifest = serializer.manifest(sample);
            for (final byte[] payload : List.of(bytes, Arrays.copyOf(bytes, bytes.length / 2), new byte[] {(byte)0xFF},
                concat(varint(3), new byte[] {(byte)0xC3, 0x28, 0}), concat(varint(1 << 20), bytes)))
            {
                try
                {
                    serializer.fromBinary(payload, manifest);
                }
                catch (final IllegalArgumentException | NotSerializableException expected)
                {
                    // Only the side effect of running the path matters here.
                }
            }
        }
    }

    @AfterAll
    static void stopSystem() throws Exception
    {
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void everyTruncationOfEveryValidMessageFails()
    {
        for (final ClusterMessage sample : samples)
        {
            final byte[] bytes = serializer.toBinary(sample);
            final String manifest = serializer.manifest(sample);
            for (int length = 0; length < bytes.length; length++)
            {
                final Object decoded = attempt(Arrays.copyOf(bytes, length), manifest);
                if (decoded != null)
                {
                    fail("a " + length + "-byte prefix of " + sample + " decoded to " + decoded);
                }
            }
        }
        assertEquals(attempts, failures);
        report("truncations");
    }

    @Test
    void mutatedMessagesFailOrDecodeToValidMessages()
    {
        final Random random = new Random(0x7E44ACEL);
        final byte[] nasty = {0, 1, 0x7F, (byte)0x80, (byte)0xFF, (byte)0xC3, (byte)0xFE};
        for (final ClusterMessage sample : samples)
        {
            final byte[] bytes = serializer.toBinary(sample);
            final String manifest = serializer.manifest(sample);
            for (int round = 0; round < 1500; round++)
            {
                final byte[] mutated = bytes.clone();
                final int changes = 1 + random.nextInt(3);
                for (int c = 0; c < changes && mutated.length > 0; c++)
                {
                    final int at = random.nextInt(mutated.length);
                    mutated[at] = random.nextBoolean() ? (byte)random.nextInt(256) : nasty[random.nextInt(nasty.length)];
                }
                checkDecoded(attempt(mutated, manifest), manifest);
            }
        }
        report("mutations");
        assertTrue(failures > attempts / 2, failures + " of " + attempts + " mutations failed");
    }

    @Test
    void randomPayloadsFailOrDecodeToValidMessages()
    {
        final Random random = new Random(0x5EED5L);
        for (final ClusterMessageRegistry.Registration<?> registration : ClusterMessageRegistry.registrations())
        {
            final String manifest = Integer.toString(registration.id());
            for (int round = 0; round < 1500; round++)
            {
                final byte[] payload = new byte[random.nextInt(600)];
                random.nextBytes(payload);
                checkDecoded(attempt(payload, manifest), manifest);
            }
        }
        report("random payloads");
        assertTrue(failures > attempts * 9 / 10, failures + " of " + attempts + " random payloads failed");
    }

    @Test
    void forgedLengthsAreRejectedBeforeAnythingIsAllocated()
    {
        final String nodeInfo = id(NodeInfo.class);
        final String activate = id(SlotCommand.Activate.class);
        final String getNodeInfo = id(SlotCommand.GetNodeInfo.class);
        final String slotMap = id(SlotMapSnapshot.class);
        final byte[] tail = new byte[64];
        Arrays.fill(tail, (byte)'a');

        // Strings: 2^31-1, -1 and 2^28 as the UTF-8 length, one above the field maximum, and more than is left.
        expectGuard(concat(varint(Integer.MAX_VALUE), tail), nodeInfo, "out of range");
        expectGuard(concat(varint(-1), tail), nodeInfo, "out of range");
        expectGuard(concat(varint(1 << 28), tail), nodeInfo, "out of range");
        expectGuard(concat(varint(WireFields.MAX_NAME_BYTES + 1), new byte[WireFields.MAX_NAME_BYTES + 1]), nodeInfo,
            "out of range");
        expectGuard(concat(varint(40), tail, 10), nodeInfo, "does not fit");
        expectGuard(concat(string("ok"), varint(Integer.MAX_VALUE), tail), nodeInfo, "out of range");
        expectGuard(concat(string("ok"), string("h"), varint(-2), tail), nodeInfo, "out of range");
        // Counts that do not fit a long's sign: a varlong of all ones.
        expectGuard(concat(string("ok"), string("h"), string("d"), varlong(-1L), varlong(0), varlong(0), varlong(0)),
            nodeInfo, "negative");
        // Malformed UTF-8 inside a well-framed string.
        expectGuard(concat(varint(2), new byte[] {(byte)0xC3, 0x28}, string("h"), string("d"), varlong(0), varlong(0),
            varlong(0), varlong(0)), nodeInfo, "UTF-8");

        // Slots: negative and above the largest slot space.
        expectGuard(varint(-1), activate, "out of range");
        expectGuard(varint(1 << 16), activate, "out of range");

        // Actor references: huge, above the maximum, and empty.
        expectGuard(concat(varint(Integer.MAX_VALUE), tail), getNodeInfo, "out of range");
        expectGuard(concat(varint(WireFields.MAX_ACTOR_REF_BYTES + 1), new byte[WireFields.MAX_ACTOR_REF_BYTES + 1]),
            getNodeInfo, "out of range");
        expectGuard(varint(0), getNodeInfo, "not an actor reference");
        expectGuard(concat(varint(9), "pvkko://x".getBytes(java.nio.charset.StandardCharsets.UTF_8)), getNodeInfo,
            "not an actor reference");

        // Collections: node counts and owner arrays of 2^31-1, -1, just above the maximum, and more than is left.
        expectGuard(concat(varlong(1), varint(Integer.MAX_VALUE), tail), slotMap, "out of range");
        expectGuard(concat(varlong(1), varint(-1), tail), slotMap, "out of range");
        expectGuard(concat(varlong(1), varint(ProtocolSerializers.MAX_NODES + 1), tail), slotMap, "out of range");
        expectGuard(concat(varlong(1), varint(ProtocolSerializers.MAX_NODES), tail), slotMap, "does not fit");
        expectGuard(concat(varlong(1), varint(0), varint(Integer.MAX_VALUE), tail), slotMap, "out of range");
        expectGuard(concat(varlong(1), varint(0), varint(ProtocolSerializers.MAX_SLOTS + 1), tail), slotMap,
            "out of range");
        expectGuard(concat(varlong(1), varint(0), varint(ProtocolSerializers.MAX_SLOTS), tail), slotMap,
            "does not fit");
        // A forged length nested inside a listed node.
        expectGuard(concat(varlong(1), varint(1), varint(Integer.MAX_VALUE), tail), slotMap, "out of range");
        // Well framed but dangling: slot 0 points at node 5 of an empty list.
        expectGuard(concat(varlong(1), varint(0), varint(1), varint(6)), slotMap, "points at node index");
        // A negative epoch.
        expectGuard(concat(varlong(-5L), varint(0), varint(0)), slotMap, "negative");

        // Payloads at and above the bound, full of continuation bytes.
        for (final ClusterMessageRegistry.Registration<?> registration : ClusterMessageRegistry.registrations())
        {
            final byte[] full = new byte[serializer.maxBytes()];
            Arrays.fill(full, (byte)0xFF);
            final Object decoded = attempt(full, Integer.toString(registration.id()));
            if (decoded != null)
            {
                fail("a full payload of 0xFF decoded to " + decoded);
            }
            expectGuard(new byte[serializer.maxBytes() + 1], Integer.toString(registration.id()), "exceeds");
            expectGuard(new byte[16 * 1024 * 1024], Integer.toString(registration.id()), "exceeds");
        }
        assertEquals(attempts, failures);
        report("forged lengths");
    }

    @Test
    void unknownManifestsFailWithNotSerializable()
    {
        for (final String manifest : List.of("0", "1", "99", "105", "-100", "2147483648", "100 ", "NodeInfo", ""))
        {
            final long before = THREADS.getCurrentThreadCpuTime();
            try
            {
                serializer.fromBinary(new byte[] {1, 2, 3}, manifest);
                fail("manifest '" + manifest + "' was accepted");
            }
            catch (final NotSerializableException expected)
            {
                assertTrue(THREADS.getCurrentThreadCpuTime() - before < MAX_NANOS_PER_ATTEMPT);
            }
        }
    }

    private String id(final Class<?> type)
    {
        return Integer.toString(ClusterMessageRegistry.forType(type).id());
    }

    /** Decodes and returns the message, or null if it failed the way bad input must fail; checks time and allocation. */
    private Object attempt(final byte[] payload, final String manifest)
    {
        attempts++;
        final long threadId = Thread.currentThread().getId();
        final long allocatedBefore = THREADS.getThreadAllocatedBytes(threadId);
        final long start = THREADS.getCurrentThreadCpuTime();
        Object decoded = null;
        try
        {
            decoded = serializer.fromBinary(payload, manifest);
        }
        catch (final IllegalArgumentException | NotSerializableException expected)
        {
            failures++;
        }
        catch (final Throwable unexpected)
        {
            throw new AssertionError("bad input must fail with IllegalArgumentException, not " + unexpected, unexpected);
        }
        final long nanos = THREADS.getCurrentThreadCpuTime() - start;
        final long allocated = THREADS.getThreadAllocatedBytes(threadId) - allocatedBefore;
        final long bytesLooked = Math.min(payload.length, serializer.maxBytes());
        final long allowed = ALLOCATION_FIXED + ALLOCATION_PER_BYTE * bytesLooked;
        assertTrue(allocated <= allowed, "decoding " + payload.length + " bytes as " + manifest + " allocated " +
            allocated + " bytes, more than " + allowed);
        assertTrue(nanos <= MAX_NANOS_PER_ATTEMPT, "decoding took " + nanos / 1_000_000 + " ms of CPU");
        maxAllocated = Math.max(maxAllocated, allocated);
        maxNanos = Math.max(maxNanos, nanos);
        return decoded;
    }

    private void expectGuard(final byte[] payload, final String manifest, final String reason)
    {
        attempts++;
        final long threadId = Thread.currentThread().getId();
        final long allocatedBefore = THREADS.getThreadAllocatedBytes(threadId);
        try
        {
            final Object decoded = serializer.fromBinary(payload, manifest);
            fail("forged payload decoded to " + decoded);
        }
        catch (final IllegalArgumentException expected)
        {
            failures++;
            assertTrue(String.valueOf(expected.getMessage()).contains(reason),
                "expected '" + reason + "' in: " + expected.getMessage());
        }
        catch (final NotSerializableException unexpected)
        {
            throw new AssertionError(unexpected);
        }
        final long allocated = THREADS.getThreadAllocatedBytes(threadId) - allocatedBefore;
        final long allowed = ALLOCATION_FIXED + ALLOCATION_PER_BYTE * Math.min(payload.length, serializer.maxBytes());
        assertTrue(allocated <= allowed, "forged payload allocated " + allocated + " bytes, more than " + allowed);
        maxAllocated = Math.max(maxAllocated, allocated);
    }

    /** A decoded mutation must be a valid message in its own right: it re-serializes and reads back equal. */
    private void checkDecoded(final Object decoded, final String manifest)
    {
        if (decoded == null)
        {
            return;
        }
        try
        {
            assertEquals(manifest, serializer.manifest(decoded));
            final Object again = serializer.fromBinary(serializer.toBinary(decoded), manifest);
            if (decoded instanceof SlotCommand.GetNodeInfo)
            {
                // A mutated path can resolve to dead letters, which serializes to a different path: the message is
                // still a valid GetNodeInfo whose answer goes nowhere.
                assertInstanceOf(SlotCommand.GetNodeInfo.class, again);
            }
            else
            {
                assertEquals(decoded, again);
            }
        }
        catch (final NotSerializableException ex)
        {
            throw new AssertionError(ex);
        }
    }

    private void report(final String what)
    {
        System.out.printf("forged input (%s): %d attempts, %d failed as required, max %d bytes allocated, max %.2f ms CPU%n",
            what, attempts, failures, maxAllocated, maxNanos / 1e6);
    }

    private static byte[] varint(final int value)
    {
        final Output output = new Output(8);
        output.writeVarInt(value, true);
        return output.toBytes();
    }

    private static byte[] varlong(final long value)
    {
        final Output output = new Output(16);
        output.writeVarLong(value, true);
        return output.toBytes();
    }

    private static byte[] string(final String value)
    {
        final Output output = new Output(64, -1);
        WireFields.writeString(output, value, WireFields.MAX_NAME_BYTES, "test");
        return output.toBytes();
    }

    private static byte[] concat(final byte[] head, final byte[] tail, final int tailLength)
    {
        return concat(head, Arrays.copyOf(tail, tailLength));
    }

    private static byte[] concat(final byte[]... parts)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (final byte[] part : parts)
        {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
