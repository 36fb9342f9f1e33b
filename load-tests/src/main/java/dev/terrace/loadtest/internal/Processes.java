package dev.terrace.loadtest.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Runs external tools (fio, apt-get, lsblk) with a timeout, capturing their output, and makes sure no child outlives
 * the benchmark: children still running at JVM exit (Ctrl-C, failure) are destroyed by a shutdown hook.
 */
public final class Processes
{
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static
    {
        Runtime.getRuntime().addShutdownHook(new Thread(
            () -> LIVE.forEach(process ->
            {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }),
            "terrace-bench-child-killer"));
    }

    /**
     * The outcome of a finished command.
     *
     * @param exitCode the exit code, or -1 when it timed out and was killed.
     * @param stdout   everything it wrote to standard output.
     * @param stderr   everything it wrote to standard error.
     */
    public record Result(int exitCode, String stdout, String stderr)
    {
        /** Whether the command exited with 0. */
        public boolean ok()
        {
            return exitCode == 0;
        }

        /** The last line of stderr (or stdout), for an error message. */
        public String lastErrorLine()
        {
            final String text = stderr.isBlank() ? stdout : stderr;
            final String[] lines = text.strip().split("\n");
            return lines.length == 0 ? "" : lines[lines.length - 1];
        }
    }

    private Processes()
    {
    }

    /**
     * Runs a command to completion.
     *
     * @param command     the program and its arguments.
     * @param environment variables to add to the inherited environment.
     * @param timeout     how long to wait before killing it.
     * @return its exit code and output; a program that cannot be started yields exit code 127.
     */
    public static Result run(final List<String> command, final Map<String, String> environment, final Duration timeout)
    {
        Path out = null;
        Path err = null;
        try
        {
            out = Files.createTempFile("terrace-bench-", ".out");
            err = Files.createTempFile("terrace-bench-", ".err");
            final ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            builder.environment().putAll(environment);
            final Process process;
            try
            {
                process = builder.start();
            }
            catch (final IOException ex)
            {
                return new Result(127, "", String.valueOf(ex.getMessage()));
            }
            LIVE.add(process);
            try
            {
                final boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
                if (!finished)
                {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    return new Result(-1, read(out), read(err) + "\ntimed out after " + timeout.toSeconds() + " s");
                }
                return new Result(process.exitValue(), read(out), read(err));
            }
            finally
            {
                LIVE.remove(process);
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return new Result(-1, "", "interrupted");
        }
        catch (final IOException ex)
        {
            return new Result(127, "", String.valueOf(ex.getMessage()));
        }
        finally
        {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    /** Runs a command with no extra environment. */
    public static Result run(final Duration timeout, final String... command)
    {
        return run(List.of(command), Map.of(), timeout);
    }

    private static String read(final Path file) throws IOException
    {
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    private static void deleteQuietly(final Path file)
    {
        if (file != null)
        {
            try
            {
                Files.deleteIfExists(file);
            }
            catch (final IOException ignored)
            {
                // a leftover temp file is harmless
            }
        }
    }
}
