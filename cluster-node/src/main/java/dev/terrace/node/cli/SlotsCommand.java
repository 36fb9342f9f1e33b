package dev.terrace.node.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * {@code terrace slots}: the slot map (from {@code GET /v1/cluster/slots}) as the slot count of each node and its
 * slots as compact ranges, with the map's epoch.
 */
@Command(name = "slots", mixinStandardHelpOptions = true,
    description = "Show which node owns which slots, as compact ranges, with the slot map's epoch.")
final class SlotsCommand implements Callable<Integer>
{
    @Option(names = {"--endpoint", "-e"}, defaultValue = "http://127.0.0.1:8080",
        description = "HTTP endpoint of any node (default ${DEFAULT-VALUE})")
    String endpoint;

    @Override
    public Integer call() throws InterruptedException
    {
        try
        {
            System.out.print(ClusterTables.slots(new AdminHttp(endpoint).get("/v1/cluster/slots")));
            return 0;
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("terrace: " + ex.getMessage());
            return 2;
        }
        catch (final AdminHttp.Failure ex)
        {
            System.err.println("terrace: " + ex.getMessage());
            return 1;
        }
    }
}
