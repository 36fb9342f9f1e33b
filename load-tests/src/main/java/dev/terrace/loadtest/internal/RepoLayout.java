package dev.terrace.loadtest.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the Terrace checkout the benchmark runs in: the nearest ancestor holding a {@code pom.xml} whose artifactId is
 * {@code terrace-parent} (not as its parent). Results and BENCHMARKS.md are written relative to it.
 */
public final class RepoLayout
{
    private static final String PARENT_MARKER = "<artifactId>terrace-parent</artifactId>";

    private RepoLayout()
    {
    }

    /** The repository root at or above {@code start}, if any. */
    public static Optional<Path> findRoot(final Path start)
    {
        Path dir = start.toAbsolutePath().normalize();
        while (dir != null)
        {
            final Path pom = dir.resolve("pom.xml");
            if (Files.isRegularFile(pom) && isParentPom(pom))
            {
                return Optional.of(dir);
            }
            dir = dir.getParent();
        }
        return Optional.empty();
    }

    /** The root above the working directory, else above wherever this class was loaded from. */
    public static Optional<Path> findRoot()
    {
        final Optional<Path> fromWorkingDir = findRoot(Path.of(System.getProperty("user.dir")));
        if (fromWorkingDir.isPresent())
        {
            return fromWorkingDir;
        }
        try
        {
            final Path codeSource = Path.of(RepoLayout.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return findRoot(codeSource);
        }
        catch (final Exception ex)
        {
            return Optional.empty();
        }
    }

    private static boolean isParentPom(final Path pom)
    {
        try
        {
            // A module's pom names terrace-parent inside its <parent> element: only the project's own artifactId counts.
            final String text = Files.readString(pom).replaceAll("(?s)<parent>.*?</parent>", "");
            return text.contains(PARENT_MARKER);
        }
        catch (final IOException ex)
        {
            return false;
        }
    }
}
