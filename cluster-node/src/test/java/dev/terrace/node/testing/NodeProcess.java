package dev.terrace.node.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real node in a child JVM (the same classpath as the test), started with {@code terrace node}, its HTTP port
 * learned from the line it prints. {@link #kill()} is SIGKILL; {@link #stop()} is SIGTERM (a graceful stop).
 * Its output goes to {@code <dataDir>/node.log}.
 */
public final class NodeProcess implements AutoCloseable
{
    private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+)");

    private final Process process;
    private final String endpoint;

    private NodeProcess(final Process process, final String endpoint)
    {
        this.process = process;
        this.endpoint = endpoint;
    }

    /**
     * Starts a node with state under {@code dataDir}.
     *
     * @param jvmOptions extra JVM options, e.g. {@code -Xmx128m}.
     * @param settings   configuration keys passed as {@code -D key=value} to the node command.
     */
    public static NodeProcess start(final Path dataDir, final List<String> jvmOptions, final Map<String, String> settings)
        throws IOException, InterruptedException
    {
        return start(dataDir, jvmOptions, settings, List.of());
    }

    /**
     * As {@link #start(Path, List, Map)}, with extra {@code terrace node} arguments such as
     * {@code --cluster-port 7355} or {@code --seed 127.0.0.1:7355}.
     */
    public static NodeProcess start(
        final Path dataDir, final List<String> jvmOptions, final Map<String, String> settings, final List<String> nodeArgs)
        throws IOException, InterruptedException
    {
        Files.createDirectories(dataDir);
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(
            "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "--add-opens", "java.base/java.util.zip=ALL-UNNAMED",
            "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens", "java.base/java.nio=ALL-UNNAMED"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.terrace.node.cli.TerraceCli", "node",
            "--data-dir", dataDir.toString(), "--http-port", "0",
            "-D", "terrace.cluster.port=0", "-D", "pekko.loglevel=WARNING"));
        command.addAll(nodeArgs);
        for (final Map.Entry<String, String> e : settings.entrySet())
        {
            command.add("-D");
            command.add(e.getKey() + '=' + e.getValue());
        }
        final Path log = dataDir.resolve("node.log");
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final CompletableFuture<String> endpoint = new CompletableFuture<>();
        final Thread pump = new Thread(() ->
        {
            try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
            {
                String line;
                while ((line = reader.readLine()) != null)
                {
                    Files.writeString(log, line + System.lineSeparator(), StandardCharsets.UTF_8,
                        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
                    final Matcher m = LISTENING.matcher(line);
                    if (m.find())
                    {
                        endpoint.complete(m.group(1));
                    }
                }
            }
            catch (final IOException ex)
            {
                endpoint.completeExceptionally(ex);
            }
            endpoint.completeExceptionally(new IllegalStateException("node exited before it listened; see " + log));
        }, "node-output-" + dataDir.getFileName());
        pump.setDaemon(true);
        pump.start();
        try
        {
            return new NodeProcess(process, endpoint.get(180, TimeUnit.SECONDS));
        }
        catch (final Exception ex)
        {
            process.destroyForcibly().waitFor();
            pump.join(10_000);
            throw new IllegalStateException("node did not start: " + ex.getMessage() + "; log: " +
                (Files.exists(log) ? Files.readString(log) : "(none)"), ex);
        }
    }

    public String httpEndpoint()
    {
        return endpoint;
    }

    public long pid()
    {
        return process.pid();
    }

    /** SIGKILL, and wait for the process to be gone. */
    public void kill() throws InterruptedException
    {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM (the node's coordinated shutdown runs), and wait. */
    public int stop() throws InterruptedException
    {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS))
        {
            process.destroyForcibly().waitFor();
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException
    {
        if (process.isAlive())
        {
            kill();
        }
    }
}
