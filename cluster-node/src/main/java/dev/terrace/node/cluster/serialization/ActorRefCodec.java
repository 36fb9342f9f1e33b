package dev.terrace.node.cluster.serialization;

import org.apache.pekko.actor.typed.ActorRef;

/**
 * Turns typed actor references into strings and back, the only form in which an {@link ActorRef} may cross the
 * wire. {@link KryoSerializer} backs it with Pekko's {@link org.apache.pekko.actor.typed.ActorRefResolver}.
 */
public interface ActorRefCodec
{
    /** The full serialization format of a reference, including the remote address. */
    String toWire(ActorRef<?> ref);

    /** Resolves a reference from its serialization format in the local actor system. */
    <T> ActorRef<T> fromWire(String serialized);
}
