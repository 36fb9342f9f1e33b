package dev.terrace.node.cluster.protocol;

import java.util.Objects;

/**
 * What a node tells the cluster about itself: where to reach it and how much it holds.
 *
 * @param nodeId            the node's stable id (non-empty); also its cluster role {@code terrace-node-id:<id>}
 * @param httpEndpoint      base URL of its HTTP API, such as {@code http://10.0.0.5:7355}
 * @param dataPlaneEndpoint its Aeron data-plane endpoint ({@code host:port}), empty when it runs none
 * @param startedAtMillis   when the node started, epoch milliseconds
 * @param objects           objects whose metadata it holds
 * @param kvBlocks          KV blocks whose metadata it holds
 * @param cacheItems        items held with {@code cache} durability only (lost if the node dies)
 */
public record NodeInfo(
    String nodeId,
    String httpEndpoint,
    String dataPlaneEndpoint,
    long startedAtMillis,
    long objects,
    long kvBlocks,
    long cacheItems) implements ClusterMessage
{
    /**
     * Validates the fields; a malformed NodeInfo is rejected here whether built locally or read off the wire.
     */
    public NodeInfo
    {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(httpEndpoint, "httpEndpoint");
        Objects.requireNonNull(dataPlaneEndpoint, "dataPlaneEndpoint");
        if (nodeId.isEmpty())
        {
            throw new IllegalArgumentException("nodeId must not be empty");
        }
        if (startedAtMillis < 0 || objects < 0 || kvBlocks < 0 || cacheItems < 0)
        {
            throw new IllegalArgumentException("negative time or count in NodeInfo of " + nodeId);
        }
    }
}
