package io.stockengine.engine;

import java.util.Arrays;

/**
 * The SKUs whose availability may have changed during one command, each listed once: the balances table reports
 * changes of sellable, safety stock and ring-fences while tracking is on. Feeds the availability stream.
 * <p>
 * Threading: logic thread only.
 */
final class TouchedSkus
{
    boolean enabled;
    private int[] skus = new int[64];
    private int count;
    private int[] stamp = new int[1024];
    private int generation = 1;

    void touch(final int sku)
    {
        if (sku >= stamp.length)
        {
            stamp = Arrays.copyOf(stamp, Math.max(sku + 1, stamp.length * 2));
        }
        if (stamp[sku] != generation)
        {
            stamp[sku] = generation;
            if (count == skus.length)
            {
                skus = Arrays.copyOf(skus, count * 2);
            }
            skus[count++] = sku;
        }
    }

    int count()
    {
        return count;
    }

    int sku(final int i)
    {
        return skus[i];
    }

    void reset()
    {
        count = 0;
        if (++generation == Integer.MAX_VALUE)
        {
            Arrays.fill(stamp, 0);
            generation = 1;
        }
    }
}
