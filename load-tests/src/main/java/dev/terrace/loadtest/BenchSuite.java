package dev.terrace.loadtest;

/**
 * One benchmark suite of {@code bench}: it measures Terrace and, in the same run and on the same directory or memory,
 * the physical baseline Terrace is judged against, and returns both with their ratios.
 * <p>
 * A suite never drops a measurement silently: when a tool it needs is missing and cannot be installed, it returns
 * {@link SuiteResult#skipped} with the reason. A suite prints one progress line per step through
 * {@link BenchContext#progress(String)}.
 */
public interface BenchSuite
{
    /** The name used on the command line and for the result files, e.g. {@code tiers}. */
    String name();

    /** One line saying what the suite measures and against what. */
    String title();

    /**
     * Runs the suite.
     *
     * @param context where to put scratch data, whether this is a quick run, and where progress goes.
     * @return what was measured; never {@code null}.
     * @throws Exception when the suite fails; the command records it as a failed suite and goes on with the next.
     */
    SuiteResult run(BenchContext context) throws Exception;
}
