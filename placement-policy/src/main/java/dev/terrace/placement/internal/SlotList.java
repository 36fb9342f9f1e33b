package dev.terrace.placement.internal;

/**
 * A doubly-linked list of slots of one {@link EntryTable}, through the table's intrusive links: O(1) append,
 * removal and move-to-back, and a running total of the members' weights. A slot is in at most one list.
 * The first slot is the oldest (the LRU or FIFO head), the last the newest.
 */
public final class SlotList
{
    private final EntryTable table;
    private int head = EntryTable.NONE;
    private int tail = EntryTable.NONE;
    private int size;
    private long weight;

    /**
     * @param table the table whose slots this list links.
     */
    public SlotList(final EntryTable table)
    {
        this.table = table;
    }

    /** The oldest slot, or {@link EntryTable#NONE}. */
    public int first()
    {
        return head;
    }

    /** The newest slot, or {@link EntryTable#NONE}. */
    public int last()
    {
        return tail;
    }

    /** Number of slots in the list. */
    public int size()
    {
        return size;
    }

    /** Sum of the members' weights. */
    public long weight()
    {
        return weight;
    }

    /** Whether the list is empty. */
    public boolean isEmpty()
    {
        return size == 0;
    }

    /** Appends an unlinked slot as the newest. */
    public void addLast(final int slot)
    {
        table.prev(slot, tail);
        table.next(slot, EntryTable.NONE);
        if (tail == EntryTable.NONE)
        {
            head = slot;
        }
        else
        {
            table.next(tail, slot);
        }
        tail = slot;
        size++;
        weight += table.weight(slot);
    }

    /** Inserts an unlinked slot as the oldest. */
    public void addFirst(final int slot)
    {
        table.next(slot, head);
        table.prev(slot, EntryTable.NONE);
        if (head == EntryTable.NONE)
        {
            tail = slot;
        }
        else
        {
            table.prev(head, slot);
        }
        head = slot;
        size++;
        weight += table.weight(slot);
    }

    /** Unlinks a member slot. */
    public void remove(final int slot)
    {
        final int p = table.prev(slot);
        final int n = table.next(slot);
        if (p == EntryTable.NONE)
        {
            head = n;
        }
        else
        {
            table.next(p, n);
        }
        if (n == EntryTable.NONE)
        {
            tail = p;
        }
        else
        {
            table.prev(n, p);
        }
        table.prev(slot, EntryTable.NONE);
        table.next(slot, EntryTable.NONE);
        size--;
        weight -= table.weight(slot);
    }

    /** Unlinks and returns the oldest slot, or {@link EntryTable#NONE} when empty. */
    public int pollFirst()
    {
        final int slot = head;
        if (slot != EntryTable.NONE)
        {
            remove(slot);
        }
        return slot;
    }

    /** Moves a member slot to the newest position. */
    public void moveToLast(final int slot)
    {
        if (slot != tail)
        {
            remove(slot);
            addLast(slot);
        }
    }

    /** Records that a member's weight changed from {@code oldWeight} to its current table weight. */
    public void reweigh(final int slot, final long oldWeight)
    {
        weight += table.weight(slot) - oldWeight;
    }
}
