package dev.terrace.client;

import dev.terrace.protocol.Durability;

/**
 * The node's acknowledgement of a write, returned once the write reached its durability.
 *
 * @param size       bytes stored.
 * @param etag       entity tag of the stored bytes, without quotes.
 * @param durability the durability the write was acknowledged with.
 */
public record PutResult(long size, String etag, Durability durability)
{
}
