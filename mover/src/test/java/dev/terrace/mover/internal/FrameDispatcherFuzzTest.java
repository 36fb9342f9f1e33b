package dev.terrace.mover.internal;

import dev.terrace.mover.AckFlyweight;
import dev.terrace.mover.ErrorFlyweight;
import dev.terrace.mover.ExtentChunkFlyweight;
import dev.terrace.mover.FrameRejection;
import dev.terrace.mover.GetExtentFlyweight;
import dev.terrace.mover.MessageFlyweight;
import dev.terrace.mover.MoverCounters;
import dev.terrace.mover.MoverErrorCode;
import dev.terrace.mover.PutExtentFlyweight;
import dev.terrace.mover.ReplyMedia;
import dev.terrace.mover.TransferClass;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Feeds tens of thousands of random, truncated, extended and field-corrupted frames to the frame dispatcher. No
 * exception may escape, every frame is either rejected with a counted reason or dispatched as a message that is
 * fully consistent with its frame, and every rejection reason is exercised.
 */
class FrameDispatcherFuzzTest
{
    private static final int MAX_EXTENT = 64 * 1024 * 1024;
    private static final int MAX_CHUNK = 8 * 1024;
    private static final int FRAMES = 50_000;

    private final MoverCounters counters = new MoverCounters();
    private final CheckingHandler handler = new CheckingHandler();
    private final FrameDispatcher dispatcher = new FrameDispatcher(handler, counters, MAX_EXTENT, MAX_CHUNK);
    private final UnsafeBuffer frame = new UnsafeBuffer(ByteBuffer.allocateDirect(3 * MAX_CHUNK));
    private final UnsafeBuffer template = new UnsafeBuffer(ByteBuffer.allocateDirect(3 * MAX_CHUNK));

    @Test
    void randomAndMutatedFramesNeverEscapeAndAreAllAccountedFor()
    {
        final Random random = new Random(0x5EEDL);
        final EnumMap<FrameRejection, Integer> seen = new EnumMap<>(FrameRejection.class);
        for (int i = 0; i < FRAMES; i++)
        {
            final int length = nextFrame(random);
            final FrameRejection rejection = dispatcher.onFrame(
                frame, 0, length, random.nextBoolean() ? ReplyMedia.UDP : ReplyMedia.IPC);
            seen.merge(rejection, 1, Integer::sum);
        }

        assertEquals(0, counters.agentErrors.get(), "validation must stop every frame a handler cannot read");
        assertEquals(0, handler.inconsistencies, "a dispatched message disagreed with its frame");
        assertEquals(FRAMES, counters.framesReceived.get());
        assertEquals(FRAMES, counters.framesRejected.get() + handler.dispatched);
        long byReason = 0;
        for (final FrameRejection reason : FrameRejection.values())
        {
            if (reason != FrameRejection.NONE)
            {
                byReason += counters.rejections(reason);
                assertTrue(seen.getOrDefault(reason, 0) > 0, "never produced " + reason + ": " + seen);
                assertEquals(seen.get(reason).longValue(), counters.rejections(reason));
            }
        }
        assertEquals(counters.framesRejected.get(), byReason);
        assertTrue(handler.dispatched > 1000, "mutations should leave many frames valid: " + handler.dispatched);
    }

    @Test
    void frameRegionOutsideTheBufferIsRejectedNotThrown()
    {
        assertEquals(FrameRejection.SHORT_FRAME, dispatcher.onFrame(frame, frame.capacity() - 4, 64, ReplyMedia.UDP));
        assertEquals(FrameRejection.SHORT_FRAME, dispatcher.onFrame(frame, -1, 64, ReplyMedia.UDP));
        assertEquals(FrameRejection.SHORT_FRAME, dispatcher.onFrame(frame, 0, 0, ReplyMedia.UDP));
        assertEquals(0, counters.agentErrors.get());
    }

    /** Writes one frame into {@link #frame} and returns its length. */
    private int nextFrame(final Random random)
    {
        final int kind = random.nextInt(10);
        if (kind == 0)
        {
            final int length = random.nextInt(MAX_CHUNK + 64);
            for (int i = 0; i < length; i++)
            {
                frame.putByte(i, (byte)random.nextInt());
            }
            return length;
        }
        int length = validTemplate(random);
        frame.putBytes(0, template, 0, length);
        switch (random.nextInt(6))
        {
            case 0:
                // Valid as is.
                break;

            case 1:
                for (int flips = 1 + random.nextInt(4); flips > 0; flips--)
                {
                    final int index = random.nextInt(length);
                    frame.putByte(index, (byte)random.nextInt());
                }
                break;

            case 2:
                length = random.nextInt(length + 1);
                break;

            case 3:
                final int extra = 1 + random.nextInt(64);
                for (int i = 0; i < extra; i++)
                {
                    frame.putByte(length + i, (byte)random.nextInt());
                }
                length += extra;
                break;

            case 4:
                // A length or offset field replaced with an extreme value.
                final int index = MessageFlyweight.HEADER_LENGTH + random.nextInt(Math.max(1, length - 16));
                final long[] extremes = { -1L, Long.MAX_VALUE, Integer.MAX_VALUE, 0xFFFFL, MAX_EXTENT + 1L, 0L };
                final long value = extremes[random.nextInt(extremes.length)];
                if (index + 8 <= length)
                {
                    frame.putLong(index, value);
                }
                else if (index + 2 <= length)
                {
                    frame.putShort(index, (short)value);
                }
                break;

            default:
                // Header damage: version or type.
                frame.putByte(random.nextBoolean() ? 0 : 1, (byte)random.nextInt(8));
                break;
        }
        return length;
    }

    private int validTemplate(final Random random)
    {
        final long id = random.nextLong();
        switch (random.nextInt(5))
        {
            case 0:
                final GetExtentFlyweight get = new GetExtentFlyweight();
                get.wrap(template, 0, template.capacity());
                return get.encode(id, "bucket/key-" + random.nextInt(1000), random.nextInt(1 << 20), -1,
                    random.nextInt(1 << 20), 1 + random.nextInt(60_000), TransferClass.get(random.nextInt(5)),
                    ReplyMedia.UDP, "127.0.0.1", 1 + random.nextInt(65535), random.nextInt());

            case 1:
                final PutExtentFlyweight put = new PutExtentFlyweight();
                put.wrap(template, 0, template.capacity());
                return put.encode(id, random.nextInt(2), "ns/" + random.nextLong(), random.nextInt(MAX_EXTENT),
                    random.nextInt(), 1 + random.nextInt(60_000), TransferClass.get(random.nextInt(5)),
                    ReplyMedia.IPC, "", 0, random.nextInt());

            case 2:
                final ExtentChunkFlyweight chunk = new ExtentChunkFlyweight();
                chunk.wrap(template, 0, template.capacity());
                final int payload = 1 + random.nextInt(MAX_CHUNK);
                chunk.encodeHeader(id, random.nextInt(MAX_EXTENT), payload);
                return ExtentChunkFlyweight.HEADER_LENGTH + payload;

            case 3:
                final AckFlyweight ack = new AckFlyweight();
                ack.wrap(template, 0, template.capacity());
                return ack.encode(id, random.nextInt(4), random.nextInt(MAX_EXTENT));

            default:
                final ErrorFlyweight error = new ErrorFlyweight();
                error.wrap(template, 0, template.capacity());
                return error.encode(id, MoverErrorCode.get(random.nextInt(12)), "e" + random.nextInt());
        }
    }

    /** Reads every field of each dispatched message and checks it against the frame it came from. */
    private static final class CheckingHandler implements FrameDispatcher.Handler
    {
        long dispatched;
        long inconsistencies;
        final Map<ReplyMedia, Long> byMedia = new EnumMap<>(ReplyMedia.class);

        @Override
        public void onGetExtent(final GetExtentFlyweight request, final ReplyMedia arrivedOn)
        {
            dispatched++;
            byMedia.merge(arrivedOn, 1L, Long::sum);
            final int expected = GetExtentFlyweight.FIXED_LENGTH + request.keyLength() + request.replyHostLength();
            check(expected == request.capacity() && request.offset() >= 0 && request.resumeFrom() >= 0 &&
                request.length() >= -1 && request.length() != 0 && !request.key().isEmpty() &&
                TransferClass.get(request.transferClassId()) != null && request.timeoutMs() > 0);
            request.replyHost();
        }

        @Override
        public void onPutExtent(final PutExtentFlyweight begin, final ReplyMedia arrivedOn)
        {
            dispatched++;
            final int expected = PutExtentFlyweight.FIXED_LENGTH + begin.keyLength() + begin.replyHostLength();
            check(expected == begin.capacity() && begin.totalLength() >= 0 && begin.totalLength() <= MAX_EXTENT &&
                !begin.key().isEmpty() && ReplyMedia.get(begin.replyMediaId()) != null);
            begin.replyHost();
        }

        @Override
        public void onChunk(final ExtentChunkFlyweight chunk)
        {
            dispatched++;
            check(chunk.payloadLength() > 0 && chunk.payloadLength() <= MAX_CHUNK && chunk.chunkOffset() >= 0 &&
                ExtentChunkFlyweight.HEADER_LENGTH + chunk.payloadLength() == chunk.capacity());
            chunk.getByte(chunk.payloadIndex() + chunk.payloadLength() - 1);
        }

        @Override
        public void onAck(final AckFlyweight ack)
        {
            dispatched++;
            check(ack.capacity() == AckFlyweight.LENGTH && ack.ackedOffset() >= 0);
        }

        @Override
        public void onError(final ErrorFlyweight error)
        {
            dispatched++;
            check(ErrorFlyweight.MESSAGE_OFFSET + error.messageLength() == error.capacity());
            error.message();
        }

        private void check(final boolean condition)
        {
            if (!condition)
            {
                inconsistencies++;
            }
        }
    }
}
