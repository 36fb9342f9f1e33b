package dev.terrace.placement;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The contract every {@link PlacementPolicy} keeps, checked against a model of the resident set that is built only
 * from what the policy reports (return values and evictions).
 */
class PolicyContractTest
{
    /** Makes a policy under test. */
    interface Factory
    {
        PlacementPolicy create(long capacity, PlacementPolicy.EvictionListener listener);
    }

    static Stream<Arguments> policies()
    {
        final List<Arguments> all = new ArrayList<>();
        for (final String name : Policies.NAMES)
        {
            all.add(Arguments.of(name, (Factory)(capacity, listener) -> Policies.create(name, capacity, listener)));
        }
        for (final PredictivePolicy.Mode mode : PredictivePolicy.Mode.values())
        {
            all.add(Arguments.of("predictive/" + mode,
                (Factory)(capacity, listener) -> PredictivePolicy.fixed(capacity, listener, mode)));
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void residentSetMatchesWhatThePolicyReports(final String name, final Factory factory)
    {
        final Model model = new Model();
        final long capacity = 60;
        final PlacementPolicy policy = factory.create(capacity, model::onEvict);
        final SplittableRandom random = new SplittableRandom(name.hashCode());
        final long universe = 400;
        final long[] chain = new long[8];
        for (int op = 0; op < 30_000; op++)
        {
            final long id = random.nextLong(universe);
            final long weight = 1 + Math.floorMod(id * 31, 4);
            final int kind = random.nextInt(20);
            if (kind == 0)
            {
                final long before = policy.weightedSize();
                final Long modelWeight = model.resident.get(id);
                policy.remove(id);
                assertEquals(0, model.takeEvictions(), "remove() must not report an eviction");
                assertFalse(policy.contains(id));
                if (modelWeight != null)
                {
                    model.resident.remove(id);
                    assertEquals(before - modelWeight, policy.weightedSize());
                }
                else
                {
                    assertEquals(before, policy.weightedSize());
                }
            }
            else if (kind == 1)
            {
                final boolean resident = policy.admit(id, weight, op);
                model.record(id, weight, resident);
                assertEquals(resident, policy.contains(id));
            }
            else if (kind == 2)
            {
                // A request reading a chain: announced first, then read in order.
                final int length = 1 + random.nextInt(chain.length);
                final long root = random.nextLong(universe);
                for (int i = 0; i < length; i++)
                {
                    chain[i] = (root + i) % universe;
                }
                policy.beginChain(chain, length, op);
                for (int i = 0; i < length; i++)
                {
                    final long w = 1 + Math.floorMod(chain[i] * 31, 4);
                    final boolean resident = policy.recordAccess(chain[i], w, op);
                    model.record(chain[i], w, resident);
                    assertEquals(resident, policy.contains(chain[i]));
                }
            }
            else
            {
                final boolean resident = policy.recordAccess(id, weight, op);
                model.record(id, weight, resident);
                assertEquals(resident, policy.contains(id), "recordAccess() returns whether the id is resident");
            }
            model.takeEvictions();
            if (op % 7 == 0)
            {
                model.check(policy, universe, capacity);
            }
        }
        model.check(policy, universe, capacity);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void evictionsCarryTheWeightLastRecorded(final String name, final Factory factory)
    {
        final Model model = new Model();
        final PlacementPolicy policy = factory.create(20, model::onEvict);
        for (long id = 0; id < 200; id++)
        {
            // Every id is read twice with a different weight: the second weight is the one reported on eviction.
            model.record(id, 1, policy.recordAccess(id, 1, id));
            model.record(id, 3, policy.recordAccess(id, 3, id));
            model.check(policy, 200, 20);
        }
        assertTrue(model.evictions > 0, "the test must cause evictions");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void anItemHeavierThanTheCapacityIsNotAdmitted(final String name, final Factory factory)
    {
        final Model model = new Model();
        final PlacementPolicy policy = factory.create(10, model::onEvict);
        for (long id = 0; id < 5; id++)
        {
            model.record(id, 2, policy.recordAccess(id, 2, 0));
        }
        final int before = policy.size();
        assertFalse(policy.recordAccess(99, 11, 0));
        assertFalse(policy.admit(98, 11, 0));
        assertFalse(policy.contains(99));
        assertEquals(0, model.evictions, "rejecting an oversized item evicts nothing");
        assertEquals(before, policy.size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void aFrequentlyReadItemSurvivesAStreamOfOneTimeItems(final String name, final Factory factory)
    {
        final Model model = new Model();
        final PlacementPolicy policy = factory.create(100, model::onEvict);
        final long hot = 7;
        int hotHits = 0;
        for (long i = 0; i < 10_000; i++)
        {
            if (policy.contains(hot))
            {
                hotHits++;
            }
            model.record(hot, 1, policy.recordAccess(hot, 1, i));
            model.record(1_000 + i, 1, policy.recordAccess(1_000 + i, 1, i));
        }
        assertTrue(policy.contains(hot));
        assertTrue(hotHits >= 9_990, name + " hot hits " + hotHits);
        model.check(policy, 0, 100);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void admitMakesAnItemResidentWithoutItBeingAHit(final String name, final Factory factory)
    {
        final Model model = new Model();
        final PlacementPolicy policy = factory.create(10, model::onEvict);
        assertTrue(policy.admit(5, 1, 0));
        assertTrue(policy.contains(5));
        assertEquals(1, policy.size());
        assertEquals(1, policy.weightedSize());
        assertTrue(policy.admit(5, 1, 0), "admitting a resident item keeps it");
        assertEquals(1, policy.size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void sameInputsGiveSameDecisions(final String name, final Factory factory)
    {
        final List<Long> first = new ArrayList<>();
        final List<Long> second = new ArrayList<>();
        final PlacementPolicy a = factory.create(50, (id, w) -> first.add(id));
        final PlacementPolicy b = factory.create(50, (id, w) -> second.add(id));
        final SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 20_000; i++)
        {
            final long id = (long)Math.abs(random.nextGaussian() * 80);
            a.recordAccess(id, 1, i);
            b.recordAccess(id, 1, i);
        }
        assertEquals(first, second);
        assertTrue(first.size() > 1000);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policies")
    void rejectsInvalidArguments(final String name, final Factory factory)
    {
        assertThrows(IllegalArgumentException.class, () -> factory.create(0, (id, w) -> { }));
        final PlacementPolicy policy = factory.create(10, (id, w) -> fail("nothing to evict"));
        assertThrows(IllegalArgumentException.class, () -> policy.recordAccess(1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> policy.admit(1, -5, 0));
        policy.remove(12345);
        assertEquals(0, policy.size());
        assertEquals(10, policy.capacity());
        assertNotNull(policy.name());
    }

    /** What the policy has told us: resident ids and their weights. */
    private static final class Model
    {
        private final Map<Long, Long> resident = new HashMap<>();
        private int evictions;
        private int pendingEvictions;

        void onEvict(final long id, final long weight)
        {
            final Long known = resident.remove(id);
            if (known == null)
            {
                fail("evicted " + id + " which is not resident (or was already reported)");
            }
            assertEquals(known.longValue(), weight, "eviction of " + id + " reports the wrong weight");
            evictions++;
            pendingEvictions++;
        }

        // After a call that recorded id with weight: it is resident (with that weight) exactly when the call says so.
        void record(final long id, final long weight, final boolean residentAfter)
        {
            if (residentAfter)
            {
                resident.put(id, weight);
            }
            else
            {
                assertFalse(resident.containsKey(id), "not resident but never reported evicted: " + id);
            }
        }

        int takeEvictions()
        {
            final int n = pendingEvictions;
            pendingEvictions = 0;
            return n;
        }

        void check(final PlacementPolicy policy, final long universe, final long capacity)
        {
            long weight = 0;
            for (final Map.Entry<Long, Long> e : resident.entrySet())
            {
                assertTrue(policy.contains(e.getKey()), "model says resident: " + e.getKey());
                weight += e.getValue();
            }
            for (long id = 0; id < universe; id++)
            {
                assertEquals(resident.containsKey(id), policy.contains(id), "contains(" + id + ")");
            }
            assertEquals(resident.size(), policy.size(), "size()");
            assertEquals(weight, policy.weightedSize(), "weightedSize()");
            assertTrue(policy.weightedSize() <= capacity, "capacity exceeded: " + policy.weightedSize());
        }
    }
}
