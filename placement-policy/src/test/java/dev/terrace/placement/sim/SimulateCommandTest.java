package dev.terrace.placement.sim;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimulateCommandTest
{
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void printsOneRowPerPolicyForTheSyntheticTrace()
    {
        final Path trace = SharedTraces.locateSynthetic();
        final int code = run("--trace", trace.toString(), "--memory-blocks", "5000");
        assertEquals(SimulateCommand.OK, code, stderr());
        final String table = stdout();
        assertTrue(table.contains("3993 requests, 121877 block references, 43924 distinct blocks"), table);
        assertTrue(table.matches("(?s).*\\nlru +0\\.2791 .*"), table);
        assertTrue(table.matches("(?s).*\\nbelady +0\\.5263 .*"), table);
        for (final String policy : SimulateCommand.ALL)
        {
            assertTrue(table.contains("\n" + policy + " "), policy + " row missing:\n" + table);
        }
    }

    @Test
    void reportsFlashAndPrefetchColumnsWhenAskedFor() throws IOException
    {
        final Path trace = write("{\"timestamp\": 0, \"hash_ids\": [1, 2, 3]}",
            "{\"timestamp\": 1000, \"hash_ids\": [4, 5]}",
            "{\"timestamp\": 2000, \"hash_ids\": [1, 2, 3, 6]}");
        final int code = run("--trace", trace.toString(), "--memory-blocks=2", "--flash-blocks", "100",
            "--hint-lookahead-ms", "500", "--policy", "lru");
        assertEquals(SimulateCommand.OK, code, stderr());
        final String table = stdout();
        assertTrue(table.contains("flash 100 blocks, hints 500 ms ahead"), table);
        // The third request reuses 1 2 3, which memory (2 blocks) evicted to flash. Its hint may claim one block of
        // a 2-block memory (the job budget is half of it), so block 1 is staged in time; flash serves 2 and 3.
        assertTrue(table.matches("(?s).*\\nlru +0\\.1111 +0\\.1111 +0\\.2222 +1 +1\\.0000 +1\\.0000 .*"), table);
    }

    @Test
    void badArgumentsExitWithTwoAndSayWhy()
    {
        assertEquals(SimulateCommand.USAGE, run("--memory-blocks", "10"));
        assertTrue(stderr().contains("--trace FILE is required"), stderr());
        assertTrue(stderr().contains("usage: terrace simulate"), stderr());

        err.reset();
        assertEquals(SimulateCommand.USAGE, run("--trace", "x", "--memory-blocks", "-3"));
        assertTrue(stderr().contains("--memory-blocks must be positive"), stderr());

        err.reset();
        assertEquals(SimulateCommand.USAGE, run("--trace", "x", "--memory-blocks", "10", "--policy", "fifo"));
        assertTrue(stderr().contains("unknown policy 'fifo'"), stderr());

        err.reset();
        assertEquals(SimulateCommand.USAGE, run("--trace", "x", "--memory-blocks", "ten"));
        assertTrue(stderr().contains("needs an integer"), stderr());

        err.reset();
        assertEquals(SimulateCommand.USAGE, run("--trace", "x", "--memory-blocks", "10", "--bogus", "1"));
        assertTrue(stderr().contains("unknown option '--bogus'"), stderr());

        err.reset();
        assertEquals(SimulateCommand.USAGE, run("--trace"));
        assertTrue(stderr().contains("--trace needs a value"), stderr());
    }

    @Test
    void helpPrintsUsage()
    {
        assertEquals(SimulateCommand.OK, run("--help"));
        assertTrue(stdout().contains("--hint-lookahead-ms"));
    }

    @Test
    void unreadableOrMalformedTracesFailClearly() throws IOException
    {
        assertEquals(SimulateCommand.FAILED, run("--trace", dir.resolve("missing.jsonl").toString(),
            "--memory-blocks", "10"));
        assertTrue(stderr().contains("cannot read trace"), stderr());

        err.reset();
        final Path broken = write("{\"timestamp\": 0, \"hash_ids\": [1, 2]}", "{\"timestamp\": 5}");
        assertEquals(SimulateCommand.FAILED, run("--trace", broken.toString(), "--memory-blocks", "10"));
        assertTrue(stderr().contains("line 2"), stderr());
        assertTrue(stderr().contains("needs \"timestamp\" and \"hash_ids\""), stderr());

        err.reset();
        final Path garbage = write("{\"timestamp\": 0, \"hash_ids\": [1, 2]", "not json");
        assertEquals(SimulateCommand.FAILED, run("--trace", garbage.toString(), "--memory-blocks", "10"));
        assertTrue(stderr().contains("not valid JSON lines"), stderr());
    }

    private int run(final String... args)
    {
        return SimulateCommand.run(new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8), args);
    }

    private String stdout()
    {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String stderr()
    {
        return err.toString(StandardCharsets.UTF_8);
    }

    private Path write(final String... lines) throws IOException
    {
        final Path file = Files.createTempFile(dir, "trace", ".jsonl");
        Files.write(file, java.util.List.of(lines), StandardCharsets.UTF_8);
        return file;
    }
}
