package dev.terrace.node.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Malformed HTTP requests drawn from a seeded random: bad names (traversal, NULs, bad escapes, overlong), bad ranges,
 * bad JSON for lookups and hints, wrong and conflicting lengths, truncated and oversized bodies, unknown methods,
 * paths and protocol versions, junk headers, bad durability headers, and downloads abandoned mid-way.
 * <p>
 * A request aimed at one of the {@code kept} items always fails by construction (a bad header, too few bytes, too
 * many announced), so the kept items must read back unchanged however the node handles it. Well-formed writes go to
 * a scratch bucket and namespace only.
 */
final class FuzzCases
{
    /** Traversal attempts end in this file name; the test checks that no such file appears anywhere. */
    static final String ESCAPE = "fuzz-escape";
    static final String SCRATCH_BUCKET = "fuzz-scratch";
    static final String SCRATCH_NAMESPACE = "fuzz-scratch-ns";

    /**
     * One request.
     *
     * @param label             what kind of malformation, for failure reports.
     * @param request           the bytes sent.
     * @param closeOutput       whether the client half-closes after sending (a body cut short).
     * @param head              whether the (last) request is a HEAD.
     * @param mustBeClientError whether every answer must be a 4xx.
     * @param mayGoUnanswered   whether the server may close without an answer (it saw the client give up).
     */
    record FuzzCase(String label, byte[] request, boolean closeOutput, boolean head, boolean mustBeClientError,
        boolean mayGoUnanswered)
    {
        String preview()
        {
            final String text = new String(request, 0, Math.min(request.length, 300), StandardCharsets.ISO_8859_1);
            return text.replace("\r", "\\r").replace("\n", "\\n") + (request.length > 300 ? "...(" + request.length + " bytes)" : "");
        }
    }

    private static final String[] BAD_BUCKETS = {
        "AB", "ab", "a", "-abc", "abc-", "a..b", "UPPERCASE", "a_b", "%2e%2e", "..", ".", "a%00b", "%00%00%00",
        "x".repeat(64), "bucket%2Fx", ".hidden", "%ZZ", "%C3%28", "a%20b", "abc%0d%0aX-Injected:%201", "%2e%2e%2f%2e%2e",
        "b%5Cc", "caf%C3%A9", "%FF%FE", "a%"};
    private static final String[] BAD_KEYS = {
        "../" + ESCAPE, "a/../../" + ESCAPE, "%2e%2e/" + ESCAPE, "%2E%2E%2F" + ESCAPE, "..%2F..%2F" + ESCAPE,
        "a/%2e%2e/%2e%2e/%2e%2e/" + ESCAPE, "./x", "a/./b", "a//b", "%2Fabs", "/abs", ".", "..", "%00", "a%00b", "%01",
        "%1F", "%7F", "%5C", "a%5C..%5C" + ESCAPE, "%", "%Z", "%C3%28", "%ED%A0%80", "k".repeat(1025),
        "%C0%AE%C0%AE/" + ESCAPE, "a/", "a/%2E/b", "..%5C..%5C" + ESCAPE, "%2e%2e", "a/..", "%0d%0aSet-Cookie:%20x=1"};
    private static final String[] BAD_NAMESPACES = {
        "Bad", "_x", "-x", "..", "a..b", "%2e%2e", "x".repeat(64), "ns%2Fx", "ns%00", "%C3%A9", "%ZZ", "n%20s", ".x"};
    private static final String[] BAD_HASHES = {
        "abc", "-1", "18446744073709551616", "99999999999999999999999", "1.5", "0x10", "%201", "1%00", "%EF%BC%91",
        "+1", "1e3", "00000000000000000000001", "%2e%2e", "..", "1%2F2", " 1"};
    private static final String[] BAD_RANGES = {
        "bytes=", "bytes=-", "bytes=a-b", "bytes=9-3", "bytes=99999999999999999999-", "bytes=-0", "bytes=0-0,1-1",
        "bits=0-1", "bytes=--1", "bytes=1-2-3", "bytes = 0-1", "bytes=0x10-", "bytes=-99999999999999999999",
        "bytes=1000000000-", "bytes=\t1-2", "bytes=" + "9".repeat(5000) + "-", "bytes=-1,-1", "bytes=0-1;x", "*",
        "bytes=%30-1", "bytes=١-٢", "bytes=0-18446744073709551615", "bytes=9223372036854775807-"};
    private static final String[] BAD_DURABILITIES = {
        "forever", "", "write_through", "cache,cache", "x".repeat(5000), "caché", "replicated;q=1", "null", "1",
        "write-through-ish", "\"cache\""};
    private static final String[] METHODS = {
        "FOO", "PATCH", "OPTIONS", "TRACE", "CONNECT", "PROPFIND", "MKCOL", "get", "G\u00c9T", "POST", "PUT",
        "DELETE", "HEAD", "GET", "BREW", "X".repeat(100)};
    private static final String[] PATHS = {
        "/", "/v1", "/v1/", "/v1/objects", "/v1/objects/", "/v2/x", "/v1/kv", "/v1/kv/ns", "/v1/kv/ns/1/2",
        "/v1/hints/zzz", "/v1/hints/", "/metrics/x", "/health/x", "/v1/cluster/zzz", "/v1/cluster/nodes/nobody/drain",
        "/internal/v1/slots/99999/import", "/internal/v1/slots/-1/import", "/internal/v1/slots/x/import", "*",
        "http://evil.example/v1/objects/keep-x/a", "//x", "/%", "/%zz", "/v1/mover/zzz", "/v1/node/x",
        "/v1/objects/%2e%2e/%2e%2e", "/v1/kv/ns/lookup/x", "/v1/cluster/slots/x", "/internal", "/internal/v1/slots",
        "/internal/v1/slots/7/import"};

    private static final String JSON_NOISE = "{}[]\",:0-9ex\\\u0000";

    private final Random random;
    private final String host;
    private final List<String> keptObjectPaths;
    private final List<String> keptBlockPaths;
    private final String bigObjectPath;
    private final long maxObjectSize;
    private final long maxKvBlockSize;

    /**
     * @param keptObjectPaths URL paths of the objects stored before the fuzz.
     * @param keptBlockPaths  URL paths of the KV blocks stored before the fuzz.
     * @param bigObjectPath   a kept object of several extents, for abandoned downloads.
     */
    FuzzCases(
        final long seed, final String host, final List<String> keptObjectPaths, final List<String> keptBlockPaths,
        final String bigObjectPath, final long maxObjectSize, final long maxKvBlockSize)
    {
        this.random = new Random(seed);
        this.host = host;
        this.keptObjectPaths = keptObjectPaths;
        this.keptBlockPaths = keptBlockPaths;
        this.bigObjectPath = bigObjectPath;
        this.maxObjectSize = maxObjectSize;
        this.maxKvBlockSize = maxKvBlockSize;
    }

    /** The next request. */
    FuzzCase next()
    {
        final int pick = random.nextInt(100);
        if (pick < 14)
        {
            return badObjectName();
        }
        if (pick < 24)
        {
            return badBlockName();
        }
        if (pick < 33)
        {
            return badRange();
        }
        if (pick < 42)
        {
            return badLookup();
        }
        if (pick < 50)
        {
            return badHint();
        }
        if (pick < 62)
        {
            return wrongLength();
        }
        if (pick < 67)
        {
            return oversized();
        }
        if (pick < 80)
        {
            return unknownMethodOrPath();
        }
        if (pick < 87)
        {
            return badDurability();
        }
        if (pick < 96)
        {
            return junkProtocol();
        }
        return abandonedDownload();
    }

    // ---------------------------------------------------------------- names

    private FuzzCase badObjectName()
    {
        final String method = pick(new String[] {"GET", "PUT", "HEAD", "DELETE"});
        final String path = random.nextBoolean()
            ? "/v1/objects/" + pick(BAD_BUCKETS) + "/" + validKey()
            : "/v1/objects/" + pick(new String[] {"keep-objects", SCRATCH_BUCKET}) + "/" + pick(BAD_KEYS);
        final byte[] body = method.equals("PUT") ? randomBytes(random.nextInt(200)) : null;
        return new FuzzCase("object name", http(method, path, List.of(), body), false, method.equals("HEAD"), true, false);
    }

    private FuzzCase badBlockName()
    {
        final String method = pick(new String[] {"GET", "PUT", "HEAD", "DELETE"});
        final String path = random.nextBoolean()
            ? "/v1/kv/" + pick(BAD_NAMESPACES) + "/" + Long.toUnsignedString(random.nextLong())
            : "/v1/kv/" + pick(new String[] {"keep-ns", SCRATCH_NAMESPACE}) + "/" + pick(BAD_HASHES);
        final byte[] body = method.equals("PUT") ? randomBytes(random.nextInt(200)) : null;
        return new FuzzCase("block name", http(method, path, List.of(), body), false, method.equals("HEAD"), true, false);
    }

    private String validKey()
    {
        return random.nextBoolean() ? "k" + random.nextInt(100) : "dir/sub/k" + random.nextInt(100);
    }

    // ---------------------------------------------------------------- ranges

    private FuzzCase badRange()
    {
        final String range = random.nextInt(4) == 0 ? randomPrintable(1 + random.nextInt(40)) : pick(BAD_RANGES);
        final String path = random.nextBoolean() ? pick(keptObjectPaths) : pick(keptBlockPaths);
        return new FuzzCase("range", http("GET", path, List.of("Range: " + range), null), false, false, false, false);
    }

    // ---------------------------------------------------------------- JSON bodies

    private FuzzCase badLookup()
    {
        final String namespace = random.nextBoolean() ? "keep-ns" : SCRATCH_NAMESPACE;
        final byte[] body = switch (random.nextInt(16))
        {
            case 0 -> randomBytes(random.nextInt(300));
            case 1 -> "{".getBytes(StandardCharsets.UTF_8);
            case 2 -> "[]".getBytes(StandardCharsets.UTF_8);
            case 3 -> "null".getBytes(StandardCharsets.UTF_8);
            case 4 -> "{\"hashes\":5}".getBytes(StandardCharsets.UTF_8);
            case 5 -> "{\"hashes\":[-1]}".getBytes(StandardCharsets.UTF_8);
            case 6 -> "{\"hashes\":[1.5, \"x\", true, {}, null]}".getBytes(StandardCharsets.UTF_8);
            case 7 -> "{\"hashes\":[18446744073709551616]}".getBytes(StandardCharsets.UTF_8);
            case 8 -> ("{\"hashes\":" + "[".repeat(3000) + "]".repeat(3000) + "}").getBytes(StandardCharsets.UTF_8);
            case 9 -> ("{\"hashes\":[" + "9".repeat(20_000) + "]}").getBytes(StandardCharsets.UTF_8);
            case 10 -> manyHashes(70_000);
            case 11 -> "{\"hashes\":[1,2,3],\"hashes\":{}}".getBytes(StandardCharsets.UTF_8);
            case 12 -> "{\"hashes\":[\"-0\", \"\", \" 1\", \"1 \", \"٣\"]}".getBytes(StandardCharsets.UTF_8);
            case 13 -> ("{\"hashes\":[1,2," + "\"" + "x".repeat(10_000) + "\"]}").getBytes(StandardCharsets.UTF_8);
            case 14 -> mutate("{\"hashes\":[1,2,3,\"4\"]}");
            default -> new byte[0];
        };
        return new FuzzCase("lookup json", http("POST", "/v1/kv/" + namespace + "/lookup",
            List.of("Content-Type: application/json"), body), false, false, false, false);
    }

    private byte[] manyHashes(final int count)
    {
        final StringBuilder json = new StringBuilder("{\"hashes\":[");
        for (int i = 0; i < count; i++)
        {
            json.append(i == 0 ? "" : ",").append(random.nextInt(1000));
        }
        return json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    private FuzzCase badHint()
    {
        final byte[] body = switch (random.nextInt(6))
        {
            case 0 -> randomBytes(random.nextInt(300));
            case 1 -> mutate(validHint());
            case 2 -> randomJson(4).getBytes(StandardCharsets.UTF_8);
            case 3 -> ("{\"job\":" + randomJsonValue(3) + ",\"startAt\":" + randomJsonValue(1) + ",\"ttlMs\":" +
                randomJsonValue(1) + ",\"priority\":" + randomJsonValue(1) + ",\"objects\":" + randomJsonValue(3) +
                ",\"kv\":" + randomJsonValue(3) + "}").getBytes(StandardCharsets.UTF_8);
            case 4 -> ("{\"job\":\"j\",\"startInMs\":" + pick(new String[] {"-1", "9223372036854775807", "1e308",
                "\"soon\"", "null", "18446744073709551616"}) + "}").getBytes(StandardCharsets.UTF_8);
            default -> ("{\"job\":\"j\",\"objects\":[{\"bucket\":\"" + pick(BAD_BUCKETS) + "\",\"keys\":[\"" +
                pick(BAD_KEYS) + "\"]}],\"kv\":[{\"namespace\":\"" + pick(BAD_NAMESPACES) + "\",\"hashes\":[" +
                pick(BAD_HASHES) + "]}]}").getBytes(StandardCharsets.UTF_8);
        };
        return new FuzzCase("hint json", http("POST", "/v1/hints", List.of("Content-Type: application/json"), body),
            false, false, false, false);
    }

    private String validHint()
    {
        return "{\"job\":\"fuzz\",\"startInMs\":100,\"ttlMs\":1000,\"priority\":1," +
            "\"objects\":[{\"bucket\":\"keep-objects\",\"keys\":[\"k1\",\"dir/k2\"]},{\"bucket\":\"keep-objects\"," +
            "\"prefix\":\"d\"}],\"kv\":[{\"namespace\":\"keep-ns\",\"hashes\":[1,2,\"3\"]}]}";
    }

    /** A JSON text with a few characters replaced, dropped or duplicated. */
    private byte[] mutate(final String json)
    {
        final StringBuilder text = new StringBuilder(json);
        final int edits = 1 + random.nextInt(4);
        for (int i = 0; i < edits && text.length() > 0; i++)
        {
            final int at = random.nextInt(text.length());
            switch (random.nextInt(3))
            {
                case 0 -> text.setCharAt(at, JSON_NOISE.charAt(random.nextInt(JSON_NOISE.length())));
                case 1 -> text.deleteCharAt(at);
                default -> text.insert(at, text.charAt(at));
            }
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    private String randomJson(final int depth)
    {
        return "{\"" + randomPrintable(5).replace("\"", "").replace("\\", "") + "\":" + randomJsonValue(depth) + "}";
    }

    private String randomJsonValue(final int depth)
    {
        final int kind = random.nextInt(depth > 0 ? 9 : 6);
        return switch (kind)
        {
            case 0 -> "null";
            case 1 -> Boolean.toString(random.nextBoolean());
            case 2 -> Long.toString(random.nextLong());
            case 3 -> Double.toString(random.nextDouble() * Math.pow(10, random.nextInt(40) - 20));
            case 4 -> "\"" + pick(new String[] {"", "k1", "keep-objects", "keep-ns", "..", "\\u0000", "x".repeat(300)}) + "\"";
            case 5 -> pick(new String[] {"18446744073709551616", "-0", "1e999", "-9223372036854775809"});
            case 6, 7 ->
            {
                final StringBuilder array = new StringBuilder("[");
                final int n = random.nextInt(6);
                for (int i = 0; i < n; i++)
                {
                    array.append(i == 0 ? "" : ",").append(randomJsonValue(depth - 1));
                }
                yield array.append(']').toString();
            }
            default ->
            {
                final StringBuilder object = new StringBuilder("{");
                final String[] names = {"job", "bucket", "keys", "prefix", "namespace", "hashes", "startAt", "x"};
                final int n = random.nextInt(5);
                for (int i = 0; i < n; i++)
                {
                    object.append(i == 0 ? "" : ",").append('"').append(pick(names)).append("\":")
                        .append(randomJsonValue(depth - 1));
                }
                yield object.append('}').toString();
            }
        };
    }

    // ---------------------------------------------------------------- lengths

    private FuzzCase wrongLength()
    {
        final String kept = random.nextBoolean() ? pick(keptObjectPaths) : pick(keptBlockPaths);
        switch (random.nextInt(8))
        {
            case 0 ->
            {
                // Fewer bytes than announced, then the client stops: nothing may be stored.
                final int announced = 10 + random.nextInt(200_000);
                final byte[] head = head("PUT", kept, List.of("Content-Length: " + announced));
                return new FuzzCase("truncated body", concat(head, randomBytes(random.nextInt(announced))), true, false,
                    true, true);
            }
            case 1 ->
            {
                // More bytes than announced: the surplus is read as the next request (to the scratch bucket).
                final byte[] body = randomBytes(random.nextInt(100));
                final byte[] head = head("PUT", "/v1/objects/" + SCRATCH_BUCKET + "/surplus" + random.nextInt(50),
                    List.of("Content-Length: " + body.length, "Connection: keep-alive"));
                return new FuzzCase("surplus body", concat(concat(head, body), randomBytes(1 + random.nextInt(200))),
                    true, false, false, true);
            }
            case 2 ->
            {
                if (random.nextInt(5) == 0)
                {
                    // Pekko reads an empty length as 0 and skips spaces between digits ("1 0" is 10): such a request
                    // is a valid PUT as far as the node can tell, so it goes to a scratch name.
                    final String lenient = pick(new String[] {"", "1 0", " 3 "});
                    return new FuzzCase("lenient content-length", concat(head("PUT", "/v1/objects/" + SCRATCH_BUCKET +
                        "/lenient", List.of("Content-Length: " + lenient)), randomBytes(4)), true, false, false, true);
                }
                final String length = pick(new String[] {"abc", "-1", "1e3", "0x10", "10, 10", "99999999999999999999999",
                    "+5", "٥", "5_0", "0x"});
                // Four bytes: any length a lenient parser might read here is at least 5, so the body stays short.
                return new FuzzCase("bad content-length", concat(head("PUT", kept, List.of("Content-Length: " + length)),
                    randomBytes(4)), true, false, true, true);
            }
            case 3 ->
            {
                return new FuzzCase("conflicting content-lengths", concat(head("PUT", kept,
                    List.of("Content-Length: 5", "Content-Length: 6")), randomBytes(4)), true, false, true, true);
            }
            case 4 ->
            {
                final byte[] body = "5\r\nhello\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
                return new FuzzCase("length and chunked", concat(head("PUT", "/v1/objects/" + SCRATCH_BUCKET + "/te",
                    List.of("Content-Length: " + body.length, "Transfer-Encoding: chunked")), body), true, false, false,
                    true);
            }
            case 5 ->
            {
                final String chunks = pick(new String[] {"zz\r\nhello\r\n0\r\n\r\n", "5\r\nhel", "-1\r\n\r\n",
                    "ffffffffffffffffff\r\nx\r\n", "5;\u0000\r\nhello\r\n0\r\n\r\n", "5\r\nhelloXX0\r\n\r\n"});
                return new FuzzCase("bad chunks", concat(head("PUT", kept, List.of("Transfer-Encoding: chunked")),
                    chunks.getBytes(StandardCharsets.ISO_8859_1)), true, false, true, true);
            }
            case 6 ->
            {
                return new FuzzCase("unknown transfer coding", concat(head("PUT", kept,
                    List.of("Transfer-Encoding: " + pick(new String[] {"gzip", "chunked, gzip", "x-fuzz", "chunked, chunked"}))),
                    randomBytes(10)), true, false, true, true);
            }
            default ->
            {
                // A body on a request that takes none, with a wrong length.
                return new FuzzCase("body on GET", concat(head("GET", kept, List.of("Content-Length: 100")),
                    randomBytes(random.nextInt(100))), true, false, false, true);
            }
        }
    }

    private FuzzCase oversized()
    {
        switch (random.nextInt(41))
        {
            case 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 ->
            {
                final long announced = maxObjectSize + 1 + (random.nextBoolean() ? random.nextInt(1000) : 1L << 50);
                return new FuzzCase("oversized object", concat(head("PUT", pick(keptObjectPaths),
                    List.of("Content-Length: " + announced)), randomBytes(random.nextInt(64 * 1024))), false, false, true,
                    false);
            }
            case 10, 11, 12, 13, 14, 15, 16, 17, 18, 19 ->
            {
                final long announced = maxKvBlockSize + 1 + random.nextInt(1000);
                return new FuzzCase("oversized block", concat(head("PUT", pick(keptBlockPaths),
                    List.of("Content-Length: " + announced)), randomBytes(random.nextInt(64 * 1024))), false, false, true,
                    false);
            }
            case 20, 21, 22, 23, 24, 25, 26, 27, 28, 29 ->
            {
                return new FuzzCase("oversized lookup", concat(head("POST", "/v1/kv/keep-ns/lookup",
                    List.of("Content-Length: " + (5L << 20))), randomBytes(1000)), false, false, true, false);
            }
            case 30, 31, 32, 33, 34, 35, 36, 37, 38, 39 ->
            {
                return new FuzzCase("oversized hint", concat(head("POST", "/v1/hints",
                    List.of("Content-Length: " + (17L << 20))), randomBytes(1000)), false, false, true, false);
            }
            default ->
            {
                // Chunked, so the size is only known while reading: a lookup body past its 4 MiB limit (rare: it costs
                // megabytes each time).
                final ByteArrayOutputStream chunked = new ByteArrayOutputStream();
                final byte[] chunk = "1,2,3,4,5,6,7,8,".repeat(4096).getBytes(StandardCharsets.US_ASCII);
                final byte[] open = "{\"hashes\":[".getBytes(StandardCharsets.US_ASCII);
                writeChunk(chunked, open);
                for (int written = 0; written <= 4 << 20; written += chunk.length)
                {
                    writeChunk(chunked, chunk);
                }
                chunked.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                return new FuzzCase("oversized chunked lookup", concat(head("POST", "/v1/kv/keep-ns/lookup",
                    List.of("Transfer-Encoding: chunked")), chunked.toByteArray()), false, false, true, false);
            }
        }
    }

    private static void writeChunk(final ByteArrayOutputStream out, final byte[] chunk)
    {
        out.writeBytes((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(chunk);
        out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    // ---------------------------------------------------------------- methods, paths, protocol

    private FuzzCase unknownMethodOrPath()
    {
        final String method = pick(METHODS);
        final String path;
        switch (random.nextInt(4))
        {
            case 0 -> path = pick(keptObjectPaths);
            case 1 -> path = "/" + randomPathChars(1 + random.nextInt(60));
            default -> path = pick(PATHS);
        }
        final boolean known = method.equals("GET") || method.equals("HEAD") || method.equals("PUT") ||
            method.equals("DELETE") || method.equals("POST");
        // Known methods on kept items would be real reads and writes: those go to the scratch names or junk paths.
        final String target = known && path.startsWith("/v1/objects/keep-") ? "/v1/objects/" + SCRATCH_BUCKET + "/m" : path;
        final byte[] body = method.equals("PUT") || method.equals("POST") ? randomBytes(random.nextInt(100)) : null;
        return new FuzzCase("method/path", http(method, target, List.of(), body), false, method.equals("HEAD"), false,
            false);
    }

    private FuzzCase junkProtocol()
    {
        final String kept = pick(keptObjectPaths);
        final String request = switch (random.nextInt(14))
        {
            case 0 -> "GET " + kept + " HTTP/1.0\r\n\r\n";
            case 1 -> "GET " + kept + " HTTP/2.0\r\nHost: x\r\n\r\n";
            case 2 -> "GET " + kept + " HTTP/9.9\r\nHost: x\r\n\r\n";
            case 3 -> "GET " + kept + "\r\n\r\n";
            case 4 -> "GET " + kept + " HTTP/1.1\r\nConnection: close\r\n\r\n";
            case 5 -> "\r\n\r\n";
            case 6 -> "GET " + kept + " HTTP/1.1\r\nHost: x\r\nno colon here\r\nConnection: close\r\n\r\n";
            case 7 -> "GET " + kept + " HTTP/1.1\r\nHost: x\r\nBad Name: v\r\nConnection: close\r\n\r\n";
            case 8 -> "GET " + kept + " HTTP/1.1\r\nHost: x\r\nX-Big: " + "v".repeat(9000) + "\r\nConnection: close\r\n\r\n";
            case 9 ->
            {
                final StringBuilder many = new StringBuilder("GET " + kept + " HTTP/1.1\r\nHost: x\r\n");
                for (int i = 0; i < 100; i++)
                {
                    many.append("X-H").append(i).append(": v\r\n");
                }
                yield many.append("Connection: close\r\n\r\n").toString();
            }
            case 10 -> "GET /" + "a".repeat(3000) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
            case 11 -> "GET " + kept + " HTTP/1.1\r\nHost: x\r\nX-Bin: \u0001\u00ff\u0000\r\nConnection: close\r\n\r\n";
            case 12 -> "GET " + kept + " HTTP/1.1\r\nHost: x\r\nExpect: something-else\r\nConnection: close\r\n\r\n";
            default -> new String(randomBytes(1 + random.nextInt(400)), StandardCharsets.ISO_8859_1);
        };
        return new FuzzCase("protocol junk", request.getBytes(StandardCharsets.ISO_8859_1), true, false, false, true);
    }

    private FuzzCase badDurability()
    {
        final String durability = pick(BAD_DURABILITIES);
        // An empty header might be dropped on the way and the PUT succeed: that one goes to a scratch name.
        final String kept = durability.isEmpty() ? "/v1/objects/" + SCRATCH_BUCKET + "/d"
            : random.nextBoolean() ? pick(keptObjectPaths) : pick(keptBlockPaths);
        final byte[] body = randomBytes(random.nextInt(1000));
        return new FuzzCase("durability header", http("PUT", kept, List.of("X-Terrace-Durability: " + durability), body),
            false, false, true, false);
    }

    private FuzzCase abandonedDownload()
    {
        final List<String> headers = random.nextBoolean() ? List.of() : List.of("Range: bytes=" + random.nextInt(1000) + "-");
        return new FuzzCase("abandoned download", http("GET", bigObjectPath, headers, null), true, false, false, true);
    }

    // ---------------------------------------------------------------- helpers

    /** A whole request: method, target, extra headers, Host, Connection: close and a Content-Length for the body. */
    byte[] http(final String method, final String target, final List<String> headers, final byte[] body)
    {
        final List<String> all = new ArrayList<>(headers);
        all.add("Connection: close");
        if (body != null)
        {
            all.add("Content-Length: " + body.length);
        }
        return body == null ? head(method, target, all) : concat(head(method, target, all), body);
    }

    /** Request line and headers (with Host), up to and including the empty line. */
    byte[] head(final String method, final String target, final List<String> headers)
    {
        final StringBuilder text = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        text.append("Host: ").append(host).append("\r\n");
        for (final String header : headers)
        {
            text.append(header).append("\r\n");
        }
        return text.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(final byte[] a, final byte[] b)
    {
        final byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private byte[] randomBytes(final int n)
    {
        final byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }

    private String randomPrintable(final int n)
    {
        final StringBuilder text = new StringBuilder(n);
        for (int i = 0; i < n; i++)
        {
            text.append((char)(0x20 + random.nextInt(0x5f)));
        }
        return text.toString();
    }

    /** Characters that may appear in a request target, escapes included. */
    private String randomPathChars(final int n)
    {
        final String alphabet = "abcXYZ019-._~/%2e%2f%00%ff:@!$&'()*+,;=";
        final StringBuilder text = new StringBuilder(n);
        for (int i = 0; i < n; i++)
        {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }

    private <T> T pick(final T[] choices)
    {
        return choices[random.nextInt(choices.length)];
    }

    private <T> T pick(final List<T> choices)
    {
        return choices.get(random.nextInt(choices.size()));
    }
}
