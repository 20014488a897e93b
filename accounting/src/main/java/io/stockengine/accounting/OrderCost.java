package io.stockengine.accounting;

import java.util.Arrays;

/**
 * What the ledger keeps of one order: each line's SKU, location and kit factor (line events name only the order and
 * the line number) and the units shipped and returned with their cost, so a return re-enters at the cost the units
 * left with. Rows of {@code order_line}. Lines with factor 0 are kit lines: they move no stock of their own.
 * <p>
 * Threading: the consumer's thread.
 */
final class OrderCost
{
    /** The line number of the row that stands for a reservation whose lines were not seen yet. */
    static final int HEADER = -1;

    final String id;
    /** Seq of the reservation: an order id the engine forgot may be reserved again, as a new order. */
    final long reserveSeq;
    int lineCount;
    int[] sku;
    int[] location;
    long[] factor;
    long[] shippedUnits;
    long[] shippedValue;
    long[] returnedUnits;
    long[] returnedValue;
    boolean[] lineDirty;
    /** The line has a row in the database (so a change is an UPDATE, not an INSERT). */
    boolean[] lineStored;
    /** Shipped, cancelled or expired: only returns can name it now. */
    boolean finished;
    /**
     * Finished, or read back from the database: dropped from memory after the next commit (an event that names it
     * again reads it back).
     */
    boolean evict;
    /** The database has rows for it (lines, or the reservation alone). */
    boolean persisted;
    boolean dirty;

    /** A row numbered {@link #HEADER} is in the database: it goes once the lines are there to find the order by. */
    boolean headerStored;

    OrderCost(final String id, final long reserveSeq, final int lines)
    {
        this.id = id;
        this.reserveSeq = reserveSeq;
        final int capacity = Math.max(1, lines);
        sku = new int[capacity];
        location = new int[capacity];
        factor = new long[capacity];
        shippedUnits = new long[capacity];
        shippedValue = new long[capacity];
        returnedUnits = new long[capacity];
        returnedValue = new long[capacity];
        lineDirty = new boolean[capacity];
        lineStored = new boolean[capacity];
    }

    void line(final int n, final int lineSku, final int lineLocation, final long lineFactor)
    {
        ensure(n + 1);
        sku[n] = lineSku;
        location[n] = lineLocation;
        factor[n] = lineFactor;
        lineDirty[n] = true;
        lineCount = Math.max(lineCount, n + 1);
    }

    /** True when any line shipped a unit: a return may name the order. */
    boolean shippedAny()
    {
        for (int n = 0; n < lineCount; n++)
        {
            if (shippedUnits[n] > 0)
            {
                return true;
            }
        }
        return false;
    }

    boolean hasLine(final int n)
    {
        return n >= 0 && n < lineCount;
    }

    private void ensure(final int lines)
    {
        if (lines > sku.length)
        {
            final int capacity = Math.max(lines, sku.length * 2);
            sku = Arrays.copyOf(sku, capacity);
            location = Arrays.copyOf(location, capacity);
            factor = Arrays.copyOf(factor, capacity);
            shippedUnits = Arrays.copyOf(shippedUnits, capacity);
            shippedValue = Arrays.copyOf(shippedValue, capacity);
            returnedUnits = Arrays.copyOf(returnedUnits, capacity);
            returnedValue = Arrays.copyOf(returnedValue, capacity);
            lineDirty = Arrays.copyOf(lineDirty, capacity);
            lineStored = Arrays.copyOf(lineStored, capacity);
        }
    }

    /** Restores a line read from the database. */
    void restore(final int n, final int lineSku, final int lineLocation, final long lineFactor, final long shipped,
        final long shippedCost, final long returned, final long returnedCost)
    {
        line(n, lineSku, lineLocation, lineFactor);
        shippedUnits[n] = shipped;
        shippedValue[n] = shippedCost;
        returnedUnits[n] = returned;
        returnedValue[n] = returnedCost;
        lineDirty[n] = false;
        lineStored[n] = true;
    }

    /** The value of {@code units} returned units of line {@code n}: their share of what shipped and is not back. */
    long returnValue(final int n, final long units, final long seq)
    {
        final long out = shippedUnits[n] - returnedUnits[n];
        if (units > out)
        {
            throw new IllegalStateException("event seq " + seq + " returns " + units + " units of line " + n +
                " of order '" + id + "' but the ledger saw only " + out + " shipped and not returned");
        }
        return Money.share(shippedValue[n] - returnedValue[n], units, out);
    }
}
