package dev.terrace.node.hints;

import dev.terrace.node.store.ItemKind;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A hint split by node: each node's items in the order the hint lists them, grouped as the hint groups them (a run
 * of one object group's keys, or one KV chain's hashes, stays one group), and the object prefixes every node
 * expands over its own slots.
 */
final class HintPlan
{
    /** Items of one kind and container, in read order. */
    record Group(ItemKind kind, String container, List<String> names)
    {
    }

    private record Run(int source, Group group)
    {
    }

    private final Map<String, List<Run>> runs = new LinkedHashMap<>();
    private final Map<String, List<HintRequest.ObjectGroup>> prefixes = new LinkedHashMap<>();

    /** Adds item {@code name} of source group {@code source} (its index in the hint) to node {@code node}'s part. */
    void add(final String node, final int source, final ItemKind kind, final String container, final String name)
    {
        final List<Run> list = runs.computeIfAbsent(node, n -> new ArrayList<>());
        final Run last = list.isEmpty() ? null : list.get(list.size() - 1);
        if (last != null && last.source() == source)
        {
            last.group().names().add(name);
            return;
        }
        final List<String> names = new ArrayList<>();
        names.add(name);
        list.add(new Run(source, new Group(kind, container, names)));
    }

    /** Adds an object prefix to node {@code node}'s part (it lists the matching objects of its own slots). */
    void addPrefix(final String node, final String bucket, final String prefix)
    {
        prefixes.computeIfAbsent(node, n -> new ArrayList<>()).add(new HintRequest.ObjectGroup(bucket, List.of(), prefix));
        runs.computeIfAbsent(node, n -> new ArrayList<>());
    }

    /** The nodes with a part, in the order they were first named. */
    Set<String> nodes()
    {
        return runs.keySet();
    }

    /** Node {@code node}'s part as a hint request with {@code template}'s job, start, priority and time to live. */
    HintRequest request(final String node, final HintRequest template)
    {
        final List<HintRequest.ObjectGroup> objects = new ArrayList<>(prefixes.getOrDefault(node, List.of()));
        final List<HintRequest.KvChain> kv = new ArrayList<>();
        for (final Run run : runs.getOrDefault(node, List.of()))
        {
            final Group group = run.group();
            if (group.kind() == ItemKind.OBJECT)
            {
                objects.add(new HintRequest.ObjectGroup(group.container(), List.copyOf(group.names()), null));
            }
            else
            {
                final long[] hashes = new long[group.names().size()];
                for (int i = 0; i < hashes.length; i++)
                {
                    hashes[i] = Long.parseUnsignedLong(group.names().get(i));
                }
                kv.add(new HintRequest.KvChain(group.container(), hashes));
            }
        }
        return template.part(objects, kv);
    }
}
