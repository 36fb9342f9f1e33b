package dev.terrace.client;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class TierTest
{
    @Test
    void readsTheWireNames()
    {
        assertEquals(Tier.MEMORY, Tier.fromWireName("memory"));
        assertEquals(Tier.FLASH, Tier.fromWireName(" flash "));
        assertEquals(Tier.CAPACITY, Tier.fromWireName("CAPACITY"));
    }

    @Test
    void absentOrNoTierIsNullAndANewerNameIsUnknown()
    {
        assertNull(Tier.fromWireName(null));
        assertNull(Tier.fromWireName("none"));
        assertNull(Tier.fromWireName(""));
        assertEquals(Tier.UNKNOWN, Tier.fromWireName("gpu-hbm"));
    }
}
