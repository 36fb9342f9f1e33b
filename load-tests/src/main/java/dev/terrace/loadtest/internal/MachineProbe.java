package dev.terrace.loadtest.internal;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.terrace.loadtest.MachineInfo;

/**
 * Describes the machine from the JVM, {@code /proc}, {@code df} and {@code lsblk}; a tool that is missing leaves its
 * part as {@code unknown} rather than failing the run.
 */
public final class MachineProbe
{
    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(10);

    private MachineProbe()
    {
    }

    /** Probes the machine, describing the disk that holds {@code dataDir}. */
    public static MachineInfo probe(final Path dataDir)
    {
        return new MachineInfo(
            Runtime.getRuntime().availableProcessors(),
            memoryBytes(),
            cpuModel(),
            disk(dataDir),
            System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
            System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    }

    /**
     * The load average as a condition line, e.g. {@code 3.10 2.80 2.50 (1/5/15 min; the machine is shared, 2 cores)}:
     * benchmarks here share the machine with other engineers' builds and tests.
     */
    public static String loadAverage()
    {
        try
        {
            final String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return String.format(java.util.Locale.ROOT, "%s %s %s (1/5/15 min; the machine is shared, %d cores)",
                fields[0], fields[1], fields[2], Runtime.getRuntime().availableProcessors());
        }
        catch (final IOException | RuntimeException ex)
        {
            return "unknown";
        }
    }

    private static long memoryBytes()
    {
        final java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sunOs)
        {
            return sunOs.getTotalMemorySize();
        }
        return -1;
    }

    private static String cpuModel()
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc/cpuinfo")))
            {
                if (line.startsWith("model name"))
                {
                    return line.substring(line.indexOf(':') + 1).strip();
                }
            }
        }
        catch (final IOException | RuntimeException ignored)
        {
            // not Linux: fall through
        }
        return "unknown";
    }

    /** {@code source fstype size} from df, then model, rotational flag and size of the device from lsblk. */
    static String disk(final Path dataDir)
    {
        final Processes.Result df = Processes.run(
            List.of("df", "-P", "-T", dataDir.toAbsolutePath().toString()), java.util.Map.of(), TOOL_TIMEOUT);
        if (!df.ok())
        {
            return "unknown (df failed: " + df.lastErrorLine() + ")";
        }
        final String[] lines = df.stdout().strip().split("\n");
        final String[] fields = lines[lines.length - 1].trim().split("\\s+");
        if (fields.length < 3)
        {
            return "unknown (df output: " + lines[lines.length - 1] + ")";
        }
        final String source = fields[0];
        final String fsType = fields[1];
        final StringBuilder disk = new StringBuilder(source).append(' ').append(fsType);
        if (source.startsWith("/dev/"))
        {
            final Processes.Result lsblk = Processes.run(
                List.of("lsblk", "-d", "-n", "-o", "MODEL,SIZE,ROTA,TRAN", source), java.util.Map.of(), TOOL_TIMEOUT);
            if (lsblk.ok() && !lsblk.stdout().isBlank())
            {
                disk.append(", ").append(describeLsblk(lsblk.stdout().strip(), source));
            }
        }
        return disk.toString();
    }

    private static String describeLsblk(final String line, final String source)
    {
        final String[] fields = line.trim().split("\\s+");
        // MODEL may be empty (virtio) or contain spaces; SIZE, ROTA, TRAN are single tokens at the end.
        final StringBuilder text = new StringBuilder();
        final String device = source.substring("/dev/".length());
        String model = "model unknown";
        String size = "";
        String rotational = "";
        if (fields.length >= 2)
        {
            int sizeIndex = -1;
            for (int i = 0; i < fields.length; i++)
            {
                if (fields[i].matches("[0-9.,]+[BKMGTP]"))
                {
                    sizeIndex = i;
                }
            }
            if (sizeIndex >= 0)
            {
                size = fields[sizeIndex];
                if (sizeIndex > 0)
                {
                    model = String.join(" ", java.util.Arrays.copyOfRange(fields, 0, sizeIndex));
                }
                if (sizeIndex + 1 < fields.length)
                {
                    rotational = "1".equals(fields[sizeIndex + 1]) ? "rotational" : "non-rotational";
                }
            }
        }
        if (device.startsWith("vd"))
        {
            text.append("virtio ");
        }
        text.append(model).append(' ').append(size);
        if (!rotational.isEmpty())
        {
            text.append(", reported ").append(rotational);
        }
        return text.toString().strip();
    }
}
