package dev.terrace.mover;

import io.aeron.driver.ThreadingMode;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MoverContextTest
{
    @Test
    void defaultsSuitSmallMachines()
    {
        final MoverContext ctx = new MoverContext().bindEndpoint("127.0.0.1:0").conclude();

        assertEquals(ThreadingMode.SHARED, ctx.threadingMode());
        assertInstanceOf(BackoffIdleStrategy.class, ctx.newIdleStrategy());
        assertEquals(8 * 1024, ctx.mtuLength());
        assertEquals(4 * 1024 * 1024, ctx.termLength());
        assertEquals(8192 - 32 - ExtentChunkFlyweight.HEADER_LENGTH, ctx.chunkLength(), "one MTU frame per chunk");
        assertTrue(ctx.aeronDirectoryName().startsWith(org.agrona.SystemUtil.tmpDirName() + "terrace-aeron-"));
        assertEquals("127.0.0.1", ctx.advertisedHost());
        assertEquals(0, ctx.bindPort());
        assertEquals(MoverConfiguration.STREAM_ID_DEFAULT, ctx.streamId());
    }

    @Test
    void everyContextGetsItsOwnAeronDirectory()
    {
        assertNotEquals(new MoverContext().aeronDirectoryName(), new MoverContext().aeronDirectoryName());
    }

    @Test
    void spinningIdleStrategiesNeedTheBenchmarkProfile()
    {
        assertThrows(IllegalStateException.class, () -> new MoverContext().idleStrategy("busy-spin").conclude());
        assertThrows(IllegalStateException.class, () -> new MoverContext().idleStrategy("yielding").conclude());
        assertThrows(IllegalStateException.class, () -> new MoverContext().idleStrategy("spin-fast").conclude());

        final MoverContext benchmark = new MoverContext().idleStrategy("busy-spin").benchmarkProfile(true).conclude();
        assertInstanceOf(BusySpinIdleStrategy.class, benchmark.newIdleStrategy());
    }

    @Test
    void mtuTermAndChunkAreChecked()
    {
        new MoverContext().mtuLength(MoverConfiguration.MTU_LENGTH_MAX).conclude();
        assertThrows(IllegalStateException.class, () -> new MoverContext().mtuLength(64 * 1024).conclude());
        assertThrows(IllegalStateException.class, () -> new MoverContext().mtuLength(8200).conclude());
        assertThrows(IllegalStateException.class, () -> new MoverContext().mtuLength(512).conclude());
        assertThrows(IllegalStateException.class, () -> new MoverContext().termLength(3 * 1024 * 1024).conclude());

        // A 256 KiB term allows 32 KiB messages: a 64 KiB chunk cannot fit, a 32 KiB - header one can.
        assertThrows(IllegalStateException.class, () -> new MoverContext()
            .termLength(256 * 1024).receiverWindowLength(128 * 1024).chunkLength(64 * 1024).conclude());
        final MoverContext fits = new MoverContext().termLength(256 * 1024).receiverWindowLength(128 * 1024)
            .chunkLength(32 * 1024 - ExtentChunkFlyweight.HEADER_LENGTH).ackIntervalLength(64 * 1024).conclude();
        assertEquals(MoverContext.maxChunkLength(256 * 1024), fits.chunkLength());

        assertThrows(IllegalStateException.class, () -> new MoverContext()
            .termLength(1024 * 1024).receiverWindowLength(1024 * 1024).conclude());
        assertThrows(IllegalStateException.class, () -> new MoverContext()
            .maxExtentLength(64 * 1024 * 1024).maxInFlightBytes(1024).conclude());
        assertThrows(IllegalStateException.class, () -> new MoverContext().bindEndpoint("nohost").conclude());
        assertThrows(IllegalStateException.class, () -> new MoverContext().udpEnabled(false).ipcEnabled(false)
            .conclude());
    }

    @Test
    void aConcludedContextIsFrozen()
    {
        final MoverContext ctx = new MoverContext().conclude();
        assertTrue(ctx.isConcluded());
        assertThrows(IllegalStateException.class, ctx::conclude);
        assertThrows(IllegalStateException.class, () -> ctx.mtuLength(4096));
    }

    @Test
    void systemPropertiesProvideDefaults()
    {
        System.setProperty(MoverConfiguration.MTU_LENGTH_PROP_NAME, "16k");
        System.setProperty(MoverConfiguration.TRANSFER_DEADLINE_PROP_NAME, "5s");
        System.setProperty(MoverConfiguration.THREADING_MODE_PROP_NAME, "invoker");
        try
        {
            final MoverContext ctx = new MoverContext();
            assertEquals(16 * 1024, ctx.mtuLength());
            assertEquals(5_000_000_000L, ctx.transferDeadlineNs());
            assertEquals(ThreadingMode.INVOKER, ctx.threadingMode());
        }
        finally
        {
            System.clearProperty(MoverConfiguration.MTU_LENGTH_PROP_NAME);
            System.clearProperty(MoverConfiguration.TRANSFER_DEADLINE_PROP_NAME);
            System.clearProperty(MoverConfiguration.THREADING_MODE_PROP_NAME);
        }
    }

    @Test
    void aClientOnANodesDriverPicksAPrivateStream()
    {
        final MoverContext client = new MoverContext().launchDriver(false).udpEnabled(false).conclude();
        assertNotEquals(MoverConfiguration.STREAM_ID_DEFAULT, client.streamId());
        final MoverContext pinned = new MoverContext().launchDriver(false).udpEnabled(false).streamId(5).conclude();
        assertEquals(5, pinned.streamId());
    }

    @Test
    void keyValidatorRefusesPathTricks()
    {
        assertTrue(MoverContext.isSafeKey("bucket/dir/key#3"));
        assertTrue(MoverContext.isSafeKey("kv/ns/18446744073709551615"));
        assertFalse(MoverContext.isSafeKey(""));
        assertFalse(MoverContext.isSafeKey("/etc/passwd"));
        assertFalse(MoverContext.isSafeKey("bucket/../../etc"));
        assertFalse(MoverContext.isSafeKey("bucket/./k"));
        assertFalse(MoverContext.isSafeKey("bucket//k"));
        assertFalse(MoverContext.isSafeKey("bucket\\k"));
        assertFalse(MoverContext.isSafeKey("bucket/k\n"));
        assertFalse(MoverContext.isSafeKey("k".repeat(1025)));
    }
}
