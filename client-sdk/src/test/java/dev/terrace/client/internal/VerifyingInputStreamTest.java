package dev.terrace.client.internal;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class VerifyingInputStreamTest
{
    private static final byte[] BODY = new byte[20_000];

    static
    {
        new Random(3).nextBytes(BODY);
    }

    private static long crc(final byte[] bytes)
    {
        final CRC32C crc = new CRC32C();
        crc.update(bytes);
        return crc.getValue();
    }

    @Test
    void passesAnIntactBodyThrough() throws IOException
    {
        try (InputStream in = new VerifyingInputStream(new ByteArrayInputStream(BODY), crc(BODY), BODY.length))
        {
            assertArrayEquals(BODY, in.readAllBytes());
            assertEquals(-1, in.read());
        }
    }

    @Test
    void singleByteReadsAndSkipsAreCheckedToo() throws IOException
    {
        try (InputStream in = new VerifyingInputStream(new ByteArrayInputStream(BODY), crc(BODY), BODY.length))
        {
            assertEquals(BODY[0] & 0xff, in.read());
            assertEquals(9_999, in.skip(9_999));
            final byte[] rest = in.readAllBytes();
            assertEquals(10_000, rest.length);
            assertEquals(BODY[19_999], rest[9_999]);
        }
    }

    @Test
    void aDamagedBodyEndsWithAnExceptionInsteadOfEndOfStream()
    {
        final byte[] damaged = BODY.clone();
        damaged[12_345] ^= 0x10;
        final InputStream in = new VerifyingInputStream(new ByteArrayInputStream(damaged), crc(BODY), BODY.length);
        assertThrows(ChecksumMismatchException.class, in::readAllBytes);
    }

    @Test
    void aShortBodyFails()
    {
        final InputStream in = new VerifyingInputStream(
            new ByteArrayInputStream(BODY, 0, 19_999), crc(BODY), BODY.length);
        assertThrows(IOException.class, in::readAllBytes);
    }
}
