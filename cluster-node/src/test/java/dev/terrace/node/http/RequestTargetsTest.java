package dev.terrace.node.http;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Raw request targets: dot segments in any spelling and invalid UTF-8 are refused; everything else passes untouched.
 */
class RequestTargetsTest
{
    @Test
    void dotSegmentsAreRefusedInEverySpelling()
    {
        for (final String target : new String[] {
            "/v1/objects/b/../x", "/v1/objects/b/./x", "/v1/objects/b/%2e%2e/x", "/v1/objects/b/%2E/x",
            "/v1/objects/b/.%2e/x", "/v1/objects/b/x/..", "/v1/objects/b/x/.?prefix=a", "http://host/v1/objects/../b/k",
            "/.."})
        {
            assertNotNull(RequestTargets.pathProblem(target), target);
        }
    }

    @Test
    void badEscapesAndInvalidUtf8AreRefused()
    {
        for (final String target : new String[] {"/v1/objects/b/%C3%28", "/v1/objects/b/%ED%A0%80", "/v1/objects/b/%",
            "/v1/objects/b/a%4", "/v1/objects/b/%zz", "/v1/objects/b/%C0%AE"})
        {
            assertNotNull(RequestTargets.pathProblem(target), target);
        }
    }

    @Test
    void ordinaryTargetsPass()
    {
        for (final String target : new String[] {"/v1/objects/b/k", "/v1/objects/b/a.b/..c/c..", "/v1/objects/b/%2E%2Ex",
            "/v1/objects/b/dir/%2e%2e%2Fx", "/v1/objects/b?prefix=../x", "/v1/objects/b/caf%C3%A9", "/", "*",
            "http://host:8080/v1/kv/ns/1", "/v1/objects/b/k#..", "/v1/objects/b/a%20b"})
        {
            assertNull(RequestTargets.pathProblem(target), target);
        }
    }
}
