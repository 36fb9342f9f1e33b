package dev.terrace.mover;

import dev.terrace.mover.internal.DataPlaneAgent;
import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.exceptions.AeronException;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.IoUtil;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.AgentRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32C;

/**
 * A node's Aeron data plane: one embedded media driver, one Aeron client and one agent thread that streams extents
 * to and from peers.
 * <ul>
 *   <li>Client side: {@link #fetch} pulls an extent from a peer, {@link #push} sends one to a peer. Both return
 *   futures completed off the agent thread, honour a deadline, and resume from the last acknowledged offset when a
 *   connection breaks or a peer restarts.</li>
 *   <li>Server side: GET_EXTENT requests are served from the context's {@link ExtentSource} and PUT_EXTENT requests
 *   stored into its {@link ExtentSink} (usually one {@link dev.terrace.tier.TierDriver}), each after a CRC32C
 *   check.</li>
 * </ul>
 * Peers are reached over UDP; a client on the same host can share this plane's media driver and use IPC (see
 * {@link MoverContext#launchDriver(boolean)}). Wire format: {@link MessageFlyweight} and its subclasses.
 * <p>
 * Threads: the agent (one), the media driver's (one in SHARED mode, none in INVOKER mode) and the service pool
 * that runs sources, sinks and future completions. Everything idles with a backoff strategy.
 */
public final class DataPlane implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(DataPlane.class);

    private final MoverContext ctx;
    private final MoverCounters counters = new MoverCounters();
    private final MediaDriver driver;
    private final Aeron aeron;
    private final DataPlaneAgent agent;
    private final AgentRunner runner;
    private final ExecutorService ownedExecutor;
    private final long transferIdBase = (long)ThreadLocalRandom.current().nextInt() << 32;
    private final AtomicInteger transferIdCounter = new AtomicInteger();
    private final MoverEndpoint localEndpoint;
    private final MoverEndpoint ipcEndpoint;
    private boolean closed;

    private DataPlane(final MoverContext ctx)
    {
        this.ctx = ctx;
        final ErrorHandler errorHandler = this::onAeronError;
        ExecutorService createdExecutor = null;
        MediaDriver createdDriver = null;
        Aeron createdAeron = null;
        try
        {
            if (null == ctx.serviceExecutor())
            {
                final AtomicInteger threadCount = new AtomicInteger();
                createdExecutor = Executors.newFixedThreadPool(ctx.serviceThreads(), runnable ->
                {
                    final Thread thread = new Thread(runnable, "terrace-mover-service-" + threadCount.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
            }

            AgentInvoker driverInvoker = null;
            if (ctx.launchDriver())
            {
                final MediaDriver.Context driverContext = new MediaDriver.Context()
                    .aeronDirectoryName(ctx.aeronDirectoryName())
                    .dirDeleteOnStart(true)
                    .dirDeleteOnShutdown(true)
                    .warnIfDirectoryExists(false)
                    .threadingMode(ctx.threadingMode())
                    .sharedIdleStrategy(ctx.newIdleStrategy())
                    .sharedNetworkIdleStrategy(ctx.newIdleStrategy())
                    .conductorIdleStrategy(ctx.newIdleStrategy())
                    .senderIdleStrategy(ctx.newIdleStrategy())
                    .receiverIdleStrategy(ctx.newIdleStrategy())
                    .mtuLength(ctx.mtuLength())
                    .ipcMtuLength(ctx.mtuLength())
                    .publicationTermBufferLength(ctx.termLength())
                    .ipcTermBufferLength(ctx.termLength())
                    .initialWindowLength(ctx.receiverWindowLength())
                    .publicationConnectionTimeoutNs(ctx.connectionTimeoutNs())
                    .imageLivenessTimeoutNs(ctx.connectionTimeoutNs())
                    .termBufferSparseFile(true)
                    .errorHandler(errorHandler);
                if (ctx.socketBufferLength() > 0)
                {
                    driverContext
                        .socketRcvbufLength(ctx.socketBufferLength())
                        .socketSndbufLength(ctx.socketBufferLength());
                }
                createdDriver = MediaDriver.launch(driverContext);
                if (ctx.threadingMode() == ThreadingMode.INVOKER)
                {
                    driverInvoker = createdDriver.sharedAgentInvoker();
                }
            }

            final Aeron.Context aeronContext = new Aeron.Context()
                .aeronDirectoryName(ctx.aeronDirectoryName())
                .useConductorAgentInvoker(true)
                .clientName("terrace-mover")
                .errorHandler(errorHandler)
                .subscriberErrorHandler(errorHandler);
            if (null != driverInvoker)
            {
                aeronContext.driverAgentInvoker(driverInvoker);
            }
            createdAeron = Aeron.connect(aeronContext);

            this.agent = new DataPlaneAgent(
                ctx, createdAeron, driverInvoker, counters,
                null != createdExecutor ? createdExecutor : ctx.serviceExecutor());
            agent.openInboundBlocking();
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(createdAeron, createdDriver);
            if (null != createdExecutor)
            {
                createdExecutor.shutdownNow();
            }
            deleteAeronDirectory(ctx);
            throw ex;
        }
        this.ownedExecutor = createdExecutor;
        this.driver = createdDriver;
        this.aeron = createdAeron;
        this.localEndpoint = ctx.udpEnabled() ?
            MoverEndpoint.udp(ctx.advertisedHost(), agent.udpPort(), ctx.streamId()) : null;
        this.ipcEndpoint = ctx.ipcEnabled() ? MoverEndpoint.ipc(ctx.streamId()) : null;
        this.runner = new AgentRunner(ctx.newIdleStrategy(), this::onAgentError, null, agent);
        AgentRunner.startOnThread(runner, runnable ->
        {
            final Thread thread = new Thread(runnable, "terrace-mover");
            thread.setDaemon(true);
            return thread;
        });
        LOG.info("data plane up: udp={} ipc={} dir={} {}", localEndpoint, ipcEndpoint, ctx.aeronDirectoryName(), ctx);
    }

    /**
     * Starts a data plane: concludes the context, launches the media driver (unless disabled), connects the client,
     * binds the inbound endpoint and starts the agent thread.
     */
    public static DataPlane launch(final MoverContext ctx)
    {
        if (!ctx.isConcluded())
        {
            ctx.conclude();
        }
        return new DataPlane(ctx);
    }

    /**
     * Fetches the whole value under {@code key} from {@code peer}.
     *
     * @return a future completed with a direct buffer (position 0, limit = length) owned by the caller, or failed
     * with a {@link MoverException}.
     */
    public CompletableFuture<ByteBuffer> fetch(final MoverEndpoint peer, final String key)
    {
        return fetch(peer, key, 0, -1, TransferOptions.defaults());
    }

    /**
     * Fetches bytes {@code [offset, offset + length)} of the value under {@code key} from {@code peer}
     * ({@code length} -1 = to the end). The extent is verified against its CRC32C before the future completes.
     */
    public CompletableFuture<ByteBuffer> fetch(
        final MoverEndpoint peer,
        final String key,
        final long offset,
        final long length,
        final TransferOptions options)
    {
        return fetch(peer, key, offset, length, options, null);
    }

    /**
     * Fetches into a buffer the caller provides, so that no buffer is allocated per extent: the bytes are assembled
     * at {@code destination}'s position. The future completes with a slice of {@code destination} holding exactly
     * the extent; {@code destination}'s own position and limit are not changed. If the extent does not fit the
     * destination's remaining bytes the fetch fails with {@link MoverErrorCode#TOO_LARGE}. On failure the destination
     * may hold partial bytes.
     *
     * @param destination where to assemble the extent, or {@code null} to allocate a buffer for it.
     */
    public CompletableFuture<ByteBuffer> fetch(
        final MoverEndpoint peer,
        final String key,
        final long offset,
        final long length,
        final TransferOptions options,
        final ByteBuffer destination)
    {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(options, "options");
        final CompletableFuture<ByteBuffer> future = new CompletableFuture<>();
        if (!checkKey(key, future))
        {
            return future;
        }
        if (offset < 0 || length < -1 || length == 0)
        {
            future.completeExceptionally(new IllegalArgumentException("bad range: " + offset + ", " + length));
            return future;
        }
        if (null != destination && destination.isReadOnly())
        {
            future.completeExceptionally(new IllegalArgumentException("destination is read-only"));
            return future;
        }
        final ByteBuffer target = null == destination ? null : destination.duplicate();
        final long id = nextTransferId();
        final long deadlineNs = deadlineNs(options.deadline());
        if (!post(() -> agent.startFetch(
            id, peer, key, offset, length, options.transferClass(), deadlineNs, options.ticket(), target, future)))
        {
            future.completeExceptionally(new MoverException(MoverErrorCode.CLOSED, "data plane closed"));
        }
        return future;
    }

    /** Pushes {@code extent} to {@code peer} under {@code key} with default options. */
    public CompletableFuture<Void> push(final MoverEndpoint peer, final String key, final ByteBuffer extent)
    {
        return push(peer, key, extent, TransferOptions.defaults());
    }

    /**
     * Pushes {@code extent} (its position to its limit) to {@code peer}, which stores it under {@code key} once the
     * CRC32C matches. The buffer is read in place: do not change it until the future completes. Its position is not
     * changed.
     *
     * @return a future completed when the peer has stored the extent, or failed with a {@link MoverException}.
     */
    public CompletableFuture<Void> push(
        final MoverEndpoint peer, final String key, final ByteBuffer extent, final TransferOptions options)
    {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(options, "options");
        final CompletableFuture<Void> future = new CompletableFuture<>();
        if (!checkKey(key, future))
        {
            return future;
        }
        if (extent.remaining() > ctx.maxExtentLength())
        {
            future.completeExceptionally(new MoverException(
                MoverErrorCode.TOO_LARGE, extent.remaining() + " bytes > " + ctx.maxExtentLength()));
            return future;
        }
        final ByteBuffer view = extent.duplicate();
        final CRC32C crc = new CRC32C();
        crc.update(view.duplicate());
        final int crc32c = (int)crc.getValue();
        final long id = nextTransferId();
        final long deadlineNs = deadlineNs(options.deadline());
        if (!post(() -> agent.startPush(
            id, peer, key, view, crc32c, options.transferClass(), deadlineNs, options.ticket(), future)))
        {
            future.completeExceptionally(new MoverException(MoverErrorCode.CLOSED, "data plane closed"));
        }
        return future;
    }

    /**
     * Stops receiving: closes the inbound subscriptions. Peers see the connection break; transfers in progress on
     * either side wait and resume once {@link #openInbound()} is called, within their deadlines. Used to take a node
     * out of traffic (drain) and to test resumption.
     */
    public CompletableFuture<Void> closeInbound()
    {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        if (!post(() -> agent.closeInbound(done)))
        {
            done.completeExceptionally(new MoverException(MoverErrorCode.CLOSED, "data plane closed"));
        }
        return done;
    }

    /** Reopens the inbound subscriptions on the same endpoint after {@link #closeInbound()}. */
    public CompletableFuture<Void> openInbound()
    {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        if (!post(() -> agent.openInbound(done)))
        {
            done.completeExceptionally(new MoverException(MoverErrorCode.CLOSED, "data plane closed"));
        }
        return done;
    }

    /** Where peers reach this plane over UDP (the resolved port when bound to port 0), or null when UDP is off. */
    public MoverEndpoint localEndpoint()
    {
        return localEndpoint;
    }

    /** Where same-host clients reach this plane over IPC, or null when IPC is off. */
    public MoverEndpoint ipcEndpoint()
    {
        return ipcEndpoint;
    }

    /** The counters, for {@code /metrics}. */
    public MoverCounters counters()
    {
        return counters;
    }

    /** The concluded context. */
    public MoverContext context()
    {
        return ctx;
    }

    /** The media driver's directory (a same-host client connects to it). */
    public String aeronDirectoryName()
    {
        return ctx.aeronDirectoryName();
    }

    /** Transfers for {@code GET /v1/mover/transfers}; empty when no scheduler is configured. */
    public List<TransferSnapshot> transfers()
    {
        final TransferScheduler scheduler = ctx.scheduler();
        return null == scheduler ? List.of() : scheduler.snapshot(ctx.nanoClock().nanoTime());
    }

    /**
     * Stops the agent (failing unfinished transfers with {@link MoverErrorCode#CLOSED}), closes the client and the
     * media driver, and deletes the aeron directory this plane created. Idempotent.
     */
    @Override
    public void close()
    {
        synchronized (this)
        {
            if (closed)
            {
                return;
            }
            closed = true;
        }
        CloseHelper.quietClose(runner);
        agent.drainAfterClose();
        CloseHelper.quietCloseAll(aeron, driver);
        if (null != ownedExecutor)
        {
            ownedExecutor.shutdown();
        }
        deleteAeronDirectory(ctx);
        LOG.info("data plane closed: {}", localEndpoint);
    }

    private synchronized boolean post(final Runnable command)
    {
        if (closed)
        {
            return false;
        }
        agent.post(command);
        return true;
    }

    private long nextTransferId()
    {
        return transferIdBase | (transferIdCounter.incrementAndGet() & 0xFFFF_FFFFL);
    }

    private long deadlineNs(final Duration deadline)
    {
        final long timeoutNs = null == deadline ? ctx.transferDeadlineNs() : deadline.toNanos();
        return ctx.nanoClock().nanoTime() + timeoutNs;
    }

    private static boolean checkKey(final String key, final CompletableFuture<?> future)
    {
        if (null == key || key.isEmpty() ||
            key.getBytes(StandardCharsets.UTF_8).length > MessageFlyweight.MAX_KEY_LENGTH)
        {
            future.completeExceptionally(
                new MoverException(MoverErrorCode.INVALID_REQUEST, "key must be 1-1024 UTF-8 bytes"));
            return false;
        }
        return true;
    }

    private void onAeronError(final Throwable error)
    {
        counters.aeronErrors.getAndIncrement();
        if (error instanceof AeronException)
        {
            // Expected in operation (a peer gone, a port still held while rebinding): one line, no stack.
            LOG.warn("aeron: {}", error.getMessage());
        }
        else
        {
            LOG.warn("aeron error", error);
        }
    }

    private void onAgentError(final Throwable error)
    {
        counters.agentErrors.getAndIncrement();
        LOG.error("data plane agent error", error);
    }

    private static void deleteAeronDirectory(final MoverContext ctx)
    {
        if (ctx.launchDriver())
        {
            IoUtil.delete(new File(ctx.aeronDirectoryName()), true);
        }
    }
}
