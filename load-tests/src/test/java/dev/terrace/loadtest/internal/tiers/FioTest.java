package dev.terrace.loadtest.internal.tiers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

class FioTest
{
    @Test
    void parsesTheWriteSectionOfRealFioJson() throws IOException
    {
        // Captured from fio-3.33: --rw=write --bs=1M --size=8M --direct=1 --ioengine=psync --end_fsync=1.
        final Fio.Job job = Fio.parse(resource("write-1MiB-direct.json"), "write");
        assertEquals(8L << 20, job.ioBytes());
        assertEquals(1_198_372_571.0, job.bytesPerSecond(), 0.5);
        assertEquals(1_198_372_571.0 / (1 << 20), job.mibPerSecond(), 1e-6);
        assertEquals(7, job.runtimeMillis());
    }

    @Test
    void parsesTheReadSectionAndRefusesAnEmptyOne() throws IOException
    {
        final String read = resource("read-1MiB-direct.json");
        final Fio.Job job = Fio.parse(read, "read");
        assertEquals(8L << 20, job.ioBytes());
        assertTrue(job.mibPerSecond() > 0);
        final IOException noWrite = assertThrows(IOException.class, () -> Fio.parse(read, "write"));
        assertTrue(noWrite.getMessage().contains("no bytes"), noWrite.getMessage());
    }

    @Test
    void skipsNotesPrintedBeforeTheJson() throws IOException
    {
        final String noisy = "note: both iodepth >= 1 and synchronous I/O engine are selected\n"
            + resource("write-1MiB-direct.json");
        assertEquals(8L << 20, Fio.parse(noisy, "write").ioBytes());
    }

    @Test
    void rejectsOutputWithoutJobs()
    {
        assertThrows(IOException.class, () -> Fio.parse("fio: pid=0, err=2/file:filesetup.c", "write"));
        assertThrows(IOException.class, () -> Fio.parse("{\"jobs\": []}", "write"));
    }

    @Test
    void commandIsDirectOneMebibytePsyncWithEndFsyncOnWrites()
    {
        final List<String> write = Fio.command(Path.of("/data/fio.dat"), "write", 1L << 30);
        assertTrue(write.containsAll(List.of("fio", "--rw=write", "--bs=1048576", "--direct=1", "--ioengine=psync",
            "--size=1073741824", "--filename=/data/fio.dat", "--end_fsync=1", "--output-format=json")), write.toString());
        final List<String> read = Fio.command(Path.of("/data/fio.dat"), "read", 1L << 30);
        assertTrue(read.contains("--rw=read") && read.contains("--direct=1"), read.toString());
        assertTrue(read.stream().noneMatch(arg -> arg.startsWith("--end_fsync")), read.toString());
    }

    private static String resource(final String name) throws IOException
    {
        try (InputStream in = FioTest.class.getResourceAsStream("/fio/" + name))
        {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
