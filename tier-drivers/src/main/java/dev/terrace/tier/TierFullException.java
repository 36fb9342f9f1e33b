package dev.terrace.tier;

/**
 * The tier has no room for the put, even after reclaiming what it can on its own.
 * Nothing was stored; the previous value under the key, if any, is unchanged.
 */
public class TierFullException extends TierException
{
    private static final long serialVersionUID = 1L;

    public TierFullException(final String message)
    {
        super(message);
    }
}
