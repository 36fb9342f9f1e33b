package dev.terrace.node.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for requests no HTTP client would send: exactly the given bytes go out, then the
 * responses that come back before the server closes the connection are parsed (status, headers, body by
 * {@code Content-Length} or chunked).
 */
public final class RawHttp
{
    private RawHttp()
    {
    }

    /** One parsed response; header names are lower case. */
    public record Response(int status, Map<String, String> headers, byte[] body)
    {
        public String bodyText()
        {
            return new String(body, StandardCharsets.UTF_8);
        }

        public String header(final String name)
        {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /**
     * What came back on one connection.
     *
     * @param responses the complete responses, in order.
     * @param timedOut  whether the server neither answered nor closed within the read timeout.
     * @param reset     whether the connection broke (reset) while sending or reading.
     * @param leftover  bytes after the last complete response that do not form one.
     */
    public record Exchange(List<Response> responses, boolean timedOut, boolean reset, byte[] leftover)
    {
    }

    /**
     * Sends {@code request} on a new connection, then half-closes it when {@code closeOutput} (the server sees the end of
     * the stream, as after a client that stopped mid-body), and reads until the server closes or {@code readTimeoutMs}
     * passes without a byte.
     *
     * @param headRequest whether the (last) request is a HEAD, whose response has no body whatever its headers say.
     */
    public static Exchange exchange(
        final InetSocketAddress server, final byte[] request, final boolean closeOutput, final int readTimeoutMs,
        final boolean headRequest) throws IOException
    {
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        boolean timedOut = false;
        boolean reset = false;
        try (Socket socket = new Socket())
        {
            socket.connect(server, 5_000);
            socket.setSoTimeout(readTimeoutMs);
            try
            {
                socket.getOutputStream().write(request);
                socket.getOutputStream().flush();
                if (closeOutput)
                {
                    socket.shutdownOutput();
                }
            }
            catch (final IOException ex)
            {
                // The server may answer and close before taking the whole request (413, a parse error): read on.
                reset = true;
            }
            final InputStream in = socket.getInputStream();
            final byte[] buffer = new byte[64 * 1024];
            try
            {
                int n;
                while ((n = in.read(buffer)) >= 0)
                {
                    received.write(buffer, 0, n);
                }
            }
            catch (final SocketTimeoutException ex)
            {
                timedOut = true;
            }
            catch (final IOException ex)
            {
                reset = true;
            }
        }
        return parse(received.toByteArray(), headRequest, timedOut, reset);
    }

    /** Parses the responses in {@code bytes}; the last one is the answer to a HEAD when {@code headRequest}. */
    static Exchange parse(final byte[] bytes, final boolean headRequest, final boolean timedOut, final boolean reset)
    {
        final List<Response> responses = new ArrayList<>();
        int position = 0;
        while (position < bytes.length)
        {
            final int headerEnd = indexOf(bytes, position, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            if (headerEnd < 0)
            {
                break;
            }
            final String[] lines = new String(bytes, position, headerEnd - position, StandardCharsets.ISO_8859_1)
                .split("\r\n");
            final String[] statusLine = lines[0].split(" ", 3);
            if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/"))
            {
                break;
            }
            final int status = Integer.parseInt(statusLine[1]);
            final Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++)
            {
                final int colon = lines[i].indexOf(':');
                if (colon > 0)
                {
                    headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
                }
            }
            int bodyStart = headerEnd + 4;
            if (status >= 100 && status < 200)
            {
                position = bodyStart;
                continue;
            }
            final byte[] body;
            final String length = headers.get("content-length");
            if (headRequest || status == 204 || status == 304)
            {
                body = new byte[0];
            }
            else if (length != null)
            {
                final int n = Integer.parseInt(length);
                if (bodyStart + n > bytes.length)
                {
                    break;
                }
                body = Arrays.copyOfRange(bytes, bodyStart, bodyStart + n);
                bodyStart += n;
            }
            else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding")))
            {
                final ByteArrayOutputStream chunks = new ByteArrayOutputStream();
                int at = bodyStart;
                boolean complete = false;
                while (true)
                {
                    final int lineEnd = indexOf(bytes, at, "\r\n".getBytes(StandardCharsets.US_ASCII));
                    if (lineEnd < 0)
                    {
                        break;
                    }
                    final String sizeText = new String(bytes, at, lineEnd - at, StandardCharsets.ISO_8859_1);
                    final int size = Integer.parseInt(sizeText.split(";", 2)[0].trim(), 16);
                    at = lineEnd + 2;
                    if (size == 0)
                    {
                        final int trailerEnd = indexOf(bytes, at - 2, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                        at = trailerEnd < 0 ? bytes.length : trailerEnd + 4;
                        complete = true;
                        break;
                    }
                    if (at + size + 2 > bytes.length)
                    {
                        break;
                    }
                    chunks.write(bytes, at, size);
                    at += size + 2;
                }
                if (!complete)
                {
                    break;
                }
                body = chunks.toByteArray();
                bodyStart = at;
            }
            else
            {
                body = Arrays.copyOfRange(bytes, bodyStart, bytes.length);
                bodyStart = bytes.length;
            }
            responses.add(new Response(status, headers, body));
            position = bodyStart;
        }
        return new Exchange(responses, timedOut, reset, Arrays.copyOfRange(bytes, position, bytes.length));
    }

    private static int indexOf(final byte[] haystack, final int from, final byte[] needle)
    {
        outer:
        for (int i = Math.max(0, from); i + needle.length <= haystack.length; i++)
        {
            for (int j = 0; j < needle.length; j++)
            {
                if (haystack[i + j] != needle[j])
                {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
