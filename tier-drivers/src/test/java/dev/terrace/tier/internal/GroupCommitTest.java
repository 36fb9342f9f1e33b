package dev.terrace.tier.internal;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Group commit over a real file, with each force held at a gate so the test decides when it ends: writers whose
 * writes a running force covers share it, the others force beside it, and a failed force fails exactly the writers
 * that relied on it.
 */
class GroupCommitTest
{
    @TempDir
    Path directory;

    private FileChannel channel;
    private final CountDownLatch gate = new CountDownLatch(1);
    private final Semaphore entered = new Semaphore(0);
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private final List<Thread> writers = new CopyOnWriteArrayList<>();

    @BeforeEach
    void openFile() throws IOException
    {
        channel = FileChannel.open(directory.resolve("file"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    }

    @AfterEach
    void closeFile() throws IOException
    {
        channel.close();
    }

    /** A force that writes a byte, reports that it started, waits at the gate, then forces (or fails, when told). */
    private void gatedForce() throws IOException
    {
        channel.write(ByteBuffer.wrap(new byte[] {1}), channel.size());
        entered.release();
        try
        {
            gate.await();
        }
        catch (final InterruptedException ex)
        {
            throw new IOException("interrupted at the gate", ex);
        }
        if (failuresLeft.getAndDecrement() > 0)
        {
            throw new IOException("device error");
        }
        channel.force(false);
    }

    @Test
    @Timeout(30)
    void writersCoveredByARunningForceShareItAndLaterOnesForceBesideIt() throws Exception
    {
        final GroupCommit commit = new GroupCommit(this::gatedForce);
        final long b = commit.ticket();
        final long c = commit.ticket();
        final CompletableFuture<Void> leader = awaitAsync(commit, commit.ticket());
        assertTrue(entered.tryAcquire(10, TimeUnit.SECONDS), "the first force started");

        final CompletableFuture<Void> joinerB = awaitAsync(commit, b);
        final CompletableFuture<Void> joinerC = awaitAsync(commit, c);
        final CompletableFuture<Void> later = awaitAsync(commit, commit.ticket());
        assertTrue(entered.tryAcquire(10, TimeUnit.SECONDS), "a write after the first force started forces beside it");
        awaitParked(2);
        assertFalse(joinerB.isDone() || joinerC.isDone(), "covered writers wait for the running force");

        gate.countDown();
        CompletableFuture.allOf(leader, joinerB, joinerC, later).get(10, TimeUnit.SECONDS);
        assertEquals(2, commit.forces(), "four writes, two forces");

        commit.awaitDurable();
        assertEquals(3, commit.forces(), "a write after every force gets its own");
    }

    @Test
    @Timeout(30)
    void aFailedForceFailsTheWritersThatReliedOnItAndNoOthers() throws Exception
    {
        failuresLeft.set(1);
        final GroupCommit commit = new GroupCommit(this::gatedForce);
        final long joined = commit.ticket();
        final CompletableFuture<Void> leader = awaitAsync(commit, commit.ticket());
        assertTrue(entered.tryAcquire(10, TimeUnit.SECONDS));
        final CompletableFuture<Void> joiner = awaitAsync(commit, joined);
        awaitParked(1);
        gate.countDown();

        for (final CompletableFuture<Void> failed : List.of(leader, joiner))
        {
            final ExecutionException thrown =
                assertThrows(ExecutionException.class, () -> failed.get(10, TimeUnit.SECONDS));
            assertInstanceOf(IOException.class, thrown.getCause());
            assertEquals("device error", thrown.getCause().getMessage());
        }
        commit.awaitDurable();
        assertEquals(2, commit.forces());
    }

    @Test
    @Timeout(30)
    void theLeadersInterruptStatusNeitherFailsTheForceNorGetsLost() throws Exception
    {
        gate.countDown();
        final GroupCommit commit = new GroupCommit(() -> channel.force(false));
        channel.write(ByteBuffer.wrap(new byte[] {1}), 0);
        Thread.currentThread().interrupt();
        try
        {
            commit.awaitDurable();
            assertTrue(channel.isOpen(), "the interrupt did not close the channel under the force");
        }
        finally
        {
            assertTrue(Thread.interrupted(), "the interrupt status is restored");
        }
    }

    /** Waits until {@code count} writers wait for a running force (parked in it, not at the test's gate). */
    private void awaitParked(final int count) throws InterruptedException
    {
        while (true)
        {
            int parked = 0;
            for (final Thread writer : writers)
            {
                if (writer.getState() == Thread.State.WAITING && !atGate(writer))
                {
                    parked++;
                }
            }
            if (parked >= count)
            {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(5);
        }
    }

    private static boolean atGate(final Thread writer)
    {
        for (final StackTraceElement frame : writer.getStackTrace())
        {
            if (frame.getMethodName().equals("gatedForce"))
            {
                return true;
            }
        }
        return false;
    }

    private CompletableFuture<Void> awaitAsync(final GroupCommit commit, final long ticket)
    {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        final Thread thread = new Thread(() ->
        {
            try
            {
                commit.awaitDurable(ticket);
                done.complete(null);
            }
            catch (final Throwable ex)
            {
                done.completeExceptionally(ex);
            }
        });
        thread.setDaemon(true);
        writers.add(thread);
        thread.start();
        return done;
    }
}
