package io.stockengine.engine;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * Kit (bundle) definitions by SKU id: components and units per kit. A kit has no stock of its own.
 * <p>
 * Threading: owned by the logic thread.
 */
public final class Kits
{
    private int[][] components = new int[64][];
    private long[][] units = new long[64][];
    /** How many kits use each SKU as a component. */
    private int[] usedBy = new int[64];
    /** The kits that use each SKU as a component (null = none). */
    private int[][] kitsOf = new int[64][];

    private void ensure(final int sku)
    {
        if (sku >= components.length)
        {
            final int capacity = Math.max(sku + 1, components.length * 2);
            components = Arrays.copyOf(components, capacity);
            units = Arrays.copyOf(units, capacity);
            usedBy = Arrays.copyOf(usedBy, capacity);
            kitsOf = Arrays.copyOf(kitsOf, capacity);
        }
    }

    public boolean isKit(final int sku)
    {
        return sku >= 0 && sku < components.length && components[sku] != null;
    }

    public boolean isComponent(final int sku)
    {
        return sku >= 0 && sku < usedBy.length && usedBy[sku] > 0;
    }

    public int componentCount(final int kit)
    {
        return components[kit].length;
    }

    public int component(final int kit, final int i)
    {
        return components[kit][i];
    }

    public long units(final int kit, final int i)
    {
        return units[kit][i];
    }

    public void define(final int kit, final int count, final int[] skus, final long[] quantities)
    {
        ensure(kit);
        if (components[kit] != null)
        {
            for (final int old : components[kit])
            {
                usedBy[old]--;
                kitsOf[old] = without(kitsOf[old], kit);
            }
        }
        components[kit] = Arrays.copyOf(skus, count);
        units[kit] = Arrays.copyOf(quantities, count);
        for (int i = 0; i < count; i++)
        {
            ensure(skus[i]);
            usedBy[skus[i]]++;
            kitsOf[skus[i]] = kitsOf[skus[i]] == null ? new int[] { kit } :
                appended(kitsOf[skus[i]], kit);
        }
    }

    private static int[] appended(final int[] values, final int value)
    {
        final int[] result = Arrays.copyOf(values, values.length + 1);
        result[values.length] = value;
        return result;
    }

    private static int[] without(final int[] values, final int value)
    {
        if (values == null)
        {
            return null;
        }
        int kept = 0;
        for (final int v : values)
        {
            kept += v != value ? 1 : 0;
        }
        if (kept == 0)
        {
            return null;
        }
        final int[] result = new int[kept];
        int i = 0;
        for (final int v : values)
        {
            if (v != value)
            {
                result[i++] = v;
            }
        }
        return result;
    }

    /** The kits using a SKU as a component, or null. */
    int[] kitsOf(final int sku)
    {
        return sku >= 0 && sku < kitsOf.length ? kitsOf[sku] : null;
    }

    public long hash(final long seed)
    {
        long h = seed;
        for (int k = 0; k < components.length; k++)
        {
            if (components[k] != null)
            {
                h = StateHash.mix(h, k);
                for (int i = 0; i < components[k].length; i++)
                {
                    h = StateHash.mix(h, components[k][i]);
                    h = StateHash.mix(h, units[k][i]);
                }
            }
        }
        for (int sku = 0; sku < usedBy.length; sku++)
        {
            if (usedBy[sku] > 0)
            {
                for (final int kit : kitsOf[sku])
                {
                    h = StateHash.mix(h, kit);
                }
            }
        }
        return h;
    }

    void write(final DataOutput out) throws IOException
    {
        out.writeInt(components.length);
        for (int k = 0; k < components.length; k++)
        {
            out.writeBoolean(components[k] != null);
            if (components[k] != null)
            {
                SnapshotIO.writeInts(out, components[k], components[k].length);
                SnapshotIO.writeLongs(out, units[k], units[k].length);
            }
        }
        SnapshotIO.writeInts(out, usedBy, usedBy.length);
        // The kits of each component in the order they were defined (a redefined kit moves to the end): the order
        // availability changes are reported in, which a rebuild in kit-id order changed after a restart.
        for (int sku = 0; sku < usedBy.length; sku++)
        {
            if (usedBy[sku] > 0)
            {
                SnapshotIO.writeInts(out, kitsOf[sku], kitsOf[sku].length);
            }
        }
    }

    /** @param withOrder false for a snapshot before version 4, without each component's kits in their order. */
    void read(final DataInput in, final boolean withOrder) throws IOException
    {
        final int n = in.readInt();
        components = new int[Math.max(n, 64)][];
        units = new long[components.length][];
        for (int k = 0; k < n; k++)
        {
            if (in.readBoolean())
            {
                components[k] = SnapshotIO.readInts(in, 0);
                units[k] = SnapshotIO.readLongs(in, 0);
            }
        }
        usedBy = SnapshotIO.readInts(in, components.length);
        kitsOf = new int[components.length][];
        if (withOrder)
        {
            for (int sku = 0; sku < usedBy.length; sku++)
            {
                if (usedBy[sku] > 0)
                {
                    kitsOf[sku] = SnapshotIO.readInts(in, 0);
                }
            }
            return;
        }
        for (int k = 0; k < components.length; k++)
        {
            if (components[k] != null)
            {
                for (final int component : components[k])
                {
                    kitsOf[component] = kitsOf[component] == null ? new int[] { k } : appended(kitsOf[component], k);
                }
            }
        }
    }
}
