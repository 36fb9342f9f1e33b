package dev.terrace.mover.internal;

import dev.terrace.mover.AckFlyweight;
import dev.terrace.mover.ErrorFlyweight;
import dev.terrace.mover.ExtentChunkFlyweight;
import dev.terrace.mover.ExtentSink;
import dev.terrace.mover.ExtentSource;
import dev.terrace.mover.FrameRejection;
import dev.terrace.mover.GetExtentFlyweight;
import dev.terrace.mover.MoverContext;
import dev.terrace.mover.MoverCounters;
import dev.terrace.mover.MoverEndpoint;
import dev.terrace.mover.MoverErrorCode;
import dev.terrace.mover.MoverException;
import dev.terrace.mover.PutExtentFlyweight;
import dev.terrace.mover.ReplyMedia;
import dev.terrace.mover.TransferClass;
import dev.terrace.mover.TransferScheduler;
import dev.terrace.mover.TransferState;
import dev.terrace.mover.TransferTicket;
import io.aeron.Aeron;
import io.aeron.ChannelUriStringBuilder;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Image;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.exceptions.AeronException;
import io.aeron.logbuffer.FragmentHandler;
import org.agrona.BufferUtil;
import org.agrona.CloseHelper;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.ManyToOneConcurrentLinkedQueue;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.zip.CRC32C;

import static io.aeron.Aeron.NULL_VALUE;

/**
 * The data plane's single agent: it owns the Aeron client's conductor (invoker mode), optionally the media driver
 * (INVOKER threading), the inbound subscriptions, the peer publications and every transfer. Other threads talk to it
 * only through its command queue, so none of this state is shared and nothing on the chunk path locks or allocates.
 * <p>
 * A duty cycle: run the invokers, drain commands, poll inbound frames, send control messages and chunks (highest
 * transfer class first), and once a millisecond check deadlines, resume timers and links.
 */
public final class DataPlaneAgent implements Agent, FrameDispatcher.Handler
{
    private static final int FRAGMENT_LIMIT = 64;
    private static final int COMMAND_LIMIT = 64;
    private static final long TIMER_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(1);
    /** Most payload bytes one transfer sends per duty cycle, so that transfers to other peers take turns. */
    private static final int SEND_BURST_LENGTH = 256 * 1024;
    /** Cap on how long a peer may ask this node to keep a transfer's state. */
    private static final long MAX_PEER_TIMEOUT_MS = TimeUnit.MINUTES.toMillis(10);
    private static final int MAX_PENDING_REPLIES = 256;
    private static final int COMPLETED_RECEIPTS_REMEMBERED = 1024;
    private static final int CONTROL_BUFFER_LENGTH = 4096;
    /** Most bytes of idle assembly buffers kept for reuse. */
    private static final long MAX_POOLED_BYTES = 64L * 1024 * 1024;
    private static final long INBOUND_OPEN_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);
    private static final long INBOUND_OPEN_RETRY_NS = TimeUnit.MILLISECONDS.toNanos(50);

    private final MoverContext ctx;
    private final Aeron aeron;
    private final AgentInvoker clientInvoker;
    private final AgentInvoker driverInvoker;
    private final MoverCounters counters;
    private final Executor executor;
    private final NanoClock clock;
    private final ExtentSource source;
    private final ExtentSink sink;
    private final TransferScheduler scheduler;
    private final Predicate<String> keyValidator;
    private final ManyToOneConcurrentLinkedQueue<Runnable> commands = new ManyToOneConcurrentLinkedQueue<>();

    private final FrameDispatcher dispatcher;
    private final FragmentAssembler udpAssembler;
    private final FragmentAssembler ipcAssembler;
    private Subscription udpSubscription;
    private Subscription ipcSubscription;
    private long udpSubscriptionRegistrationId = NULL_VALUE;
    private long ipcSubscriptionRegistrationId = NULL_VALUE;
    private final ArrayList<CompletableFuture<Void>> inboundOpenWaiters = new ArrayList<>();
    private boolean inboundOpening;
    private long inboundOpenDeadlineNs;
    private long inboundRetryAtNs;
    private volatile int udpPort;

    private final Map<String, PeerLink> links = new HashMap<>();
    private final Long2ObjectHashMap<InboundTransfer> fetches = new Long2ObjectHashMap<>();
    private final Long2ObjectHashMap<InboundTransfer> receipts = new Long2ObjectHashMap<>();
    private final Long2ObjectHashMap<OutboundTransfer> pushes = new Long2ObjectHashMap<>();
    private final Long2ObjectHashMap<OutboundTransfer> serves = new Long2ObjectHashMap<>();
    private final ArrayList<InboundTransfer> inbound = new ArrayList<>();
    private final ArrayList<OutboundTransfer> outbound = new ArrayList<>();
    private final ArrayList<PendingReply> pendingReplies = new ArrayList<>();
    private final BufferPool bufferPool;
    private final LinkedHashMap<Long, Long> completedReceipts = new LinkedHashMap<>(64, 0.75f, false)
    {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(final Map.Entry<Long, Long> eldest)
        {
            return size() > COMPLETED_RECEIPTS_REMEMBERED;
        }
    };

    private final UnsafeBuffer controlBuffer =
        new UnsafeBuffer(BufferUtil.allocateDirectAligned(CONTROL_BUFFER_LENGTH, 64));
    private final UnsafeBuffer chunkHeaderBuffer =
        new UnsafeBuffer(BufferUtil.allocateDirectAligned(64, 64));
    private final GetExtentFlyweight getEncoder = new GetExtentFlyweight();
    private final PutExtentFlyweight putEncoder = new PutExtentFlyweight();
    private final ExtentChunkFlyweight chunkEncoder = new ExtentChunkFlyweight();
    private final AckFlyweight ackEncoder = new AckFlyweight();
    private final ErrorFlyweight errorEncoder = new ErrorFlyweight();

    private final int chunkLength;
    private final long resumeTimeoutNs;
    private final long peerTransferIdleTimeoutNs;
    private long nowNs;
    private long nextTimerNs;
    private long inFlightBytes;
    private int retiredCount;
    private long sendRotation;
    private boolean closed;

    public DataPlaneAgent(
        final MoverContext ctx,
        final Aeron aeron,
        final AgentInvoker driverInvoker,
        final MoverCounters counters,
        final Executor executor)
    {
        this.ctx = ctx;
        this.aeron = aeron;
        this.clientInvoker = aeron.conductorAgentInvoker();
        this.driverInvoker = driverInvoker;
        this.counters = counters;
        this.executor = executor;
        this.clock = ctx.nanoClock();
        this.source = ctx.extentSource();
        this.sink = ctx.extentSink();
        this.scheduler = ctx.scheduler();
        this.keyValidator = ctx.keyValidator();
        this.chunkLength = ctx.chunkLength();
        this.resumeTimeoutNs = ctx.resumeTimeoutNs();
        this.peerTransferIdleTimeoutNs = ctx.peerTransferIdleTimeoutNs();
        this.bufferPool = new BufferPool(Math.min(MAX_POOLED_BYTES, ctx.maxInFlightBytes() / 4));
        this.dispatcher = new FrameDispatcher(
            this, counters, ctx.maxExtentLength(), MoverContext.maxChunkLength(ctx.termLength()));
        final FragmentHandler udpHandler =
            (buffer, offset, length, header) -> dispatcher.onFrame(buffer, offset, length, ReplyMedia.UDP);
        final FragmentHandler ipcHandler =
            (buffer, offset, length, header) -> dispatcher.onFrame(buffer, offset, length, ReplyMedia.IPC);
        this.udpAssembler = new FragmentAssembler(udpHandler, 0, true);
        this.ipcAssembler = new FragmentAssembler(ipcHandler, 0, true);
        chunkEncoder.wrap(chunkHeaderBuffer, 0, ExtentChunkFlyweight.HEADER_LENGTH);
        this.nowNs = clock.nanoTime();
        this.nextTimerNs = nowNs;
    }

    /**
     * Opens the inbound subscriptions synchronously and resolves the UDP port; called once before the agent runs.
     *
     * @throws IllegalStateException when the UDP endpoint cannot be bound or resolved in time.
     */
    public void openInboundBlocking()
    {
        if (ctx.udpEnabled())
        {
            udpSubscription = aeron.addSubscription(
                udpChannel(ctx.bindHost(), ctx.bindPort()), ctx.streamId(), null, this::onUnavailableImage);
            final long deadlineNs = System.nanoTime() + ctx.connectionTimeoutNs();
            String resolved;
            while ((resolved = udpSubscription.resolvedEndpoint()) == null)
            {
                if (System.nanoTime() > deadlineNs)
                {
                    throw new IllegalStateException("could not resolve the UDP endpoint " + ctx.bindEndpoint());
                }
                clientInvoker.invoke();
                if (driverInvoker != null)
                {
                    driverInvoker.invoke();
                }
                else
                {
                    Thread.onSpinWait();
                    parkBriefly();
                }
            }
            udpPort = Integer.parseInt(resolved.substring(resolved.lastIndexOf(':') + 1));
        }
        if (ctx.ipcEnabled())
        {
            ipcSubscription = aeron.addSubscription(ipcChannel(), ctx.streamId(), null, this::onUnavailableImage);
        }
    }

    /** The UDP port this plane receives on (resolved when bound to port 0). */
    public int udpPort()
    {
        return udpPort;
    }

    /** Runs {@code command} on the agent thread. */
    public void post(final Runnable command)
    {
        commands.offer(command);
    }

    @Override
    public String roleName()
    {
        return "terrace-mover";
    }

    @Override
    public int doWork()
    {
        int work = 0;
        if (null != driverInvoker)
        {
            work += driverInvoker.invoke();
        }
        work += clientInvoker.invoke();
        nowNs = clock.nanoTime();
        work += drainCommands();
        work += pollInbound();
        work += sendInboundControl();
        work += sendOutbound();
        if (nowNs - nextTimerNs >= 0)
        {
            nextTimerNs = nowNs + TIMER_INTERVAL_NS;
            work += onTimer();
        }
        if (retiredCount > 0)
        {
            compact();
        }
        return work;
    }

    @Override
    public void onClose()
    {
        closed = true;
        while (drainCommands() > 0)
        {
            nowNs = clock.nanoTime();
        }
        final MoverException closedError = new MoverException(MoverErrorCode.CLOSED, "data plane closed");
        for (final InboundTransfer t : inbound)
        {
            if (!t.retired)
            {
                failInbound(t, closedError.code(), closedError.getMessage(), false);
            }
        }
        for (final OutboundTransfer t : outbound)
        {
            if (!t.retired)
            {
                failOutbound(t, closedError.code(), closedError.getMessage());
            }
        }
        for (final CompletableFuture<Void> waiter : inboundOpenWaiters)
        {
            waiter.completeExceptionally(closedError);
        }
        inboundOpenWaiters.clear();
        for (final PeerLink link : links.values())
        {
            CloseHelper.quietClose(link.publication);
        }
        links.clear();
        CloseHelper.quietCloseAll(udpSubscription, ipcSubscription);
        bufferPool.clear();
    }

    /** Runs commands left in the queue after the agent stopped (their transfers fail as closed). */
    public void drainAfterClose()
    {
        closed = true;
        while (drainCommands() > 0)
        {
            nowNs = clock.nanoTime();
        }
    }

    private int drainCommands()
    {
        int count = 0;
        Runnable command;
        while (count < COMMAND_LIMIT && (command = commands.poll()) != null)
        {
            count++;
            try
            {
                command.run();
            }
            catch (final RuntimeException ex)
            {
                counters.agentErrors.getAndIncrement();
            }
        }
        return count;
    }

    private int pollInbound()
    {
        int work = 0;
        if (null != udpSubscription)
        {
            work += udpSubscription.poll(udpAssembler, FRAGMENT_LIMIT);
        }
        if (null != ipcSubscription)
        {
            work += ipcSubscription.poll(ipcAssembler, FRAGMENT_LIMIT);
        }
        return work;
    }

    private void onUnavailableImage(final Image image)
    {
        udpAssembler.freeSessionBuffer(image.sessionId());
        ipcAssembler.freeSessionBuffer(image.sessionId());
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Commands from callers
    // ---------------------------------------------------------------------------------------------------------------

    /** Starts a fetch; runs on the agent thread. */
    public void startFetch(
        final long id,
        final MoverEndpoint peer,
        final String key,
        final long offset,
        final long length,
        final TransferClass transferClass,
        final long deadlineNs,
        final TransferTicket ticket,
        final ByteBuffer destination,
        final CompletableFuture<ByteBuffer> future)
    {
        if (closed)
        {
            fail(future, new MoverException(MoverErrorCode.CLOSED, "data plane closed"));
            return;
        }
        if (!canReceiveOver(peer.media()))
        {
            fail(future, new MoverException(MoverErrorCode.UNSUPPORTED, "no inbound " + peer.media() + " stream"));
            return;
        }
        final PeerLink link = acquireLink(peer.media(), peer.host(), peer.port(), peer.streamId());
        if (null == link)
        {
            counters.busyRejections.getAndIncrement();
            fail(future, new MoverException(MoverErrorCode.BUSY, "too many peers"));
            return;
        }
        final InboundTransfer t = new InboundTransfer(
            id, InboundTransfer.Role.FETCH, key, transferClass, deadlineNs, remainingMs(deadlineNs), nowNs);
        t.link = link;
        t.rangeOffset = offset;
        t.rangeLength = length;
        t.destination = destination;
        t.future = future;
        t.phase = InboundTransfer.Phase.REQUEST;
        attachTicket(t, ticket, peer.toString(), -1);
        fetches.put(id, t);
        inbound.add(t);
        counters.transfersStarted.getAndIncrement();
    }

    /** Starts a push; runs on the agent thread. */
    public void startPush(
        final long id,
        final MoverEndpoint peer,
        final String key,
        final ByteBuffer extent,
        final int crc32c,
        final TransferClass transferClass,
        final long deadlineNs,
        final TransferTicket ticket,
        final CompletableFuture<Void> future)
    {
        if (closed)
        {
            fail(future, new MoverException(MoverErrorCode.CLOSED, "data plane closed"));
            return;
        }
        if (!canReceiveOver(peer.media()))
        {
            fail(future, new MoverException(MoverErrorCode.UNSUPPORTED, "no inbound " + peer.media() + " stream"));
            return;
        }
        final PeerLink link = acquireLink(peer.media(), peer.host(), peer.port(), peer.streamId());
        if (null == link)
        {
            counters.busyRejections.getAndIncrement();
            fail(future, new MoverException(MoverErrorCode.BUSY, "too many peers"));
            return;
        }
        final OutboundTransfer t = new OutboundTransfer(
            id, OutboundTransfer.Role.PUSH, key, transferClass, deadlineNs, remainingMs(deadlineNs), nowNs);
        t.extent(extent, crc32c);
        t.link = link;
        t.future = future;
        t.phase = OutboundTransfer.Phase.BEGIN;
        if (null != ticket)
        {
            t.ticket = ticket;
        }
        else if (null != scheduler)
        {
            t.ticket = scheduler.track(transferClass, key, peer.toString(), t.length, nowNs);
            t.ownsTicket = true;
        }
        pushes.put(id, t);
        addOutbound(t);
        counters.transfersStarted.getAndIncrement();
    }

    /** Closes the inbound subscriptions (transfers in progress wait to resume); runs on the agent thread. */
    public void closeInbound(final CompletableFuture<Void> done)
    {
        CloseHelper.quietCloseAll(udpSubscription, ipcSubscription);
        udpSubscription = null;
        ipcSubscription = null;
        udpAssembler.clear();
        ipcAssembler.clear();
        done.complete(null);
    }

    /**
     * Reopens the inbound subscriptions on the same port; runs on the agent thread. The driver releases a closed UDP
     * endpoint asynchronously, so binding it again is retried until a deadline.
     */
    public void openInbound(final CompletableFuture<Void> done)
    {
        if (closed)
        {
            done.completeExceptionally(new MoverException(MoverErrorCode.CLOSED, "data plane closed"));
            return;
        }
        inboundOpenWaiters.add(done);
        if (!inboundOpening)
        {
            inboundOpening = true;
            inboundOpenDeadlineNs = nowNs + INBOUND_OPEN_TIMEOUT_NS;
            inboundRetryAtNs = nowNs;
        }
        pollPendingSubscriptions();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Frames from peers
    // ---------------------------------------------------------------------------------------------------------------

    @Override
    public void onGetExtent(final GetExtentFlyweight request, final ReplyMedia arrivedOn)
    {
        if (closed)
        {
            return;
        }
        if (ReplyMedia.get(request.replyMediaId()) != arrivedOn)
        {
            counters.replyMediaMismatches.getAndIncrement();
            return;
        }
        final long id = request.transferId();
        final long resumeFrom = request.resumeFrom();
        final OutboundTransfer existing = serves.get(id);
        if (null != existing)
        {
            existing.lastActivityNs = nowNs;
            if (existing.phase == OutboundTransfer.Phase.READING || existing.phase == OutboundTransfer.Phase.ADMISSION)
            {
                existing.sendOffset = resumeFrom;
            }
            else
            {
                existing.sendOffset = Math.min(resumeFrom, existing.length);
                existing.ackedOffset = existing.sendOffset;
                existing.phase = OutboundTransfer.Phase.BEGIN;
                counters.resumes.getAndIncrement();
            }
            return;
        }

        final String key = request.key();
        final String replyHost = request.replyHost();
        final int replyPort = request.replyPort();
        final int replyStreamId = request.replyStreamId();
        if (!keyValidator.test(key))
        {
            counters.invalidKeys.getAndIncrement();
            reply(arrivedOn, replyHost, replyPort, replyStreamId, id, MoverErrorCode.INVALID_REQUEST, "invalid key");
            return;
        }
        if (null == source)
        {
            reply(arrivedOn, replyHost, replyPort, replyStreamId, id, MoverErrorCode.UNSUPPORTED, "no extent source");
            return;
        }
        if (serves.size() + receipts.size() >= ctx.maxPeerTransfers())
        {
            counters.busyRejections.getAndIncrement();
            reply(arrivedOn, replyHost, replyPort, replyStreamId, id, MoverErrorCode.BUSY, "too many transfers");
            return;
        }
        final PeerLink link = acquireLink(arrivedOn, replyHost, replyPort, replyStreamId);
        if (null == link)
        {
            counters.busyRejections.getAndIncrement();
            return;
        }
        final long timeoutMs = Math.min(request.timeoutMs(), MAX_PEER_TIMEOUT_MS);
        final OutboundTransfer t = new OutboundTransfer(
            id,
            OutboundTransfer.Role.SERVE,
            key,
            TransferClass.get(request.transferClassId()),
            nowNs + TimeUnit.MILLISECONDS.toNanos(timeoutMs),
            (int)timeoutMs,
            nowNs);
        t.link = link;
        t.phase = OutboundTransfer.Phase.READING;
        t.sendOffset = resumeFrom;
        serves.put(id, t);
        addOutbound(t);
        counters.transfersStarted.getAndIncrement();
        readForServe(t, request.offset(), request.length());
    }

    @Override
    public void onPutExtent(final PutExtentFlyweight begin, final ReplyMedia arrivedOn)
    {
        if (closed)
        {
            return;
        }
        final long id = begin.transferId();
        if (begin.hasFlags(PutExtentFlyweight.FLAG_REPLY))
        {
            onFetchBegin(id, begin.totalLength(), begin.crc32c());
            return;
        }
        if (ReplyMedia.get(begin.replyMediaId()) != arrivedOn)
        {
            counters.replyMediaMismatches.getAndIncrement();
            return;
        }

        final long totalLength = begin.totalLength();
        final int crc32c = begin.crc32c();
        final InboundTransfer existing = receipts.get(id);
        if (null != existing)
        {
            onReceiptResumed(existing, totalLength, crc32c);
            return;
        }

        final String replyHost = begin.replyHost();
        final int replyPort = begin.replyPort();
        final int replyStreamId = begin.replyStreamId();
        if (completedReceipts.containsKey(id))
        {
            replyComplete(arrivedOn, replyHost, replyPort, replyStreamId, id, totalLength);
            return;
        }
        final String key = begin.key();
        if (!keyValidator.test(key))
        {
            counters.invalidKeys.getAndIncrement();
            reply(arrivedOn, replyHost, replyPort, replyStreamId, id, MoverErrorCode.INVALID_REQUEST, "invalid key");
            return;
        }
        if (null == sink)
        {
            reply(arrivedOn, replyHost, replyPort, replyStreamId, id, MoverErrorCode.UNSUPPORTED, "no extent sink");
            return;
        }
        if (serves.size() + receipts.size() >= ctx.maxPeerTransfers() || !reserve(totalLength))
        {
            counters.busyRejections.getAndIncrement();
            reply(arrivedOn, replyHost, replyPort, replyStreamId, id, MoverErrorCode.BUSY, "no room for the transfer");
            return;
        }
        final PeerLink link = acquireLink(arrivedOn, replyHost, replyPort, replyStreamId);
        if (null == link)
        {
            release(totalLength);
            counters.busyRejections.getAndIncrement();
            return;
        }
        final long timeoutMs = Math.min(begin.timeoutMs(), MAX_PEER_TIMEOUT_MS);
        final InboundTransfer t = new InboundTransfer(
            id,
            InboundTransfer.Role.RECEIPT,
            key,
            TransferClass.get(begin.transferClassId()),
            nowNs + TimeUnit.MILLISECONDS.toNanos(timeoutMs),
            (int)timeoutMs,
            nowNs);
        t.link = link;
        t.reservedBytes = totalLength;
        receipts.put(id, t);
        inbound.add(t);
        counters.transfersStarted.getAndIncrement();
        if (!allocate(t, totalLength, crc32c))
        {
            reply(arrivedOn, replyHost, replyPort, replyStreamId, id, MoverErrorCode.BUSY, "out of direct memory");
            failInbound(t, MoverErrorCode.BUSY, "out of direct memory", false);
            return;
        }
        attachTicket(t, null, link.name, totalLength);
        t.phase = InboundTransfer.Phase.RECEIVING;
        t.ackPending = true;
        if (0 == totalLength)
        {
            onExtentAssembled(t);
        }
    }

    @Override
    public void onChunk(final ExtentChunkFlyweight chunk)
    {
        final long id = chunk.transferId();
        InboundTransfer t = fetches.get(id);
        if (null == t)
        {
            t = receipts.get(id);
        }
        if (null == t || null == t.buffer ||
            (t.phase != InboundTransfer.Phase.RECEIVING && t.phase != InboundTransfer.Phase.REQUEST))
        {
            counters.unknownTransfers.getAndIncrement();
            return;
        }
        final long offset = chunk.chunkOffset();
        final int length = chunk.payloadLength();
        if (offset + length > t.totalLength)
        {
            counters.rejected(FrameRejection.BAD_LENGTH);
            return;
        }
        if (offset != t.received)
        {
            if (offset < t.received)
            {
                counters.duplicateChunks.getAndIncrement();
            }
            else
            {
                counters.gapChunks.getAndIncrement();
                t.resyncPending = true;
            }
            return;
        }

        final int index = (int)offset;
        chunk.getBytes(chunk.payloadIndex(), t.view, index, length);
        final ByteBuffer crcView = t.crcView;
        crcView.limit(index + length).position(index);
        t.crc32c.update(crcView);
        t.received += length;
        t.lastProgressNs = nowNs;
        t.resyncPending = false;
        counters.chunksReceived.getAndIncrement();
        counters.bytesReceived.getAndAdd(length);
        if (t.received - t.lastAckedOffset >= ctx.ackIntervalLength())
        {
            t.ackPending = true;
        }
        if (null != t.ticket)
        {
            t.ticket.progress(t.received, t.totalLength);
        }
        if (t.received == t.totalLength)
        {
            onExtentAssembled(t);
        }
    }

    @Override
    public void onAck(final AckFlyweight ack)
    {
        final long id = ack.transferId();
        OutboundTransfer t = pushes.get(id);
        if (null == t)
        {
            t = serves.get(id);
        }
        if (null == t || t.phase == OutboundTransfer.Phase.READING)
        {
            counters.unknownTransfers.getAndIncrement();
            return;
        }
        final long offset = ack.ackedOffset();
        if (offset > t.length || (ack.hasFlags(AckFlyweight.FLAG_COMPLETE) && offset != t.length))
        {
            counters.rejected(FrameRejection.BAD_LENGTH);
            return;
        }
        t.lastActivityNs = nowNs;
        if (ack.hasFlags(AckFlyweight.FLAG_COMPLETE))
        {
            t.ackedOffset = offset;
            completeOutbound(t);
            return;
        }
        if (t.role == OutboundTransfer.Role.PUSH && t.phase == OutboundTransfer.Phase.AWAIT_BEGIN_ACK)
        {
            // The receiver says where to stream from: 0 for a new transfer, more when resuming.
            t.sendOffset = offset;
            t.ackedOffset = offset;
            t.phase = offset == t.length ? OutboundTransfer.Phase.AWAIT_COMPLETE : OutboundTransfer.Phase.STREAMING;
            return;
        }
        if (ack.hasFlags(AckFlyweight.FLAG_RESYNC) && offset < t.sendOffset &&
            (t.phase == OutboundTransfer.Phase.STREAMING || t.phase == OutboundTransfer.Phase.AWAIT_COMPLETE))
        {
            t.sendOffset = offset;
            t.phase = OutboundTransfer.Phase.STREAMING;
            counters.resumes.getAndIncrement();
        }
        t.ackedOffset = Math.max(t.ackedOffset, offset);
    }

    @Override
    public void onError(final ErrorFlyweight error)
    {
        final long id = error.transferId();
        final MoverErrorCode code = MoverErrorCode.get(error.code());
        final OutboundTransfer push = pushes.get(id);
        if (null != push)
        {
            if (code == MoverErrorCode.BUSY)
            {
                // The receiver has no memory for it now: ask again after a pause, until the deadline.
                push.phase = OutboundTransfer.Phase.AWAIT_BEGIN_ACK;
                push.resendAtNs = nowNs + resumeTimeoutNs;
                return;
            }
            failOutbound(push, code, "peer: " + error.message());
            return;
        }
        final InboundTransfer fetch = fetches.get(id);
        if (null != fetch && fetch.phase != InboundTransfer.Phase.DONE)
        {
            if (code == MoverErrorCode.BUSY)
            {
                fetch.phase = InboundTransfer.Phase.RECEIVING;
                fetch.lastProgressNs = nowNs;
                return;
            }
            failInbound(fetch, code, "peer: " + error.message(), false);
            return;
        }
        final OutboundTransfer serve = serves.get(id);
        if (null != serve)
        {
            failOutbound(serve, code, "peer: " + error.message());
            return;
        }
        final InboundTransfer receipt = receipts.get(id);
        if (null != receipt && receipt.phase != InboundTransfer.Phase.STORING)
        {
            failInbound(receipt, code, "peer: " + error.message(), false);
            return;
        }
        counters.unknownTransfers.getAndIncrement();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Receiving
    // ---------------------------------------------------------------------------------------------------------------

    private void onFetchBegin(final long id, final long totalLength, final int crc32c)
    {
        final InboundTransfer t = fetches.get(id);
        if (null == t || t.phase == InboundTransfer.Phase.DONE)
        {
            counters.unknownTransfers.getAndIncrement();
            return;
        }
        t.lastProgressNs = nowNs;
        if (null == t.buffer)
        {
            if (null != t.destination)
            {
                if (!allocate(t, totalLength, crc32c))
                {
                    sendError(t.link, id, MoverErrorCode.CANCELLED, "destination too small");
                    failInbound(t, MoverErrorCode.TOO_LARGE, totalLength + " bytes do not fit the destination", false);
                    return;
                }
            }
            else
            {
                if (!reserve(totalLength))
                {
                    counters.busyRejections.getAndIncrement();
                    sendError(t.link, id, MoverErrorCode.CANCELLED, "no in-flight memory");
                    failInbound(t, MoverErrorCode.BUSY, "no in-flight memory for " + totalLength + " bytes", false);
                    return;
                }
                t.reservedBytes = totalLength;
                if (!allocate(t, totalLength, crc32c))
                {
                    sendError(t.link, id, MoverErrorCode.CANCELLED, "out of direct memory");
                    failInbound(t, MoverErrorCode.BUSY, "out of direct memory", false);
                    return;
                }
            }
        }
        else if (t.totalLength != totalLength || t.expectedCrc32c != crc32c)
        {
            // The value changed since the transfer started: what we hold is stale, start over from zero.
            if (t.totalLength != totalLength)
            {
                release(t.reservedBytes);
                t.reservedBytes = 0;
                discardBuffer(t);
                if (null == t.destination && !reserve(totalLength))
                {
                    counters.busyRejections.getAndIncrement();
                    sendError(t.link, id, MoverErrorCode.CANCELLED, "no in-flight memory");
                    failInbound(t, MoverErrorCode.BUSY, "no in-flight memory", false);
                    return;
                }
                t.reservedBytes = null == t.destination ? totalLength : 0;
                if (!allocate(t, totalLength, crc32c))
                {
                    sendError(t.link, id, MoverErrorCode.CANCELLED, "no room for the extent");
                    failInbound(t, MoverErrorCode.BUSY, "no room for the extent", false);
                    return;
                }
            }
            else
            {
                t.expectedCrc32c = crc32c;
                t.restart();
            }
            t.phase = InboundTransfer.Phase.REQUEST;
            return;
        }
        if (null != t.ticket)
        {
            t.ticket.progress(t.received, totalLength);
        }
        if (0 == totalLength)
        {
            onExtentAssembled(t);
        }
    }

    private void onReceiptResumed(final InboundTransfer t, final long totalLength, final int crc32c)
    {
        if (t.totalLength != totalLength || t.expectedCrc32c != crc32c)
        {
            sendError(t.link, t.id, MoverErrorCode.INVALID_REQUEST, "transfer id reused for another extent");
            return;
        }
        t.lastProgressNs = nowNs;
        switch (t.phase)
        {
            case RECEIVING:
            case STORING:
                t.ackPending = true;
                break;

            case DONE:
                t.completeAckPending = true;
                break;

            default:
                break;
        }
    }

    /**
     * Gives a transfer its assembly buffer: the caller's destination, a pooled buffer for pushes (dropped after the
     * store), or a fresh one for fetches (handed to the caller).
     *
     * @return false when no buffer could be had (the destination is too small, or direct memory ran out).
     */
    private boolean allocate(final InboundTransfer t, final long totalLength, final int crc32c)
    {
        final int length = (int)totalLength;
        try
        {
            if (null != t.destination)
            {
                if (t.destination.remaining() < length)
                {
                    return false;
                }
                final ByteBuffer region = t.destination.duplicate();
                region.limit(region.position() + length);
                t.assembleInto(region.slice(), t.destination, InboundTransfer.BufferOrigin.CALLER, totalLength, crc32c);
            }
            else if (t.role == InboundTransfer.Role.RECEIPT)
            {
                final ByteBuffer backing = bufferPool.acquire(length);
                final ByteBuffer region = backing.duplicate();
                region.limit(length);
                t.assembleInto(region.slice(), backing, InboundTransfer.BufferOrigin.POOLED, totalLength, crc32c);
            }
            else
            {
                final ByteBuffer backing = ByteBuffer.allocateDirect(length);
                t.assembleInto(backing, backing, InboundTransfer.BufferOrigin.ALLOCATED, totalLength, crc32c);
            }
            return true;
        }
        catch (final OutOfMemoryError ex)
        {
            counters.busyRejections.getAndIncrement();
            return false;
        }
    }

    /** Ends the transfer's hold on its assembly buffer. */
    private void discardBuffer(final InboundTransfer t)
    {
        if (null != t.backing)
        {
            if (t.origin == InboundTransfer.BufferOrigin.POOLED)
            {
                bufferPool.release(t.backing);
            }
            else if (t.origin == InboundTransfer.BufferOrigin.ALLOCATED)
            {
                BufferUtil.free(t.backing);
            }
        }
        t.buffer = null;
        t.backing = null;
        t.view = null;
        t.crcView = null;
    }

    private void onExtentAssembled(final InboundTransfer t)
    {
        if ((int)t.crc32c.getValue() != t.expectedCrc32c)
        {
            counters.crcMismatches.getAndIncrement();
            sendError(t.link, t.id, MoverErrorCode.CRC_MISMATCH, "CRC32C mismatch for " + t.key);
            failInbound(t, MoverErrorCode.CRC_MISMATCH, "CRC32C mismatch for " + t.key, false);
            return;
        }
        if (t.role == InboundTransfer.Role.FETCH)
        {
            final ByteBuffer result = t.buffer;
            result.clear();
            t.buffer = null;
            t.backing = null;
            t.view = null;
            t.crcView = null;
            release(t.reservedBytes);
            t.reservedBytes = 0;
            t.phase = InboundTransfer.Phase.DONE;
            t.completeAckPending = true;
            t.doneAtNs = nowNs;
            finishTicket(t.ticket, t.ownsTicket, TransferState.SUCCEEDED);
            counters.transfersCompleted.getAndIncrement();
            complete(t.future, result);
        }
        else
        {
            t.phase = InboundTransfer.Phase.STORING;
            t.ackPending = true;
            final ByteBuffer extent = t.buffer.duplicate().clear().asReadOnlyBuffer();
            storeForReceipt(t, extent);
        }
    }

    private void storeForReceipt(final InboundTransfer t, final ByteBuffer extent)
    {
        final String key = t.key;
        try
        {
            executor.execute(() ->
            {
                Throwable failure = null;
                try
                {
                    sink.store(key, extent);
                }
                catch (final Throwable ex)
                {
                    failure = ex;
                }
                final Throwable result = failure;
                post(() -> onStored(t, result));
            });
        }
        catch (final RejectedExecutionException ex)
        {
            onStored(t, ex);
        }
    }

    private void onStored(final InboundTransfer t, final Throwable failure)
    {
        if (t.retired)
        {
            return;
        }
        if (null != failure)
        {
            counters.storeFailures.getAndIncrement();
            sendError(t.link, t.id, MoverErrorCode.STORE_FAILED, String.valueOf(failure.getMessage()));
            failInbound(t, MoverErrorCode.STORE_FAILED, String.valueOf(failure.getMessage()), true);
            return;
        }
        release(t.reservedBytes);
        t.reservedBytes = 0;
        discardBuffer(t);
        t.phase = InboundTransfer.Phase.DONE;
        t.completeAckPending = true;
        t.doneAtNs = nowNs;
        completedReceipts.put(t.id, nowNs);
        finishTicket(t.ticket, t.ownsTicket, TransferState.SUCCEEDED);
        counters.transfersCompleted.getAndIncrement();
    }

    private int sendInboundControl()
    {
        int work = 0;
        for (int i = 0, size = inbound.size(); i < size; i++)
        {
            final InboundTransfer t = inbound.get(i);
            if (t.retired)
            {
                continue;
            }
            switch (t.phase)
            {
                case REQUEST:
                    if (t.link.isConnected() && sendGet(t))
                    {
                        t.phase = InboundTransfer.Phase.RECEIVING;
                        t.lastProgressNs = nowNs;
                        t.resyncPending = false;
                        work++;
                    }
                    break;

                case RECEIVING:
                    if (t.resyncPending && nowNs - t.lastResyncNs >= resumeTimeoutNs / 4)
                    {
                        t.lastResyncNs = nowNs;
                        counters.resumes.getAndIncrement();
                        if (t.role == InboundTransfer.Role.FETCH)
                        {
                            t.phase = InboundTransfer.Phase.REQUEST;
                        }
                        else if (sendAck(t.link, t.id, AckFlyweight.FLAG_RESYNC, t.received))
                        {
                            t.lastAckedOffset = t.received;
                            t.ackPending = false;
                        }
                        t.resyncPending = false;
                        work++;
                    }
                    if (t.ackPending && sendAck(t.link, t.id, 0, t.received))
                    {
                        t.lastAckedOffset = t.received;
                        t.ackPending = false;
                        work++;
                    }
                    break;

                case STORING:
                    if (t.ackPending && sendAck(t.link, t.id, 0, t.received))
                    {
                        t.ackPending = false;
                        work++;
                    }
                    break;

                case DONE:
                    if (t.completeAckPending && sendAck(t.link, t.id, AckFlyweight.FLAG_COMPLETE, t.totalLength))
                    {
                        t.completeAckPending = false;
                        if (t.role == InboundTransfer.Role.FETCH)
                        {
                            retire(t);
                        }
                        work++;
                    }
                    break;

                default:
                    break;
            }
        }
        return work;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Sending
    // ---------------------------------------------------------------------------------------------------------------

    private void readForServe(final OutboundTransfer t, final long offset, final long length)
    {
        final String key = t.key;
        final int maxExtentLength = ctx.maxExtentLength();
        try
        {
            executor.execute(() ->
            {
                ByteBuffer data = null;
                Throwable failure = null;
                int crc32c = 0;
                try
                {
                    data = source.read(key, offset, length);
                    if (null != data && data.remaining() <= maxExtentLength)
                    {
                        final CRC32C crc = new CRC32C();
                        crc.update(data.duplicate());
                        crc32c = (int)crc.getValue();
                    }
                }
                catch (final Throwable ex)
                {
                    failure = ex;
                }
                final ByteBuffer result = data;
                final Throwable error = failure;
                final int checksum = crc32c;
                post(() -> onServeRead(t, result, checksum, error));
            });
        }
        catch (final RejectedExecutionException ex)
        {
            onServeRead(t, null, 0, ex);
        }
    }

    private void onServeRead(final OutboundTransfer t, final ByteBuffer data, final int crc32c, final Throwable failure)
    {
        if (t.retired)
        {
            return;
        }
        if (null != failure)
        {
            counters.readFailures.getAndIncrement();
            sendError(t.link, t.id, MoverErrorCode.READ_FAILED, String.valueOf(failure.getMessage()));
            failOutbound(t, MoverErrorCode.READ_FAILED, String.valueOf(failure.getMessage()));
            return;
        }
        if (null == data)
        {
            sendError(t.link, t.id, MoverErrorCode.NOT_FOUND, t.key);
            failOutbound(t, MoverErrorCode.NOT_FOUND, t.key);
            return;
        }
        if (data.remaining() > ctx.maxExtentLength())
        {
            sendError(t.link, t.id, MoverErrorCode.TOO_LARGE, data.remaining() + " bytes");
            failOutbound(t, MoverErrorCode.TOO_LARGE, data.remaining() + " bytes");
            return;
        }
        if (!reserve(data.remaining()))
        {
            counters.busyRejections.getAndIncrement();
            sendError(t.link, t.id, MoverErrorCode.BUSY, "no in-flight memory");
            failOutbound(t, MoverErrorCode.BUSY, "no in-flight memory");
            return;
        }
        t.reservedBytes = data.remaining();
        t.extent(data, crc32c);
        t.sendOffset = Math.min(t.sendOffset, t.length);
        t.ackedOffset = t.sendOffset;
        if (null != scheduler)
        {
            t.ticket = scheduler.submit(t.transferClass, t.key, t.link.name, t.length, nowNs);
            t.ownsTicket = true;
            t.phase = OutboundTransfer.Phase.ADMISSION;
        }
        else
        {
            t.phase = OutboundTransfer.Phase.BEGIN;
        }
    }

    /**
     * Sends begin messages and chunks. The list is ordered by class, so higher classes go first; within a class the
     * starting point rotates every duty cycle so that transfers sharing a class budget take turns.
     */
    private int sendOutbound()
    {
        int work = 0;
        final int size = outbound.size();
        sendRotation++;
        int start = 0;
        while (start < size)
        {
            final TransferClass transferClass = outbound.get(start).transferClass;
            int end = start + 1;
            while (end < size && outbound.get(end).transferClass == transferClass)
            {
                end++;
            }
            final int count = end - start;
            final int first = (int)(sendRotation % count);
            for (int j = 0; j < count; j++)
            {
                final OutboundTransfer t = outbound.get(start + (first + j) % count);
                if (!t.retired)
                {
                    work += sendOutbound(t);
                }
            }
            start = end;
        }
        return work;
    }

    private int sendOutbound(final OutboundTransfer t)
    {
        int work = 0;
        switch (t.phase)
        {
            case ADMISSION:
                if (t.ticket.isRunning())
                {
                    t.phase = OutboundTransfer.Phase.BEGIN;
                    work++;
                }
                break;

            case BEGIN:
                if (t.link.isConnected() && sendBegin(t))
                {
                    t.lastActivityNs = nowNs;
                    if (t.role == OutboundTransfer.Role.PUSH)
                    {
                        t.phase = OutboundTransfer.Phase.AWAIT_BEGIN_ACK;
                        t.resendAtNs = nowNs + resumeTimeoutNs;
                    }
                    else
                    {
                        t.phase = t.sendOffset == t.length ?
                            OutboundTransfer.Phase.AWAIT_COMPLETE : OutboundTransfer.Phase.STREAMING;
                    }
                    work++;
                }
                break;

            case STREAMING:
                work += streamChunks(t);
                break;

            default:
                break;
        }
        return work;
    }

    /** The chunk path: offers header and payload straight from the extent, no copy and no allocation. */
    private int streamChunks(final OutboundTransfer t)
    {
        final ExclusivePublication publication = t.link.publication;
        if (t.link.state != PeerLink.State.READY)
        {
            return 0;
        }
        final TransferTicket ticket = t.ticket;
        int sentBytes = 0;
        int sentChunks = 0;
        while (t.sendOffset < t.length && sentBytes < SEND_BURST_LENGTH)
        {
            final int offset = (int)t.sendOffset;
            final int length = Math.min(chunkLength, t.length - offset);
            if (null != ticket && !ticket.tryAcquire(length, nowNs))
            {
                break;
            }
            chunkEncoder.encodeHeader(t.id, offset, length);
            final long result = publication.offer(
                chunkHeaderBuffer, 0, ExtentChunkFlyweight.HEADER_LENGTH, t.data, offset, length);
            if (result > 0)
            {
                t.sendOffset = offset + length;
                sentBytes += length;
                sentChunks++;
            }
            else
            {
                if (null != ticket)
                {
                    ticket.refund(length);
                }
                onOfferFailed(t, result);
                break;
            }
        }
        if (sentChunks > 0)
        {
            t.lastActivityNs = nowNs;
            t.link.lastUsedNs = nowNs;
            counters.chunksSent.getAndAdd(sentChunks);
            counters.bytesSent.getAndAdd(sentBytes);
            if (null != ticket)
            {
                ticket.progress(t.sendOffset, t.length);
            }
        }
        if (t.sendOffset == t.length && t.phase == OutboundTransfer.Phase.STREAMING)
        {
            t.phase = OutboundTransfer.Phase.AWAIT_COMPLETE;
        }
        return sentChunks;
    }

    private void onOfferFailed(final OutboundTransfer t, final long result)
    {
        if (result == Publication.BACK_PRESSURED || result == Publication.ADMIN_ACTION)
        {
            // Retried on the next duty cycle; if nothing else has work the idle strategy backs off meanwhile.
            counters.backPressured.getAndIncrement();
        }
        else if (result == Publication.NOT_CONNECTED)
        {
            counters.notConnected.getAndIncrement();
            pauseForResume(t);
        }
        else
        {
            // CLOSED or MAX_POSITION_EXCEEDED: the publication is unusable, replace it and resume.
            replacePublication(t.link);
            pauseForResume(t);
        }
    }

    /** The peer is unreachable: wait for the link, then re-send the begin message and continue from the last ack. */
    private void pauseForResume(final OutboundTransfer t)
    {
        t.phase = OutboundTransfer.Phase.BEGIN;
        if (t.role == OutboundTransfer.Role.SERVE)
        {
            t.sendOffset = t.ackedOffset;
        }
        counters.resumes.getAndIncrement();
    }

    private boolean sendBegin(final OutboundTransfer t)
    {
        putEncoder.wrap(controlBuffer, 0, CONTROL_BUFFER_LENGTH);
        final int length = putEncoder.encode(
            t.id,
            t.role == OutboundTransfer.Role.SERVE ? PutExtentFlyweight.FLAG_REPLY : 0,
            t.key,
            t.length,
            t.crc32c,
            remainingMs(t.deadlineNs),
            t.transferClass,
            t.link.media,
            replyHost(t.link.media),
            replyPort(t.link.media),
            ctx.streamId());
        return offerControl(t.link, length);
    }

    private boolean sendGet(final InboundTransfer t)
    {
        getEncoder.wrap(controlBuffer, 0, CONTROL_BUFFER_LENGTH);
        final int length = getEncoder.encode(
            t.id,
            t.key,
            t.rangeOffset,
            t.rangeLength,
            t.received,
            remainingMs(t.deadlineNs),
            t.transferClass,
            t.link.media,
            replyHost(t.link.media),
            replyPort(t.link.media),
            ctx.streamId());
        return offerControl(t.link, length);
    }

    private boolean sendAck(final PeerLink link, final long id, final int flags, final long offset)
    {
        if (!link.isConnected())
        {
            return false;
        }
        ackEncoder.wrap(controlBuffer, 0, CONTROL_BUFFER_LENGTH);
        return offerControl(link, ackEncoder.encode(id, flags, offset));
    }

    /** Sends an ERROR now if possible, otherwise queues it briefly. */
    private void sendError(final PeerLink link, final long id, final MoverErrorCode code, final String message)
    {
        if (!offerError(link, id, code, message) && pendingReplies.size() < MAX_PENDING_REPLIES)
        {
            link.users++;
            pendingReplies.add(new PendingReply(link, id, code, message, -1, nowNs + resumeTimeoutNs));
        }
    }

    private boolean offerError(final PeerLink link, final long id, final MoverErrorCode code, final String message)
    {
        if (!link.isConnected())
        {
            return false;
        }
        errorEncoder.wrap(controlBuffer, 0, CONTROL_BUFFER_LENGTH);
        return offerControl(link, errorEncoder.encode(id, code, message));
    }

    /** Answers a request that created no transfer state (refusals, repeats of completed pushes). */
    private void reply(
        final ReplyMedia media,
        final String host,
        final int port,
        final int streamId,
        final long id,
        final MoverErrorCode code,
        final String message)
    {
        final PeerLink link = acquireLink(media, host, port, streamId);
        if (null == link)
        {
            counters.busyRejections.getAndIncrement();
            return;
        }
        if (!offerError(link, id, code, message))
        {
            if (pendingReplies.size() < MAX_PENDING_REPLIES)
            {
                pendingReplies.add(new PendingReply(link, id, code, message, -1, nowNs + resumeTimeoutNs));
                return;
            }
        }
        releaseLink(link);
    }

    private void replyComplete(
        final ReplyMedia media, final String host, final int port, final int streamId, final long id, final long length)
    {
        final PeerLink link = acquireLink(media, host, port, streamId);
        if (null == link)
        {
            counters.busyRejections.getAndIncrement();
            return;
        }
        if (!sendAck(link, id, AckFlyweight.FLAG_COMPLETE, length) && pendingReplies.size() < MAX_PENDING_REPLIES)
        {
            pendingReplies.add(new PendingReply(link, id, null, null, length, nowNs + resumeTimeoutNs));
            return;
        }
        releaseLink(link);
    }

    private boolean offerControl(final PeerLink link, final int length)
    {
        if (link.state != PeerLink.State.READY)
        {
            return false;
        }
        final long result = link.publication.offer(controlBuffer, 0, length);
        if (result > 0)
        {
            link.lastUsedNs = nowNs;
            return true;
        }
        if (result == Publication.BACK_PRESSURED || result == Publication.ADMIN_ACTION)
        {
            counters.backPressured.getAndIncrement();
        }
        else if (result == Publication.NOT_CONNECTED)
        {
            counters.notConnected.getAndIncrement();
        }
        else
        {
            replacePublication(link);
        }
        return false;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Timers
    // ---------------------------------------------------------------------------------------------------------------

    private int onTimer()
    {
        int work = pollPendingSubscriptions();
        work += pollLinks();
        for (int i = 0, size = inbound.size(); i < size; i++)
        {
            final InboundTransfer t = inbound.get(i);
            if (!t.retired)
            {
                work += checkInbound(t);
            }
        }
        for (int i = 0, size = outbound.size(); i < size; i++)
        {
            final OutboundTransfer t = outbound.get(i);
            if (!t.retired)
            {
                work += checkOutbound(t);
            }
        }
        work += sendPendingReplies();
        counters.inFlightBytes.set(inFlightBytes);
        counters.pooledBytes.set(bufferPool.pooledBytes());
        return work;
    }

    private int checkInbound(final InboundTransfer t)
    {
        if (t.phase == InboundTransfer.Phase.DONE)
        {
            if (nowNs - t.doneAtNs > resumeTimeoutNs)
            {
                // The completing ACK could not be sent; the peer's linger or a re-sent begin covers it.
                retire(t);
                return 1;
            }
            return 0;
        }
        if (nowNs - t.deadlineNs > 0)
        {
            counters.timeouts.getAndIncrement();
            if (t.role == InboundTransfer.Role.FETCH)
            {
                sendError(t.link, t.id, MoverErrorCode.CANCELLED, "deadline passed");
            }
            failInbound(t, MoverErrorCode.TIMEOUT, "deadline passed after " + t.received + " bytes",
                t.phase == InboundTransfer.Phase.STORING);
            return 1;
        }
        if (t.link.state == PeerLink.State.FAILED)
        {
            failInbound(t, MoverErrorCode.GENERIC, "cannot reach peer: " + t.link.failure, false);
            return 1;
        }
        if (t.role == InboundTransfer.Role.RECEIPT && t.phase == InboundTransfer.Phase.RECEIVING &&
            nowNs - t.lastProgressNs > peerTransferIdleTimeoutNs)
        {
            // The pusher went away: free its memory. If it comes back its begin message starts over.
            counters.timeouts.getAndIncrement();
            failInbound(t, MoverErrorCode.TIMEOUT, "no progress from the sender", false);
            return 1;
        }
        if (t.role == InboundTransfer.Role.FETCH && t.phase == InboundTransfer.Phase.RECEIVING &&
            nowNs - t.lastProgressNs > resumeTimeoutNs)
        {
            // Silence: the connection broke or the peer restarted. Ask again from what we hold.
            t.phase = InboundTransfer.Phase.REQUEST;
            t.lastProgressNs = nowNs;
            counters.resumes.getAndIncrement();
            return 1;
        }
        return 0;
    }

    private int checkOutbound(final OutboundTransfer t)
    {
        if (nowNs - t.deadlineNs > 0)
        {
            counters.timeouts.getAndIncrement();
            if (t.role == OutboundTransfer.Role.PUSH)
            {
                sendError(t.link, t.id, MoverErrorCode.CANCELLED, "deadline passed");
            }
            failOutbound(t, MoverErrorCode.TIMEOUT, "deadline passed after " + t.ackedOffset + " acknowledged bytes");
            return 1;
        }
        if (t.link.state == PeerLink.State.FAILED)
        {
            failOutbound(t, MoverErrorCode.GENERIC, "cannot reach peer: " + t.link.failure);
            return 1;
        }
        if (t.role == OutboundTransfer.Role.SERVE && t.phase != OutboundTransfer.Phase.READING &&
            nowNs - t.lastActivityNs > peerTransferIdleTimeoutNs)
        {
            // The requester went away (it re-sends GET_EXTENT while it still wants the bytes).
            counters.timeouts.getAndIncrement();
            failOutbound(t, MoverErrorCode.TIMEOUT, "requester went away");
            return 1;
        }
        if (t.role == OutboundTransfer.Role.PUSH)
        {
            if (t.phase == OutboundTransfer.Phase.AWAIT_BEGIN_ACK && nowNs - t.resendAtNs >= 0)
            {
                t.phase = OutboundTransfer.Phase.BEGIN;
                counters.resumes.getAndIncrement();
                return 1;
            }
            if ((t.phase == OutboundTransfer.Phase.AWAIT_COMPLETE || t.phase == OutboundTransfer.Phase.STREAMING) &&
                nowNs - t.lastActivityNs > resumeTimeoutNs)
            {
                // No ack for a while: ask the receiver where it stands (it answers with its offset or COMPLETE).
                t.phase = OutboundTransfer.Phase.BEGIN;
                counters.resumes.getAndIncrement();
                return 1;
            }
        }
        else if (t.phase == OutboundTransfer.Phase.AWAIT_COMPLETE && nowNs - t.lastActivityNs > 4 * resumeTimeoutNs)
        {
            // The requester went quiet after the last chunk; it re-sends GET_EXTENT if it still needs the bytes.
            counters.transfersCompleted.getAndIncrement();
            finishTicket(t.ticket, t.ownsTicket, TransferState.SUCCEEDED);
            retire(t);
            return 1;
        }
        return 0;
    }

    private int sendPendingReplies()
    {
        int work = 0;
        for (int i = pendingReplies.size() - 1; i >= 0; i--)
        {
            final PendingReply reply = pendingReplies.get(i);
            final boolean sent = null == reply.code ?
                sendAck(reply.link, reply.id, AckFlyweight.FLAG_COMPLETE, reply.ackedOffset) :
                offerError(reply.link, reply.id, reply.code, reply.message);
            if (sent || nowNs - reply.expiresAtNs > 0)
            {
                releaseLink(reply.link);
                pendingReplies.remove(i);
                work++;
            }
        }
        return work;
    }

    private int pollPendingSubscriptions()
    {
        if (!inboundOpening)
        {
            return 0;
        }
        int work = 0;
        try
        {
            if (ctx.udpEnabled() && null == udpSubscription)
            {
                if (NULL_VALUE == udpSubscriptionRegistrationId)
                {
                    if (nowNs - inboundRetryAtNs >= 0)
                    {
                        udpSubscriptionRegistrationId = aeron.asyncAddSubscription(
                            udpChannel(ctx.bindHost(), udpPort), ctx.streamId(), null, this::onUnavailableImage);
                        work++;
                    }
                }
                else
                {
                    udpSubscription = aeron.getSubscription(udpSubscriptionRegistrationId);
                    if (null != udpSubscription)
                    {
                        udpSubscriptionRegistrationId = NULL_VALUE;
                        work++;
                    }
                }
            }
            if (ctx.ipcEnabled() && null == ipcSubscription)
            {
                if (NULL_VALUE == ipcSubscriptionRegistrationId)
                {
                    ipcSubscriptionRegistrationId = aeron.asyncAddSubscription(
                        ipcChannel(), ctx.streamId(), null, this::onUnavailableImage);
                    work++;
                }
                else
                {
                    ipcSubscription = aeron.getSubscription(ipcSubscriptionRegistrationId);
                    if (null != ipcSubscription)
                    {
                        ipcSubscriptionRegistrationId = NULL_VALUE;
                        work++;
                    }
                }
            }
        }
        catch (final AeronException ex)
        {
            udpSubscriptionRegistrationId = NULL_VALUE;
            ipcSubscriptionRegistrationId = NULL_VALUE;
            if (nowNs - inboundOpenDeadlineNs < 0)
            {
                // Typically "address already in use" while the driver still releases the old endpoint.
                inboundRetryAtNs = nowNs + INBOUND_OPEN_RETRY_NS;
                return 1;
            }
            inboundOpening = false;
            for (final CompletableFuture<Void> waiter : inboundOpenWaiters)
            {
                waiter.completeExceptionally(ex);
            }
            inboundOpenWaiters.clear();
            return 1;
        }
        if ((!ctx.udpEnabled() || null != udpSubscription) && (!ctx.ipcEnabled() || null != ipcSubscription))
        {
            inboundOpening = false;
            for (final CompletableFuture<Void> waiter : inboundOpenWaiters)
            {
                waiter.complete(null);
            }
            inboundOpenWaiters.clear();
        }
        return work;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Links
    // ---------------------------------------------------------------------------------------------------------------

    private PeerLink acquireLink(final ReplyMedia media, final String host, final int port, final int streamId)
    {
        final String name = media == ReplyMedia.IPC ? "ipc/" + streamId : host + ":" + port + "/" + streamId;
        PeerLink link = links.get(name);
        if (null == link)
        {
            if (links.size() >= ctx.maxPeers() && !evictIdleLink())
            {
                return null;
            }
            link = new PeerLink(
                name, media == ReplyMedia.IPC ? ipcChannel() : udpChannel(host, port), streamId, media);
            addPublication(link);
            links.put(name, link);
        }
        link.users++;
        link.lastUsedNs = nowNs;
        return link;
    }

    private void releaseLink(final PeerLink link)
    {
        link.users--;
        link.lastUsedNs = nowNs;
    }

    private void addPublication(final PeerLink link)
    {
        try
        {
            link.registrationId = aeron.asyncAddExclusivePublication(link.channel, link.streamId);
            link.state = PeerLink.State.PENDING;
        }
        catch (final AeronException ex)
        {
            link.state = PeerLink.State.FAILED;
            link.failure = ex.getMessage();
        }
    }

    private void replacePublication(final PeerLink link)
    {
        if (link.state == PeerLink.State.READY)
        {
            CloseHelper.quietClose(link.publication);
            link.publication = null;
            addPublication(link);
        }
    }

    private boolean evictIdleLink()
    {
        final Iterator<PeerLink> iterator = links.values().iterator();
        while (iterator.hasNext())
        {
            final PeerLink link = iterator.next();
            if (link.users <= 0)
            {
                closeLink(link);
                iterator.remove();
                return true;
            }
        }
        return false;
    }

    private int pollLinks()
    {
        int work = 0;
        final Iterator<PeerLink> iterator = links.values().iterator();
        while (iterator.hasNext())
        {
            final PeerLink link = iterator.next();
            if (link.state == PeerLink.State.PENDING)
            {
                try
                {
                    final ExclusivePublication publication = aeron.getExclusivePublication(link.registrationId);
                    if (null != publication)
                    {
                        link.publication = publication;
                        link.state = PeerLink.State.READY;
                        work++;
                    }
                }
                catch (final AeronException ex)
                {
                    link.state = PeerLink.State.FAILED;
                    link.failure = ex.getMessage();
                    work++;
                }
            }
            else if (link.state == PeerLink.State.READY && link.publication.isClosed())
            {
                link.publication = null;
                addPublication(link);
                work++;
            }
            if (link.users <= 0 && (link.state == PeerLink.State.FAILED ||
                nowNs - link.lastUsedNs > ctx.peerIdleTimeoutNs()))
            {
                closeLink(link);
                iterator.remove();
                work++;
            }
        }
        return work;
    }

    private void closeLink(final PeerLink link)
    {
        if (link.state == PeerLink.State.READY)
        {
            CloseHelper.quietClose(link.publication);
        }
        else if (link.state == PeerLink.State.PENDING)
        {
            try
            {
                aeron.asyncRemovePublication(link.registrationId);
            }
            catch (final AeronException ex)
            {
                counters.agentErrors.getAndIncrement();
            }
        }
        link.publication = null;
        link.state = PeerLink.State.FAILED;
        link.failure = "closed";
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Completion, failure, bookkeeping
    // ---------------------------------------------------------------------------------------------------------------

    private void completeOutbound(final OutboundTransfer t)
    {
        counters.transfersCompleted.getAndIncrement();
        finishTicket(t.ticket, t.ownsTicket, TransferState.SUCCEEDED);
        if (null != t.future)
        {
            complete(t.future, null);
        }
        retire(t);
    }

    private void failOutbound(final OutboundTransfer t, final MoverErrorCode code, final String message)
    {
        counters.transfersFailed.getAndIncrement();
        finishTicket(t.ticket, t.ownsTicket, code == MoverErrorCode.CLOSED || code == MoverErrorCode.CANCELLED ?
            TransferState.CANCELLED : TransferState.FAILED);
        if (null != t.future)
        {
            fail(t.future, new MoverException(code, message, t.ackedOffset));
        }
        retire(t);
    }

    /**
     * @param bufferInUse the buffer is with the sink: do not free it.
     */
    private void failInbound(
        final InboundTransfer t, final MoverErrorCode code, final String message, final boolean bufferInUse)
    {
        counters.transfersFailed.getAndIncrement();
        finishTicket(t.ticket, t.ownsTicket, code == MoverErrorCode.CLOSED || code == MoverErrorCode.CANCELLED ?
            TransferState.CANCELLED : TransferState.FAILED);
        if (null != t.future)
        {
            fail(t.future, new MoverException(code, message, t.received));
        }
        if (bufferInUse)
        {
            // The sink may still read it: leave it to the garbage collector.
            t.buffer = null;
            t.backing = null;
            t.view = null;
            t.crcView = null;
        }
        else
        {
            discardBuffer(t);
        }
        retire(t);
    }

    private void retire(final InboundTransfer t)
    {
        if (t.retired)
        {
            return;
        }
        t.retired = true;
        retiredCount++;
        release(t.reservedBytes);
        t.reservedBytes = 0;
        if (t.role == InboundTransfer.Role.FETCH)
        {
            fetches.remove(t.id);
        }
        else
        {
            receipts.remove(t.id);
        }
        releaseLink(t.link);
    }

    private void retire(final OutboundTransfer t)
    {
        if (t.retired)
        {
            return;
        }
        t.retired = true;
        retiredCount++;
        release(t.reservedBytes);
        t.reservedBytes = 0;
        t.extent = null;
        t.data = null;
        if (t.role == OutboundTransfer.Role.PUSH)
        {
            pushes.remove(t.id);
        }
        else
        {
            serves.remove(t.id);
        }
        releaseLink(t.link);
    }

    private void compact()
    {
        int j = 0;
        for (int i = 0, size = inbound.size(); i < size; i++)
        {
            final InboundTransfer t = inbound.get(i);
            if (!t.retired)
            {
                inbound.set(j++, t);
            }
        }
        for (int i = inbound.size() - 1; i >= j; i--)
        {
            inbound.remove(i);
        }
        j = 0;
        for (int i = 0, size = outbound.size(); i < size; i++)
        {
            final OutboundTransfer t = outbound.get(i);
            if (!t.retired)
            {
                outbound.set(j++, t);
            }
        }
        for (int i = outbound.size() - 1; i >= j; i--)
        {
            outbound.remove(i);
        }
        retiredCount = 0;
    }

    /** Keeps the outbound list ordered by class so higher classes send first in every duty cycle. */
    private void addOutbound(final OutboundTransfer t)
    {
        int i = outbound.size();
        while (i > 0 && outbound.get(i - 1).transferClass.ordinal() > t.transferClass.ordinal())
        {
            i--;
        }
        outbound.add(i, t);
    }

    private void attachTicket(
        final InboundTransfer t, final TransferTicket ticket, final String peer, final long totalLength)
    {
        if (null != ticket)
        {
            t.ticket = ticket;
        }
        else if (null != scheduler)
        {
            t.ticket = scheduler.track(t.transferClass, t.key, peer, totalLength, nowNs);
            t.ownsTicket = true;
        }
    }

    private void finishTicket(final TransferTicket ticket, final boolean owned, final TransferState state)
    {
        if (null != ticket && owned)
        {
            ticket.finish(state, nowNs);
        }
    }

    private boolean reserve(final long bytes)
    {
        if (inFlightBytes + bytes > ctx.maxInFlightBytes())
        {
            return false;
        }
        inFlightBytes += bytes;
        counters.inFlightBytes.set(inFlightBytes);
        return true;
    }

    private void release(final long bytes)
    {
        inFlightBytes -= bytes;
        counters.inFlightBytes.set(inFlightBytes);
    }

    private boolean canReceiveOver(final ReplyMedia media)
    {
        return media == ReplyMedia.UDP ? ctx.udpEnabled() : ctx.ipcEnabled();
    }

    private String replyHost(final ReplyMedia media)
    {
        return media == ReplyMedia.UDP ? ctx.advertisedHost() : "";
    }

    private int replyPort(final ReplyMedia media)
    {
        return media == ReplyMedia.UDP ? udpPort : 0;
    }

    private int remainingMs(final long deadlineNs)
    {
        final long remaining = TimeUnit.NANOSECONDS.toMillis(deadlineNs - nowNs);
        return (int)Math.max(1, Math.min(Integer.MAX_VALUE, remaining));
    }

    private String udpChannel(final String host, final int port)
    {
        return new ChannelUriStringBuilder()
            .media("udp")
            .endpoint(host + ":" + port)
            .mtu(ctx.mtuLength())
            .termLength(ctx.termLength())
            .sparse(Boolean.TRUE)
            .build();
    }

    private String ipcChannel()
    {
        return new ChannelUriStringBuilder()
            .media("ipc")
            .mtu(ctx.mtuLength())
            .termLength(ctx.termLength())
            .sparse(Boolean.TRUE)
            .build();
    }

    private <T> void complete(final CompletableFuture<T> future, final T value)
    {
        // Callers' continuations must never run on the agent thread.
        try
        {
            executor.execute(() -> future.complete(value));
        }
        catch (final RejectedExecutionException ex)
        {
            future.complete(value);
        }
    }

    private <T> void fail(final CompletableFuture<T> future, final Throwable error)
    {
        try
        {
            executor.execute(() -> future.completeExceptionally(error));
        }
        catch (final RejectedExecutionException ex)
        {
            future.completeExceptionally(error);
        }
    }

    private static void parkBriefly()
    {
        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }

    /** A reply for a request that has no transfer state: an ERROR, or (code null) a completing ACK. */
    private static final class PendingReply
    {
        final PeerLink link;
        final long id;
        final MoverErrorCode code;
        final String message;
        final long ackedOffset;
        final long expiresAtNs;

        PendingReply(
            final PeerLink link,
            final long id,
            final MoverErrorCode code,
            final String message,
            final long ackedOffset,
            final long expiresAtNs)
        {
            this.link = link;
            this.id = id;
            this.code = code;
            this.message = message;
            this.ackedOffset = ackedOffset;
            this.expiresAtNs = expiresAtNs;
        }
    }
}
