package dev.terrace.node.store;

import dev.terrace.node.testing.NodeProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A 2 GiB object goes in and out of a node whose heap is 192 MiB: bodies stream, they are never buffered whole.
 */
class LargeObjectStreamingIT
{
    private static final long SIZE = 2L * 1024 * 1024 * 1024;

    @TempDir
    Path dataDir;

    /** Deterministic bytes, generated on the fly so the test itself holds no large buffer either. */
    static final class PatternStream extends InputStream
    {
        private long remaining;
        private long state = 0x9E3779B97F4A7C15L;

        PatternStream(final long size)
        {
            remaining = size;
        }

        @Override
        public int read()
        {
            final byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(final byte[] b, final int off, final int len)
        {
            if (remaining == 0)
            {
                return -1;
            }
            final int n = (int)Math.min(len, remaining);
            for (int i = 0; i < n; i++)
            {
                state ^= state << 13;
                state ^= state >>> 7;
                state ^= state << 17;
                b[off + i] = (byte)state;
            }
            remaining -= n;
            return n;
        }
    }

    @Test
    void twoGibObjectRoundTripsThroughASmallHeap() throws Exception
    {
        try (NodeProcess node = NodeProcess.start(dataDir.resolve("node"),
            List.of("-Xmx192m", "-XX:MaxDirectMemorySize=512m"),
            Map.of("terrace.memory.capacity", "256MiB", "terrace.flash.capacity", "512MiB", "terrace.flash.fsync", "false",
                "terrace.capacity.dir", dataDir.resolve("capacity").toString())))
        {
            final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            final URI uri = URI.create(node.httpEndpoint() + "/v1/objects/big/model.bin");
            final HttpResponse<String> put = http.send(HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofMinutes(5))
                    .PUT(HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(() -> new PatternStream(SIZE)), SIZE))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
            assertEquals(200, put.statusCode(), put.body());

            final CRC32C expected = new CRC32C();
            final byte[] chunk = new byte[1 << 20];
            try (InputStream in = new PatternStream(SIZE))
            {
                int n;
                while ((n = in.read(chunk)) > 0)
                {
                    expected.update(chunk, 0, n);
                }
            }
            final HttpResponse<InputStream> get = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(5))
                .GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, get.statusCode());
            final CRC32C actual = new CRC32C();
            long total = 0;
            try (InputStream in = get.body())
            {
                int n;
                while ((n = in.read(chunk)) > 0)
                {
                    actual.update(chunk, 0, n);
                    total += n;
                }
            }
            assertEquals(SIZE, total);
            assertEquals(expected.getValue(), actual.getValue(), "checksum of the 2 GiB object read back");
            assertEquals(String.format("\"%08x-%x\"", (int)expected.getValue(), SIZE),
                get.headers().firstValue("ETag").orElseThrow());
        }
    }
}
