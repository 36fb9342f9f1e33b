package dev.terrace.node.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict percent-decoding of path remainders (object keys may contain '/'). '+' stays '+', as in any URI path;
 * a bad escape or invalid UTF-8 is an error rather than a silent replacement.
 */
final class PathNames
{
    private PathNames()
    {
    }

    static String decode(final String encoded)
    {
        if (encoded.indexOf('%') < 0)
        {
            return encoded;
        }
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
        for (int i = 0; i < encoded.length(); i++)
        {
            final char c = encoded.charAt(i);
            if (c == '%')
            {
                if (i + 2 >= encoded.length())
                {
                    throw new IllegalArgumentException("bad percent-escape at the end of the path");
                }
                final int hi = Character.digit(encoded.charAt(i + 1), 16);
                final int lo = Character.digit(encoded.charAt(i + 2), 16);
                if (hi < 0 || lo < 0)
                {
                    throw new IllegalArgumentException("bad percent-escape in the path");
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            }
            else
            {
                final byte[] utf8 = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(utf8, 0, utf8.length);
            }
        }
        try
        {
            return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes.toByteArray()))
                .toString();
        }
        catch (final CharacterCodingException ex)
        {
            throw new IllegalArgumentException("the path is not valid UTF-8 after percent-decoding");
        }
    }
}
