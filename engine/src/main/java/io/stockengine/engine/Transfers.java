package io.stockengine.engine;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * Transfers between locations: what left the source and how much of it has arrived. Transfer ids are kept for the
 * life of the engine, so a reused id is always caught.
 * <p>
 * Threading: owned by the logic thread.
 */
public final class Transfers
{
    private final CharSequenceIntMap ids = new CharSequenceIntMap(64, -1);
    private String[] id = new String[64];
    private int[] sku = new int[64];
    private int[] from = new int[64];
    private int[] to = new int[64];
    private long[] quantity = new long[64];
    private long[] received = new long[64];
    private int count;

    public int find(final CharSequence transferId)
    {
        return ids.get(transferId);
    }

    public int create(final CharSequence transferId, final int skuId, final int fromLocation, final int toLocation,
        final long units)
    {
        if (count == id.length)
        {
            final int capacity = count * 2;
            id = Arrays.copyOf(id, capacity);
            sku = Arrays.copyOf(sku, capacity);
            from = Arrays.copyOf(from, capacity);
            to = Arrays.copyOf(to, capacity);
            quantity = Arrays.copyOf(quantity, capacity);
            received = Arrays.copyOf(received, capacity);
        }
        final int t = count++;
        id[t] = transferId.toString();
        sku[t] = skuId;
        from[t] = fromLocation;
        to[t] = toLocation;
        quantity[t] = units;
        received[t] = 0;
        ids.put(id[t], t);
        return t;
    }

    public int sku(final int t)
    {
        return sku[t];
    }

    public int from(final int t)
    {
        return from[t];
    }

    public int to(final int t)
    {
        return to[t];
    }

    public long quantity(final int t)
    {
        return quantity[t];
    }

    public long received(final int t)
    {
        return received[t];
    }

    public long inTransit(final int t)
    {
        return quantity[t] - received[t];
    }

    public void receive(final int t, final long units)
    {
        received[t] += units;
    }

    public long hash(final long seed)
    {
        long h = StateHash.mix(seed, count);
        for (int t = 0; t < count; t++)
        {
            h = StateHash.mix(h, id[t]);
            h = StateHash.mix(h, ((long)sku[t] << 32) | from[t]);
            h = StateHash.mix(h, to[t]);
            h = StateHash.mix(h, quantity[t]);
            h = StateHash.mix(h, received[t]);
        }
        return h;
    }

    void write(final DataOutput out) throws IOException
    {
        SnapshotIO.writeStrings(out, id, count);
        SnapshotIO.writeInts(out, sku, count);
        SnapshotIO.writeInts(out, from, count);
        SnapshotIO.writeInts(out, to, count);
        SnapshotIO.writeLongs(out, quantity, count);
        SnapshotIO.writeLongs(out, received, count);
    }

    void read(final DataInput in) throws IOException
    {
        id = SnapshotIO.readStrings(in, 64);
        sku = SnapshotIO.readInts(in, 64);
        from = SnapshotIO.readInts(in, 64);
        to = SnapshotIO.readInts(in, 64);
        quantity = SnapshotIO.readLongs(in, 64);
        received = SnapshotIO.readLongs(in, 64);
        count = 0;
        while (count < id.length && id[count] != null)
        {
            ids.put(id[count], count);
            count++;
        }
    }
}
