package dev.terrace.loadtest.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepoLayoutTest
{
    @TempDir
    Path temp;

    @Test
    void findsTheParentPomNotAModuleThatNamesItAsParent() throws IOException
    {
        final Path root = Files.createDirectories(temp.resolve("repo"));
        Files.writeString(root.resolve("pom.xml"),
            "<project><groupId>dev.terrace</groupId><artifactId>terrace-parent</artifactId></project>");
        final Path module = Files.createDirectories(root.resolve("load-tests"));
        Files.writeString(module.resolve("pom.xml"), "<project><parent><groupId>dev.terrace</groupId>"
            + "<artifactId>terrace-parent</artifactId></parent><artifactId>terrace-load-tests</artifactId></project>");
        final Path deep = Files.createDirectories(module.resolve("src/main/java"));

        assertEquals(root.toRealPath(), RepoLayout.findRoot(deep).orElseThrow().toRealPath());
        assertEquals(root.toRealPath(), RepoLayout.findRoot(module).orElseThrow().toRealPath());
    }

    @Test
    void findsNothingOutsideACheckout() throws IOException
    {
        final Path elsewhere = Files.createDirectories(temp.resolve("elsewhere/below"));
        Files.writeString(temp.resolve("elsewhere/pom.xml"), "<project><artifactId>other</artifactId></project>");
        assertTrue(RepoLayout.findRoot(elsewhere).isEmpty() || !RepoLayout.findRoot(elsewhere).get().startsWith(temp));
    }
}
