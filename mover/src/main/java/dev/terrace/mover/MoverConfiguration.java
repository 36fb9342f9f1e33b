package dev.terrace.mover;

import io.aeron.driver.ThreadingMode;
import org.agrona.SystemUtil;

import java.util.concurrent.TimeUnit;

/**
 * Defaults and system property names for the data plane, in the style of Aeron's {@code Configuration}: each
 * setting has a {@code *_PROP_NAME}, a {@code *_DEFAULT}, and a method that reads the property or falls back to the
 * default. {@link MoverContext} starts from these values; setters on the context override them.
 * <p>
 * Durations accept Agrona's suffixes ({@code 500ms}, {@code 30s}); sizes accept {@code k}, {@code m}, {@code g}.
 */
public final class MoverConfiguration
{
    /** Directory of the embedded media driver; by default a fresh directory under {@code java.io.tmpdir}. */
    public static final String AERON_DIR_PROP_NAME = "terrace.mover.aeron.dir";

    /** Whether this process embeds a media driver (a node does; a same-host client uses the node's). */
    public static final String LAUNCH_DRIVER_PROP_NAME = "terrace.mover.launch.driver";
    public static final boolean LAUNCH_DRIVER_DEFAULT = true;

    /** Media driver threading: {@code SHARED} (one driver thread) unless a benchmark profile asks otherwise. */
    public static final String THREADING_MODE_PROP_NAME = "terrace.mover.threading.mode";
    public static final ThreadingMode THREADING_MODE_DEFAULT = ThreadingMode.SHARED;

    /** Idle strategy of the driver and of the mover agent: {@code backoff}, {@code sleeping}, {@code yielding},
     * {@code busy-spin}. The last two are refused unless {@link #BENCHMARK_PROFILE_PROP_NAME} is true. */
    public static final String IDLE_STRATEGY_PROP_NAME = "terrace.mover.idle.strategy";
    public static final String IDLE_STRATEGY_DEFAULT = "backoff";

    /** Longest park of the backoff idle strategy: bounds the latency added when a quiet plane wakes up. */
    public static final String IDLE_MAX_PARK_PROP_NAME = "terrace.mover.idle.max.park";
    public static final long IDLE_MAX_PARK_DEFAULT_NS = TimeUnit.MILLISECONDS.toNanos(1);

    /** Allows spinning idle strategies, for benchmarks on machines set aside for them. */
    public static final String BENCHMARK_PROFILE_PROP_NAME = "terrace.mover.benchmark.profile";
    public static final boolean BENCHMARK_PROFILE_DEFAULT = false;

    /** MTU of the publications this plane creates. Loopback and jumbo-frame links gain from a larger one. */
    public static final String MTU_LENGTH_PROP_NAME = "terrace.mover.mtu.length";
    public static final int MTU_LENGTH_DEFAULT = 8 * 1024;
    /** Largest MTU Aeron accepts: the largest UDP payload, rounded down to the 32-byte frame alignment. */
    public static final int MTU_LENGTH_MAX = 65504;
    /** Smallest MTU accepted: the Aeron default for ordinary Ethernet. */
    public static final int MTU_LENGTH_MIN = 1408;

    /** Term length of UDP and IPC publications (a power of two); the largest Aeron message is an eighth of it. */
    public static final String TERM_LENGTH_PROP_NAME = "terrace.mover.term.length";
    public static final int TERM_LENGTH_DEFAULT = 4 * 1024 * 1024;

    /** Payload bytes per chunk; 0 means one MTU frame per chunk, which avoids reassembly on the receiver. */
    public static final String CHUNK_LENGTH_PROP_NAME = "terrace.mover.chunk.length";
    public static final int CHUNK_LENGTH_DEFAULT = 0;

    /** Receiver window (bytes a sender may have unacknowledged by the transport); at most half a term. */
    public static final String RECEIVER_WINDOW_LENGTH_PROP_NAME = "terrace.mover.receiver.window.length";
    public static final int RECEIVER_WINDOW_LENGTH_DEFAULT = 1024 * 1024;

    /** UDP socket send and receive buffer length; 0 leaves the OS default. Should be at least the window. */
    public static final String SOCKET_BUFFER_LENGTH_PROP_NAME = "terrace.mover.socket.buffer.length";
    public static final int SOCKET_BUFFER_LENGTH_DEFAULT = 2 * 1024 * 1024;

    /** Deadline of a transfer when the caller gives none. */
    public static final String TRANSFER_DEADLINE_PROP_NAME = "terrace.mover.transfer.deadline";
    public static final long TRANSFER_DEADLINE_DEFAULT_NS = TimeUnit.SECONDS.toNanos(30);

    /** Silence after which a transfer re-sends its request or begin message to resume. */
    public static final String RESUME_TIMEOUT_PROP_NAME = "terrace.mover.resume.timeout";
    public static final long RESUME_TIMEOUT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(1);

    /** How long the driver waits before it declares a publication or image disconnected. */
    public static final String CONNECTION_TIMEOUT_PROP_NAME = "terrace.mover.connection.timeout";
    public static final long CONNECTION_TIMEOUT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(5);

    /** Bytes of extents this plane may hold at once (assembly buffers and extents being served). */
    public static final String MAX_IN_FLIGHT_BYTES_PROP_NAME = "terrace.mover.max.in.flight.bytes";
    public static final long MAX_IN_FLIGHT_BYTES_DEFAULT = 256L * 1024 * 1024;

    /** Largest extent accepted or served. */
    public static final String MAX_EXTENT_LENGTH_PROP_NAME = "terrace.mover.max.extent.length";
    public static final int MAX_EXTENT_LENGTH_DEFAULT = 64 * 1024 * 1024;

    /** A receiver acknowledges progress every this many bytes (the granularity of resume). */
    public static final String ACK_INTERVAL_LENGTH_PROP_NAME = "terrace.mover.ack.interval.length";
    public static final int ACK_INTERVAL_LENGTH_DEFAULT = 1024 * 1024;

    /** Stream id this plane receives on, over UDP and IPC. */
    public static final String STREAM_ID_PROP_NAME = "terrace.mover.stream.id";
    public static final int STREAM_ID_DEFAULT = 1001;

    /** UDP endpoint to receive on, {@code host:port}; port 0 picks a free port (see {@code DataPlane.localEndpoint}). */
    public static final String BIND_ENDPOINT_PROP_NAME = "terrace.mover.bind.endpoint";
    public static final String BIND_ENDPOINT_DEFAULT = "0.0.0.0:0";

    /** Host peers should answer to; by default the bind host, or this machine's address for a wildcard bind. */
    public static final String ADVERTISED_HOST_PROP_NAME = "terrace.mover.advertised.host";

    /** Whether to receive over UDP and over IPC. */
    public static final String UDP_ENABLED_PROP_NAME = "terrace.mover.udp.enabled";
    public static final String IPC_ENABLED_PROP_NAME = "terrace.mover.ipc.enabled";

    /** Most peers with an open publication at once; a request needing another one is refused as busy. */
    public static final String MAX_PEERS_PROP_NAME = "terrace.mover.max.peers";
    public static final int MAX_PEERS_DEFAULT = 64;

    /** An unused peer publication is closed after this long, releasing its log buffers. */
    public static final String PEER_IDLE_TIMEOUT_PROP_NAME = "terrace.mover.peer.idle.timeout";
    public static final long PEER_IDLE_TIMEOUT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(60);

    /** Most transfers peers may have open here at once (served gets and received pushes); more are told BUSY. */
    public static final String MAX_PEER_TRANSFERS_PROP_NAME = "terrace.mover.max.peer.transfers";
    public static final int MAX_PEER_TRANSFERS_DEFAULT = 1024;

    /** Threads that run extent sources and sinks (tier reads and writes) and complete callers' futures. */
    public static final String SERVICE_THREADS_PROP_NAME = "terrace.mover.service.threads";
    public static final int SERVICE_THREADS_DEFAULT = 2;

    private MoverConfiguration()
    {
    }

    /** A fresh directory name under {@code java.io.tmpdir}, unique to this process and call. */
    public static String defaultAeronDirectoryName()
    {
        return SystemUtil.tmpDirName() + "terrace-aeron-" + ProcessHandle.current().pid() + "-" +
            Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    }

    /** The aeron dir property, or a fresh default. */
    public static String aeronDirectoryName()
    {
        final String dir = System.getProperty(AERON_DIR_PROP_NAME);
        return dir == null || dir.isEmpty() ? defaultAeronDirectoryName() : dir;
    }

    public static boolean launchDriver()
    {
        return booleanProperty(LAUNCH_DRIVER_PROP_NAME, LAUNCH_DRIVER_DEFAULT);
    }

    public static ThreadingMode threadingMode()
    {
        final String mode = System.getProperty(THREADING_MODE_PROP_NAME);
        return mode == null ? THREADING_MODE_DEFAULT : ThreadingMode.valueOf(mode.trim().toUpperCase());
    }

    public static String idleStrategy()
    {
        return System.getProperty(IDLE_STRATEGY_PROP_NAME, IDLE_STRATEGY_DEFAULT);
    }

    public static long idleMaxParkNs()
    {
        return SystemUtil.getDurationInNanos(IDLE_MAX_PARK_PROP_NAME, IDLE_MAX_PARK_DEFAULT_NS);
    }

    public static boolean benchmarkProfile()
    {
        return booleanProperty(BENCHMARK_PROFILE_PROP_NAME, BENCHMARK_PROFILE_DEFAULT);
    }

    public static int mtuLength()
    {
        return SystemUtil.getSizeAsInt(MTU_LENGTH_PROP_NAME, MTU_LENGTH_DEFAULT);
    }

    public static int termLength()
    {
        return SystemUtil.getSizeAsInt(TERM_LENGTH_PROP_NAME, TERM_LENGTH_DEFAULT);
    }

    public static int chunkLength()
    {
        return SystemUtil.getSizeAsInt(CHUNK_LENGTH_PROP_NAME, CHUNK_LENGTH_DEFAULT);
    }

    public static int receiverWindowLength()
    {
        return SystemUtil.getSizeAsInt(RECEIVER_WINDOW_LENGTH_PROP_NAME, RECEIVER_WINDOW_LENGTH_DEFAULT);
    }

    public static int socketBufferLength()
    {
        return SystemUtil.getSizeAsInt(SOCKET_BUFFER_LENGTH_PROP_NAME, SOCKET_BUFFER_LENGTH_DEFAULT);
    }

    public static long transferDeadlineNs()
    {
        return SystemUtil.getDurationInNanos(TRANSFER_DEADLINE_PROP_NAME, TRANSFER_DEADLINE_DEFAULT_NS);
    }

    public static long resumeTimeoutNs()
    {
        return SystemUtil.getDurationInNanos(RESUME_TIMEOUT_PROP_NAME, RESUME_TIMEOUT_DEFAULT_NS);
    }

    public static long connectionTimeoutNs()
    {
        return SystemUtil.getDurationInNanos(CONNECTION_TIMEOUT_PROP_NAME, CONNECTION_TIMEOUT_DEFAULT_NS);
    }

    public static long maxInFlightBytes()
    {
        return SystemUtil.getSizeAsLong(MAX_IN_FLIGHT_BYTES_PROP_NAME, MAX_IN_FLIGHT_BYTES_DEFAULT);
    }

    public static int maxExtentLength()
    {
        return SystemUtil.getSizeAsInt(MAX_EXTENT_LENGTH_PROP_NAME, MAX_EXTENT_LENGTH_DEFAULT);
    }

    public static int ackIntervalLength()
    {
        return SystemUtil.getSizeAsInt(ACK_INTERVAL_LENGTH_PROP_NAME, ACK_INTERVAL_LENGTH_DEFAULT);
    }

    public static int streamId()
    {
        return Integer.getInteger(STREAM_ID_PROP_NAME, STREAM_ID_DEFAULT);
    }

    public static String bindEndpoint()
    {
        return System.getProperty(BIND_ENDPOINT_PROP_NAME, BIND_ENDPOINT_DEFAULT);
    }

    /** The advertised host property, or {@code null} to derive it from the bind endpoint. */
    public static String advertisedHost()
    {
        return System.getProperty(ADVERTISED_HOST_PROP_NAME);
    }

    public static boolean udpEnabled()
    {
        return booleanProperty(UDP_ENABLED_PROP_NAME, true);
    }

    public static boolean ipcEnabled()
    {
        return booleanProperty(IPC_ENABLED_PROP_NAME, true);
    }

    public static int maxPeers()
    {
        return Integer.getInteger(MAX_PEERS_PROP_NAME, MAX_PEERS_DEFAULT);
    }

    public static long peerIdleTimeoutNs()
    {
        return SystemUtil.getDurationInNanos(PEER_IDLE_TIMEOUT_PROP_NAME, PEER_IDLE_TIMEOUT_DEFAULT_NS);
    }

    public static int maxPeerTransfers()
    {
        return Integer.getInteger(MAX_PEER_TRANSFERS_PROP_NAME, MAX_PEER_TRANSFERS_DEFAULT);
    }

    public static int serviceThreads()
    {
        return Integer.getInteger(SERVICE_THREADS_PROP_NAME, SERVICE_THREADS_DEFAULT);
    }

    private static boolean booleanProperty(final String name, final boolean defaultValue)
    {
        final String value = System.getProperty(name);
        return value == null ? defaultValue : Boolean.parseBoolean(value.trim());
    }
}
