package dev.terrace.client.internal;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class EtagTest
{
    @Test
    void normalizeStripsQuotesAndTheWeakPrefix()
    {
        assertEquals("1a2b3c4d-400000", Etag.normalize("\"1a2b3c4d-400000\""));
        assertEquals("1a2b3c4d-400000", Etag.normalize("W/\"1a2b3c4d-400000\""));
        assertEquals("1a2b3c4d-400000", Etag.normalize("1a2b3c4d-400000"));
        assertNull(Etag.normalize(null));
    }

    @Test
    void expectedCrcIsTheCrc32cOfTheBodyWhenTheSizeMatches()
    {
        final byte[] body = "hello, terrace".getBytes(StandardCharsets.UTF_8);
        final CRC32C crc = new CRC32C();
        crc.update(body);
        final String tag = String.format("\"%08x-%x\"", crc.getValue(), body.length);
        assertEquals(crc.getValue(), Etag.expectedCrc(tag, body.length));
        assertEquals(crc.getValue(), Etag.expectedCrc(tag, -1));
    }

    @Test
    void keepsLeadingZerosOfTheCrc()
    {
        assertEquals(0x00000abcL, Etag.expectedCrc("\"00000abc-10\"", 16));
    }

    @Test
    void noCheckWhenTheTagIsAbsentForeignOrForAnotherSize()
    {
        assertEquals(Etag.NO_CRC, Etag.expectedCrc(null, 10));
        assertEquals(Etag.NO_CRC, Etag.expectedCrc("\"abc\"", 10));
        assertEquals(Etag.NO_CRC, Etag.expectedCrc("\"d41d8cd98f00b204e9800998ecf8427e\"", 10));
        assertEquals(Etag.NO_CRC, Etag.expectedCrc("\"1a2b3c4d-10\"", 15));
        assertEquals(Etag.NO_CRC, Etag.expectedCrc("\"zz-10\"", 16));
        assertEquals(Etag.NO_CRC, Etag.expectedCrc("\"1a2b3c4d-\"", 16));
        assertEquals(Etag.NO_CRC, Etag.expectedCrc("\"-10\"", 16));
    }
}
