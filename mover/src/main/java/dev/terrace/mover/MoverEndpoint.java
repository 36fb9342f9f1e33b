package dev.terrace.mover;

import java.util.Objects;

/**
 * Where a data plane receives: a UDP {@code host:port} (between nodes) or IPC through a shared media driver (a
 * client on the node's host), plus the stream id. Immutable.
 * <p>
 * Text form, as accepted by {@link #parse(String)} and produced by {@link #toString()}: {@code host:port},
 * {@code host:port/stream}, {@code [v6-address]:port/stream}, {@code ipc} or {@code ipc/stream}; the stream id
 * defaults to {@link MoverConfiguration#STREAM_ID_DEFAULT}.
 */
public final class MoverEndpoint
{
    private final ReplyMedia media;
    private final String host;
    private final int port;
    private final int streamId;

    private MoverEndpoint(final ReplyMedia media, final String host, final int port, final int streamId)
    {
        this.media = media;
        this.host = host;
        this.port = port;
        this.streamId = streamId;
    }

    /** A UDP endpoint. */
    public static MoverEndpoint udp(final String host, final int port, final int streamId)
    {
        Objects.requireNonNull(host, "host");
        if (host.isEmpty() || port <= 0 || port > 65535)
        {
            throw new IllegalArgumentException("invalid UDP endpoint " + host + ":" + port);
        }
        return new MoverEndpoint(ReplyMedia.UDP, host, port, streamId);
    }

    /** A UDP endpoint on the default stream. */
    public static MoverEndpoint udp(final String host, final int port)
    {
        return udp(host, port, MoverConfiguration.STREAM_ID_DEFAULT);
    }

    /** An IPC endpoint: the stream id on the shared media driver. */
    public static MoverEndpoint ipc(final int streamId)
    {
        return new MoverEndpoint(ReplyMedia.IPC, "", 0, streamId);
    }

    /** Parses the text form described in the class comment. */
    public static MoverEndpoint parse(final String text)
    {
        Objects.requireNonNull(text, "text");
        final String trimmed = text.trim();
        final int slash = trimmed.lastIndexOf('/');
        final String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
        final int streamId = slash < 0 ? MoverConfiguration.STREAM_ID_DEFAULT :
            Integer.parseInt(trimmed.substring(slash + 1));
        if ("ipc".equals(address))
        {
            return ipc(streamId);
        }
        final int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1)
        {
            throw new IllegalArgumentException("expected host:port, ipc, or either with /stream: " + text);
        }
        final String host = address.substring(0, colon);
        final int port = Integer.parseInt(address.substring(colon + 1));
        return udp(host, port, streamId);
    }

    /** UDP or IPC. */
    public ReplyMedia media()
    {
        return media;
    }

    /** The host (empty for IPC). */
    public String host()
    {
        return host;
    }

    /** The UDP port (0 for IPC). */
    public int port()
    {
        return port;
    }

    /** The stream id. */
    public int streamId()
    {
        return streamId;
    }

    /** Whether this is an IPC endpoint. */
    public boolean isIpc()
    {
        return media == ReplyMedia.IPC;
    }

    @Override
    public boolean equals(final Object o)
    {
        if (this == o)
        {
            return true;
        }
        if (!(o instanceof MoverEndpoint))
        {
            return false;
        }
        final MoverEndpoint that = (MoverEndpoint)o;
        return media == that.media && port == that.port && streamId == that.streamId && host.equals(that.host);
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(media, host, port, streamId);
    }

    @Override
    public String toString()
    {
        return (isIpc() ? "ipc" : host + ":" + port) + "/" + streamId;
    }
}
