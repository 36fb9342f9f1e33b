package dev.terrace.placement.sim;

import dev.terrace.placement.Policies;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code terrace simulate}: replays a Mooncake-format trace against each policy and prints one table of memory hit
 * ratio, prefix-reuse ratio, flash hit ratio and prefetch accuracy/timeliness. Parses its own arguments (the node's
 * CLI passes them through).
 */
public final class SimulateCommand
{
    /** Exit code for success. */
    public static final int OK = 0;
    /** Exit code for a run that could not complete (unreadable or malformed trace). */
    public static final int FAILED = 1;
    /** Exit code for bad arguments. */
    public static final int USAGE = 2;

    /** The policies {@code --policy all} runs, in table order. */
    public static final List<String> ALL = List.of("lru", "s3fifo", "w-tinylfu", "predictive", BeladyPolicy.NAME);

    static final String USAGE_TEXT = String.join(System.lineSeparator(),
        "usage: terrace simulate --trace FILE --memory-blocks N [--policy P] [--flash-blocks M]",
        "                        [--hint-lookahead-ms L] [--prefetch-rate R]",
        "",
        "Replays a Mooncake-format JSONL trace (one {\"timestamp\", \"hash_ids\"} object per line) and prints,",
        "per policy, the memory hit ratio (per block reference), the prefix-reuse ratio (blocks before each",
        "request's first memory miss), the flash hit ratio and prefetch accuracy and timeliness.",
        "",
        "  --trace FILE            trace to replay (required)",
        "  --memory-blocks N       memory tier capacity in blocks (required, > 0)",
        "  --policy P              one of " + String.join(", ", ALL) + ", or all (default all)",
        "  --flash-blocks M        add a flash tier of M blocks below memory, fed by its evictions",
        "  --hint-lookahead-ms L   emulate a scheduler announcing each request's blocks L ms ahead;",
        "                          hinted blocks are prefetched into memory (not for belady)",
        "  --prefetch-rate R       blocks per second the prefetcher can stage (default 0 = unlimited)",
        "  -h, --help              print this help");

    private SimulateCommand()
    {
    }

    /** Runs the command with {@code System.out}/{@code System.err} and exits with its code. */
    public static void main(final String[] args)
    {
        System.exit(run(args));
    }

    /**
     * Runs the command, printing to {@code System.out} and {@code System.err}.
     *
     * @return {@link #OK}, {@link #FAILED} or {@link #USAGE}.
     */
    public static int run(final String... args)
    {
        return run(System.out, System.err, args);
    }

    /**
     * Runs the command, printing the table to {@code out} and errors to {@code err}.
     *
     * @return {@link #OK}, {@link #FAILED} or {@link #USAGE}.
     */
    public static int run(final PrintStream out, final PrintStream err, final String... args)
    {
        final Arguments arguments;
        try
        {
            arguments = Arguments.parse(args);
        }
        catch (final IllegalArgumentException ex)
        {
            err.println("simulate: " + ex.getMessage());
            err.println(USAGE_TEXT);
            return USAGE;
        }
        if (arguments == null)
        {
            out.println(USAGE_TEXT);
            return OK;
        }
        final Trace trace;
        try
        {
            trace = Trace.load(arguments.trace);
        }
        catch (final IOException ex)
        {
            err.println("simulate: cannot read trace " + arguments.trace + ": " + ex.getMessage());
            return FAILED;
        }
        catch (final IllegalArgumentException ex)
        {
            err.println("simulate: " + ex.getMessage());
            return FAILED;
        }
        final List<SimulationResult> results = new ArrayList<>();
        for (final String policy : arguments.policies)
        {
            results.add(TraceSimulator.run(trace, policy, arguments.options));
        }
        out.print(format(trace, arguments.options, results));
        return OK;
    }

    /** The report: a header describing the run and one row per policy. */
    public static String format(final Trace trace, final SimulationOptions options, final List<SimulationResult> results)
    {
        final StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "trace %s: %d requests, %d block references, %d distinct blocks%n",
            trace.name(), trace.requestCount(), trace.referenceCount(), trace.distinctBlocks()));
        text.append(String.format(Locale.ROOT, "memory %d blocks, flash %s, hints %s%n",
            options.memoryBlocks(),
            options.flash() ? options.flashBlocks() + " blocks" : "none",
            options.hints() ? options.hintLookaheadMs() + " ms ahead, prefetch rate " +
                (options.prefetchPerSecond() == 0 ? "unlimited" :
                    String.format(Locale.ROOT, "%.0f blocks/s", options.prefetchPerSecond())) : "none"));
        text.append(String.format(Locale.ROOT, "%-11s %10s %12s %9s %10s %9s %10s %8s%n",
            "policy", "memory-hit", "prefix-reuse", "flash-hit", "prefetched", "accuracy", "timeliness", "time-ms"));
        for (final SimulationResult result : results)
        {
            text.append(String.format(Locale.ROOT, "%-11s %10.4f %12.4f %9s %10s %9s %10s %8d%n",
                result.policy(),
                result.memoryHitRatio(),
                result.prefixReuseRatio(),
                options.flash() ? String.format(Locale.ROOT, "%.4f", result.flashHitRatio()) : "-",
                options.hints() && !BeladyPolicy.NAME.equals(result.policy()) ? Long.toString(result.prefetched()) : "-",
                orDash(result.prefetchAccuracy()),
                orDash(result.prefetchTimeliness()),
                result.elapsedNanos() / 1_000_000));
        }
        return text.toString();
    }

    private static String orDash(final double value)
    {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.4f", value);
    }

    private static final class Arguments
    {
        private Path trace;
        private List<String> policies = ALL;
        private SimulationOptions options;

        // Returns null when help was asked for.
        static Arguments parse(final String[] args)
        {
            final Arguments parsed = new Arguments();
            long memoryBlocks = -1;
            long flashBlocks = 0;
            long lookahead = -1;
            double rate = 0;
            for (int i = 0; i < args.length; i++)
            {
                String name = args[i];
                String value = null;
                final int equals = name.indexOf('=');
                if (name.startsWith("--") && equals > 0)
                {
                    value = name.substring(equals + 1);
                    name = name.substring(0, equals);
                }
                if ("-h".equals(name) || "--help".equals(name))
                {
                    return null;
                }
                if (!name.startsWith("--"))
                {
                    throw new IllegalArgumentException("unexpected argument '" + name + "'");
                }
                if (value == null)
                {
                    if (i + 1 >= args.length)
                    {
                        throw new IllegalArgumentException(name + " needs a value");
                    }
                    value = args[++i];
                }
                switch (name)
                {
                    case "--trace":
                        parsed.trace = Path.of(value);
                        break;
                    case "--policy":
                        parsed.policies = policies(value);
                        break;
                    case "--memory-blocks":
                        memoryBlocks = positive(name, value);
                        break;
                    case "--flash-blocks":
                        flashBlocks = positive(name, value);
                        break;
                    case "--hint-lookahead-ms":
                        lookahead = number(name, value);
                        if (lookahead < 0)
                        {
                            throw new IllegalArgumentException(name + " must not be negative: " + value);
                        }
                        break;
                    case "--prefetch-rate":
                        rate = rate(name, value);
                        break;
                    default:
                        throw new IllegalArgumentException("unknown option '" + name + "'");
                }
            }
            if (parsed.trace == null)
            {
                throw new IllegalArgumentException("--trace FILE is required");
            }
            if (memoryBlocks < 0)
            {
                throw new IllegalArgumentException("--memory-blocks N is required");
            }
            parsed.options = new SimulationOptions(memoryBlocks, flashBlocks, lookahead, rate);
            return parsed;
        }

        private static List<String> policies(final String value)
        {
            final String key = value.trim().toLowerCase(Locale.ROOT);
            if ("all".equals(key))
            {
                return ALL;
            }
            if (BeladyPolicy.NAME.equals(key))
            {
                return List.of(key);
            }
            try
            {
                return List.of(Policies.create(key, 1, (id, w) -> { }).name());
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IllegalArgumentException("unknown policy '" + value + "': expected one of " +
                    String.join(", ", ALL) + " or all");
            }
        }

        private static long number(final String name, final String value)
        {
            try
            {
                return Long.parseLong(value.trim());
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException(name + " needs an integer, got '" + value + "'");
            }
        }

        private static long positive(final String name, final String value)
        {
            final long n = number(name, value);
            if (n <= 0)
            {
                throw new IllegalArgumentException(name + " must be positive: " + value);
            }
            return n;
        }

        private static double rate(final String name, final String value)
        {
            final double r;
            try
            {
                r = Double.parseDouble(value.trim());
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException(name + " needs a number, got '" + value + "'");
            }
            if (r < 0 || Double.isNaN(r) || Double.isInfinite(r))
            {
                throw new IllegalArgumentException(name + " must be a finite number >= 0: " + value);
            }
            return r;
        }
    }
}
