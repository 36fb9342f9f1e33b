package dev.terrace.loadtest.internal.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Java process started from this JVM's class path, whose output goes to a log file, and which never outlives the
 * benchmark: {@link #close()} asks it to stop (SIGTERM) and kills it after a grace period, a shutdown hook kills every
 * child still running when this JVM exits (Ctrl-C, failure), and the child's {@link ParentWatch} exits by itself when
 * this JVM dies without running hooks (its stdin pipe closes).
 */
public final class ChildJvm implements AutoCloseable
{
    private static final Set<ChildJvm> LIVE = ConcurrentHashMap.newKeySet();

    static
    {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(ChildJvm::kill), "terrace-bench-jvm-killer"));
    }

    private final String name;
    private final Process process;
    private final Path log;
    private final OutputStream stdin;
    private final Thread pump;

    private ChildJvm(final String name, final Process process, final Path log, final Thread pump)
    {
        this.name = name;
        this.process = process;
        this.log = log;
        this.stdin = process.getOutputStream();
        this.pump = pump;
    }

    /**
     * Starts {@code mainClass} and waits until it prints a line matching {@code ready}.
     *
     * @param name       what it is, for messages, e.g. {@code node-lru}.
     * @param jvmOptions heap sizes, system properties, {@code --add-opens}.
     * @param mainClass  the class to run, from this JVM's class path.
     * @param args       its arguments.
     * @param log        where its standard output and error go.
     * @param ready      the line that says it serves; group 1 is returned by {@link Started#match()}.
     * @param timeout    how long to wait for that line.
     * @return the process and the first match of {@code ready}.
     * @throws IOException when it exits or stays silent; the message quotes the end of its log.
     */
    public static Started start(
        final String name,
        final List<String> jvmOptions,
        final String mainClass,
        final List<String> args,
        final Path log,
        final Pattern ready,
        final Duration timeout) throws IOException, InterruptedException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(args);
        Files.createDirectories(log.toAbsolutePath().getParent());
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final CompletableFuture<String> match = new CompletableFuture<>();
        final Thread pump = new Thread(() -> pumpOutput(process, log, ready, match), name + "-output");
        pump.setDaemon(true);
        pump.start();
        final ChildJvm child = new ChildJvm(name, process, log, pump);
        LIVE.add(child);
        try
        {
            final String matched = match.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new Started(child, matched);
        }
        catch (final Exception ex)
        {
            child.kill();
            throw new IOException(name + " did not start within " + timeout.toSeconds() + " s (" + ex + "); end of "
                + log + ":\n" + child.tail(30), ex);
        }
    }

    /**
     * A started child and what its ready line said.
     *
     * @param child the process.
     * @param match group 1 of the ready pattern (e.g. its URL).
     */
    public record Started(ChildJvm child, String match)
    {
    }

    private static void pumpOutput(
        final Process process, final Path log, final Pattern ready, final CompletableFuture<String> match)
    {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             PrintStream out = new PrintStream(Files.newOutputStream(log, StandardOpenOption.CREATE,
                 StandardOpenOption.APPEND), true, StandardCharsets.UTF_8))
        {
            String line;
            while ((line = reader.readLine()) != null)
            {
                out.println(line);
                if (!match.isDone())
                {
                    final Matcher m = ready.matcher(line);
                    if (m.find())
                    {
                        match.complete(m.groupCount() >= 1 ? m.group(1) : m.group());
                    }
                }
            }
        }
        catch (final IOException ex)
        {
            match.completeExceptionally(ex);
        }
        match.completeExceptionally(new IllegalStateException("exited with " + exitCode(process) + " before it was ready"));
    }

    private static String exitCode(final Process process)
    {
        try
        {
            return process.waitFor(5, TimeUnit.SECONDS) ? Integer.toString(process.exitValue()) : "(still running)";
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return "(interrupted)";
        }
    }

    /** Its process id. */
    public long pid()
    {
        return process.pid();
    }

    /** Whether it is still running. */
    public boolean isAlive()
    {
        return process.isAlive();
    }

    /** Where its output goes. */
    public Path log()
    {
        return log;
    }

    /** The last {@code lines} lines of its log. */
    public String tail(final int lines)
    {
        try
        {
            final List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        }
        catch (final IOException ex)
        {
            return "(log unreadable: " + ex.getMessage() + ")";
        }
    }

    /** SIGTERM, then SIGKILL after {@code grace}; returns once it has exited. */
    public void stop(final Duration grace)
    {
        try
        {
            closeStdin();
            process.destroy();
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS))
            {
                kill();
            }
            pump.join(5_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            kill();
        }
        finally
        {
            LIVE.remove(this);
        }
    }

    /** Stops it with a 30 s grace period. */
    @Override
    public void close()
    {
        stop(Duration.ofSeconds(30));
    }

    private void kill()
    {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try
        {
            process.waitFor(10, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        LIVE.remove(this);
    }

    private void closeStdin()
    {
        try
        {
            stdin.close();
        }
        catch (final IOException ignored)
        {
            // already closed: the child is gone or going
        }
    }

    @Override
    public String toString()
    {
        return name + " (pid " + process.pid() + ")";
    }
}
