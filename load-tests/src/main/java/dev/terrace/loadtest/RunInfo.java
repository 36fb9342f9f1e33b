package dev.terrace.loadtest;

/**
 * How and where a suite was run; filled in by the command, not by the suite.
 *
 * @param date           the run date, {@code yyyy-MM-dd}.
 * @param startedAt      ISO-8601 instant the suite started.
 * @param elapsedSeconds how long the suite took.
 * @param quick          whether it was a {@code --quick} run.
 * @param command        the exact command line that produced it.
 * @param machine        the machine it ran on.
 */
public record RunInfo(
    String date,
    String startedAt,
    double elapsedSeconds,
    boolean quick,
    String command,
    MachineInfo machine)
{
}
