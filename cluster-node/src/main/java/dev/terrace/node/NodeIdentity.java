package dev.terrace.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;

/**
 * A node's stable identity. Slot ownership is a function of node ids (rendezvous hashing), so a restarted node must
 * come back under the same id to get its slots, and its flash data, back. The id is {@code terrace.node.id} when
 * configured, otherwise generated once and kept in {@code <data-dir>/node-id}.
 */
final class NodeIdentity
{
    private static final String FILE = "node-id";

    private NodeIdentity()
    {
    }

    static String resolve(final NodeConfig config)
    {
        if (config.nodeId != null)
        {
            return config.nodeId;
        }
        final Path file = config.dataDir.resolve(FILE);
        try
        {
            if (Files.exists(file))
            {
                final String id = Files.readString(file, StandardCharsets.UTF_8).trim();
                if (!id.isEmpty())
                {
                    return id;
                }
            }
            Files.createDirectories(config.dataDir);
            final String id = hostName() + '-' + Long.toHexString(new SecureRandom().nextLong() & 0xffffffL);
            final Path tmp = file.resolveSibling(FILE + ".tmp");
            Files.writeString(tmp, id + '\n', StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return id;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read or create the node id in " + file, ex);
        }
    }

    /** A free TCP port on {@code host} right now (for port 0, so the port can be advertised before binding). */
    static int freePort(final String host)
    {
        try (ServerSocket socket = new ServerSocket())
        {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(host, 0));
            return socket.getLocalPort();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot find a free port on " + host, ex);
        }
    }

    private static String hostName()
    {
        try
        {
            return InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9.-]", "-");
        }
        catch (final IOException ex)
        {
            return "node";
        }
    }
}
