package dev.terrace.node.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code bin/terrace}: the operator's command line. Each subcommand is its own small class.
 */
@Command(
    name = "terrace",
    mixinStandardHelpOptions = true,
    version = "terrace 0.1.0",
    description = "Distributed tiered cache and data mover for AI workloads.",
    subcommands = {NodeCommand.class, StatusCommand.class, SlotsCommand.class, DrainCommand.class,
        SimulateCliCommand.class, CommandLine.HelpCommand.class})
public final class TerraceCli
{
    public static void main(final String[] args)
    {
        // `simulate` passes its own options through to the simulator's parser.
        final int code = new CommandLine(new TerraceCli()).setUnmatchedOptionsArePositionalParams(true).execute(args);
        if (code != 0 || !NodeCommand.RUNNING.get())
        {
            System.exit(code);
        }
    }
}
