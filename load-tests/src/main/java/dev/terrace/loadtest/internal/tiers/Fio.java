package dev.terrace.loadtest.internal.tiers;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.terrace.loadtest.internal.Processes;

/**
 * The fio baseline: {@code fio --direct=1 --bs=1M --ioengine=psync --rw=write|read} on a file in the directory under
 * test, with {@code --output-format=json} parsed for the bandwidth. Installs fio with apt-get when it is missing and
 * the benchmark runs as root.
 */
public final class Fio
{
    /** The block size of every fio job, as the issue fixes it. */
    public static final int BLOCK_SIZE = 1 << 20;

    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(10);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * One fio job's outcome.
     *
     * @param bytesPerSecond the bandwidth fio reports ({@code bw_bytes}).
     * @param ioBytes        bytes moved.
     * @param runtimeMillis  the job's runtime.
     */
    public record Job(double bytesPerSecond, long ioBytes, long runtimeMillis)
    {
        /** The bandwidth in MiB/s. */
        public double mibPerSecond()
        {
            return bytesPerSecond / (1 << 20);
        }
    }

    private Fio()
    {
    }

    /** {@code fio --version}, or empty when fio cannot be run. */
    public static Optional<String> version()
    {
        final Processes.Result result = Processes.run(Duration.ofSeconds(20), "fio", "--version");
        return result.ok() ? Optional.of(result.stdout().strip()) : Optional.empty();
    }

    /**
     * Makes fio available: returns its version, installing it with {@code apt-get install -y fio} (after
     * {@code apt-get update} if the first attempt fails) when it is missing and we are root.
     *
     * @return fio's version, or an empty value with the reason passed to {@code whyNot}.
     */
    public static Optional<String> ensureInstalled(final Consumer<String> progress, final Consumer<String> whyNot)
    {
        final Optional<String> present = version();
        if (present.isPresent())
        {
            return present;
        }
        if (!isRoot())
        {
            whyNot.accept("fio is not installed and the benchmark is not running as root, so it cannot install it "
                + "(install it with: apt-get install -y fio)");
            return Optional.empty();
        }
        final Map<String, String> env = Map.of("DEBIAN_FRONTEND", "noninteractive");
        progress.accept("fio missing: apt-get install -y fio");
        Processes.Result install = Processes.run(List.of("apt-get", "install", "-y", "fio"), env, INSTALL_TIMEOUT);
        if (!install.ok())
        {
            progress.accept("apt-get install failed (" + install.lastErrorLine() + "): apt-get update, then retry");
            final Processes.Result update = Processes.run(List.of("apt-get", "update"), env, INSTALL_TIMEOUT);
            if (!update.ok())
            {
                whyNot.accept("fio is missing and apt-get update failed: " + update.lastErrorLine());
                return Optional.empty();
            }
            install = Processes.run(List.of("apt-get", "install", "-y", "fio"), env, INSTALL_TIMEOUT);
        }
        if (!install.ok())
        {
            whyNot.accept("fio is missing and apt-get install -y fio failed: " + install.lastErrorLine());
            return Optional.empty();
        }
        final Optional<String> installed = version();
        if (installed.isEmpty())
        {
            whyNot.accept("apt-get installed fio but `fio --version` still fails");
        }
        return installed;
    }

    /**
     * The command line of one job: {@code rw} is {@code write} or {@code read}. A write job lays out the file itself;
     * a read job reads the file a previous write job left. {@code --end_fsync=1} makes the write job's figure include
     * making the file durable, as the tier's write figure does.
     */
    public static List<String> command(final Path file, final String rw, final long sizeBytes)
    {
        final List<String> command = new ArrayList<>();
        command.add("fio");
        command.add("--name=terrace-" + rw);
        command.add("--filename=" + file.toAbsolutePath());
        command.add("--rw=" + rw);
        command.add("--bs=" + BLOCK_SIZE);
        command.add("--size=" + sizeBytes);
        command.add("--direct=1");
        command.add("--ioengine=psync");
        command.add("--numjobs=1");
        command.add("--iodepth=1");
        if ("write".equals(rw))
        {
            command.add("--end_fsync=1");
        }
        command.add("--output-format=json");
        return command;
    }

    /** Runs one job and parses its result. */
    public static Job run(final Path file, final String rw, final long sizeBytes) throws IOException
    {
        final Processes.Result result = Processes.run(command(file, rw, sizeBytes), Map.of(), JOB_TIMEOUT);
        if (!result.ok())
        {
            throw new IOException("fio " + rw + " failed (exit " + result.exitCode() + "): " + result.lastErrorLine());
        }
        return parse(result.stdout(), rw);
    }

    /**
     * Parses fio's {@code --output-format=json}: the first job's {@code read} or {@code write} section. fio may print
     * notes before the JSON document, so parsing starts at the first '{'.
     */
    public static Job parse(final String output, final String rw) throws IOException
    {
        final int start = output.indexOf('{');
        if (start < 0)
        {
            throw new IOException("no JSON in fio output: " + output.strip());
        }
        final JsonNode root = MAPPER.readTree(output.substring(start));
        final JsonNode jobs = root.path("jobs");
        if (!jobs.isArray() || jobs.isEmpty())
        {
            throw new IOException("fio output has no jobs");
        }
        final JsonNode section = jobs.get(0).path(rw);
        if (section.isMissingNode() || !section.has("io_bytes"))
        {
            throw new IOException("fio output has no '" + rw + "' section");
        }
        final long ioBytes = section.path("io_bytes").asLong();
        final long runtimeMillis = section.path("runtime").asLong();
        double bytesPerSecond = section.path("bw_bytes").asDouble(0);
        if (bytesPerSecond == 0 && section.has("bw"))
        {
            bytesPerSecond = section.path("bw").asDouble() * 1024;
        }
        if (ioBytes <= 0 || bytesPerSecond <= 0)
        {
            throw new IOException("fio moved no bytes (" + rw + ": io_bytes=" + ioBytes + ")");
        }
        return new Job(bytesPerSecond, ioBytes, runtimeMillis);
    }

    private static boolean isRoot()
    {
        final Processes.Result id = Processes.run(Duration.ofSeconds(10), "id", "-u");
        return id.ok() && "0".equals(id.stdout().strip());
    }
}
