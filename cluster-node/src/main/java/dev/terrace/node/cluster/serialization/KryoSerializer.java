package dev.terrace.node.cluster.serialization;

import java.io.NotSerializableException;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.Pool;
import com.typesafe.config.Config;

import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * Pekko serializer of Terrace's cluster messages over pooled Kryo instances.
 * <p>
 * Rules: Kryo requires registration and keeps no references; every type and its id come from
 * {@link ClusterMessageRegistry}, and the manifest is that id in decimal. Input is bounded: a payload above
 * {@code terrace.serialization.max-bytes} (default 256 KiB, Artery's largest frame) is refused before Kryo sees
 * it, every length inside is checked by {@link WireFields}, and trailing bytes are an error. Bad input throws
 * {@link IllegalArgumentException} (an unknown manifest {@link NotSerializableException}); it never makes the
 * reader allocate more than a small multiple of the payload. Actor references travel as strings resolved by
 * Pekko's typed {@link ActorRefResolver}.
 */
public final class KryoSerializer extends SerializerWithStringManifest
{
    /** Pekko serializer identifier (Pekko reserves 0 to 40 for its own). */
    public static final int IDENTIFIER = 7355_01;

    /** Config path of the largest payload accepted, in bytes. */
    public static final String MAX_BYTES_PATH = "terrace.serialization.max-bytes";

    /** Largest payload accepted unless configured: 256 KiB. */
    public static final int DEFAULT_MAX_BYTES = 256 * 1024;

    /** Nesting depth limit handed to Kryo (messages nest one or two levels). */
    private static final int MAX_DEPTH = 8;

    private static final int POOL_CAPACITY = 16;
    private static final int INITIAL_OUTPUT_BYTES = 256;

    private final int maxBytes;
    private final ClassLoader classLoader;
    private final ActorRefCodec actorRefs;
    private final Pool<Kryo> kryoPool;

    /**
     * The constructor Pekko calls when it loads the serializer from {@code pekko.actor.serializers}.
     *
     * @param system the actor system whose config and actor references the serializer uses
     */
    public KryoSerializer(final ExtendedActorSystem system)
    {
        this(maxBytesOf(system.settings().config()), system.dynamicAccess().classLoader(), new ResolverCodec(system));
    }

    /**
     * A serializer with an explicit bound and actor reference codec.
     *
     * @param maxBytes    the largest payload accepted or produced
     * @param classLoader the class loader Kryo uses
     * @param actorRefs   how actor references are written and resolved
     */
    public KryoSerializer(final int maxBytes, final ClassLoader classLoader, final ActorRefCodec actorRefs)
    {
        if (maxBytes < 1)
        {
            throw new IllegalArgumentException(MAX_BYTES_PATH + " must be positive: " + maxBytes);
        }
        this.maxBytes = maxBytes;
        this.classLoader = classLoader;
        this.actorRefs = actorRefs;
        this.kryoPool = new Pool<>(true, false, POOL_CAPACITY)
        {
            @Override
            protected Kryo create()
            {
                return newKryo();
            }
        };
    }

    /** The largest payload this serializer accepts or produces, in bytes. */
    public int maxBytes()
    {
        return maxBytes;
    }

    @Override
    public int identifier()
    {
        return IDENTIFIER;
    }

    @Override
    public String manifest(final Object message)
    {
        return Integer.toString(registrationOf(message).id());
    }

    @Override
    public byte[] toBinary(final Object message)
    {
        final ClusterMessageRegistry.Registration<?> registration = registrationOf(message);
        final Kryo kryo = kryoPool.obtain();
        try
        {
            final Output output = new Output(Math.min(INITIAL_OUTPUT_BYTES, maxBytes), maxBytes);
            kryo.writeObject(output, message);
            return output.toBytes();
        }
        catch (final KryoException ex)
        {
            // Kryo signals a full output buffer (the maxBytes bound) this way.
            kryo.reset();
            throw new IllegalArgumentException("cannot serialize " + registration.type().getSimpleName() +
                " within " + maxBytes + " bytes: " + ex.getMessage(), ex);
        }
        catch (final RuntimeException ex)
        {
            kryo.reset();
            throw ex;
        }
        finally
        {
            kryoPool.free(kryo);
        }
    }

    @Override
    public Object fromBinary(final byte[] bytes, final String manifest) throws NotSerializableException
    {
        final ClusterMessageRegistry.Registration<?> registration = registrationOf(manifest);
        if (bytes.length > maxBytes)
        {
            throw new IllegalArgumentException(registration.type().getSimpleName() + " payload of " + bytes.length +
                " bytes exceeds " + MAX_BYTES_PATH + " = " + maxBytes);
        }
        final Kryo kryo = kryoPool.obtain();
        try
        {
            final Input input = new Input(bytes);
            final Object message = kryo.readObject(input, registration.type());
            if (input.position() != bytes.length)
            {
                throw new IllegalArgumentException((bytes.length - input.position()) + " trailing bytes");
            }
            return message;
        }
        catch (final RuntimeException ex)
        {
            kryo.reset();
            throw new IllegalArgumentException("malformed " + registration.type().getSimpleName() + " message of " +
                bytes.length + " bytes: " + ex.getMessage(), ex);
        }
        finally
        {
            kryoPool.free(kryo);
        }
    }

    private Kryo newKryo()
    {
        final Kryo kryo = new Kryo();
        kryo.setClassLoader(classLoader);
        kryo.setRegistrationRequired(true);
        kryo.setReferences(false);
        kryo.setMaxDepth(MAX_DEPTH);
        ClusterMessageRegistry.registerAll(kryo, actorRefs);
        return kryo;
    }

    private static ClusterMessageRegistry.Registration<?> registrationOf(final Object message)
    {
        final ClusterMessageRegistry.Registration<?> registration =
            message == null ? null : ClusterMessageRegistry.forType(message.getClass());
        if (registration == null)
        {
            throw new IllegalArgumentException("not a registered cluster message: " +
                (message == null ? "null" : message.getClass().getName()));
        }
        return registration;
    }

    private static ClusterMessageRegistry.Registration<?> registrationOf(final String manifest)
        throws NotSerializableException
    {
        final ClusterMessageRegistry.Registration<?> registration;
        try
        {
            registration = ClusterMessageRegistry.forId(Integer.parseInt(manifest));
        }
        catch (final NumberFormatException ex)
        {
            throw new NotSerializableException("manifest is not a cluster message id: " + abbreviate(manifest));
        }
        if (registration == null)
        {
            throw new NotSerializableException("unknown cluster message id " + manifest);
        }
        return registration;
    }

    private static String abbreviate(final String manifest)
    {
        return manifest.length() <= 32 ? manifest : manifest.substring(0, 32) + "...";
    }

    private static int maxBytesOf(final Config config)
    {
        if (!config.hasPath(MAX_BYTES_PATH))
        {
            return DEFAULT_MAX_BYTES;
        }
        final long configured = config.getBytes(MAX_BYTES_PATH);
        if (configured < 1 || configured > Integer.MAX_VALUE - 8)
        {
            throw new IllegalArgumentException(MAX_BYTES_PATH + " out of range: " + configured);
        }
        return (int)configured;
    }

    /** Actor references through Pekko's typed resolver, obtained on first use (after the system is up). */
    private static final class ResolverCodec implements ActorRefCodec
    {
        private final ExtendedActorSystem system;
        private volatile ActorRefResolver resolver;

        ResolverCodec(final ExtendedActorSystem system)
        {
            this.system = system;
        }

        @Override
        public String toWire(final ActorRef<?> ref)
        {
            return resolver().toSerializationFormat(ref);
        }

        @Override
        public <T> ActorRef<T> fromWire(final String serialized)
        {
            return resolver().resolveActorRef(serialized);
        }

        private ActorRefResolver resolver()
        {
            ActorRefResolver current = resolver;
            if (current == null)
            {
                current = ActorRefResolver.get(Adapter.toTyped(system));
                resolver = current;
            }
            return current;
        }
    }
}
