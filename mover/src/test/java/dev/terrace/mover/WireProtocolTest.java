package dev.terrace.mover;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Encode/decode round trips of every message, the byte positions the diagrams promise, and the validation rules.
 */
class WireProtocolTest
{
    private static final int MAX_EXTENT = 64 * 1024 * 1024;
    private final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(8192));

    @Test
    void getExtentRoundTrip()
    {
        final GetExtentFlyweight encoder = new GetExtentFlyweight();
        encoder.wrap(buffer, 16, 4096);
        final int length = encoder.encode(
            0x0102030405060708L, "bucket/key#3", 4096, 1 << 22, 777, 30_000, TransferClass.PREFETCH,
            ReplyMedia.UDP, "10.0.0.7", 40123, 1001);
        assertEquals(GetExtentFlyweight.FIXED_LENGTH + "bucket/key#3".length() + "10.0.0.7".length(), length);

        final GetExtentFlyweight decoder = new GetExtentFlyweight();
        decoder.wrap(buffer, 16, length);
        assertEquals(FrameRejection.NONE, decoder.validate());
        assertEquals(MessageFlyweight.VERSION, decoder.version());
        assertEquals(MessageType.GET_EXTENT.id(), decoder.typeId());
        assertEquals(0x0102030405060708L, decoder.transferId());
        assertEquals("bucket/key#3", decoder.key());
        assertEquals(4096, decoder.offset());
        assertEquals(1 << 22, decoder.length());
        assertEquals(777, decoder.resumeFrom());
        assertEquals(30_000, decoder.timeoutMs());
        assertEquals(TransferClass.PREFETCH.id(), decoder.transferClassId());
        assertEquals(ReplyMedia.UDP.id(), decoder.replyMediaId());
        assertEquals("10.0.0.7", decoder.replyHost());
        assertEquals(40123, decoder.replyPort());
        assertEquals(1001, decoder.replyStreamId());

        // Byte positions as drawn: version, type, little-endian transfer id at 4, key right after the fixed part.
        assertEquals(1, buffer.getByte(16));
        assertEquals(1, buffer.getByte(17));
        assertEquals(0x08, buffer.getByte(16 + 4));
        assertEquals('b', buffer.getByte(16 + GetExtentFlyweight.FIXED_LENGTH));
    }

    @Test
    void putExtentRoundTripWithUtf8KeyAndIpcReply()
    {
        final PutExtentFlyweight encoder = new PutExtentFlyweight();
        encoder.wrap(buffer, 0, 4096);
        final String key = "kv/ns-\u00e9/12345";
        final int length = encoder.encode(
            -5L, PutExtentFlyweight.FLAG_REPLY, key, 13L * 1024 * 1024, 0xCAFEBABE, 1, TransferClass.DEMOTION,
            ReplyMedia.IPC, "", 0, 77);

        final PutExtentFlyweight decoder = new PutExtentFlyweight();
        decoder.wrap(buffer, 0, length);
        assertEquals(FrameRejection.NONE, decoder.validate(MAX_EXTENT));
        assertTrue(decoder.hasFlags(PutExtentFlyweight.FLAG_REPLY));
        assertEquals(-5L, decoder.transferId());
        assertEquals(key, decoder.key());
        assertEquals(13L * 1024 * 1024, decoder.totalLength());
        assertEquals(0xCAFEBABE, decoder.crc32c());
        assertEquals(TransferClass.DEMOTION.id(), decoder.transferClassId());
        assertEquals(ReplyMedia.IPC.id(), decoder.replyMediaId());
        assertEquals("", decoder.replyHost());
        assertEquals(77, decoder.replyStreamId());
    }

    @Test
    void chunkRoundTripAndTwoPartHeader()
    {
        final byte[] payload = TestPlanes.randomBytes(1000, 1);
        final ExtentChunkFlyweight encoder = new ExtentChunkFlyweight();
        encoder.wrap(buffer, 8, 2000);
        final int length = encoder.encode(42, 8192, new UnsafeBuffer(payload), 0, payload.length);
        assertEquals(ExtentChunkFlyweight.HEADER_LENGTH + payload.length, length);

        final ExtentChunkFlyweight decoder = new ExtentChunkFlyweight();
        decoder.wrap(buffer, 8, length);
        assertEquals(FrameRejection.NONE, decoder.validate(payload.length));
        assertEquals(42, decoder.transferId());
        assertEquals(8192, decoder.chunkOffset());
        assertEquals(payload.length, decoder.payloadLength());
        final byte[] read = new byte[payload.length];
        decoder.getBytes(decoder.payloadIndex(), read);
        assertEquals(java.util.Arrays.toString(payload), java.util.Arrays.toString(read));

        assertEquals(FrameRejection.OVERSIZED, decoder.validate(payload.length - 1));
        decoder.wrap(buffer, 8, length - 1);
        assertEquals(FrameRejection.BAD_LENGTH, decoder.validate(payload.length));
        decoder.wrap(buffer, 8, ExtentChunkFlyweight.HEADER_LENGTH - 1);
        assertEquals(FrameRejection.SHORT_FRAME, decoder.validate(payload.length));
    }

    @Test
    void ackAndErrorRoundTrip()
    {
        final AckFlyweight ack = new AckFlyweight();
        ack.wrap(buffer, 0, 64);
        assertEquals(AckFlyweight.LENGTH, ack.encode(9, AckFlyweight.FLAG_COMPLETE, 4L << 20));
        ack.wrap(buffer, 0, AckFlyweight.LENGTH);
        assertEquals(FrameRejection.NONE, ack.validate());
        assertTrue(ack.hasFlags(AckFlyweight.FLAG_COMPLETE));
        assertEquals(4L << 20, ack.ackedOffset());
        ack.wrap(buffer, 0, AckFlyweight.LENGTH + 1);
        assertEquals(FrameRejection.BAD_LENGTH, ack.validate());

        final ErrorFlyweight error = new ErrorFlyweight();
        error.wrap(buffer, 0, 4096);
        final int length = error.encode(9, MoverErrorCode.CRC_MISMATCH, "checksum \u2260");
        error.wrap(buffer, 0, length);
        assertEquals(FrameRejection.NONE, error.validate());
        assertEquals(MoverErrorCode.CRC_MISMATCH, MoverErrorCode.get(error.code()));
        assertEquals("checksum \u2260", error.message());

        error.wrap(buffer, 0, 4096);
        final int cut = error.encode(9, MoverErrorCode.GENERIC, "x".repeat(5000));
        assertEquals(ErrorFlyweight.MESSAGE_OFFSET + ErrorFlyweight.MAX_MESSAGE_LENGTH, cut);
    }

    @Test
    void headerValidationNamesTheReason()
    {
        final AckFlyweight ack = new AckFlyweight();
        ack.wrap(buffer, 0, 64);
        ack.encode(1, 0, 0);
        final MessageFlyweight header = new MessageFlyweight();

        header.wrap(buffer, 0, MessageFlyweight.HEADER_LENGTH - 1);
        assertEquals(FrameRejection.SHORT_FRAME, header.validateHeader());

        buffer.putByte(0, (byte)2);
        header.wrap(buffer, 0, AckFlyweight.LENGTH);
        assertEquals(FrameRejection.UNSUPPORTED_VERSION, header.validateHeader());

        buffer.putByte(0, (byte)1);
        buffer.putByte(1, (byte)99);
        assertEquals(FrameRejection.UNKNOWN_TYPE, header.validateHeader());
    }

    @Test
    void requestValidationRejectsBadFields()
    {
        final PutExtentFlyweight put = new PutExtentFlyweight();
        put.wrap(buffer, 0, 4096);
        final int length = put.encode(
            1, 0, "b/k", 100, 0, 1000, TransferClass.CLIENT_READ, ReplyMedia.UDP, "127.0.0.1", 5000, 1);

        put.wrap(buffer, 0, length);
        assertEquals(FrameRejection.OVERSIZED, put.validate(99));

        put.wrap(buffer, 0, length + 1);
        assertEquals(FrameRejection.BAD_LENGTH, put.validate(MAX_EXTENT));

        // A host carrying channel URI syntax would let a peer inject parameters: refused.
        put.wrap(buffer, 0, 4096);
        final int injected = put.encode(
            1, 0, "b/k", 100, 0, 1000, TransferClass.CLIENT_READ, ReplyMedia.UDP, "h|mtu=9000", 5000, 1);
        put.wrap(buffer, 0, injected);
        assertEquals(FrameRejection.BAD_FIELD, put.validate(MAX_EXTENT));

        // UDP reply without a port.
        put.wrap(buffer, 0, 4096);
        final int noPort = put.encode(
            1, 0, "b/k", 100, 0, 1000, TransferClass.CLIENT_READ, ReplyMedia.UDP, "127.0.0.1", 0, 1);
        put.wrap(buffer, 0, noPort);
        assertEquals(FrameRejection.BAD_FIELD, put.validate(MAX_EXTENT));

        // Unknown transfer class.
        put.wrap(buffer, 0, length);
        put.putByte(PutExtentFlyweight.BLOCK_OFFSET + ExtentRequestFlyweight.TRANSFER_CLASS_FIELD, (byte)9);
        assertEquals(FrameRejection.BAD_FIELD, put.validate(MAX_EXTENT));

        // Key length pointing past the frame.
        put.wrap(buffer, 0, 4096);
        put.encode(1, 0, "b/k", 100, 0, 1000, TransferClass.CLIENT_READ, ReplyMedia.UDP, "127.0.0.1", 5000, 1);
        put.putShort(PutExtentFlyweight.BLOCK_OFFSET + ExtentRequestFlyweight.KEY_LENGTH_FIELD, (short)900);
        put.wrap(buffer, 0, length);
        assertEquals(FrameRejection.BAD_LENGTH, put.validate(MAX_EXTENT));
        put.putShort(PutExtentFlyweight.BLOCK_OFFSET + ExtentRequestFlyweight.KEY_LENGTH_FIELD, (short)5000);
        assertEquals(FrameRejection.OVERSIZED, put.validate(MAX_EXTENT));
    }

    @Test
    void encodingRefusesKeysThatCannotTravel()
    {
        final GetExtentFlyweight get = new GetExtentFlyweight();
        get.wrap(buffer, 0, 4096);
        assertThrows(IllegalArgumentException.class, () -> get.encode(
            1, "", 0, -1, 0, 1, TransferClass.CLIENT_READ, ReplyMedia.IPC, "", 0, 1));
        assertThrows(IllegalArgumentException.class, () -> get.encode(
            1, "k".repeat(1025), 0, -1, 0, 1, TransferClass.CLIENT_READ, ReplyMedia.IPC, "", 0, 1));
    }

    @Test
    void endpointsParseAndPrint()
    {
        assertEquals(MoverEndpoint.udp("10.1.2.3", 4000, 1001), MoverEndpoint.parse("10.1.2.3:4000"));
        assertEquals(MoverEndpoint.udp("host", 4000, 7), MoverEndpoint.parse("host:4000/7"));
        assertEquals(MoverEndpoint.udp("[::1]", 4000, 7), MoverEndpoint.parse("[::1]:4000/7"));
        assertEquals(MoverEndpoint.ipc(99), MoverEndpoint.parse("ipc/99"));
        assertEquals("ipc/99", MoverEndpoint.ipc(99).toString());
        assertEquals("h:1/2", MoverEndpoint.udp("h", 1, 2).toString());
        assertThrows(IllegalArgumentException.class, () -> MoverEndpoint.parse("nohost"));
        assertThrows(IllegalArgumentException.class, () -> MoverEndpoint.udp("h", 0, 1));
    }
}
