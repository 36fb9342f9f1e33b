package dev.terrace.loadtest.internal.cluster;

import dev.terrace.node.cli.TerraceCli;

/**
 * The entry point of a benchmark node's child JVM: {@code terrace node ...} ({@link TerraceCli}), plus a
 * {@link ParentWatch} so the node stops when the benchmark that started it is gone.
 */
public final class NodeMain
{
    private NodeMain()
    {
    }

    /** Same arguments as {@code bin/terrace}. */
    public static void main(final String[] args)
    {
        ParentWatch.start();
        TerraceCli.main(args);
    }
}
