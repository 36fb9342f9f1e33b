package dev.terrace.node.hints;

import java.util.List;

/**
 * A whole hint as {@code GET /v1/hints/{id}} reports it on any node.
 *
 * @param total       the parts summed: items and bytes added up, byte counts per tier, one state for the hint.
 * @param parts       each node's part as that node reported it.
 * @param unreachable nodes named as holding a part that did not answer.
 */
public record HintView(HintService.Status total, List<HintService.Status> parts, List<String> unreachable)
{
}
