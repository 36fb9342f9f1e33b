package dev.terrace.mover;

import dev.terrace.mover.internal.TokenBucket;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The one scheduler that orders all data movement on a node. Pure logic: time is passed in, nothing runs on its
 * own ({@link TransferExecutor} runs work when it is admitted). Thread-safe.
 * <p>
 * <b>Admission.</b> Transfers queue per {@link TransferClass}, FIFO within a class. A transfer starts when its class
 * has a free slot ({@link TransferBudget#maxConcurrent()}) and the node has one ({@link Config#maxConcurrent}); free
 * node slots go to the highest class waiting (strict priority), and a class held back only by its own limit does not
 * hold back lower classes. A running transfer is never pre-empted.
 * <p>
 * <b>Pacing.</b> Before sending a chunk a transfer asks {@link TransferTicket#tryAcquire}: its class bucket
 * ({@link TransferBudget#bytesPerSecond()}) must have tokens, and so must the node's global bucket
 * ({@link Config#bytesPerSecond}). The global bucket serves classes in strict priority: while a higher class was
 * refused global tokens within the last {@link Config#hungerWindowNs}, a lower class takes none. A running transfer
 * refused that way may still send from its class's floor bucket ({@link TransferBudget#minBytesPerSecond()}), so it
 * slows down but never starves.
 * <p>
 * <b>Visibility.</b> {@link #snapshot(long)} lists queued, running and recently finished transfers.
 * {@link #track} registers a transfer this node does not pace (the receiving side of a peer's push) so it shows too.
 */
public final class TransferScheduler
{
    private static final long NEVER = Long.MIN_VALUE;
    private static final TransferClass[] CLASSES = TransferClass.values();

    private final Config config;
    private final ArrayList<ArrayDeque<TransferTicket>> queues = new ArrayList<>();
    private final int[] running = new int[CLASSES.length];
    private final TokenBucket[] classBuckets = new TokenBucket[CLASSES.length];
    private final TokenBucket[] floorBuckets = new TokenBucket[CLASSES.length];
    private final long[] lastGlobalDenialNs = new long[CLASSES.length];
    private final TokenBucket globalBucket;
    private final Map<Long, TransferTicket> active = new LinkedHashMap<>();
    private final ArrayDeque<TransferTicket> history = new ArrayDeque<>();
    private int totalRunning;
    private long nextId = 1;

    public TransferScheduler(final Config config, final long nowNs)
    {
        this.config = config;
        for (final TransferClass transferClass : CLASSES)
        {
            final TransferBudget budget = config.budget(transferClass);
            queues.add(new ArrayDeque<>());
            classBuckets[transferClass.ordinal()] = new TokenBucket(budget.bytesPerSecond(), budget.burstBytes(), nowNs);
            floorBuckets[transferClass.ordinal()] =
                new TokenBucket(budget.minBytesPerSecond(), budget.minBytesPerSecond(), nowNs);
            lastGlobalDenialNs[transferClass.ordinal()] = NEVER;
        }
        globalBucket = new TokenBucket(config.bytesPerSecond, config.burstBytes, nowNs);
    }

    /** A scheduler with the default {@link Config}. */
    public TransferScheduler(final long nowNs)
    {
        this(new Config(), nowNs);
    }

    public Config config()
    {
        return config;
    }

    /**
     * Queues a transfer; it is admitted at once if budgets allow ({@link TransferTicket#admitted()} completes).
     *
     * @param bytesTotal bytes to move, or -1 when not known yet.
     */
    public TransferTicket submit(
        final TransferClass transferClass,
        final String key,
        final String peer,
        final long bytesTotal,
        final long nowNs)
    {
        final TransferTicket ticket;
        final List<TransferTicket> admitted;
        synchronized (this)
        {
            ticket = new TransferTicket(this, nextId++, transferClass, key, peer, bytesTotal, false, nowNs);
            active.put(ticket.id(), ticket);
            queues.get(transferClass.ordinal()).addLast(ticket);
            admitted = admit(nowNs);
        }
        complete(admitted);
        return ticket;
    }

    /** Registers a transfer for visibility only: running at once, outside every budget, never paced. */
    public TransferTicket track(
        final TransferClass transferClass,
        final String key,
        final String peer,
        final long bytesTotal,
        final long nowNs)
    {
        final TransferTicket ticket;
        synchronized (this)
        {
            ticket = new TransferTicket(this, nextId++, transferClass, key, peer, bytesTotal, true, nowNs);
            ticket.markRunning(nowNs);
            active.put(ticket.id(), ticket);
        }
        ticket.completeAdmission();
        return ticket;
    }

    synchronized boolean tryAcquire(final TransferTicket ticket, final long bytes, final long nowNs)
    {
        if (ticket.isTracked())
        {
            return true;
        }
        if (ticket.state() != TransferState.RUNNING)
        {
            return false;
        }
        final int c = ticket.transferClass().ordinal();
        final TokenBucket classBucket = classBuckets[c];
        if (!classBucket.hasTokens(nowNs))
        {
            return false;
        }
        if (globalBucket.isUnlimited())
        {
            classBucket.consume(bytes);
            ticket.lastGrantFromFloor = false;
            return true;
        }
        if (!higherClassHungry(c, nowNs) && globalBucket.hasTokens(nowNs))
        {
            classBucket.consume(bytes);
            globalBucket.consume(bytes);
            ticket.lastGrantFromFloor = false;
            return true;
        }
        lastGlobalDenialNs[c] = nowNs;
        final TokenBucket floorBucket = floorBuckets[c];
        if (floorBucket.hasTokens(nowNs))
        {
            classBucket.consume(bytes);
            floorBucket.consume(bytes);
            ticket.lastGrantFromFloor = true;
            return true;
        }
        return false;
    }

    synchronized void refund(final TransferTicket ticket, final long bytes)
    {
        if (ticket.isTracked())
        {
            return;
        }
        final int c = ticket.transferClass().ordinal();
        classBuckets[c].refund(bytes);
        if (ticket.lastGrantFromFloor)
        {
            floorBuckets[c].refund(bytes);
        }
        else
        {
            globalBucket.refund(bytes);
        }
    }

    void finish(final TransferTicket ticket, final TransferState endState, final long nowNs)
    {
        if (!endState.isTerminal())
        {
            throw new IllegalArgumentException("not an end state: " + endState);
        }
        final List<TransferTicket> admitted;
        synchronized (this)
        {
            final TransferState previous = ticket.state();
            if (previous.isTerminal() || active.remove(ticket.id()) == null)
            {
                return;
            }
            if (previous == TransferState.QUEUED)
            {
                queues.get(ticket.transferClass().ordinal()).remove(ticket);
            }
            else if (!ticket.isTracked())
            {
                running[ticket.transferClass().ordinal()]--;
                totalRunning--;
            }
            ticket.markFinished(endState, nowNs);
            history.addLast(ticket);
            while (history.size() > config.historyLength)
            {
                history.removeFirst();
            }
            admitted = admit(nowNs);
        }
        complete(admitted);
    }

    /** Queued, running and recently finished transfers: running and queued first, by class, then history. */
    public synchronized List<TransferSnapshot> snapshot(final long nowNs)
    {
        final List<TransferSnapshot> rows = new ArrayList<>(active.size() + history.size());
        for (final TransferClass transferClass : CLASSES)
        {
            for (final TransferTicket ticket : active.values())
            {
                if (ticket.transferClass() == transferClass && ticket.state() == TransferState.RUNNING)
                {
                    rows.add(ticket.snapshot(nowNs));
                }
            }
        }
        for (final ArrayDeque<TransferTicket> queue : queues)
        {
            for (final TransferTicket ticket : queue)
            {
                rows.add(ticket.snapshot(nowNs));
            }
        }
        final List<TransferTicket> finished = new ArrayList<>(history);
        for (int i = finished.size() - 1; i >= 0; i--)
        {
            rows.add(finished.get(i).snapshot(nowNs));
        }
        return rows;
    }

    /** Transfers of the class waiting for admission. */
    public synchronized int queued(final TransferClass transferClass)
    {
        return queues.get(transferClass.ordinal()).size();
    }

    /** Paced transfers of the class running now. */
    public synchronized int running(final TransferClass transferClass)
    {
        return running[transferClass.ordinal()];
    }

    private boolean higherClassHungry(final int classIndex, final long nowNs)
    {
        for (int h = 0; h < classIndex; h++)
        {
            final long last = lastGlobalDenialNs[h];
            if (last != NEVER && nowNs - last < config.hungerWindowNs && running[h] > 0)
            {
                return true;
            }
        }
        return false;
    }

    private List<TransferTicket> admit(final long nowNs)
    {
        List<TransferTicket> admitted = null;
        for (final TransferClass transferClass : CLASSES)
        {
            final int c = transferClass.ordinal();
            final ArrayDeque<TransferTicket> queue = queues.get(c);
            final int classLimit = config.budget(transferClass).maxConcurrent();
            while (!queue.isEmpty())
            {
                if (totalRunning >= config.maxConcurrent)
                {
                    return admitted == null ? List.of() : admitted;
                }
                if (running[c] >= classLimit)
                {
                    break;
                }
                final TransferTicket ticket = queue.removeFirst();
                running[c]++;
                totalRunning++;
                ticket.markRunning(nowNs);
                if (admitted == null)
                {
                    admitted = new ArrayList<>();
                }
                admitted.add(ticket);
            }
        }
        return admitted == null ? List.of() : admitted;
    }

    private static void complete(final List<TransferTicket> admitted)
    {
        for (final TransferTicket ticket : admitted)
        {
            ticket.completeAdmission();
        }
    }

    /**
     * Budgets of a {@link TransferScheduler}. Defaults: no bandwidth limit, concurrency 64 for client reads, 8 for
     * prefetch, 4 for rebalance and replication, 2 for demotion, 64 in all.
     */
    public static final class Config
    {
        private final EnumMap<TransferClass, TransferBudget> budgets = new EnumMap<>(TransferClass.class);
        private int maxConcurrent = 64;
        private long bytesPerSecond = Long.MAX_VALUE;
        private long burstBytes = Long.MAX_VALUE;
        private long hungerWindowNs = TimeUnit.MILLISECONDS.toNanos(20);
        private int historyLength = 256;

        public Config()
        {
            budgets.put(TransferClass.CLIENT_READ, TransferBudget.concurrency(64));
            budgets.put(TransferClass.PREFETCH, TransferBudget.concurrency(8));
            budgets.put(TransferClass.REBALANCE, TransferBudget.concurrency(4));
            budgets.put(TransferClass.REPLICATION, TransferBudget.concurrency(4));
            budgets.put(TransferClass.DEMOTION, TransferBudget.concurrency(2));
        }

        /** Sets the budget of one class. */
        public Config budget(final TransferClass transferClass, final TransferBudget budget)
        {
            budgets.put(transferClass, budget);
            return this;
        }

        public TransferBudget budget(final TransferClass transferClass)
        {
            return budgets.get(transferClass);
        }

        /** Transfers running at once across all classes. */
        public Config maxConcurrent(final int maxConcurrent)
        {
            if (maxConcurrent <= 0)
            {
                throw new IllegalArgumentException("maxConcurrent must be positive");
            }
            this.maxConcurrent = maxConcurrent;
            return this;
        }

        public int maxConcurrent()
        {
            return maxConcurrent;
        }

        /** The node's total send rate, shared in strict priority; {@code Long.MAX_VALUE} for none. */
        public Config bytesPerSecond(final long bytesPerSecond, final long burstBytes)
        {
            if (bytesPerSecond <= 0 || burstBytes <= 0)
            {
                throw new IllegalArgumentException("rate and burst must be positive");
            }
            this.bytesPerSecond = bytesPerSecond;
            this.burstBytes = burstBytes;
            return this;
        }

        public long bytesPerSecond()
        {
            return bytesPerSecond;
        }

        /** How long a refusal of global tokens to a class holds lower classes back. */
        public Config hungerWindowNs(final long hungerWindowNs)
        {
            this.hungerWindowNs = hungerWindowNs;
            return this;
        }

        /** Finished transfers kept for {@link TransferScheduler#snapshot(long)}. */
        public Config historyLength(final int historyLength)
        {
            this.historyLength = historyLength;
            return this;
        }
    }
}
