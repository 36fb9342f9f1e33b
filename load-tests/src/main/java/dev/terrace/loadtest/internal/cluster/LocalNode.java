package dev.terrace.loadtest.internal.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A real Terrace node for a benchmark: {@code terrace node} ({@link NodeMain}) in a child JVM on a free loopback port,
 * its state under a data directory, its output in {@code <dataDir>/node.log}.
 */
public final class LocalNode implements AutoCloseable
{
    /** The JVM flags a node needs on Java 17 (Artery TCP on Agrona 2), as in the root pom's terrace.jvm.opens. */
    static final List<String> OPENS = List.of(
        "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
        "--add-opens", "java.base/java.util.zip=ALL-UNNAMED",
        "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-opens", "java.base/java.nio=ALL-UNNAMED");

    private static final Pattern READY = Pattern.compile("listening on (http://\\S+)");

    private final ChildJvm child;
    private final String endpoint;
    private final Path dataDir;

    private LocalNode(final ChildJvm child, final String endpoint, final Path dataDir)
    {
        this.child = child;
        this.endpoint = endpoint;
        this.dataDir = dataDir;
    }

    /**
     * Starts a node.
     *
     * @param name       what it is, for messages.
     * @param dataDir    its data directory (created).
     * @param jvmOptions heap and direct-memory sizes.
     * @param settings   configuration keys, passed as {@code -D key=value} (docs/configuration.md).
     */
    public static LocalNode start(
        final String name, final Path dataDir, final List<String> jvmOptions, final Map<String, String> settings)
        throws IOException, InterruptedException
    {
        Files.createDirectories(dataDir);
        final List<String> options = new ArrayList<>(OPENS);
        options.addAll(jvmOptions);
        final List<String> args = new ArrayList<>(List.of("node", "--data-dir", dataDir.toString(), "--http-port", "0",
            "-D", "terrace.cluster.port=0", "-D", "pekko.loglevel=WARNING"));
        for (final Map.Entry<String, String> setting : settings.entrySet())
        {
            args.add("-D");
            args.add(setting.getKey() + '=' + setting.getValue());
        }
        final ChildJvm.Started started = ChildJvm.start(name, options, NodeMain.class.getName(), args,
            dataDir.resolve("node.log"), READY, Duration.ofSeconds(90));
        return new LocalNode(started.child(), started.match(), dataDir);
    }

    /** The HTTP endpoint, e.g. {@code http://127.0.0.1:41235}. */
    public String endpoint()
    {
        return endpoint;
    }

    /** Its data directory. */
    public Path dataDir()
    {
        return dataDir;
    }

    /** The process, e.g. for its pid or log. */
    public ChildJvm process()
    {
        return child;
    }

    /** Stops the node gracefully (SIGTERM: coordinated shutdown), killing it if it takes over a minute. */
    @Override
    public void close()
    {
        child.stop(Duration.ofSeconds(60));
    }
}
