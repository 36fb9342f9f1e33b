package dev.terrace.client;

import java.util.List;

/**
 * One answer of {@code GET /v1/objects/{bucket}?prefix=&limit=}.
 *
 * @param bucket    the bucket listed.
 * @param prefix    the key prefix that was asked for.
 * @param objects   matching objects sorted by key (each with a {@code null} tier).
 * @param truncated whether more objects match than the node returned.
 */
public record ObjectListing(String bucket, String prefix, List<ObjectInfo> objects, boolean truncated)
{
    public ObjectListing
    {
        objects = List.copyOf(objects);
    }
}
