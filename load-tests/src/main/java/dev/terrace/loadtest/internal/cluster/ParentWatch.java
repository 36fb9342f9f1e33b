package dev.terrace.loadtest.internal.cluster;

import java.io.IOException;
import java.io.InputStream;

/**
 * Makes a child JVM exit when the benchmark JVM that started it goes away: {@link ChildJvm} holds the write end of the
 * child's stdin, and the operating system closes it when the parent dies, even by SIGKILL, which runs no shutdown
 * hook. The exit runs the child's own hooks (a node's coordinated shutdown, s3proxy's stop).
 */
public final class ParentWatch
{
    private ParentWatch()
    {
    }

    /** Starts a daemon thread that reads stdin to its end and then exits the JVM. */
    public static void start()
    {
        final Thread watch = new Thread(() ->
        {
            final InputStream in = System.in;
            final byte[] sink = new byte[256];
            try
            {
                while (in.read(sink) >= 0)
                {
                    // nothing is sent on purpose: only the end of the stream matters
                }
            }
            catch (final IOException ignored)
            {
                // a broken pipe means the same as its end
            }
            System.exit(0);
        }, "parent-watch");
        watch.setDaemon(true);
        watch.start();
    }
}
