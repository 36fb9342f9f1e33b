package dev.terrace.client.internal;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PathCodecTest
{
    @Test
    void keepsUnreservedCharactersAndTheKeysSlashes()
    {
        assertEquals("/v1/objects/my-bucket/a/b.c_d~e-1", PathCodec.objectPath("my-bucket", "a/b.c_d~e-1"));
    }

    @Test
    void encodesEverythingElseAsUtf8PercentEscapes()
    {
        assertEquals("/v1/objects/bkt/a%20b%2Bc%25d%3Fe%23f", PathCodec.objectPath("bkt", "a b+c%d?e#f"));
        assertEquals("/v1/objects/bkt/caf%C3%A9/%F0%9F%98%80", PathCodec.objectPath("bkt", "café/\uD83D\uDE00"));
    }

    @Test
    void encodesTheListingPrefixIncludingSlashes()
    {
        assertEquals("/v1/objects/bkt?prefix=logs%2F2026%20", PathCodec.listPath("bkt", "logs/2026 ", 0));
        assertEquals("/v1/objects/bkt?prefix=&limit=10", PathCodec.listPath("bkt", "", 10));
    }

    @Test
    void writesBlockHashesAsUnsignedDecimals()
    {
        assertEquals("/v1/kv/llama-3_70b/18446744073709551615", PathCodec.blockPath("llama-3_70b", -1L));
        assertEquals("/v1/kv/ns/0", PathCodec.blockPath("ns", 0L));
        assertEquals("/v1/kv/ns/9223372036854775808", PathCodec.blockPath("ns", Long.MIN_VALUE));
        assertEquals("/v1/kv/ns/lookup", PathCodec.lookupPath("ns"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "dir/sub/file.bin", "spaces in name", "100% sure", "a+b=c&d", "ünïcødé/名前",
        "semi;colon:at@comma,", "quote\"apos'", "brackets[]{}", "\uD83D\uDE00 emoji"})
    void oneDecodingGivesBackTheExactKey(final String key)
    {
        final URI uri = URI.create("http://127.0.0.1:8080" + PathCodec.objectPath("bkt", key));
        assertEquals("/v1/objects/bkt/" + key, uri.getPath());
    }
}
