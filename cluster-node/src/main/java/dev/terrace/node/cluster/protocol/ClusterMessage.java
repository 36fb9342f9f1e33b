package dev.terrace.node.cluster.protocol;

/**
 * Marker of every message that crosses the cluster between nodes.
 * <p>
 * Pekko binds this interface to Terrace's Kryo serializer. It is sealed so that the compiler, and a test
 * that walks the permitted subclasses, keep it in step with the serializer's registry: a message type
 * that is not registered cannot be added here by accident.
 */
public sealed interface ClusterMessage permits NodeInfo, SlotCommand, SlotMapSnapshot
{
}
