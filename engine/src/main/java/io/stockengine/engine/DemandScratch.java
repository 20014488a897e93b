package io.stockengine.engine;

/**
 * Units already placed per balance while one command is being checked (several lines, or kit components, may draw
 * on the same balance). Entries are stamped with a generation, so starting a new command costs nothing.
 * <p>
 * Threading: owned by the logic thread.
 */
final class DemandScratch
{
    private int[] keys;
    private long[] values;
    private int[] stamps;
    private int mask;
    private int stamp = 1;
    private int size;

    DemandScratch(final int capacity)
    {
        int c = 16;
        while (c < capacity * 2)
        {
            c <<= 1;
        }
        keys = new int[c];
        values = new long[c];
        stamps = new int[c];
        mask = c - 1;
    }

    void reset()
    {
        size = 0;
        if (++stamp == Integer.MAX_VALUE)
        {
            java.util.Arrays.fill(stamps, 0);
            stamp = 1;
        }
    }

    long get(final int b)
    {
        if (size == 0)
        {
            return 0;
        }
        int i = (b * 0x9E3779B9) & mask;
        while (stamps[i] == stamp)
        {
            if (keys[i] == b)
            {
                return values[i];
            }
            i = (i + 1) & mask;
        }
        return 0;
    }

    void add(final int b, final long units)
    {
        if (size * 2 >= keys.length)
        {
            grow();
        }
        int i = (b * 0x9E3779B9) & mask;
        while (stamps[i] == stamp)
        {
            if (keys[i] == b)
            {
                values[i] += units;
                return;
            }
            i = (i + 1) & mask;
        }
        stamps[i] = stamp;
        keys[i] = b;
        values[i] = units;
        size++;
    }

    private void grow()
    {
        final int[] oldKeys = keys;
        final long[] oldValues = values;
        final int[] oldStamps = stamps;
        final int oldStamp = stamp;
        keys = new int[oldKeys.length * 2];
        values = new long[oldKeys.length * 2];
        stamps = new int[oldKeys.length * 2];
        mask = keys.length - 1;
        stamp = 1;
        size = 0;
        for (int i = 0; i < oldKeys.length; i++)
        {
            if (oldStamps[i] == oldStamp)
            {
                add(oldKeys[i], oldValues[i]);
            }
        }
    }
}
