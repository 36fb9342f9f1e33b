package dev.terrace.loadtest.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.terrace.loadtest.SuiteResult;

/**
 * Reads and writes the per-suite JSON files: {@code <results dir>/<suite>.json}.
 */
public final class ResultStore
{
    private static final ObjectMapper MAPPER = new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ResultStore()
    {
    }

    /** Writes {@code result} as {@code dir/<suite>.json}, replacing an earlier one, and returns the file. */
    public static Path write(final Path dir, final SuiteResult result) throws IOException
    {
        Files.createDirectories(dir);
        final Path file = dir.resolve(result.suite() + ".json");
        final Path temp = dir.resolve(result.suite() + ".json.tmp");
        MAPPER.writeValue(temp.toFile(), result);
        Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    /** Reads one result file. */
    public static SuiteResult read(final Path file) throws IOException
    {
        return MAPPER.readValue(file.toFile(), SuiteResult.class);
    }

    /** Every suite result in {@code dir}, ordered by suite name; unreadable files are skipped. */
    public static List<SuiteResult> readDir(final Path dir) throws IOException
    {
        final List<SuiteResult> results = new ArrayList<>();
        if (!Files.isDirectory(dir))
        {
            return results;
        }
        try (Stream<Path> files = Files.list(dir))
        {
            for (final Path file : files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList())
            {
                try
                {
                    results.add(read(file));
                }
                catch (final IOException ex)
                {
                    System.err.println("ignoring unreadable result " + file + ": " + ex.getMessage());
                }
            }
        }
        return results;
    }

    /**
     * The latest full (not quick) result of each suite found in any run folder under {@code resultsRoot}, by suite name.
     * A skipped or failed full run counts as the latest: BENCHMARKS.md must say so rather than show older figures.
     */
    public static Map<String, SuiteResult> latestFullRuns(final Path resultsRoot) throws IOException
    {
        final Map<String, SuiteResult> latest = new LinkedHashMap<>();
        if (!Files.isDirectory(resultsRoot))
        {
            return latest;
        }
        final List<Path> runDirs;
        try (Stream<Path> dirs = Files.list(resultsRoot))
        {
            runDirs = dirs.filter(Files::isDirectory).toList();
        }
        final List<SuiteResult> all = new ArrayList<>();
        for (final Path runDir : runDirs)
        {
            for (final SuiteResult result : readDir(runDir))
            {
                if (result.run() != null && !result.run().quick())
                {
                    all.add(result);
                }
            }
        }
        all.sort(Comparator.comparing((SuiteResult r) -> r.suite()).thenComparing(r -> r.run().startedAt()));
        for (final SuiteResult result : all)
        {
            latest.put(result.suite(), result);
        }
        return latest;
    }
}
