package dev.terrace.loadtest;

/**
 * The machine a run was measured on, as written into every result and into BENCHMARKS.md.
 *
 * @param cores       available processors ({@code nproc}).
 * @param memoryBytes physical memory.
 * @param cpuModel    the CPU model name, or {@code unknown}.
 * @param disk        the device, filesystem and model of the scratch directory, e.g.
 *                    {@code /dev/vda ext4, virtio 256G, rotational=1}.
 * @param os          operating system and kernel.
 * @param jvm         the JVM vendor and version.
 */
public record MachineInfo(int cores, long memoryBytes, String cpuModel, String disk, String os, String jvm)
{
    /** One line for a report, e.g. {@code 2 cores (AMD EPYC), 23.5 GiB RAM, disk: ...}. */
    public String summary()
    {
        return String.format(
            "%d cores (%s), %.1f GiB RAM, disk: %s, %s, %s",
            cores, cpuModel, memoryBytes / (double)(1L << 30), disk, os, jvm);
    }
}
