package io.stockengine.accounting;

import java.util.Arrays;

/**
 * A short list of (units, value) pieces: the layers a FIFO issue took, carried into transit and out of it again so a
 * transfer moves each layer's cost unchanged. Reused; {@link #clear} before each use.
 * <p>
 * Threading: the consumer's thread.
 */
final class Pieces
{
    private long[] units = new long[8];
    private long[] values = new long[8];
    private int count;

    void clear()
    {
        count = 0;
    }

    void add(final long pieceUnits, final long pieceValue)
    {
        if (count == units.length)
        {
            units = Arrays.copyOf(units, count * 2);
            values = Arrays.copyOf(values, count * 2);
        }
        units[count] = pieceUnits;
        values[count] = pieceValue;
        count++;
    }

    int count()
    {
        return count;
    }

    long units(final int i)
    {
        return units[i];
    }

    long value(final int i)
    {
        return values[i];
    }
}
