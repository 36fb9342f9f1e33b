package dev.terrace.node.store;

import dev.terrace.placement.PlacementPolicy;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One tier's placement policy, made safe for the node's many request threads: calls are serialized, extent keys are
 * mapped to the policy's 64-bit ids and back, and evicted keys are handed to a callback outside the lock.
 */
final class TieredPolicy
{
    private final PlacementPolicy policy;
    private final ConcurrentHashMap<Long, String> keys = new ConcurrentHashMap<>();
    private final Consumer<String> onEvict;
    private final ThreadLocal<java.util.ArrayList<String>> evicted = ThreadLocal.withInitial(java.util.ArrayList::new);

    TieredPolicy(final Function<PlacementPolicy.EvictionListener, PlacementPolicy> factory, final Consumer<String> onEvict)
    {
        this.onEvict = onEvict;
        this.policy = factory.apply((id, weight) ->
        {
            final String key = keys.remove(id);
            if (key != null)
            {
                evicted.get().add(key);
            }
        });
    }

    /** Records an access; returns whether the extent is (now) resident by the policy's decision. */
    boolean recordAccess(final String key, final long weight)
    {
        final long id = ExtentIds.of(key);
        final boolean resident;
        synchronized (policy)
        {
            keys.put(id, key);
            resident = policy.recordAccess(id, weight, System.currentTimeMillis());
            if (!resident)
            {
                keys.remove(id);
            }
        }
        drainEvictions();
        return resident;
    }

    /** Makes the extent resident (a write the tier must hold). */
    boolean admit(final String key, final long weight)
    {
        final long id = ExtentIds.of(key);
        final boolean resident;
        synchronized (policy)
        {
            keys.put(id, key);
            resident = policy.admit(id, weight, System.currentTimeMillis());
            if (!resident)
            {
                keys.remove(id);
            }
        }
        drainEvictions();
        return resident;
    }

    boolean contains(final String key)
    {
        synchronized (policy)
        {
            return policy.contains(ExtentIds.of(key));
        }
    }

    void remove(final String key)
    {
        final long id = ExtentIds.of(key);
        synchronized (policy)
        {
            policy.remove(id);
            keys.remove(id);
        }
    }

    long weightedSize()
    {
        synchronized (policy)
        {
            return policy.weightedSize();
        }
    }

    String name()
    {
        return policy.name();
    }

    private void drainEvictions()
    {
        final java.util.ArrayList<String> list = evicted.get();
        if (list.isEmpty())
        {
            return;
        }
        final String[] copy = list.toArray(new String[0]);
        list.clear();
        for (final String key : copy)
        {
            onEvict.accept(key);
        }
    }
}
