package dev.terrace.tier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Kills a child JVM with SIGKILL while it writes to a flash tier with fsync on, reopens the tier, and checks that
 * every acknowledged put and delete survived and that nothing returned fails its checksum. Three rounds run on the
 * same directory, so recovery also has to cope with the damage earlier kills left.
 */
class FlashTierCrashIT
{
    /** The possible states of one key, as far as the writer's output tells. */
    private static final class Expectation
    {
        /** The acknowledged value as "crc length", or null when the key is acknowledged absent. */
        String acknowledged;
        /** Values and deletes started after the acknowledgement: any of them may have landed. */
        final Set<String> inFlight = new HashSet<>();
        boolean deleteInFlight;
    }

    private static final String ABSENT = "absent";
    private static final long[] KILL_DELAYS_MICROS = {3000, 500, 6000};

    @TempDir
    Path temp;

    @Test
    @Timeout(120)
    void acknowledgedWritesSurviveSigkill() throws Exception
    {
        final Path directory = temp.resolve("flash");
        final Map<String, Expectation> model = new HashMap<>();
        final int[] acksBeforeKill = {60, 150, 100};
        for (int round = 0; round < acksBeforeKill.length; round++)
        {
            final int acks = runAndKill(directory, round, acksBeforeKill[round], model);
            assertTrue(acks >= acksBeforeKill[round], "the writer acknowledged " + acks + " operations");
            verifyAndAdopt(directory, model);
        }
    }

    /** Starts the writer, reads its output until {@code killAfter} acknowledgements, kills it, drains the output. */
    private int runAndKill(final Path directory, final int round, final int killAfter, final Map<String, Expectation> model)
        throws Exception
    {
        final Path stderr = temp.resolve("writer-" + round + ".err");
        final ProcessBuilder builder = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-cp", System.getProperty("java.class.path"),
            FlashCrashWriter.class.getName(), directory.toString(), Long.toString(1000L + round),
            // The middle round zero-fills ahead, so recovery also meets preallocated tails.
            Boolean.toString(round == 1))
            .redirectError(stderr.toFile());
        final Process writer = builder.start();
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final Thread pump = new Thread(() ->
        {
            try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(writer.getInputStream(), StandardCharsets.US_ASCII)))
            {
                String line;
                while ((line = reader.readLine()) != null)
                {
                    lines.add(line);
                }
            }
            catch (final IOException ignored)
            {
                // The pipe breaks when the child dies; what was read is in the queue.
            }
            lines.add("EOF");
        }, "crash-writer-output");
        pump.setDaemon(true);
        pump.start();

        int acks = 0;
        try
        {
            // Past the wanted acknowledgements, kill a few milliseconds into the next put: mid-write.
            boolean putStarted = false;
            while (acks < killAfter || !putStarted)
            {
                final String line = lines.poll(30, TimeUnit.SECONDS);
                if (line == null || line.equals("EOF"))
                {
                    fail("the writer stopped early after " + acks + " acks; stderr:\n" + Files.readString(stderr));
                }
                if (apply(line, model))
                {
                    acks++;
                }
                putStarted = acks >= killAfter && line.startsWith("PUT ");
            }
            TimeUnit.MICROSECONDS.sleep(KILL_DELAYS_MICROS[round % KILL_DELAYS_MICROS.length]);
        }
        finally
        {
            // Through the handle: Process.destroyForcibly() also closes our end of the pipe, and lines the child
            // wrote but the pump had not read yet (acknowledgements included) would be lost to the model.
            writer.toHandle().destroyForcibly();
            writer.waitFor(30, TimeUnit.SECONDS);
        }
        pump.join(TimeUnit.SECONDS.toMillis(30));
        for (String line = lines.poll(); line != null && !line.equals("EOF"); line = lines.poll())
        {
            if (apply(line, model))
            {
                acks++;
            }
        }
        return acks;
    }

    /** Applies one complete output line to the model; returns whether it was an acknowledgement. */
    private static boolean apply(final String line, final Map<String, Expectation> model)
    {
        final String[] words = line.split(" ");
        if (words.length < 2 || !words[words.length - 1].equals("END"))
        {
            return false;
        }
        switch (words[0])
        {
            case "PUT" ->
            {
                model.computeIfAbsent(words[1], key -> new Expectation()).inFlight.add(words[2] + " " + words[3]);
                return false;
            }
            case "ACK" ->
            {
                final Expectation expectation = model.get(words[1]);
                expectation.acknowledged = words[2] + " " + words[3];
                expectation.inFlight.clear();
                expectation.deleteInFlight = false;
                return true;
            }
            case "DEL" ->
            {
                model.computeIfAbsent(words[1], key -> new Expectation()).deleteInFlight = true;
                return false;
            }
            case "ACKDEL" ->
            {
                final Expectation expectation = model.get(words[1]);
                expectation.acknowledged = null;
                expectation.inFlight.clear();
                expectation.deleteInFlight = false;
                return true;
            }
            default ->
            {
                return false;
            }
        }
    }

    /** Reopens the tier and checks every key against the model; then takes what it found as the new truth. */
    private static void verifyAndAdopt(final Path directory, final Map<String, Expectation> model) throws Exception
    {
        try (FlashTier tier = FlashTier.open(FlashCrashWriter.context(directory, false)))
        {
            final List<String> listed = tier.list("");
            for (final String key : listed)
            {
                assertTrue(model.containsKey(key), "a key that was never written appeared: " + key);
            }
            int present = 0;
            for (final Map.Entry<String, Expectation> item : model.entrySet())
            {
                final String key = item.getKey();
                final Expectation expectation = item.getValue();
                final ByteBuffer value = tier.get(key, 0, -1);
                final String found = value == null ? ABSENT : describe(value);
                final Set<String> allowed = new HashSet<>(expectation.inFlight);
                allowed.add(expectation.acknowledged == null ? ABSENT : expectation.acknowledged);
                if (expectation.deleteInFlight)
                {
                    allowed.add(ABSENT);
                }
                assertTrue(allowed.contains(found), key + ": found " + found + ", expected one of " + allowed +
                    " (acknowledged " + expectation.acknowledged + ")");
                assertTrue(listed.contains(key) == (value != null), key + ": list and get disagree");
                expectation.acknowledged = value == null ? null : found;
                expectation.inFlight.clear();
                expectation.deleteInFlight = false;
                if (value != null)
                {
                    present++;
                }
            }
            final TierStats stats = tier.stats();
            assertTrue(present > 0, "some keys survived");
            System.out.println("crash round: " + present + " keys present, " + stats.corruptions() +
                " damaged records dropped, " + tier.segmentCount() + " segments");
        }
    }

    private static String describe(final ByteBuffer value)
    {
        final CRC32C crc = new CRC32C();
        final int length = value.remaining();
        crc.update(value.duplicate());
        return crc.getValue() + " " + length;
    }
}
