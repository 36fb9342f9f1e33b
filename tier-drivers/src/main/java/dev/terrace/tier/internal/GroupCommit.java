package dev.terrace.tier.internal;

import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Makes the writes to one file durable with as few forces as possible, without making any writer wait longer than
 * its own force would take.
 * <p>
 * A writer calls {@link #awaitDurable()} once its write has returned, and takes a ticket (tickets are taken in the
 * order writes complete). Each force notes the newest ticket when it starts and so covers every write up to it. The
 * writer then returns at once if a force that covered it has already succeeded; waits for a running force that
 * covers it (that one ends sooner than a new one would); or, when no running force covers it, starts its own right
 * away, beside any running ones. Writers therefore share forces whenever a force starts after their write, which
 * under load is most of the time, while forces that do not cover each other still run at the same time, so the
 * kernel can merge their device flushes.
 * <p>
 * A force that fails fails every writer that relied on it; the others are not affected. Thread-safe.
 */
public final class GroupCommit
{
    /** The force itself: makes everything written to the file so far durable. */
    @FunctionalInterface
    public interface Force
    {
        void force() throws IOException;
    }

    /** One force: the newest ticket it covers and, once done, its outcome. Guarded by {@link #lock}. */
    private static final class Round
    {
        final long covers;
        boolean done;
        IOException failure;

        Round(final long covers)
        {
            this.covers = covers;
        }
    }

    private static final int MAX_FORCE_ATTEMPTS = 3;

    private final Force force;
    private final AtomicLong tickets = new AtomicLong();
    private final AtomicLong forces = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition finished = lock.newCondition();
    /** Guarded by {@link #lock}: the forces running now. */
    private final List<Round> running = new ArrayList<>(2);
    /** Guarded by {@link #lock}: every ticket up to this one was covered by a force that succeeded. */
    private long durable;

    public GroupCommit(final Force force)
    {
        this.force = force;
    }

    /**
     * Returns once everything written before this call is durable.
     *
     * @throws IOException when the force this write relied on failed: the write must be taken as lost.
     */
    public void awaitDurable() throws IOException
    {
        awaitDurable(ticket());
    }

    /** Takes the ticket of a write that has returned: the first half of {@link #awaitDurable()}. */
    long ticket()
    {
        return tickets.incrementAndGet();
    }

    /** The second half of {@link #awaitDurable()}: returns once the write that took {@code ticket} is durable. */
    void awaitDurable(final long ticket) throws IOException
    {
        Round round = null;
        boolean own = false;
        lock.lock();
        try
        {
            if (durable >= ticket)
            {
                return;
            }
            for (final Round candidate : running)
            {
                if (candidate.covers >= ticket)
                {
                    round = candidate;
                    break;
                }
            }
            if (round == null)
            {
                round = new Round(tickets.get());
                running.add(round);
                own = true;
            }
            while (!own && !round.done)
            {
                finished.awaitUninterruptibly();
            }
        }
        finally
        {
            lock.unlock();
        }
        if (own)
        {
            run(round);
        }
        final IOException failure = outcome(round);
        if (failure != null)
        {
            throw failure;
        }
    }

    /** How many forces were started: fewer than {@link #awaitDurable()} calls when writers shared them. */
    public long forces()
    {
        return forces.get();
    }

    private void run(final Round round)
    {
        IOException failure = null;
        boolean completed = false;
        try
        {
            forceOnBehalfOfOthers();
            completed = true;
        }
        catch (final IOException ex)
        {
            failure = ex;
        }
        catch (final RuntimeException ex)
        {
            failure = new IOException("force failed: " + ex, ex);
        }
        finally
        {
            lock.lock();
            try
            {
                round.done = true;
                round.failure = completed ? null : failure != null ? failure : new IOException("force did not complete");
                running.remove(round);
                if (round.failure == null)
                {
                    durable = Math.max(durable, round.covers);
                }
                finished.signalAll();
            }
            finally
            {
                lock.unlock();
            }
        }
    }

    private IOException outcome(final Round round)
    {
        lock.lock();
        try
        {
            return round.failure;
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Others may wait on this force, so the caller's interrupt status must not fail it: the status is set aside for
     * the force (an interrupt that closes the channel meanwhile is retried on a reopened one) and restored after.
     */
    private void forceOnBehalfOfOthers() throws IOException
    {
        boolean interrupted = Thread.interrupted();
        try
        {
            for (int attempt = 1; ; attempt++)
            {
                forces.incrementAndGet();
                try
                {
                    force.force();
                    return;
                }
                catch (final ClosedByInterruptException ex)
                {
                    interrupted |= Thread.interrupted();
                    if (attempt == MAX_FORCE_ATTEMPTS)
                    {
                        throw ex;
                    }
                }
            }
        }
        finally
        {
            if (interrupted)
            {
                Thread.currentThread().interrupt();
            }
        }
    }
}
