package dev.terrace.mover.internal;

import dev.terrace.mover.AckFlyweight;
import dev.terrace.mover.ErrorFlyweight;
import dev.terrace.mover.ExtentChunkFlyweight;
import dev.terrace.mover.FrameRejection;
import dev.terrace.mover.GetExtentFlyweight;
import dev.terrace.mover.MessageFlyweight;
import dev.terrace.mover.MessageType;
import dev.terrace.mover.MoverCounters;
import dev.terrace.mover.PutExtentFlyweight;
import dev.terrace.mover.ReplyMedia;
import org.agrona.DirectBuffer;

/**
 * First stop of every received frame: validates it completely with the flyweights and hands well-formed messages
 * to a {@link Handler}. Malformed frames are counted by reason and dropped. Nothing thrown by validation or by the
 * handler escapes: the poll loop must survive any input. Allocation-free; not thread-safe.
 */
public final class FrameDispatcher
{
    /** Receives well-formed messages. The flyweight arguments are only valid during the call. */
    public interface Handler
    {
        void onGetExtent(GetExtentFlyweight request, ReplyMedia arrivedOn);

        void onPutExtent(PutExtentFlyweight begin, ReplyMedia arrivedOn);

        void onChunk(ExtentChunkFlyweight chunk);

        void onAck(AckFlyweight ack);

        void onError(ErrorFlyweight error);
    }

    private final MessageFlyweight header = new MessageFlyweight();
    private final GetExtentFlyweight getExtent = new GetExtentFlyweight();
    private final PutExtentFlyweight putExtent = new PutExtentFlyweight();
    private final ExtentChunkFlyweight chunk = new ExtentChunkFlyweight();
    private final AckFlyweight ack = new AckFlyweight();
    private final ErrorFlyweight error = new ErrorFlyweight();
    private final Handler handler;
    private final MoverCounters counters;
    private final long maxExtentLength;
    private final int maxChunkLength;

    /**
     * @param maxExtentLength the largest PUT_EXTENT total length accepted.
     * @param maxChunkLength  the largest chunk payload accepted.
     */
    public FrameDispatcher(
        final Handler handler, final MoverCounters counters, final long maxExtentLength, final int maxChunkLength)
    {
        this.handler = handler;
        this.counters = counters;
        this.maxExtentLength = maxExtentLength;
        this.maxChunkLength = maxChunkLength;
    }

    /**
     * Validates and dispatches one frame.
     *
     * @return why the frame was rejected, or {@link FrameRejection#NONE} if it was dispatched.
     */
    public FrameRejection onFrame(
        final DirectBuffer buffer, final int offset, final int length, final ReplyMedia arrivedOn)
    {
        counters.framesReceived.getAndIncrement();
        try
        {
            final FrameRejection rejection = dispatch(buffer, offset, length, arrivedOn);
            if (rejection != FrameRejection.NONE)
            {
                counters.rejected(rejection);
            }
            return rejection;
        }
        catch (final RuntimeException ex)
        {
            // A handler bug must not take the node down; the counter makes it visible.
            counters.agentErrors.getAndIncrement();
            return FrameRejection.NONE;
        }
    }

    private FrameRejection dispatch(
        final DirectBuffer buffer, final int offset, final int length, final ReplyMedia arrivedOn)
    {
        if (length < MessageFlyweight.HEADER_LENGTH || offset < 0 || offset + length > buffer.capacity())
        {
            return FrameRejection.SHORT_FRAME;
        }
        header.wrap(buffer, offset, length);
        final FrameRejection headerRejection = header.validateHeader();
        if (headerRejection != FrameRejection.NONE)
        {
            return headerRejection;
        }
        final MessageType type = MessageType.get(header.typeId());
        final FrameRejection rejection;
        switch (type)
        {
            case GET_EXTENT:
                getExtent.wrap(buffer, offset, length);
                rejection = getExtent.validate();
                if (rejection == FrameRejection.NONE)
                {
                    handler.onGetExtent(getExtent, arrivedOn);
                }
                break;

            case PUT_EXTENT:
                putExtent.wrap(buffer, offset, length);
                rejection = putExtent.validate(maxExtentLength);
                if (rejection == FrameRejection.NONE)
                {
                    handler.onPutExtent(putExtent, arrivedOn);
                }
                break;

            case EXTENT_CHUNK:
                chunk.wrap(buffer, offset, length);
                rejection = chunk.validate(maxChunkLength);
                if (rejection == FrameRejection.NONE)
                {
                    handler.onChunk(chunk);
                }
                break;

            case ACK:
                ack.wrap(buffer, offset, length);
                rejection = ack.validate();
                if (rejection == FrameRejection.NONE)
                {
                    handler.onAck(ack);
                }
                break;

            case ERROR:
                error.wrap(buffer, offset, length);
                rejection = error.validate();
                if (rejection == FrameRejection.NONE)
                {
                    handler.onError(error);
                }
                break;

            default:
                rejection = FrameRejection.UNKNOWN_TYPE;
                break;
        }
        return rejection;
    }
}
