package io.stockengine.engine;

/**
 * Reasons an adjustment or move carries. Journaled as their ordinal.
 */
public final class Reason
{
    public static final int NONE = 0;
    public static final int LOST = 1;
    public static final int FOUND = 2;
    public static final int THEFT = 3;
    public static final int CORRECTION = 4;
    public static final int WRITE_OFF = 5;
    public static final int DAMAGE = 6;
    public static final int REGRADE = 7;

    private static final String[] NAMES = { "none", "lost", "found", "theft", "correction", "write_off", "damage", "regrade" };

    private Reason()
    {
    }

    public static String name(final int reason)
    {
        return reason >= 0 && reason < NAMES.length ? NAMES[reason] : "unknown";
    }

    /** @return the reason named, or -1. */
    public static int parse(final String name)
    {
        for (int i = 0; i < NAMES.length; i++)
        {
            if (NAMES[i].equals(name))
            {
                return i;
            }
        }
        return -1;
    }
}
