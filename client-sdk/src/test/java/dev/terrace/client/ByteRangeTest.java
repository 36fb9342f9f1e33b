package dev.terrace.client;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ByteRangeTest
{
    @Test
    void formatsTheThreeRangeForms()
    {
        assertEquals("bytes=0-1023", ByteRange.of(0, 1024).toHeaderValue());
        assertEquals("bytes=100-100", ByteRange.of(100, 1).toHeaderValue());
        assertEquals("bytes=4194304-", ByteRange.from(4_194_304).toHeaderValue());
        assertEquals("bytes=0-", ByteRange.from(0).toHeaderValue());
        assertEquals("bytes=-500", ByteRange.lastBytes(500).toHeaderValue());
    }

    @Test
    void theLargestRangesDoNotOverflow()
    {
        assertEquals("bytes=0-9223372036854775806", ByteRange.of(0, Long.MAX_VALUE).toHeaderValue());
        assertEquals("bytes=9223372036854775806-9223372036854775806",
            ByteRange.of(Long.MAX_VALUE - 1, 1).toHeaderValue());
    }

    @Test
    void rejectsRangesHttpCannotExpressWithoutSendingAnything()
    {
        final InvalidRequestException negative = assertThrows(InvalidRequestException.class, () -> ByteRange.of(-1, 10));
        assertEquals(TerraceException.NO_STATUS, negative.status());
        assertEquals("invalid_range", negative.errorCode());
        assertThrows(InvalidRequestException.class, () -> ByteRange.of(0, 0));
        assertThrows(InvalidRequestException.class, () -> ByteRange.of(10, -5));
        assertThrows(InvalidRequestException.class, () -> ByteRange.of(Long.MAX_VALUE, 2));
        assertThrows(InvalidRequestException.class, () -> ByteRange.from(-1));
        assertThrows(InvalidRequestException.class, () -> ByteRange.lastBytes(0));
    }

    @Test
    void equalRangesAreEqual()
    {
        assertEquals(ByteRange.of(5, 10), ByteRange.of(5, 10));
        assertEquals(ByteRange.of(5, 10).hashCode(), ByteRange.of(5, 10).hashCode());
        assertEquals("bytes=5-14", ByteRange.of(5, 10).toString());
    }
}
