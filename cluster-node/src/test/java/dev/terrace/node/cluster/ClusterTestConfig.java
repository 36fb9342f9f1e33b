package dev.terrace.node.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/**
 * Pekko config for tests of the cluster building blocks: a cluster provider on loopback with an ephemeral port,
 * Java serialization off and Terrace's Kryo serializer bound to every cluster message.
 */
public final class ClusterTestConfig
{
    /** The serializer binding that a node's config carries as well. */
    public static final String SERIALIZATION = """
        pekko.actor {
          serializers { terrace-kryo = "dev.terrace.node.cluster.serialization.KryoSerializer" }
          serialization-bindings { "dev.terrace.node.cluster.protocol.ClusterMessage" = terrace-kryo }
          allow-java-serialization = off
          warn-about-java-serializer-usage = on
        }
        terrace.serialization.max-bytes = 256 KiB
        """;

    private ClusterTestConfig()
    {
    }

    /** A cluster-provider system config on 127.0.0.1 with the given Artery port (0 for any) and extra settings. */
    public static Config config(final int port, final String extra)
    {
        return ConfigFactory.parseString(extra)
            .withFallback(ConfigFactory.parseString(SERIALIZATION))
            .withFallback(ConfigFactory.parseString("""
                pekko.loglevel = WARNING
                pekko.stdout-loglevel = WARNING
                pekko.actor.provider = cluster
                pekko.actor.default-dispatcher.fork-join-executor { parallelism-min = 2, parallelism-max = 2 }
                pekko.remote.artery.transport = tcp
                pekko.remote.artery.canonical.hostname = "127.0.0.1"
                pekko.remote.artery.canonical.port = %d
                pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
                pekko.coordinated-shutdown.exit-jvm = off
                pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
                """.formatted(port)))
            .withFallback(ConfigFactory.load());
    }
}
