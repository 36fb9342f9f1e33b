package dev.terrace.tier.internal;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Makes written records durable with as few forces as possible: writers that wait at the same time share one.
 * <p>
 * A writer calls {@link #awaitDurable(Segment)} after its record is written. It marks the segment dirty, takes a
 * ticket (tickets are taken in the order writes complete), and either finds a force already covering its ticket or
 * becomes the leader: the leader notes the newest ticket, forces every dirty segment, and then releases every waiter
 * whose ticket it covered, with the force's outcome. Writers that arrive while a force runs wait for the next one, so
 * under load each force covers every record written while the previous one ran.
 * <p>
 * Why one force covers a ticket: a writer marks its segment dirty only after its write returned, and takes its
 * ticket after that; the leader reads the newest ticket before it takes segments off the dirty set. So for every
 * ticket it covers, the segment was marked before the leader looked, and whichever force takes it off the set starts
 * after the write.
 */
public final class GroupCommit
{
    /** One writer waiting for its record to become durable. */
    private static final class Waiter
    {
        final long ticket;
        boolean done;
        IOException failure;

        Waiter(final long ticket)
        {
            this.ticket = ticket;
        }
    }

    private final Set<Segment> dirty = ConcurrentHashMap.newKeySet();
    private final AtomicLong tickets = new AtomicLong();
    private final AtomicLong forces = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition finished = lock.newCondition();
    /** Guarded by {@link #lock}. */
    private final List<Waiter> waiting = new ArrayList<>();
    /** Guarded by {@link #lock}: whether a leader is forcing now. */
    private boolean forcing;

    /**
     * Returns once everything written to {@code segment} before this call is durable (forced to the device).
     *
     * @throws IOException when the force that was to cover this write failed: the write must be taken as lost.
     */
    public void awaitDurable(final Segment segment) throws IOException
    {
        dirty.add(segment);
        final Waiter self = new Waiter(tickets.incrementAndGet());
        final boolean leader;
        final IOException failure;
        lock.lock();
        try
        {
            waiting.add(self);
            while (!self.done && forcing)
            {
                finished.awaitUninterruptibly();
            }
            leader = !self.done;
            forcing |= leader;
        }
        finally
        {
            lock.unlock();
        }
        if (leader)
        {
            // The leader's own release marks it done, with the outcome of its force.
            lead();
        }
        lock.lock();
        try
        {
            failure = self.failure;
        }
        finally
        {
            lock.unlock();
        }
        if (failure != null)
        {
            throw failure;
        }
    }

    /** How many forces have been issued: fewer than writes when writers waited together. */
    public long forces()
    {
        return forces.get();
    }

    /** Forces every dirty segment, then releases the waiters whose tickets that covered, leadership included. */
    private void lead()
    {
        final long covered = tickets.get();
        IOException failure = null;
        boolean completed = false;
        try
        {
            forceDirty();
            completed = true;
        }
        catch (final IOException ex)
        {
            failure = ex;
        }
        catch (final RuntimeException ex)
        {
            failure = new IOException("forcing flash segments failed: " + ex, ex);
        }
        finally
        {
            release(covered, completed || failure != null ? failure : new IOException("forcing did not complete"));
        }
    }

    private void release(final long covered, final IOException failure)
    {
        lock.lock();
        try
        {
            forcing = false;
            final Iterator<Waiter> each = waiting.iterator();
            while (each.hasNext())
            {
                final Waiter waiter = each.next();
                if (waiter.ticket <= covered)
                {
                    waiter.done = true;
                    waiter.failure = failure;
                    each.remove();
                }
            }
            finished.signalAll();
        }
        finally
        {
            lock.unlock();
        }
    }

    private void forceDirty() throws IOException
    {
        for (final Segment segment : dirty)
        {
            dirty.remove(segment);
            forces.incrementAndGet();
            try
            {
                segment.force();
            }
            catch (final ClosedChannelException ex)
            {
                // Deleted by compaction, which never takes a segment with a write pending: nobody waits on it.
                if (!segment.isDeleted())
                {
                    throw ex;
                }
            }
        }
    }
}
