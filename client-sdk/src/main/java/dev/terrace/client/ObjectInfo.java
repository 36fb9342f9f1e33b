package dev.terrace.client;

import dev.terrace.protocol.Durability;

/**
 * What the node knows about a stored object: from {@code HEAD} or from a listing.
 *
 * @param bucket     the bucket.
 * @param key        the key.
 * @param size       size in bytes ({@code -1} when not reported).
 * @param etag       entity tag without quotes: lower-case hex CRC32C, {@code -}, size in hex.
 * @param tier       where the object's first byte lives now; {@code null} in listings, which do not report it.
 * @param durability the durability it was written with; {@code null} when not reported.
 */
public record ObjectInfo(String bucket, String key, long size, String etag, Tier tier, Durability durability)
{
}
