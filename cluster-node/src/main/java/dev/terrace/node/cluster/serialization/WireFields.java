package dev.terrace.node.cluster.serialization;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

import org.apache.pekko.actor.typed.ActorRef;

/**
 * Field codecs for cluster message serializers that never trust a length read off the wire.
 * <p>
 * Kryo 5.6.2 allocates whatever a forged length asks for ({@code readString} sizes a {@code char[]} from the
 * varint it reads). Every length here is checked against a per-field maximum and against the bytes left in the
 * input <em>before</em> anything is allocated, so one message can make the reader allocate at most a small
 * multiple of its own size. Inputs must wrap a byte array (not a stream) so that the bytes left are known.
 * A bad length throws {@link IllegalArgumentException}.
 */
public final class WireFields
{
    /** Longest node id, endpoint or similar short string, in UTF-8 bytes. */
    public static final int MAX_NAME_BYTES = 1024;

    /** Longest serialized actor reference, in UTF-8 bytes. */
    public static final int MAX_ACTOR_REF_BYTES = 4096;

    private static final String ACTOR_REF_SCHEME = "pekko://";

    private WireFields()
    {
    }

    /** The bytes left in an array-backed input. */
    public static int remaining(final Input input)
    {
        return input.limit() - input.position();
    }

    /**
     * Writes a non-null string as its UTF-8 byte count (unsigned varint) and the bytes.
     *
     * @throws IllegalArgumentException if the string is longer than {@code maxBytes} in UTF-8
     */
    public static void writeString(final Output output, final String value, final int maxBytes, final String field)
    {
        if (value == null)
        {
            throw new IllegalArgumentException(field + " is null");
        }
        final byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > maxBytes)
        {
            throw new IllegalArgumentException(field + " is " + bytes.length + " bytes, more than " + maxBytes);
        }
        output.writeVarInt(bytes.length, true);
        output.writeBytes(bytes);
    }

    /**
     * Reads a string written by {@link #writeString}, rejecting a length above {@code maxBytes} or the bytes left,
     * and malformed UTF-8.
     */
    public static String readString(final Input input, final int maxBytes, final String field)
    {
        final int length = readCount(input, maxBytes, 1, field);
        final byte[] bytes = input.readBytes(length);
        try
        {
            return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes))
                .toString();
        }
        catch (final CharacterCodingException ex)
        {
            throw new IllegalArgumentException(field + " is not valid UTF-8", ex);
        }
    }

    /**
     * Reads an element count (unsigned varint) and checks it before the caller allocates: it must be at most
     * {@code max}, and {@code count * minBytesEach} must fit in the bytes left.
     *
     * @param minBytesEach the fewest bytes one element can take on the wire (at least 1)
     */
    public static int readCount(final Input input, final int max, final int minBytesEach, final String field)
    {
        final int count = input.readVarInt(true);
        if (count < 0 || count > max)
        {
            throw new IllegalArgumentException(field + " length " + Integer.toUnsignedString(count) +
                " is out of range [0, " + max + "]");
        }
        final int left = remaining(input);
        if ((long)count * Math.max(1, minBytesEach) > left)
        {
            throw new IllegalArgumentException(field + " length " + count + " does not fit in the " + left +
                " bytes left");
        }
        return count;
    }

    /** Reads an unsigned varint that must lie in {@code [0, max]}. */
    public static int readNonNegativeInt(final Input input, final int max, final String field)
    {
        final int value = input.readVarInt(true);
        if (value < 0 || value > max)
        {
            throw new IllegalArgumentException(field + " " + Integer.toUnsignedString(value) +
                " is out of range [0, " + max + "]");
        }
        return value;
    }

    /** Reads an unsigned varlong that must not be negative. */
    public static long readNonNegativeLong(final Input input, final String field)
    {
        final long value = input.readVarLong(true);
        if (value < 0)
        {
            throw new IllegalArgumentException(field + " " + Long.toUnsignedString(value) + " is negative");
        }
        return value;
    }

    /** Writes an int array of values in {@code [-1, Integer.MAX_VALUE - 1]} as a count and varints. */
    public static void writeSmallIntArray(final Output output, final int[] values, final int maxLength, final String field)
    {
        if (values.length > maxLength)
        {
            throw new IllegalArgumentException(field + " has " + values.length + " elements, more than " + maxLength);
        }
        output.writeVarInt(values.length, true);
        for (final int value : values)
        {
            if (value < -1 || value == Integer.MAX_VALUE)
            {
                throw new IllegalArgumentException(field + " holds " + value + ", outside [-1, " +
                    (Integer.MAX_VALUE - 1) + "]");
            }
            // +1 so that -1 (a common "none" marker) still takes one byte as an unsigned varint.
            output.writeVarInt(value + 1, true);
        }
    }

    /** Reads an array written by {@link #writeSmallIntArray}, with its length checked before allocating. */
    public static int[] readSmallIntArray(final Input input, final int maxLength, final String field)
    {
        final int length = readCount(input, maxLength, 1, field);
        final int[] values = new int[length];
        for (int i = 0; i < length; i++)
        {
            final int encoded = input.readVarInt(true);
            if (encoded < 0)
            {
                throw new IllegalArgumentException(field + "[" + i + "] is out of range");
            }
            values[i] = encoded - 1;
        }
        return values;
    }

    /** Writes a typed actor reference in its serialization format. */
    public static void writeActorRef(final Output output, final ActorRef<?> ref, final ActorRefCodec codec, final String field)
    {
        writeString(output, codec.toWire(ref), MAX_ACTOR_REF_BYTES, field);
    }

    /** Reads and resolves a typed actor reference written by {@link #writeActorRef}. */
    public static <T> ActorRef<T> readActorRef(final Input input, final ActorRefCodec codec, final String field)
    {
        final String serialized = readString(input, MAX_ACTOR_REF_BYTES, field);
        if (!serialized.startsWith(ACTOR_REF_SCHEME))
        {
            // Checked here so that garbage never reaches Pekko's resolver (which logs a warning per bad path).
            throw new IllegalArgumentException(field + " is not an actor reference");
        }
        return codec.fromWire(serialized);
    }
}
