package dev.terrace.client;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TerraceClientBuilderTest
{
    private static String problems(final TerraceClient.Builder builder)
    {
        return assertThrows(IllegalArgumentException.class, builder::build).getMessage();
    }

    @Test
    void buildsWithOneEndpointAndDefaults()
    {
        try (TerraceClient client = TerraceClient.builder().endpoint("http://127.0.0.1:8080").build())
        {
            assertEquals(List.of("http://127.0.0.1:8080"), client.endpoints());
        }
    }

    @Test
    void normalisesEndpoints()
    {
        try (TerraceClient client = TerraceClient.builder()
            .endpoints("HTTP://node-1:8080/", " http://node-2:8080 ", "https://proxy.example/terrace//")
            .build())
        {
            assertEquals(List.of("http://node-1:8080", "http://node-2:8080", "https://proxy.example/terrace"),
                client.endpoints());
        }
    }

    @Test
    void requiresAnEndpoint()
    {
        assertTrue(problems(TerraceClient.builder()).contains("at least one endpoint is required"));
    }

    @Test
    void rejectsEndpointsThatAreNotPlainHttpBaseUris()
    {
        assertTrue(problems(TerraceClient.builder().endpoint("127.0.0.1:8080")).contains("http://"));
        assertTrue(problems(TerraceClient.builder().endpoint("ftp://host/")).contains("http://"));
        assertTrue(problems(TerraceClient.builder().endpoint("http:///v1")).contains("no host"));
        assertTrue(problems(TerraceClient.builder().endpoint("http://host:8080/?a=b")).contains("query"));
        assertTrue(problems(TerraceClient.builder().endpoint("http://user:pw@host:8080")).contains("user info"));
        assertTrue(problems(TerraceClient.builder().endpoint("http://host/#frag")).contains("fragment"));
        assertTrue(problems(TerraceClient.builder().endpoint("http://bad host")).contains("not a URI"));
        assertTrue(problems(TerraceClient.builder().endpoint("")).contains("must not be empty"));
    }

    @Test
    void rejectsNonPositiveTimeoutsNegativeRetriesAndAnInvertedBackoff()
    {
        final String message = problems(TerraceClient.builder()
            .endpoint("http://127.0.0.1:8080")
            .requestTimeout(Duration.ZERO)
            .connectTimeout(Duration.ofSeconds(-1))
            .maxRetries(-1)
            .backoffBase(Duration.ofSeconds(5))
            .backoffMax(Duration.ofSeconds(1))
            .batchParallelism(0));
        assertTrue(message.contains("requestTimeout must be a positive duration"), message);
        assertTrue(message.contains("connectTimeout must be a positive duration"), message);
        assertTrue(message.contains("maxRetries must not be negative"), message);
        assertTrue(message.contains("backoffMax (PT1S) must not be below backoffBase (PT5S)"), message);
        assertTrue(message.contains("batchParallelism must be at least 1"), message);
    }

    @Test
    void rejectsMissingDurations()
    {
        final String message = problems(TerraceClient.builder()
            .endpoint("http://127.0.0.1:8080").requestTimeout(null).backoffBase(null));
        assertTrue(message.contains("requestTimeout must be a positive duration: null"), message);
        assertTrue(message.contains("backoffBase must be a positive duration: null"), message);
    }

    @Test
    void zeroRetriesIsAllowed()
    {
        TerraceClient.builder().endpoint("http://127.0.0.1:8080").maxRetries(0).build().close();
    }

    @Test
    void aClosedClientRefusesCalls()
    {
        final TerraceClient client = TerraceClient.builder().endpoint("http://127.0.0.1:8080").build();
        client.close();
        client.close();
        assertThrows(IllegalStateException.class, () -> client.get("bucket", "key"));
        assertTrue(client.headAsync("bucket", "key").isCompletedExceptionally());
    }
}
