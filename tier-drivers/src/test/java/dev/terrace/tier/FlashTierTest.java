package dev.terrace.tier;

import dev.terrace.tier.internal.FlashRecord;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static dev.terrace.tier.TierDriverContractTest.assertBytes;
import static dev.terrace.tier.TierDriverContractTest.randomBytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the flash tier promises beyond the contract: recovery on open, detection of damaged records, compaction.
 */
class FlashTierTest
{
    private static final long SEGMENT = 64 * 1024;

    @TempDir
    Path directory;

    private FlashTier open() throws TierException
    {
        return open(0);
    }

    private FlashTier open(final double compactionThreshold) throws TierException
    {
        return FlashTier.open(new FlashTier.Context()
            .directory(directory)
            .capacityBytes(16L * 1024 * 1024)
            .segmentSize(SEGMENT)
            .fsync(false)
            .compactionThreshold(compactionThreshold));
    }

    @Test
    void reopeningRebuildsTheIndexFromTheSegments() throws Exception
    {
        final long used;
        try (FlashTier tier = open())
        {
            for (int i = 0; i < 60; i++)
            {
                tier.put("k/" + i, ByteBuffer.wrap(randomBytes(1000 + 97 * i, i)));
            }
            for (int i = 0; i < 60; i += 3)
            {
                tier.put("k/" + i, ByteBuffer.wrap(randomBytes(500 + i, 1000 + i)));
            }
            for (int i = 1; i < 60; i += 3)
            {
                assertTrue(tier.delete("k/" + i));
            }
            assertTrue(tier.segmentCount() > 1, "the test spans several segments");
            used = tier.usedBytes();
        }
        try (FlashTier tier = open())
        {
            assertEquals(used, tier.usedBytes());
            assertEquals(40, tier.stats().extents());
            assertEquals(0, tier.stats().corruptions());
            for (int i = 0; i < 60; i++)
            {
                final ByteBuffer value = tier.get("k/" + i, 0, -1);
                switch (i % 3)
                {
                    case 0 -> assertBytes(randomBytes(500 + i, 1000 + i), value);
                    case 1 -> assertNull(value);
                    default -> assertBytes(randomBytes(1000 + 97 * i, i), value);
                }
            }
            assertEquals(FlashSegmentFiles.totalSize(directory), tier.diskBytes(), "disk accounting matches the files");
        }
    }

    @Test
    void aBitFlippedValueIsDetectedOnReadDroppedAndCounted() throws Exception
    {
        final byte[] damaged = randomBytes(5000, 1);
        try (FlashTier tier = open())
        {
            tier.put("a", ByteBuffer.wrap(damaged));
            tier.put("b", ByteBuffer.wrap(randomBytes(5000, 2)));
            final FlashSegmentFiles.Location location = FlashSegmentFiles.find(directory, damaged);
            FlashSegmentFiles.flipBit(location.file(), location.offset() + 1234);

            assertThrows(TierException.class, () -> tier.get("a", 0, 10), "a corrupt record is never served");
            assertEquals(1, tier.stats().corruptions());
            assertNull(tier.get("a", 0, -1), "the corrupt record was dropped");
            assertFalse(tier.contains("a"));
            assertBytes(randomBytes(5000, 2), tier.get("b", 0, -1));
        }
        try (FlashTier tier = open())
        {
            assertFalse(tier.contains("a"), "the drop survives a restart");
            assertEquals(1, tier.stats().corruptions(), "the damaged record is found again on the next scan");
            assertBytes(randomBytes(5000, 2), tier.get("b", 0, -1));
        }
        try (FlashTier tier = open())
        {
            assertEquals(0, tier.stats().corruptions(), "the damage was padded over: it is not counted twice");
            assertFalse(tier.contains("a"));
        }
    }

    @Test
    void readIntoABufferAlsoRefusesACorruptRecord() throws Exception
    {
        final byte[] damaged = randomBytes(8000, 3);
        try (FlashTier tier = open())
        {
            tier.put("a", ByteBuffer.wrap(damaged));
            final FlashSegmentFiles.Location location = FlashSegmentFiles.find(directory, damaged);
            FlashSegmentFiles.flipBit(location.file(), location.offset() + 7000);

            final ByteBuffer destination = ByteBuffer.allocateDirect(8000);
            assertThrows(TierException.class, () -> tier.read("a", 0, destination));
            assertEquals(0, destination.position(), "nothing is claimed to be read");
            assertEquals(1, tier.stats().corruptions());
            assertEquals(-1, tier.read("a", 0, destination));
        }
    }

    @Test
    void aBitFlipFoundWhenOpeningDropsOnlyThatRecord() throws Exception
    {
        final byte[] damaged = randomBytes(3000, 11);
        try (FlashTier tier = open())
        {
            tier.put("x", ByteBuffer.wrap(randomBytes(3000, 10)));
            tier.put("y", ByteBuffer.wrap(damaged));
            tier.put("z", ByteBuffer.wrap(randomBytes(3000, 12)));
        }
        final FlashSegmentFiles.Location location = FlashSegmentFiles.find(directory, damaged);
        FlashSegmentFiles.flipBit(location.file(), location.offset() + 2999);
        try (FlashTier tier = open())
        {
            assertEquals(1, tier.stats().corruptions());
            assertFalse(tier.contains("y"));
            assertNull(tier.get("y", 0, -1));
            assertBytes(randomBytes(3000, 10), tier.get("x", 0, -1));
            assertBytes(randomBytes(3000, 12), tier.get("z", 0, -1));
            assertEquals(List.of("x", "z"), tier.list(""));
        }
    }

    @Test
    void aDamagedHeaderIsSkippedAndTheRecordsAfterItSurvive() throws Exception
    {
        final byte[] damaged = randomBytes(3000, 21);
        try (FlashTier tier = open())
        {
            tier.put("first", ByteBuffer.wrap(randomBytes(3000, 20)));
            tier.put("second", ByteBuffer.wrap(damaged));
            tier.put("third", ByteBuffer.wrap(randomBytes(3000, 22)));
        }
        final FlashSegmentFiles.Location value = FlashSegmentFiles.find(directory, damaged);
        final long header = value.offset() - "second".length() - FlashRecord.HEADER_LENGTH;
        FlashSegmentFiles.flipBit(value.file(), header + FlashRecord.VALUE_LENGTH_OFFSET + 1);
        try (FlashTier tier = open())
        {
            assertEquals(1, tier.stats().corruptions());
            assertFalse(tier.contains("second"));
            assertBytes(randomBytes(3000, 20), tier.get("first", 0, -1));
            assertBytes(randomBytes(3000, 22), tier.get("third", 0, -1));
        }
        try (FlashTier tier = open())
        {
            assertEquals(0, tier.stats().corruptions());
            assertBytes(randomBytes(3000, 22), tier.get("third", 0, -1));
        }
    }

    @Test
    void aTornTailIsDroppedCountedAndTruncated() throws Exception
    {
        final long sizeAfterFirst;
        try (FlashTier tier = open())
        {
            tier.put("whole", ByteBuffer.wrap(randomBytes(10_000, 30)));
            sizeAfterFirst = tier.diskBytes();
            tier.put("torn", ByteBuffer.wrap(randomBytes(20_000, 31)));
        }
        final Path segment = FlashSegmentFiles.segments(directory).get(0);
        FlashSegmentFiles.truncateBy(segment, 7_000);
        try (FlashTier tier = open())
        {
            assertEquals(1, tier.stats().corruptions());
            assertFalse(tier.contains("torn"));
            assertBytes(randomBytes(10_000, 30), tier.get("whole", 0, -1));
            assertEquals(sizeAfterFirst, Files.size(segment), "the torn record was cut off");
            tier.put("after", ByteBuffer.wrap(randomBytes(100, 32)));
        }
        try (FlashTier tier = open())
        {
            assertEquals(0, tier.stats().corruptions());
            assertEquals(List.of("after", "whole"), tier.list(""));
        }
    }

    @Test
    void aTornReplaceInTheNewestSegmentFallsBackToTheAcknowledgedVersion() throws Exception
    {
        try (FlashTier tier = open())
        {
            tier.put("k", ByteBuffer.wrap(randomBytes(4000, 40)));
            tier.put("other", ByteBuffer.wrap(randomBytes(4000, 41)));
            tier.put("k", ByteBuffer.wrap(randomBytes(8000, 42)));
        }
        FlashSegmentFiles.truncateBy(FlashSegmentFiles.segments(directory).get(0), 3000);
        try (FlashTier tier = open())
        {
            assertEquals(1, tier.stats().corruptions());
            assertBytes(randomBytes(4000, 40), tier.get("k", 0, -1));
            tier.put("later", ByteBuffer.wrap(randomBytes(100, 43)));
        }
        try (FlashTier tier = open())
        {
            assertBytes(randomBytes(4000, 40), tier.get("k", 0, -1), "the next restart judges the same way");
            assertEquals(0, tier.stats().corruptions());
        }
    }

    @Test
    void mediaDamageToTheNewestVersionInAnOlderSegmentDropsTheKeyRatherThanServeStaleBytes() throws Exception
    {
        final byte[] newest = randomBytes(20_000, 51);
        try (FlashTier tier = open())
        {
            tier.put("k", ByteBuffer.wrap(randomBytes(20_000, 50)));
            tier.put("filler-1", ByteBuffer.wrap(randomBytes(50_000, 52)));
            tier.put("k", ByteBuffer.wrap(newest));
            tier.put("filler-2", ByteBuffer.wrap(randomBytes(50_000, 53)));
            tier.put("filler-3", ByteBuffer.wrap(randomBytes(50_000, 54)));
            assertTrue(tier.segmentCount() >= 3);
        }
        final FlashSegmentFiles.Location location = FlashSegmentFiles.find(directory, newest);
        assertTrue(!location.file().equals(FlashSegmentFiles.segments(directory).get(
            FlashSegmentFiles.segments(directory).size() - 1)), "the damaged record is not in the newest segment");
        FlashSegmentFiles.flipBit(location.file(), location.offset() + 100);
        try (FlashTier tier = open())
        {
            assertEquals(1, tier.stats().corruptions());
            assertNull(tier.get("k", 0, -1), "the older version must not come back");
        }
        try (FlashTier tier = open())
        {
            assertNull(tier.get("k", 0, -1));
            assertBytes(randomBytes(50_000, 54), tier.get("filler-3", 0, -1));
        }
    }

    @Test
    void compactionReclaimsSpaceAndEverythingSurvivesARestart() throws Exception
    {
        final int keys = 200;
        try (FlashTier tier = open())
        {
            for (int i = 0; i < keys; i++)
            {
                tier.put("c/" + i, ByteBuffer.wrap(randomBytes(4000, i)));
            }
            for (int i = 0; i < keys; i++)
            {
                tier.put("c/" + i, ByteBuffer.wrap(randomBytes(3000, 10_000 + i)));
            }
            for (int i = 0; i < keys; i += 2)
            {
                tier.delete("c/" + i);
            }
            final long before = tier.diskBytes();
            final int segmentsBefore = tier.segmentCount();
            final long reclaimed = tier.compact();

            assertTrue(reclaimed > before / 2, "compaction reclaimed " + reclaimed + " of " + before);
            assertEquals(before - reclaimed, tier.diskBytes());
            assertTrue(tier.segmentCount() < segmentsBefore / 2);
            assertEquals(FlashSegmentFiles.totalSize(directory), tier.diskBytes(), "files were deleted");
            assertTrue(tier.diskBytes() < 2L * keys / 2 * 3200, "what is left is about the live data");
            for (int i = 1; i < keys; i += 2)
            {
                assertBytes(randomBytes(3000, 10_000 + i), tier.get("c/" + i, 0, -1));
            }
        }
        try (FlashTier tier = open())
        {
            assertEquals(0, tier.stats().corruptions());
            assertEquals(keys / 2, tier.stats().extents());
            for (int i = 0; i < keys; i++)
            {
                final ByteBuffer value = tier.get("c/" + i, 0, -1);
                if (i % 2 == 0)
                {
                    assertNull(value, "a deleted key stays deleted after compaction and restart: c/" + i);
                }
                else
                {
                    assertBytes(randomBytes(3000, 10_000 + i), value);
                }
            }
            for (int i = 1; i < keys; i += 2)
            {
                tier.delete("c/" + i);
            }
            tier.compact();
            assertEquals(0, tier.diskBytes(), "with every key deleted, tombstones go too");
            assertEquals(0, FlashSegmentFiles.segments(directory).size());
        }
        try (FlashTier tier = open())
        {
            assertEquals(List.of(), tier.list(""));
        }
    }

    @Test
    @Timeout(30)
    void sealedSegmentsBelowTheThresholdAreCompactedInTheBackground() throws Exception
    {
        try (FlashTier tier = open(0.5))
        {
            for (int i = 0; i < 100; i++)
            {
                tier.put("b/" + i, ByteBuffer.wrap(randomBytes(4000, i)));
            }
            final long before = tier.diskBytes();
            for (int i = 0; i < 80; i++)
            {
                tier.delete("b/" + i);
            }
            while (tier.diskBytes() > before / 2)
            {
                TimeUnit.MILLISECONDS.sleep(20);
            }
            for (int i = 80; i < 100; i++)
            {
                assertBytes(randomBytes(4000, i), tier.get("b/" + i, 0, -1));
            }
        }
    }

    @Test
    @Timeout(60)
    void readersNeverFailWhileCompactionMovesTheirRecords() throws Exception
    {
        try (FlashTier tier = open())
        {
            final int keys = 64;
            for (int i = 0; i < keys; i++)
            {
                tier.put("r/" + i, ByteBuffer.wrap(TierDriverContractTest.selfDescribingValue(i)));
            }
            final AtomicBoolean stop = new AtomicBoolean();
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final AtomicInteger reads = new AtomicInteger();
            final List<Thread> readers = new ArrayList<>();
            for (int t = 0; t < 2; t++)
            {
                final Random random = new Random(t);
                final Thread reader = new Thread(() ->
                {
                    try
                    {
                        while (!stop.get())
                        {
                            final String key = "r/" + random.nextInt(keys);
                            TierDriverContractTest.assertSelfDescribing(key, tier.get(key, 0, -1));
                            reads.incrementAndGet();
                        }
                    }
                    catch (final Throwable ex)
                    {
                        failure.set(ex);
                    }
                });
                reader.start();
                readers.add(reader);
            }
            final Random random = new Random(99);
            for (int round = 0; round < 20; round++)
            {
                for (int i = 0; i < keys / 4; i++)
                {
                    final int key = random.nextInt(keys);
                    tier.put("r/" + key, ByteBuffer.wrap(TierDriverContractTest.selfDescribingValue(random.nextLong())));
                }
                tier.compact();
            }
            stop.set(true);
            for (final Thread reader : readers)
            {
                reader.join();
            }
            if (failure.get() != null)
            {
                throw new AssertionError("a reader failed during compaction", failure.get());
            }
            assertTrue(reads.get() > 100, "readers ran: " + reads.get());
            assertEquals(0, tier.stats().corruptions());
        }
    }

    @Test
    void anAbandonedStreamLeavesNothingVisibleAndNothingCountedAsDamage() throws Exception
    {
        try (FlashTier tier = open())
        {
            tier.put("before", ByteBuffer.wrap(randomBytes(1000, 60)));
            assertThrows(TierException.class,
                () -> tier.put("partial", new ByteArrayInputStream(randomBytes(5000, 61)), 9000));
            tier.put("after", ByteBuffer.wrap(randomBytes(1000, 62)));
        }
        try (FlashTier tier = open())
        {
            assertEquals(0, tier.stats().corruptions());
            assertEquals(List.of("after", "before"), tier.list(""));
        }
    }

    @Test
    void aValueLargerThanASegmentIsRefusedAsFull() throws Exception
    {
        try (FlashTier tier = open())
        {
            assertThrows(TierFullException.class, () -> tier.put("big", ByteBuffer.allocate((int)SEGMENT)));
            tier.put("fits", ByteBuffer.allocate((int)SEGMENT - FlashRecord.HEADER_LENGTH - 8));
            assertTrue(tier.contains("fits"));
        }
    }

    @Test
    void theDirectoryCanBeOpenedOnlyOnce() throws Exception
    {
        try (FlashTier tier = open())
        {
            tier.put("k", ByteBuffer.wrap("v".getBytes(StandardCharsets.UTF_8)));
            final TierException refused = assertThrows(TierException.class, this::open);
            assertTrue(refused.getMessage().contains("already open"), refused.getMessage());
        }
        try (FlashTier tier = open())
        {
            assertTrue(tier.contains("k"));
        }
    }

    @Test
    void zerosUpToTheEndOfASegmentAreWhereItsDataEndsButZerosBeforeARecordAreDamage() throws Exception
    {
        final byte[] second = randomBytes(3000, 71);
        final byte[] last = randomBytes(3000, 73);
        try (FlashTier tier = open())
        {
            tier.put("first", ByteBuffer.wrap(randomBytes(3000, 70)));
            tier.put("second", ByteBuffer.wrap(second));
            tier.put("third", ByteBuffer.wrap(randomBytes(3000, 72)));
            tier.put("last", ByteBuffer.wrap(last));
        }
        final Path segment = FlashSegmentFiles.segments(directory).get(0);
        final long secondStart = FlashSegmentFiles.find(directory, second).offset() - "second".length() -
            FlashRecord.HEADER_LENGTH;
        final long lastStart = FlashSegmentFiles.find(directory, last).offset() - "last".length() -
            FlashRecord.HEADER_LENGTH;
        // The last record never written, the file zero-filled beyond it: the shape a preallocated segment has.
        FlashSegmentFiles.zero(segment, lastStart, Files.size(segment) - lastStart + 4096);
        // A record in the middle never written, with a record after it: damage.
        FlashSegmentFiles.zero(segment, secondStart, FlashRecord.alignedLength("second".length(), second.length));
        try (FlashTier tier = open())
        {
            assertEquals(1, tier.stats().corruptions(), "only the zeros before a record count as damage");
            assertEquals(List.of("first", "third"), tier.list(""));
            assertBytes(randomBytes(3000, 72), tier.get("third", 0, -1));
            assertEquals(lastStart, Files.size(segment), "the zero tail was cut off");
        }
        try (FlashTier tier = open())
        {
            assertEquals(0, tier.stats().corruptions(), "the damage was padded over");
        }
    }

    @Test
    @Timeout(60)
    void withPreallocationTheActiveSegmentIsZeroFilledAheadAndACrashThereLosesNothing() throws Exception
    {
        final Path tierDirectory = directory.resolve("tier");
        final Path crashed = directory.resolve("crashed");
        final long segment = 1024 * 1024;
        final long diskBytes;
        try (FlashTier tier = FlashTier.open(preallocatedContext(tierDirectory, segment)))
        {
            tier.put("p/0", ByteBuffer.wrap(randomBytes(10_000, 0)));
            final Path active = FlashSegmentFiles.segments(tierDirectory).get(0);
            while (Files.size(active) <= tier.diskBytes())
            {
                TimeUnit.MILLISECONDS.sleep(10);
            }
            for (int i = 1; i < 10; i++)
            {
                tier.put("p/" + i, ByteBuffer.wrap(randomBytes(10_000, i)));
            }
            assertTrue(Files.size(active) > tier.diskBytes(), "zero-filled ahead of the records");
            FlashSegmentFiles.copySegments(tierDirectory, crashed);
            for (int i = 10; tier.segmentCount() < 3; i++)
            {
                tier.put("p/" + i, ByteBuffer.wrap(randomBytes(10_000, i)));
            }
            diskBytes = tier.diskBytes();
        }
        assertEquals(diskBytes, FlashSegmentFiles.totalSize(tierDirectory),
            "sealed segments were trimmed in the background, the active one on close");
        try (FlashTier tier = FlashTier.open(preallocatedContext(crashed, segment)))
        {
            assertEquals(0, tier.stats().corruptions(), "a zero-filled tail is not damage");
            assertEquals(10, tier.stats().extents());
            for (int i = 0; i < 10; i++)
            {
                assertBytes(randomBytes(10_000, i), tier.get("p/" + i, 0, -1));
            }
            assertEquals(tier.diskBytes(), FlashSegmentFiles.totalSize(crashed), "the zero tail was cut off");
        }
    }

    private static FlashTier.Context preallocatedContext(final Path directory, final long segment)
    {
        return new FlashTier.Context().directory(directory).capacityBytes(32 * segment).segmentSize(segment)
            .fsync(true).preallocate(true).compactionThreshold(0);
    }

    @Test
    @Timeout(60)
    void concurrentForcedPutsAllSurviveARestart() throws Exception
    {
        final int threads = 8;
        final int perThread = 40;
        final Path tierDirectory = directory.resolve("group");
        try (FlashTier tier = FlashTier.open(new FlashTier.Context().directory(tierDirectory)
            .capacityBytes(64L << 20).segmentSize(4L << 20).fsync(true)))
        {
            final List<Thread> writers = new ArrayList<>();
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            for (int t = 0; t < threads; t++)
            {
                final int writer = t;
                final Thread thread = new Thread(() ->
                {
                    try
                    {
                        for (int i = 0; i < perThread; i++)
                        {
                            tier.put("g/" + writer + "/" + i, ByteBuffer.wrap(randomBytes(4096, writer * 1000L + i)));
                        }
                    }
                    catch (final Throwable ex)
                    {
                        failure.compareAndSet(null, ex);
                    }
                });
                thread.start();
                writers.add(thread);
            }
            for (final Thread thread : writers)
            {
                thread.join();
            }
            if (failure.get() != null)
            {
                throw new AssertionError("a writer failed", failure.get());
            }
        }
        try (FlashTier tier = FlashTier.open(new FlashTier.Context().directory(tierDirectory)
            .capacityBytes(64L << 20).segmentSize(4L << 20).fsync(true)))
        {
            assertEquals(threads * perThread, tier.stats().extents());
            for (int t = 0; t < threads; t++)
            {
                for (int i = 0; i < perThread; i++)
                {
                    assertBytes(randomBytes(4096, t * 1000L + i), tier.get("g/" + t + "/" + i, 0, -1));
                }
            }
        }
    }

    @Test
    void backgroundFlushingWithFsyncOffLosesNothingOnAnOrderlyRestart() throws Exception
    {
        final Path tierDirectory = directory.resolve("flushed");
        final FlashTier.Context context = new FlashTier.Context().directory(tierDirectory).capacityBytes(16L << 20)
            .segmentSize(1L << 20).fsync(false).bytesPerSync(64 * 1024).compactionThreshold(0.5);
        try (FlashTier tier = FlashTier.open(context))
        {
            for (int i = 0; i < 300; i++)
            {
                tier.put("f/" + (i % 150), ByteBuffer.wrap(randomBytes(20_000, i)));
            }
        }
        try (FlashTier tier = FlashTier.open(new FlashTier.Context().directory(tierDirectory).fsync(false)
            .capacityBytes(16L << 20).segmentSize(1L << 20)))
        {
            assertEquals(0, tier.stats().corruptions());
            for (int i = 150; i < 300; i++)
            {
                assertBytes(randomBytes(20_000, i), tier.get("f/" + (i % 150), 0, -1));
            }
        }
    }

    @Test
    void theContextIsValidatedOnce()
    {
        assertThrows(IllegalArgumentException.class, () -> new FlashTier.Context().conclude());
        assertThrows(IllegalArgumentException.class,
            () -> new FlashTier.Context().directory(directory).segmentSize(100).conclude());
        assertThrows(IllegalArgumentException.class,
            () -> new FlashTier.Context().directory(directory).segmentSize(1 << 20).capacityBytes(1 << 20).conclude());
        assertThrows(IllegalArgumentException.class,
            () -> new FlashTier.Context().directory(directory).compactionThreshold(1.0).conclude());
        final FlashTier.Context context = new FlashTier.Context().directory(directory.resolve("x/../y")).conclude();
        assertEquals(directory.resolve("y").toAbsolutePath(), context.directory());
        assertEquals(256L << 20, context.segmentSize());
        assertTrue(context.fsync());
        assertFalse(context.preallocate(), "preallocation is opt-in");
        assertThrows(IllegalArgumentException.class,
            () -> new FlashTier.Context().directory(directory).bytesPerSync(-1).conclude());
    }
}
