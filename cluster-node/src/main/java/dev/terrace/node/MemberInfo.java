package dev.terrace.node;

import dev.terrace.node.cluster.SlotAllocationStrategy;
import org.apache.pekko.cluster.Member;

/**
 * What a cluster member advertises about itself in its Pekko roles: its node id and its HTTP endpoint. Roles travel
 * with membership gossip, so every node learns every other node's endpoints without an extra protocol.
 */
public final class MemberInfo
{
    /** Role prefix carrying the node id: the one the slot allocation strategy reads. */
    public static final String NODE_ID_ROLE_PREFIX = SlotAllocationStrategy.NODE_ID_ROLE_PREFIX;
    /** Role prefix carrying the HTTP endpoint. */
    public static final String HTTP_ROLE_PREFIX = "terrace-http:";

    private MemberInfo()
    {
    }

    /** The node id a member advertises, or null. */
    public static String nodeId(final Member member)
    {
        return role(member, NODE_ID_ROLE_PREFIX);
    }

    /** The HTTP endpoint a member advertises, or null. */
    public static String httpEndpoint(final Member member)
    {
        return role(member, HTTP_ROLE_PREFIX);
    }

    private static String role(final Member member, final String prefix)
    {
        for (final String role : member.getRoles())
        {
            if (role.startsWith(prefix))
            {
                return role.substring(prefix.length());
            }
        }
        return null;
    }
}
