package dev.terrace.client.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FileSubscriberTest
{
    @TempDir
    Path dir;

    private static Path feed(final FileSubscriber subscriber, final byte[] body) throws Exception
    {
        final AccumulatingSubscriberTest.RecordingSubscription subscription =
            new AccumulatingSubscriberTest.RecordingSubscription();
        subscriber.onSubscribe(subscription);
        for (int offset = 0; offset < body.length; offset += 4096)
        {
            assertEquals(1 + offset / 4096, subscription.requested, "one batch of demand at a time");
            subscriber.onNext(List.of(ByteBuffer.wrap(body, offset, Math.min(4096, body.length - offset))));
        }
        subscriber.onComplete();
        return subscriber.getBody().toCompletableFuture().get();
    }

    private static byte[] body()
    {
        final byte[] body = new byte[50_000];
        new Random(7).nextBytes(body);
        return body;
    }

    private static long crc(final byte[] bytes)
    {
        final CRC32C crc = new CRC32C();
        crc.update(bytes);
        return crc.getValue();
    }

    @Test
    void writesTheBodyOverAnyOlderContent() throws Exception
    {
        final Path file = dir.resolve("download.part");
        Files.write(file, new byte[200_000]);
        final byte[] body = body();
        assertEquals(file, feed(new FileSubscriber(file, crc(body)), body));
        assertArrayEquals(body, Files.readAllBytes(file));
    }

    @Test
    void aChecksumMismatchFails()
    {
        final byte[] body = body();
        final ExecutionException failure = assertThrows(ExecutionException.class,
            () -> feed(new FileSubscriber(dir.resolve("bad.part"), crc(body) + 1), body));
        assertInstanceOf(ChecksumMismatchException.class, failure.getCause());
    }
}
