package dev.terrace.mover.internal;

import dev.terrace.mover.ReplyMedia;
import io.aeron.ExclusivePublication;

/**
 * An outbound publication to one peer endpoint (UDP host:port or IPC, plus stream), shared by every transfer to
 * that endpoint. Created asynchronously; closed when unused for the peer idle timeout. Agent-thread only.
 */
final class PeerLink
{
    enum State
    {
        PENDING,
        READY,
        FAILED
    }

    final String name;
    final String channel;
    final int streamId;
    final ReplyMedia media;
    long registrationId;
    ExclusivePublication publication;
    State state = State.PENDING;
    String failure;
    int users;
    long lastUsedNs;

    PeerLink(final String name, final String channel, final int streamId, final ReplyMedia media)
    {
        this.name = name;
        this.channel = channel;
        this.streamId = streamId;
        this.media = media;
    }

    /** Whether messages offered now can reach the peer. */
    boolean isConnected()
    {
        return state == State.READY && publication.isConnected();
    }

    @Override
    public String toString()
    {
        return name;
    }
}
