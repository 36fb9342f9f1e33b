package dev.terrace.mover;

import io.aeron.Aeron;
import io.aeron.ChannelUriStringBuilder;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A hand-driven peer for tests: its own media driver and Aeron client, a UDP reply subscription, and raw
 * publications to data planes. It speaks the wire protocol only through the public flyweights, so it also shows
 * that another implementation (the SDK) can, and it can send what a correct data plane never would: corrupted
 * chunks and malformed frames.
 */
final class RawPeer implements AutoCloseable
{
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(20);

    private final MediaDriver driver;
    private final Aeron aeron;
    private final Subscription replies;
    private final int replyPort;
    private final ArrayDeque<byte[]> received = new ArrayDeque<>();
    private final FragmentAssembler assembler;
    private final IdleStrategy idle = new BackoffIdleStrategy();

    RawPeer()
    {
        final String dir = MoverConfiguration.defaultAeronDirectoryName();
        driver = MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(dir)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new BackoffIdleStrategy())
            .termBufferSparseFile(true)
            .publicationTermBufferLength(4 * 1024 * 1024)
            .publicationConnectionTimeoutNs(TimeUnit.SECONDS.toNanos(1))
            .imageLivenessTimeoutNs(TimeUnit.SECONDS.toNanos(1)));
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(dir).idleStrategy(new BackoffIdleStrategy()));
        replies = aeron.addSubscription("aeron:udp?endpoint=127.0.0.1:0", MoverConfiguration.STREAM_ID_DEFAULT);
        String resolved;
        final long deadline = System.nanoTime() + TIMEOUT_NS;
        while ((resolved = replies.resolvedEndpoint()) == null && System.nanoTime() < deadline)
        {
            idle.idle();
        }
        replyPort = Integer.parseInt(resolved.substring(resolved.lastIndexOf(':') + 1));
        assembler = new FragmentAssembler((buffer, offset, length, header) ->
        {
            final byte[] copy = new byte[length];
            buffer.getBytes(offset, copy);
            received.add(copy);
        });
    }

    /** The port this peer receives replies on (host 127.0.0.1, default stream). */
    int replyPort()
    {
        return replyPort;
    }

    /** The endpoint data planes reach this peer at. */
    MoverEndpoint endpoint()
    {
        return MoverEndpoint.udp("127.0.0.1", replyPort);
    }

    /** A connected publication to a data plane. */
    ExclusivePublication connect(final MoverEndpoint endpoint)
    {
        final ExclusivePublication publication = aeron.addExclusivePublication(
            new ChannelUriStringBuilder().media("udp").endpoint(endpoint.host() + ":" + endpoint.port())
                .mtu(8192).termLength(4 * 1024 * 1024).sparse(Boolean.TRUE).build(),
            endpoint.streamId());
        final long deadline = System.nanoTime() + TIMEOUT_NS;
        while (!publication.isConnected())
        {
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException("not connected to " + endpoint);
            }
            idle.idle();
        }
        return publication;
    }

    /** Offers a whole frame, backing off while back pressured. */
    void send(final Publication publication, final DirectBuffer buffer, final int offset, final int length)
    {
        final long deadline = System.nanoTime() + TIMEOUT_NS;
        idle.reset();
        long result;
        while ((result = publication.offer(buffer, offset, length)) < 0)
        {
            if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED ||
                System.nanoTime() > deadline)
            {
                throw new IllegalStateException("offer failed: " + result);
            }
            idle.idle();
        }
    }

    /** Waits for a reply frame matching {@code predicate}; other frames received meanwhile are kept. */
    byte[] await(final Predicate<byte[]> predicate)
    {
        final long deadline = System.nanoTime() + TIMEOUT_NS;
        while (System.nanoTime() < deadline)
        {
            for (final byte[] frame : received)
            {
                if (predicate.test(frame))
                {
                    received.remove(frame);
                    return frame;
                }
            }
            idle.idle(replies.poll(assembler, 64));
        }
        throw new AssertionError("no matching reply within " + TimeUnit.NANOSECONDS.toSeconds(TIMEOUT_NS) + "s");
    }

    /** Polls for replies for a while, keeping them. */
    void pollFor(final long millis)
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (System.nanoTime() < deadline)
        {
            idle.idle(replies.poll(assembler, 64));
        }
    }

    /** Whether a frame is of the given type and transfer. */
    static boolean is(final byte[] frame, final MessageType type, final long transferId)
    {
        final MessageFlyweight header = new MessageFlyweight();
        header.wrap(frame);
        return header.validateHeader() == FrameRejection.NONE && header.typeId() == type.id() &&
            header.transferId() == transferId;
    }

    @Override
    public void close()
    {
        CloseHelper.closeAll(aeron, driver);
    }
}
