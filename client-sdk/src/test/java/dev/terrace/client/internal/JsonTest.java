package dev.terrace.client.internal;

import dev.terrace.client.ObjectListing;
import dev.terrace.client.PrefixLookup;
import dev.terrace.client.PutResult;
import dev.terrace.client.TerraceException;
import dev.terrace.client.Tier;
import dev.terrace.protocol.Durability;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonTest
{
    private static byte[] utf8(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void lookupRequestSendsHashesAsUnsignedDecimalStrings()
    {
        assertEquals("{\"hashes\":[\"0\",\"42\",\"18446744073709551615\",\"9223372036854775808\"]}",
            new String(Json.lookupRequest(new long[] {0, 42, -1L, Long.MIN_VALUE}), StandardCharsets.UTF_8));
        assertEquals("{\"hashes\":[]}", new String(Json.lookupRequest(new long[0]), StandardCharsets.UTF_8));
    }

    @Test
    void readsAPutAnswer()
    {
        final PutResult result = Json.putResult(200, utf8(
            "{\"bucket\":\"b\",\"key\":\"k\",\"size\":1024,\"etag\":\"\\\"0000abcd-400\\\"\",\"durability\":\"replicated\"}"));
        assertEquals(new PutResult(1024, "0000abcd-400", Durability.REPLICATED), result);
    }

    @Test
    void readsAListing()
    {
        final ObjectListing listing = Json.listing(200, utf8("{\"bucket\":\"b\",\"prefix\":\"a/\",\"objects\":[" +
            "{\"key\":\"a/1\",\"size\":3,\"etag\":\"\\\"00000001-3\\\"\",\"durability\":\"write-through\"}," +
            "{\"key\":\"a/2\",\"size\":0,\"etag\":\"\\\"00000000-0\\\"\",\"durability\":\"cache\",\"new\":1}]," +
            "\"truncated\":true}"), "b", "a/");
        assertEquals(2, listing.objects().size());
        assertEquals("a/1", listing.objects().get(0).key());
        assertEquals(3, listing.objects().get(0).size());
        assertEquals("00000001-3", listing.objects().get(0).etag());
        assertEquals(Durability.WRITE_THROUGH, listing.objects().get(0).durability());
        assertNull(listing.objects().get(0).tier());
        assertEquals(Durability.CACHE, listing.objects().get(1).durability());
        assertTrue(listing.truncated());
    }

    @Test
    void readsAPrefixLookup()
    {
        final PrefixLookup lookup = Json.prefixLookup(200, utf8("{\"prefix\":3,\"tiers\":[\"memory\",\"flash\",\"gpu\"]}"));
        assertEquals(3, lookup.length());
        assertEquals(List.of(Tier.MEMORY, Tier.FLASH, Tier.UNKNOWN), lookup.tiers());
        assertTrue(lookup.isCompleteFor(3));
        assertFalse(lookup.isCompleteFor(4));
        assertEquals(0, Json.prefixLookup(200, utf8("{\"prefix\":0,\"tiers\":[]}")).length());
    }

    @Test
    void aMalformedAnswerIsAnInvalidResponse()
    {
        final TerraceException notJson = assertThrows(TerraceException.class, () -> Json.putResult(200, utf8("<html>")));
        assertEquals("invalid_response", notJson.errorCode());
        final TerraceException noSize = assertThrows(TerraceException.class,
            () -> Json.putResult(200, utf8("{\"etag\":\"x\"}")));
        assertEquals("invalid_response", noSize.errorCode());
        assertThrows(TerraceException.class, () -> Json.listing(200, utf8("{\"objects\":5}"), "b", ""));
        assertThrows(TerraceException.class, () -> Json.prefixLookup(200, utf8("{\"tiers\":[]}")));
    }

    @Test
    void anUnknownDurabilityIsNotAFailure()
    {
        assertNull(Json.putResult(200, utf8("{\"size\":1,\"etag\":\"e\",\"durability\":\"erasure-coded\"}"))
            .durability());
    }
}
