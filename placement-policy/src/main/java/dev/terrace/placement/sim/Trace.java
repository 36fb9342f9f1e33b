package dev.terrace.placement.sim;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.terrace.placement.internal.LongIntHashMap;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A Mooncake-format request trace held in primitive arrays: for each request its arrival time and its KV block ids
 * ({@code hash_ids}), in file order. See {@code shared/traces/README.md}: one JSON object per line with
 * {@code timestamp} (ms) and {@code hash_ids}; other fields are ignored.
 * <p>
 * Also precomputes, for every block reference, a dense block number and the index of the next reference to the same
 * block (what Belady needs).
 */
public final class Trace
{
    private final String name;
    private final long[] timestamps;
    private final int[] offsets;
    private final long[] ids;
    private final int[] blockNumbers;
    private final int[] nextReference;
    private final int distinctBlocks;
    private final LongIntHashMap numbers;

    /**
     * @param name       shown in reports.
     * @param timestamps arrival time of each request, ms.
     * @param offsets    request {@code r} covers references {@code offsets[r] .. offsets[r+1]-1}; length is
     *                   requests + 1.
     * @param ids        block ids of every reference, in order.
     */
    public Trace(final String name, final long[] timestamps, final int[] offsets, final long[] ids)
    {
        if (offsets.length != timestamps.length + 1 || offsets[0] != 0 || offsets[timestamps.length] != ids.length)
        {
            throw new IllegalArgumentException("offsets do not match timestamps and ids");
        }
        this.name = name;
        this.timestamps = timestamps.clone();
        this.offsets = offsets.clone();
        this.ids = ids.clone();
        this.blockNumbers = new int[ids.length];
        this.nextReference = new int[ids.length];
        this.numbers = new LongIntHashMap(Math.max(16, ids.length / 2));
        for (int i = 0; i < ids.length; i++)
        {
            int number = numbers.get(ids[i]);
            if (number == LongIntHashMap.MISSING)
            {
                number = numbers.size();
                numbers.put(ids[i], number);
            }
            blockNumbers[i] = number;
        }
        this.distinctBlocks = numbers.size();
        final int[] following = new int[distinctBlocks];
        Arrays.fill(following, -1);
        for (int i = ids.length - 1; i >= 0; i--)
        {
            nextReference[i] = following[blockNumbers[i]];
            following[blockNumbers[i]] = i;
        }
    }

    /**
     * Reads a Mooncake JSONL trace.
     *
     * @throws IOException              when the file cannot be read.
     * @throws IllegalArgumentException naming the line when a record is malformed.
     */
    public static Trace load(final Path file) throws IOException
    {
        if (!Files.isRegularFile(file))
        {
            throw new NoSuchFileException(file.toString(), null, "no such trace file");
        }
        try (InputStream in = Files.newInputStream(file))
        {
            return parse(file.getFileName().toString(), in);
        }
    }

    /**
     * Parses Mooncake JSONL from a stream.
     *
     * @throws IOException              when the stream fails.
     * @throws IllegalArgumentException naming the line when a record is malformed.
     */
    public static Trace parse(final String name, final InputStream in) throws IOException
    {
        final JsonFactory factory = new JsonFactory();
        long[] timestamps = new long[1024];
        int[] offsets = new int[1025];
        long[] ids = new long[16 * 1024];
        int requests = 0;
        int references = 0;
        try (JsonParser parser = factory.createParser(in))
        {
            JsonToken token;
            while ((token = parser.nextToken()) != null)
            {
                final long line = parser.currentLocation().getLineNr();
                if (token != JsonToken.START_OBJECT)
                {
                    throw new IllegalArgumentException(name + " line " + line + ": expected a JSON object per line");
                }
                long timestamp = Long.MIN_VALUE;
                boolean hasIds = false;
                final int first = references;
                while ((token = parser.nextToken()) != JsonToken.END_OBJECT)
                {
                    final String field = parser.currentName();
                    token = parser.nextToken();
                    if ("timestamp".equals(field))
                    {
                        if (!token.isNumeric())
                        {
                            throw new IllegalArgumentException(name + " line " + line + ": timestamp is not a number");
                        }
                        timestamp = parser.getValueAsLong();
                    }
                    else if ("hash_ids".equals(field))
                    {
                        if (token != JsonToken.START_ARRAY)
                        {
                            throw new IllegalArgumentException(name + " line " + line + ": hash_ids is not an array");
                        }
                        hasIds = true;
                        while ((token = parser.nextToken()) != JsonToken.END_ARRAY)
                        {
                            if (token != JsonToken.VALUE_NUMBER_INT)
                            {
                                throw new IllegalArgumentException(
                                    name + " line " + line + ": hash_ids holds a non-integer");
                            }
                            if (references == ids.length)
                            {
                                ids = Arrays.copyOf(ids, ids.length * 2);
                            }
                            ids[references++] = parser.getLongValue();
                        }
                    }
                    else
                    {
                        parser.skipChildren();
                    }
                }
                if (timestamp == Long.MIN_VALUE || !hasIds)
                {
                    throw new IllegalArgumentException(
                        name + " line " + line + ": a record needs \"timestamp\" and \"hash_ids\"");
                }
                if (requests == timestamps.length)
                {
                    timestamps = Arrays.copyOf(timestamps, requests * 2);
                    offsets = Arrays.copyOf(offsets, requests * 2 + 1);
                }
                timestamps[requests] = timestamp;
                offsets[requests] = first;
                requests++;
                offsets[requests] = references;
            }
        }
        catch (final JsonParseException ex)
        {
            throw new IllegalArgumentException(name + ": not valid JSON lines: " + ex.getOriginalMessage() +
                " at line " + ex.getLocation().getLineNr(), ex);
        }
        if (requests == 0)
        {
            throw new IllegalArgumentException(name + ": the trace holds no requests");
        }
        return new Trace(name, Arrays.copyOf(timestamps, requests), Arrays.copyOf(offsets, requests + 1),
            Arrays.copyOf(ids, references));
    }

    /** Name shown in reports (the file name). */
    public String name()
    {
        return name;
    }

    /** Number of requests. */
    public int requestCount()
    {
        return timestamps.length;
    }

    /** Number of block references (sum of all requests' lengths). */
    public int referenceCount()
    {
        return ids.length;
    }

    /** Number of distinct block ids. */
    public int distinctBlocks()
    {
        return distinctBlocks;
    }

    /** Arrival time of request {@code r}, ms. */
    public long timestamp(final int r)
    {
        return timestamps[r];
    }

    /** Index of the first reference of request {@code r}. */
    public int firstReference(final int r)
    {
        return offsets[r];
    }

    /** Number of blocks of request {@code r}. */
    public int length(final int r)
    {
        return offsets[r + 1] - offsets[r];
    }

    /** Block id of reference {@code i}. */
    public long id(final int i)
    {
        return ids[i];
    }

    /** Dense number (0 .. distinctBlocks-1) of the block of reference {@code i}. */
    public int blockNumber(final int i)
    {
        return blockNumbers[i];
    }

    /** Dense number of block {@code id}, or -1 when the trace never references it. */
    public int blockNumberOf(final long id)
    {
        return numbers.get(id);
    }

    /** Index of the next reference to the same block as reference {@code i}, or -1 when there is none. */
    public int nextReference(final int i)
    {
        return nextReference[i];
    }

    /** Copies request {@code r}'s block ids into {@code into} (which must be long enough). */
    public void copyRequest(final int r, final long[] into)
    {
        System.arraycopy(ids, offsets[r], into, 0, length(r));
    }

    /** Length of the longest request. */
    public int maxRequestLength()
    {
        int max = 0;
        for (int r = 0; r < timestamps.length; r++)
        {
            max = Math.max(max, length(r));
        }
        return max;
    }
}
