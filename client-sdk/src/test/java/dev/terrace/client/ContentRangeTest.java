package dev.terrace.client;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class ContentRangeTest
{
    @Test
    void readsARangeWithItsTotal()
    {
        final ContentRange range = ContentRange.parse("bytes 100-199/1000");
        assertEquals(new ContentRange(100, 199, 1000), range);
        assertEquals(100, range.length());
    }

    @Test
    void readsAnUnknownTotal()
    {
        assertEquals(new ContentRange(0, 9, -1), ContentRange.parse("bytes 0-9/*"));
    }

    @Test
    void anythingElseIsNull()
    {
        assertNull(ContentRange.parse(null));
        assertNull(ContentRange.parse("bytes */1000"));
        assertNull(ContentRange.parse("items 0-9/10"));
        assertNull(ContentRange.parse("bytes 9-3/10"));
        assertNull(ContentRange.parse("bytes 0-10/10"));
        assertNull(ContentRange.parse("bytes a-b/c"));
    }

    @Test
    void aRangedResultReportsTheWholeObjectSize()
    {
        assertEquals(1000, new GetResult<>(new byte[100], "e", Tier.FLASH, 100, new ContentRange(0, 99, 1000))
            .objectSize());
        assertEquals(100, new GetResult<>(new byte[100], "e", Tier.FLASH, 100, null).objectSize());
    }
}
