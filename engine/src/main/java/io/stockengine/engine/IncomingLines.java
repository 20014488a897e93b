package io.stockengine.engine;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

import org.agrona.collections.Long2LongHashMap;

/**
 * Purchase-order lines still expected: per (purchase order, balance) the units, expected time and unit cost. Each
 * balance links its lines so available-to-promise by a date walks only that balance's lines.
 * <p>
 * Threading: owned by the logic thread.
 */
public final class IncomingLines
{
    private final CharSequenceIntMap purchaseOrders = new CharSequenceIntMap(64, -1);
    private final Long2LongHashMap lineIndex = new Long2LongHashMap(64, 0.65f, -1L);
    private int purchaseOrderCount;
    private String[] purchaseOrderNames = new String[64];
    private int[] balance = new int[64];
    private int[] next = new int[64];
    private long[] remaining = new long[64];
    private long[] expectedAt = new long[64];
    private long[] unitCost = new long[64];
    private long[] key = new long[64];
    private int high;
    private int free = -1;

    private static long key(final int purchaseOrder, final int b)
    {
        return ((long)purchaseOrder << 32) | (b & 0xFFFF_FFFFL);
    }

    /** @return the line of the purchase order at the balance, or -1. */
    public int find(final CharSequence purchaseOrder, final int b)
    {
        if (b < 0)
        {
            return -1;
        }
        final int po = purchaseOrders.get(purchaseOrder);
        return po < 0 ? -1 : (int)lineIndex.get(key(po, b));
    }

    public long remaining(final int line)
    {
        return remaining[line];
    }

    public long expectedAt(final int line)
    {
        return expectedAt[line];
    }

    public long unitCost(final int line)
    {
        return unitCost[line];
    }

    public int next(final int line)
    {
        return next[line];
    }

    /**
     * Sets what a purchase-order line still expects; a line set to zero is dropped.
     *
     * @return the change in the balance's incoming.
     */
    public long set(final Balances balances, final CharSequence purchaseOrder, final int b, final long units,
        final long expected, final long cost)
    {
        int po = purchaseOrders.get(purchaseOrder);
        if (po < 0)
        {
            po = purchaseOrderCount++;
            if (po == purchaseOrderNames.length)
            {
                purchaseOrderNames = Arrays.copyOf(purchaseOrderNames, po * 2);
            }
            purchaseOrderNames[po] = purchaseOrder.toString();
            purchaseOrders.put(purchaseOrderNames[po], po);
        }
        final long k = key(po, b);
        int line = (int)lineIndex.get(k);
        final long before = line >= 0 ? remaining[line] : 0;
        if (units == 0)
        {
            if (line >= 0)
            {
                unlink(balances, line);
            }
            return -before;
        }
        if (line < 0)
        {
            line = allocate();
            balance[line] = b;
            key[line] = k;
            next[line] = balances.firstIncoming(b);
            balances.firstIncoming(b, line);
            lineIndex.put(k, line);
        }
        remaining[line] = units;
        expectedAt[line] = expected;
        unitCost[line] = cost;
        return units - before;
    }

    /** Meets up to {@code units} of the line; a line met in full is dropped. @return the units met. */
    public long meet(final Balances balances, final int line, final long units)
    {
        final long met = Math.min(units, remaining[line]);
        remaining[line] -= met;
        if (remaining[line] == 0)
        {
            unlink(balances, line);
        }
        return met;
    }

    /** Units of the balance expected at or before {@code date}. */
    public long expectedBy(final Balances balances, final int b, final long date)
    {
        long sum = 0;
        for (int line = balances.firstIncoming(b); line >= 0; line = next[line])
        {
            if (expectedAt[line] <= date)
            {
                sum += remaining[line];
            }
        }
        return sum;
    }

    private int allocate()
    {
        if (free >= 0)
        {
            final int line = free;
            free = next[line];
            return line;
        }
        if (high == balance.length)
        {
            final int capacity = high * 2;
            balance = Arrays.copyOf(balance, capacity);
            next = Arrays.copyOf(next, capacity);
            remaining = Arrays.copyOf(remaining, capacity);
            expectedAt = Arrays.copyOf(expectedAt, capacity);
            unitCost = Arrays.copyOf(unitCost, capacity);
            key = Arrays.copyOf(key, capacity);
        }
        return high++;
    }

    private void unlink(final Balances balances, final int line)
    {
        final int b = balance[line];
        int previous = -1;
        int current = balances.firstIncoming(b);
        while (current != line)
        {
            previous = current;
            current = next[current];
        }
        if (previous < 0)
        {
            balances.firstIncoming(b, next[line]);
        }
        else
        {
            next[previous] = next[line];
        }
        lineIndex.remove(key[line]);
        remaining[line] = 0;
        balance[line] = -1;
        next[line] = free;
        free = line;
    }

    public long hash(final long seed)
    {
        long h = StateHash.mix(seed, high);
        for (int line = 0; line < high; line++)
        {
            if (balance[line] >= 0 && remaining[line] > 0)
            {
                h = StateHash.mix(h, key[line]);
                h = StateHash.mix(h, remaining[line]);
                h = StateHash.mix(h, expectedAt[line]);
                h = StateHash.mix(h, unitCost[line]);
            }
        }
        return h;
    }

    void write(final DataOutput out) throws IOException
    {
        SnapshotIO.writeStrings(out, purchaseOrderNames, purchaseOrderCount);
        out.writeInt(high);
        out.writeInt(free);
        SnapshotIO.writeInts(out, balance, high);
        SnapshotIO.writeInts(out, next, high);
        SnapshotIO.writeLongs(out, remaining, high);
        SnapshotIO.writeLongs(out, expectedAt, high);
        SnapshotIO.writeLongs(out, unitCost, high);
        SnapshotIO.writeLongs(out, key, high);
    }

    void read(final DataInput in) throws IOException
    {
        purchaseOrderNames = SnapshotIO.readStrings(in, 64);
        purchaseOrderCount = 0;
        while (purchaseOrderCount < purchaseOrderNames.length && purchaseOrderNames[purchaseOrderCount] != null)
        {
            purchaseOrders.put(purchaseOrderNames[purchaseOrderCount], purchaseOrderCount);
            purchaseOrderCount++;
        }
        high = in.readInt();
        free = in.readInt();
        balance = SnapshotIO.readInts(in, 64);
        next = SnapshotIO.readInts(in, 64);
        remaining = SnapshotIO.readLongs(in, 64);
        expectedAt = SnapshotIO.readLongs(in, 64);
        unitCost = SnapshotIO.readLongs(in, 64);
        key = SnapshotIO.readLongs(in, 64);
        for (int line = 0; line < high; line++)
        {
            if (balance[line] >= 0 && remaining[line] > 0)
            {
                lineIndex.put(key[line], line);
            }
        }
    }
}
