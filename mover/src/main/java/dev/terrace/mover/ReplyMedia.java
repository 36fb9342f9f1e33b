package dev.terrace.mover;

/**
 * How a peer wants to be answered: the {@code Reply Media} byte of a request. A reply always uses the media the
 * request arrived on; a request that asks otherwise is rejected, so a remote peer cannot make a node publish on
 * its local IPC streams.
 */
public enum ReplyMedia
{
    /** Aeron UDP unicast to {@code Reply Host:Reply Port}. */
    UDP(1),
    /** Aeron IPC through the node's own media driver (same-host clients). */
    IPC(2);

    private final int id;

    ReplyMedia(final int id)
    {
        this.id = id;
    }

    /** The wire value. */
    public int id()
    {
        return id;
    }

    /** The media with this wire value, or {@code null} when unknown. */
    public static ReplyMedia get(final int id)
    {
        return id == 1 ? UDP : id == 2 ? IPC : null;
    }
}
