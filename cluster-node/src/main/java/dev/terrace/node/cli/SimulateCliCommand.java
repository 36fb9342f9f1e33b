package dev.terrace.node.cli;

import dev.terrace.placement.sim.SimulateCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code terrace simulate ...}: replays a trace offline through every placement policy (see placement-policy/README.md).
 */
@Command(name = "simulate", description = "Replay a Mooncake-format trace through the placement policies.",
    helpCommand = false)
final class SimulateCliCommand implements Callable<Integer>
{
    @Parameters(arity = "0..*", description = "--trace FILE --policy P --memory-blocks N [--flash-blocks M] [--hint-lookahead-ms L]")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call()
    {
        return SimulateCommand.run(args.toArray(new String[0]));
    }
}
