package dev.terrace.mover;

import io.aeron.driver.ThreadingMode;
import io.aeron.logbuffer.FrameDescriptor;
import io.aeron.protocol.DataHeaderFlyweight;
import org.agrona.BitUtil;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SleepingIdleStrategy;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.YieldingIdleStrategy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Settings of one {@link DataPlane}, in the style of {@code Aeron.Context}: fluent setters starting from
 * {@link MoverConfiguration}'s values, validated once by {@link #conclude()} (which {@link DataPlane#launch} calls).
 * A context is used by one data plane only and must not be changed after it is concluded.
 */
public final class MoverContext
{
    private boolean concluded;

    private String aeronDirectoryName = MoverConfiguration.aeronDirectoryName();
    private boolean launchDriver = MoverConfiguration.launchDriver();
    private ThreadingMode threadingMode = MoverConfiguration.threadingMode();
    private String idleStrategy = MoverConfiguration.idleStrategy();
    private long idleMaxParkNs = MoverConfiguration.idleMaxParkNs();
    private boolean benchmarkProfile = MoverConfiguration.benchmarkProfile();
    private int mtuLength = MoverConfiguration.mtuLength();
    private int termLength = MoverConfiguration.termLength();
    private int chunkLength = MoverConfiguration.chunkLength();
    private int receiverWindowLength = MoverConfiguration.receiverWindowLength();
    private int socketBufferLength = MoverConfiguration.socketBufferLength();
    private long transferDeadlineNs = MoverConfiguration.transferDeadlineNs();
    private long resumeTimeoutNs = MoverConfiguration.resumeTimeoutNs();
    private long connectionTimeoutNs = MoverConfiguration.connectionTimeoutNs();
    private long maxInFlightBytes = MoverConfiguration.maxInFlightBytes();
    private int maxExtentLength = MoverConfiguration.maxExtentLength();
    private int ackIntervalLength = MoverConfiguration.ackIntervalLength();
    private int streamId = MoverConfiguration.streamId();
    private boolean streamIdSet = System.getProperty(MoverConfiguration.STREAM_ID_PROP_NAME) != null;
    private String bindEndpoint = MoverConfiguration.bindEndpoint();
    private String advertisedHost = MoverConfiguration.advertisedHost();
    private boolean udpEnabled = MoverConfiguration.udpEnabled();
    private boolean ipcEnabled = MoverConfiguration.ipcEnabled();
    private int maxPeers = MoverConfiguration.maxPeers();
    private long peerIdleTimeoutNs = MoverConfiguration.peerIdleTimeoutNs();
    private int serviceThreads = MoverConfiguration.serviceThreads();
    private int maxPeerTransfers = MoverConfiguration.maxPeerTransfers();
    private ExtentSource extentSource;
    private ExtentSink extentSink;
    private Executor serviceExecutor;
    private TransferScheduler scheduler;
    private Predicate<String> keyValidator = MoverContext::isSafeKey;
    private NanoClock nanoClock = SystemNanoClock.INSTANCE;

    private String bindHost;
    private int bindPort;

    /**
     * Validates the settings and derives the rest (chunk length, bind host and port, advertised host).
     *
     * @throws IllegalStateException when a setting is out of range or settings contradict each other.
     */
    public MoverContext conclude()
    {
        if (concluded)
        {
            throw new IllegalStateException("context already concluded");
        }
        concluded = true;

        require(aeronDirectoryName != null && !aeronDirectoryName.isEmpty(), "aeron directory must be set");
        require(threadingMode != null, "threading mode must be set");
        newIdleStrategy();
        require(idleMaxParkNs >= TimeUnit.MICROSECONDS.toNanos(1) && idleMaxParkNs <= TimeUnit.SECONDS.toNanos(1),
            "idle max park must be within 1us..1s: " + idleMaxParkNs);

        require(mtuLength >= MoverConfiguration.MTU_LENGTH_MIN && mtuLength <= MoverConfiguration.MTU_LENGTH_MAX,
            "MTU must be within " + MoverConfiguration.MTU_LENGTH_MIN + ".." + MoverConfiguration.MTU_LENGTH_MAX +
            ": " + mtuLength);
        require(mtuLength % FrameDescriptor.FRAME_ALIGNMENT == 0,
            "MTU must be a multiple of " + FrameDescriptor.FRAME_ALIGNMENT + ": " + mtuLength);
        require(BitUtil.isPowerOfTwo(termLength) && termLength >= 64 * 1024 && termLength <= 1024 * 1024 * 1024,
            "term length must be a power of two within 64 KiB..1 GiB: " + termLength);

        final int maxChunk = maxChunkLength(termLength);
        if (chunkLength == 0)
        {
            chunkLength = mtuLength - DataHeaderFlyweight.HEADER_LENGTH - ExtentChunkFlyweight.HEADER_LENGTH;
        }
        require(chunkLength >= 1024 && chunkLength <= maxChunk,
            "chunk length must be within 1 KiB.." + maxChunk + " (below the max message length of the term): " +
            chunkLength);
        require(receiverWindowLength >= mtuLength && receiverWindowLength <= termLength / 2,
            "receiver window must be within the MTU..half a term: " + receiverWindowLength);
        require(socketBufferLength == 0 || socketBufferLength >= mtuLength,
            "socket buffer length must be 0 (OS default) or at least the MTU: " + socketBufferLength);

        require(transferDeadlineNs > 0, "transfer deadline must be positive");
        require(resumeTimeoutNs > 0 && resumeTimeoutNs < transferDeadlineNs,
            "resume timeout must be positive and below the transfer deadline");
        require(connectionTimeoutNs >= TimeUnit.MILLISECONDS.toNanos(100), "connection timeout must be >= 100ms");
        require(maxExtentLength > 0, "max extent length must be positive");
        require(maxInFlightBytes >= maxExtentLength, "max in-flight bytes must hold at least one max extent");
        require(ackIntervalLength >= chunkLength, "ack interval must be at least one chunk");
        require(maxPeers > 0, "max peers must be positive");
        require(maxPeerTransfers > 0, "max peer transfers must be positive");
        require(peerIdleTimeoutNs > 0, "peer idle timeout must be positive");
        require(serviceThreads > 0 || serviceExecutor != null, "service threads must be positive");
        require(udpEnabled || ipcEnabled, "enable UDP, IPC or both");

        if (!launchDriver && !streamIdSet)
        {
            // A client on a node's driver shares its IPC streams with every other client: pick a private one.
            streamId = ThreadLocalRandom.current().nextInt(1 << 20, Integer.MAX_VALUE);
        }

        if (udpEnabled)
        {
            final int colon = bindEndpoint.lastIndexOf(':');
            require(colon > 0 && colon < bindEndpoint.length() - 1, "bind endpoint must be host:port: " + bindEndpoint);
            bindHost = bindEndpoint.substring(0, colon);
            try
            {
                bindPort = Integer.parseInt(bindEndpoint.substring(colon + 1));
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalStateException("bind endpoint port is not a number: " + bindEndpoint, ex);
            }
            require(bindPort >= 0 && bindPort <= 65535, "bind port out of range: " + bindPort);
            if (advertisedHost == null || advertisedHost.isEmpty())
            {
                advertisedHost = isWildcard(bindHost) ? localHostAddress() : bindHost;
            }
        }
        return this;
    }

    /** The largest chunk payload for a term length: the max Aeron message length minus the chunk header. */
    public static int maxChunkLength(final int termLength)
    {
        return FrameDescriptor.computeMaxMessageLength(termLength) - ExtentChunkFlyweight.HEADER_LENGTH;
    }

    /** A new idle strategy of the configured kind (each agent needs its own instance). */
    public IdleStrategy newIdleStrategy()
    {
        switch (idleStrategy)
        {
            case "backoff":
                return new BackoffIdleStrategy(
                    BackoffIdleStrategy.DEFAULT_MAX_SPINS,
                    BackoffIdleStrategy.DEFAULT_MAX_YIELDS,
                    BackoffIdleStrategy.DEFAULT_MIN_PARK_PERIOD_NS,
                    idleMaxParkNs);
            case "sleeping":
                return new SleepingIdleStrategy(idleMaxParkNs);
            case "yielding":
                requireBenchmark();
                return new YieldingIdleStrategy();
            case "busy-spin":
                requireBenchmark();
                return new BusySpinIdleStrategy();
            default:
                throw new IllegalStateException("unknown idle strategy: " + idleStrategy);
        }
    }

    /**
     * The default key validator: 1-1024 UTF-8 bytes, no control characters, no backslash, no leading {@code /}, no
     * empty, {@code .} or {@code ..} segment. Nodes validate names before they reach the mover; this keeps a peer
     * from naming a path outside a tier's root.
     */
    public static boolean isSafeKey(final String key)
    {
        if (key == null || key.isEmpty() ||
            key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MessageFlyweight.MAX_KEY_LENGTH)
        {
            return false;
        }
        for (int i = 0; i < key.length(); i++)
        {
            final char c = key.charAt(i);
            if (c < 0x20 || c == 0x7F || c == '\\')
            {
                return false;
            }
        }
        if (key.startsWith("/"))
        {
            return false;
        }
        for (final String segment : key.split("/", -1))
        {
            if (segment.isEmpty() || ".".equals(segment) || "..".equals(segment))
            {
                return false;
            }
        }
        return true;
    }

    private void requireBenchmark()
    {
        require(benchmarkProfile, "idle strategy '" + idleStrategy + "' spins: it needs the benchmark profile (" +
            MoverConfiguration.BENCHMARK_PROFILE_PROP_NAME + ")");
    }

    private static boolean isWildcard(final String host)
    {
        return "0.0.0.0".equals(host) || "::".equals(host) || "[::]".equals(host);
    }

    private static String localHostAddress()
    {
        try
        {
            return InetAddress.getLocalHost().getHostAddress();
        }
        catch (final UnknownHostException ex)
        {
            return "127.0.0.1";
        }
    }

    private static void require(final boolean condition, final String message)
    {
        if (!condition)
        {
            throw new IllegalStateException(message);
        }
    }

    private void checkMutable()
    {
        if (concluded)
        {
            throw new IllegalStateException("context already concluded");
        }
    }

    public boolean isConcluded()
    {
        return concluded;
    }

    /** Directory of the media driver; unique per process; deleted on start and on close when this plane owns it. */
    public MoverContext aeronDirectoryName(final String aeronDirectoryName)
    {
        checkMutable();
        this.aeronDirectoryName = aeronDirectoryName;
        return this;
    }

    public String aeronDirectoryName()
    {
        return aeronDirectoryName;
    }

    /** Whether to embed a media driver; false for a same-host client of a node's driver (IPC). */
    public MoverContext launchDriver(final boolean launchDriver)
    {
        checkMutable();
        this.launchDriver = launchDriver;
        return this;
    }

    public boolean launchDriver()
    {
        return launchDriver;
    }

    /** Driver threading; {@code SHARED} by default, {@code INVOKER} runs the driver on the mover's own thread. */
    public MoverContext threadingMode(final ThreadingMode threadingMode)
    {
        checkMutable();
        this.threadingMode = threadingMode;
        return this;
    }

    public ThreadingMode threadingMode()
    {
        return threadingMode;
    }

    /** {@code backoff} (default), {@code sleeping}, or with the benchmark profile {@code yielding}, {@code busy-spin}. */
    public MoverContext idleStrategy(final String idleStrategy)
    {
        checkMutable();
        this.idleStrategy = Objects.requireNonNull(idleStrategy);
        return this;
    }

    public String idleStrategy()
    {
        return idleStrategy;
    }

    public MoverContext idleMaxParkNs(final long idleMaxParkNs)
    {
        checkMutable();
        this.idleMaxParkNs = idleMaxParkNs;
        return this;
    }

    public long idleMaxParkNs()
    {
        return idleMaxParkNs;
    }

    /** Allows spinning idle strategies. */
    public MoverContext benchmarkProfile(final boolean benchmarkProfile)
    {
        checkMutable();
        this.benchmarkProfile = benchmarkProfile;
        return this;
    }

    public boolean benchmarkProfile()
    {
        return benchmarkProfile;
    }

    public MoverContext mtuLength(final int mtuLength)
    {
        checkMutable();
        this.mtuLength = mtuLength;
        return this;
    }

    public int mtuLength()
    {
        return mtuLength;
    }

    public MoverContext termLength(final int termLength)
    {
        checkMutable();
        this.termLength = termLength;
        return this;
    }

    public int termLength()
    {
        return termLength;
    }

    /** Payload bytes per chunk; 0 (default) for one MTU frame per chunk. */
    public MoverContext chunkLength(final int chunkLength)
    {
        checkMutable();
        this.chunkLength = chunkLength;
        return this;
    }

    /** The chunk payload length (resolved by {@link #conclude()}). */
    public int chunkLength()
    {
        return chunkLength;
    }

    public MoverContext receiverWindowLength(final int receiverWindowLength)
    {
        checkMutable();
        this.receiverWindowLength = receiverWindowLength;
        return this;
    }

    public int receiverWindowLength()
    {
        return receiverWindowLength;
    }

    public MoverContext socketBufferLength(final int socketBufferLength)
    {
        checkMutable();
        this.socketBufferLength = socketBufferLength;
        return this;
    }

    public int socketBufferLength()
    {
        return socketBufferLength;
    }

    public MoverContext transferDeadlineNs(final long transferDeadlineNs)
    {
        checkMutable();
        this.transferDeadlineNs = transferDeadlineNs;
        return this;
    }

    public long transferDeadlineNs()
    {
        return transferDeadlineNs;
    }

    public MoverContext resumeTimeoutNs(final long resumeTimeoutNs)
    {
        checkMutable();
        this.resumeTimeoutNs = resumeTimeoutNs;
        return this;
    }

    public long resumeTimeoutNs()
    {
        return resumeTimeoutNs;
    }

    public MoverContext connectionTimeoutNs(final long connectionTimeoutNs)
    {
        checkMutable();
        this.connectionTimeoutNs = connectionTimeoutNs;
        return this;
    }

    public long connectionTimeoutNs()
    {
        return connectionTimeoutNs;
    }

    public MoverContext maxInFlightBytes(final long maxInFlightBytes)
    {
        checkMutable();
        this.maxInFlightBytes = maxInFlightBytes;
        return this;
    }

    public long maxInFlightBytes()
    {
        return maxInFlightBytes;
    }

    public MoverContext maxExtentLength(final int maxExtentLength)
    {
        checkMutable();
        this.maxExtentLength = maxExtentLength;
        return this;
    }

    public int maxExtentLength()
    {
        return maxExtentLength;
    }

    public MoverContext ackIntervalLength(final int ackIntervalLength)
    {
        checkMutable();
        this.ackIntervalLength = ackIntervalLength;
        return this;
    }

    public int ackIntervalLength()
    {
        return ackIntervalLength;
    }

    /** The stream id this plane receives on (UDP and IPC). */
    public MoverContext streamId(final int streamId)
    {
        checkMutable();
        this.streamId = streamId;
        this.streamIdSet = true;
        return this;
    }

    public int streamId()
    {
        return streamId;
    }

    /** The UDP endpoint to receive on, {@code host:port}; port 0 picks a free port. */
    public MoverContext bindEndpoint(final String bindEndpoint)
    {
        checkMutable();
        this.bindEndpoint = Objects.requireNonNull(bindEndpoint);
        return this;
    }

    public String bindEndpoint()
    {
        return bindEndpoint;
    }

    /** Host (resolved by {@link #conclude()}) of the bind endpoint. */
    public String bindHost()
    {
        return bindHost;
    }

    /** Port of the bind endpoint as configured (0 = pick a free one). */
    public int bindPort()
    {
        return bindPort;
    }

    public MoverContext advertisedHost(final String advertisedHost)
    {
        checkMutable();
        this.advertisedHost = advertisedHost;
        return this;
    }

    public String advertisedHost()
    {
        return advertisedHost;
    }

    public MoverContext udpEnabled(final boolean udpEnabled)
    {
        checkMutable();
        this.udpEnabled = udpEnabled;
        return this;
    }

    public boolean udpEnabled()
    {
        return udpEnabled;
    }

    public MoverContext ipcEnabled(final boolean ipcEnabled)
    {
        checkMutable();
        this.ipcEnabled = ipcEnabled;
        return this;
    }

    public boolean ipcEnabled()
    {
        return ipcEnabled;
    }

    public MoverContext maxPeers(final int maxPeers)
    {
        checkMutable();
        this.maxPeers = maxPeers;
        return this;
    }

    public int maxPeers()
    {
        return maxPeers;
    }

    public MoverContext peerIdleTimeoutNs(final long peerIdleTimeoutNs)
    {
        checkMutable();
        this.peerIdleTimeoutNs = peerIdleTimeoutNs;
        return this;
    }

    public long peerIdleTimeoutNs()
    {
        return peerIdleTimeoutNs;
    }

    /** Most transfers peers may have open here at once; further requests are answered BUSY. */
    public MoverContext maxPeerTransfers(final int maxPeerTransfers)
    {
        checkMutable();
        this.maxPeerTransfers = maxPeerTransfers;
        return this;
    }

    public int maxPeerTransfers()
    {
        return maxPeerTransfers;
    }

    /**
     * How long a transfer a peer started may sit without progress before this plane drops it (a peer that died):
     * ten resume timeouts or four connection timeouts, whichever is longer.
     */
    public long peerTransferIdleTimeoutNs()
    {
        return Math.max(10 * resumeTimeoutNs, 4 * connectionTimeoutNs);
    }

    /** Threads of the plane's own service pool, used when no {@link #serviceExecutor(Executor)} is given. */
    public MoverContext serviceThreads(final int serviceThreads)
    {
        checkMutable();
        this.serviceThreads = serviceThreads;
        return this;
    }

    public int serviceThreads()
    {
        return serviceThreads;
    }

    /** Serves GET_EXTENT requests from this source; without one, peers are told {@link MoverErrorCode#UNSUPPORTED}. */
    public MoverContext extentSource(final ExtentSource extentSource)
    {
        checkMutable();
        this.extentSource = extentSource;
        return this;
    }

    public ExtentSource extentSource()
    {
        return extentSource;
    }

    /** Accepts PUT_EXTENT into this sink; without one, peers are told {@link MoverErrorCode#UNSUPPORTED}. */
    public MoverContext extentSink(final ExtentSink extentSink)
    {
        checkMutable();
        this.extentSink = extentSink;
        return this;
    }

    public ExtentSink extentSink()
    {
        return extentSink;
    }

    /** Serves and accepts extents with one tier. */
    public MoverContext tier(final dev.terrace.tier.TierDriver tier)
    {
        return extentSource(ExtentSource.of(tier)).extentSink(ExtentSink.of(tier));
    }

    /**
     * Runs sources, sinks and completes callers' futures. When unset the plane creates a pool of
     * {@link #serviceThreads()} daemon threads and shuts it down on close.
     */
    public MoverContext serviceExecutor(final Executor serviceExecutor)
    {
        checkMutable();
        this.serviceExecutor = serviceExecutor;
        return this;
    }

    public Executor serviceExecutor()
    {
        return serviceExecutor;
    }

    /** Paces served extents and makes every transfer visible in its snapshot. */
    public MoverContext scheduler(final TransferScheduler scheduler)
    {
        checkMutable();
        this.scheduler = scheduler;
        return this;
    }

    public TransferScheduler scheduler()
    {
        return scheduler;
    }

    /** Decides which keys peers may name; {@link #isSafeKey(String)} by default. */
    public MoverContext keyValidator(final Predicate<String> keyValidator)
    {
        checkMutable();
        this.keyValidator = Objects.requireNonNull(keyValidator);
        return this;
    }

    public Predicate<String> keyValidator()
    {
        return keyValidator;
    }

    public MoverContext nanoClock(final NanoClock nanoClock)
    {
        checkMutable();
        this.nanoClock = Objects.requireNonNull(nanoClock);
        return this;
    }

    public NanoClock nanoClock()
    {
        return nanoClock;
    }

    @Override
    public String toString()
    {
        return "MoverContext{aeronDir=" + aeronDirectoryName + ", launchDriver=" + launchDriver +
            ", threading=" + threadingMode + ", idle=" + idleStrategy + ", mtu=" + mtuLength +
            ", termLength=" + termLength + ", chunkLength=" + chunkLength + ", window=" + receiverWindowLength +
            ", streamId=" + streamId + ", bind=" + bindEndpoint + ", udp=" + udpEnabled + ", ipc=" + ipcEnabled + "}";
    }
}
