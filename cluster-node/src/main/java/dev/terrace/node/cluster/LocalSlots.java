package dev.terrace.node.cluster;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Which slots run on this node, and which of them are being handed off. Written by slot entities, read on every
 * request, so it is a plain array of states.
 */
public final class LocalSlots
{
    private static final int INACTIVE = 0;
    private static final int ACTIVE = 1;
    private static final int HANDING_OFF = 2;

    private final AtomicIntegerArray states;

    public LocalSlots(final int slots)
    {
        states = new AtomicIntegerArray(slots);
    }

    void activate(final int slot)
    {
        states.set(slot, ACTIVE);
    }

    void beginHandOff(final int slot)
    {
        states.set(slot, HANDING_OFF);
    }

    void deactivate(final int slot)
    {
        states.set(slot, INACTIVE);
    }

    /** Whether this node owns {@code slot} (including while handing it off: it serves until the hand-off ends). */
    public boolean owns(final int slot)
    {
        return states.get(slot) != INACTIVE;
    }

    /** Whether {@code slot} is being handed off from this node. */
    public boolean handingOff(final int slot)
    {
        return states.get(slot) == HANDING_OFF;
    }

    /** Number of slots this node owns. */
    public int owned()
    {
        int n = 0;
        for (int i = 0; i < states.length(); i++)
        {
            n += states.get(i) != INACTIVE ? 1 : 0;
        }
        return n;
    }

    /** Number of slots being handed off from this node. */
    public int handOffs()
    {
        int n = 0;
        for (int i = 0; i < states.length(); i++)
        {
            n += states.get(i) == HANDING_OFF ? 1 : 0;
        }
        return n;
    }

    public int slots()
    {
        return states.length();
    }
}
