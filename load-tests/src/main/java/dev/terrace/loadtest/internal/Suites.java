package dev.terrace.loadtest.internal;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import dev.terrace.loadtest.BenchSuite;
import dev.terrace.loadtest.internal.epochs.EpochsSuite;
import dev.terrace.loadtest.internal.tiers.TiersSuite;
import dev.terrace.loadtest.internal.trace.TraceSuite;

/**
 * The registry of suites {@code bench} knows, in the order a full run executes them.
 */
public final class Suites
{
    private static final Map<String, Supplier<BenchSuite>> SUITES = new LinkedHashMap<>();

    static
    {
        SUITES.put(TiersSuite.NAME, TiersSuite::new);
        SUITES.put(TraceSuite.NAME, TraceSuite::new);
        SUITES.put(EpochsSuite.NAME, EpochsSuite::new);
    }

    /** The suite names for picocli's completion candidates and help. */
    public static final class Names implements Iterable<String>
    {
        @Override
        public Iterator<String> iterator()
        {
            return names().iterator();
        }
    }

    private Suites()
    {
    }

    /** Every suite name, in run order. */
    public static List<String> names()
    {
        return new ArrayList<>(SUITES.keySet());
    }

    /** A new instance of every suite, in run order. */
    public static List<BenchSuite> all()
    {
        return SUITES.values().stream().map(Supplier::get).toList();
    }

    /** A new instance of the named suite. */
    public static Optional<BenchSuite> byName(final String name)
    {
        final Supplier<BenchSuite> supplier = SUITES.get(name);
        return supplier == null ? Optional.empty() : Optional.of(supplier.get());
    }
}
