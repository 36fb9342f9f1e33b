package dev.terrace.protocol;

/**
 * HTTP header names shared by the node and the SDK.
 */
public final class TerraceHeaders
{
    /** Response: the tier the bytes were served from ({@code memory|flash|capacity}). */
    public static final String TIER = "X-Terrace-Tier";
    /** Request: the durability class of a write ({@code write-through|replicated|cache}). */
    public static final String DURABILITY = "X-Terrace-Durability";

    private TerraceHeaders()
    {
    }
}
