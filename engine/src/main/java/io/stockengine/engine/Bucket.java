package io.stockengine.engine;

/**
 * The physical buckets of one SKU at one location (disjoint, summing to on_hand).
 */
public final class Bucket
{
    public static final int SELLABLE = 0;
    public static final int RESERVED = 1;
    public static final int PICKED = 2;
    public static final int QUALITY_CONTROL = 3;
    public static final int DAMAGED = 4;

    private static final String[] NAMES = { "sellable", "reserved", "picked", "quality_control", "damaged" };

    private Bucket()
    {
    }

    public static String name(final int bucket)
    {
        return bucket >= 0 && bucket < NAMES.length ? NAMES[bucket] : "unknown";
    }

    /** @return the bucket named, or -1. */
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

    /** Buckets that moves, adjustments and counts may touch directly; reserved and picked belong to orders. */
    public static boolean isFree(final int bucket)
    {
        return bucket == SELLABLE || bucket == QUALITY_CONTROL || bucket == DAMAGED;
    }
}
