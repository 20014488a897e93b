package io.stockengine.engine;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

import org.agrona.collections.Long2LongHashMap;

/**
 * Channel policies: a buffer held back at each location, sourcing locations in order, and ring-fenced units per
 * SKU x location. The total still fenced at a balance is kept on the balance itself ({@link Balances#FENCED}) so
 * the common case, no fence anywhere, costs no map lookup.
 * <p>
 * Threading: owned by the logic thread.
 */
public final class Channels
{
    private static final int[] NO_BALANCES = new int[0];

    private long[] buffer = new long[16];
    /** Sourcing order; null = every location in first-seen order. */
    private int[][] locations = new int[16][];
    private boolean[] configured = new boolean[16];
    /** channel << 32 | balance -> units still fenced (an entry at 0 stays until the channel is reconfigured). */
    private final Long2LongHashMap fences = new Long2LongHashMap(64, 0.65f, -1L);
    private int[][] fencedBalances = new int[16][];
    private int[] fencedBalanceCount = new int[16];
    /**
     * channel << 32 | balance -> units the channel's open orders hold that they took from its fences there (their
     * lines' fenced units, which never exceed what a line still holds). Derived from the order book: kept by the
     * line events, rebuilt when a snapshot is loaded, in neither the snapshot nor the state hash.
     */
    private final Long2LongHashMap held = new Long2LongHashMap(64, 0.65f, 0L);
    /** channel << 32 | balance -> units the channel's configuration fenced there, before any order took some. */
    private final Long2LongHashMap allocated = new Long2LongHashMap(64, 0.65f, -1L);
    /**
     * Seq of the last event of the channel's configuration, which a repeat of the same configuration answers; -1 when
     * the allocations are not known (restored from a snapshot written before they were kept).
     */
    private long[] configuredSeq = new long[16];

    private static long key(final int channel, final int b)
    {
        return ((long)channel << 32) | (b & 0xFFFF_FFFFL);
    }

    private void ensure(final int channel)
    {
        if (channel >= buffer.length)
        {
            final int capacity = Math.max(channel + 1, buffer.length * 2);
            buffer = Arrays.copyOf(buffer, capacity);
            locations = Arrays.copyOf(locations, capacity);
            configured = Arrays.copyOf(configured, capacity);
            fencedBalances = Arrays.copyOf(fencedBalances, capacity);
            fencedBalanceCount = Arrays.copyOf(fencedBalanceCount, capacity);
            configuredSeq = Arrays.copyOf(configuredSeq, capacity);
        }
    }

    public long buffer(final int channel)
    {
        return channel >= 0 && channel < buffer.length ? buffer[channel] : 0;
    }

    public boolean configured(final int channel)
    {
        return channel >= 0 && channel < configured.length && configured[channel];
    }

    /** @return the channel's sourcing locations, or null to mean every location in first-seen order. */
    public int[] locations(final int channel)
    {
        return channel >= 0 && channel < locations.length ? locations[channel] : null;
    }

    /** @return units still fenced for the channel at the balance, or -1 when it has no fence there. */
    public long fence(final int channel, final int b)
    {
        return fences.get(key(channel, b));
    }

    /**
     * What the channel may take at a balance: sellable less safety stock, the channel's buffer and every other
     * channel's unused ring-fence. A channel never seen ({@code channel < 0}) has no buffer and no fence of its own.
     */
    public long channelAvailable(final Balances balances, final int channel, final int b)
    {
        return channelAvailable(balances, channel, b, 0);
    }

    /**
     * As {@link #channelAvailable(Balances, int, int)} with {@code arriving} more units sellable: what may be promised
     * once expected stock is in. The floor at zero comes after the arrivals, since safety stock and the other
     * channels' fences hold back the arriving units too (5 held back of 0 sellable and 10 arriving promises 5).
     */
    public long channelAvailable(final Balances balances, final int channel, final int b, final long arriving)
    {
        long available = balances.get(b, Balances.SELLABLE) + arriving - balances.get(b, Balances.SAFETY_STOCK) -
            buffer(channel);
        final long fencedTotal = balances.get(b, Balances.FENCED);
        if (fencedTotal > 0)
        {
            final long own = fence(channel, b);
            available -= fencedTotal - Math.max(0, own);
        }
        return Math.max(0, available);
    }

    /** Replaces the channel's buffer and locations and drops its fences. */
    public void configure(final Balances balances, final int channel, final long bufferUnits, final int count,
        final int[] sourcing, final long seq)
    {
        ensure(channel);
        final int[] fenced = fencedBalances[channel];
        for (int i = 0; i < fencedBalanceCount[channel]; i++)
        {
            final int b = fenced[i];
            final long units = fences.remove(key(channel, b));
            allocated.remove(key(channel, b));
            balances.add(b, Balances.FENCED, -Math.max(0, units));
        }
        fencedBalanceCount[channel] = 0;
        configured[channel] = true;
        buffer[channel] = bufferUnits;
        locations[channel] = count == 0 ? null : Arrays.copyOf(sourcing, count);
        configuredSeq[channel] = seq;
    }

    /**
     * True when the channel's configuration is already exactly this: the same buffer, the same sourcing locations in
     * the same order and the same allocations in any order (balances, each -1 for one that does not exist, with
     * their quantities; a balance named twice is never the same). Such a configuration is not applied again: a
     * repeated PUT would otherwise top up the fences its orders have used.
     */
    public boolean isConfiguredAs(final int channel, final long bufferUnits, final int count, final int[] sourcing,
        final int allocations, final int[] allocationBalances, final long[] quantities)
    {
        if (!configured(channel) || configuredSeq[channel] < 0 || buffer[channel] != bufferUnits ||
            fencedBalanceCount[channel] != allocations)
        {
            return false;
        }
        final int[] current = locations[channel];
        if (count == 0 ? current != null : current == null || !Arrays.equals(current, 0, current.length, sourcing, 0,
            count))
        {
            return false;
        }
        for (int i = 0; i < allocations; i++)
        {
            if (allocationBalances[i] < 0 || allocated.get(key(channel, allocationBalances[i])) != quantities[i])
            {
                return false;
            }
        }
        // Equal counts and every allocation found make the same set only when no balance comes twice; the gateways
        // refuse a repeated allocation, so this quadratic pass runs on a rare command that matched everything else.
        for (int i = 1; i < allocations; i++)
        {
            for (int j = 0; j < i; j++)
            {
                if (allocationBalances[i] == allocationBalances[j])
                {
                    return false;
                }
            }
        }
        return true;
    }

    /** Seq of the last event of the channel's current configuration (0 for a channel never configured). */
    public long configuredSeq(final int channel)
    {
        return channel >= 0 && channel < configuredSeq.length ? Math.max(0, configuredSeq[channel]) : 0;
    }

    /** Sets a fence of {@code quantity} units, {@code units} of them not held by the channel's open orders. */
    public void setFence(final Balances balances, final int channel, final int b, final long quantity, final long units,
        final long seq)
    {
        ensure(channel);
        allocated.put(key(channel, b), quantity);
        configuredSeq[channel] = seq;
        final long previous = fences.put(key(channel, b), units);
        if (previous >= 0)
        {
            balances.add(b, Balances.FENCED, units - previous);
            return;
        }
        balances.add(b, Balances.FENCED, units);
        int[] fenced = fencedBalances[channel];
        if (fenced == null)
        {
            fenced = new int[4];
        }
        else if (fencedBalanceCount[channel] == fenced.length)
        {
            fenced = Arrays.copyOf(fenced, fenced.length * 2);
        }
        fenced[fencedBalanceCount[channel]++] = b;
        fencedBalances[channel] = fenced;
    }

    /** Takes or gives back fenced units (negative to take); a channel without a fence at the balance is unchanged. */
    public void changeFence(final Balances balances, final int channel, final int b, final long delta)
    {
        final long k = key(channel, b);
        final long units = fences.get(k);
        if (units >= 0)
        {
            fences.put(k, units + delta);
            balances.add(b, Balances.FENCED, delta);
        }
    }

    /** @return the units the channel's open orders hold at the balance that they took from its fences. */
    public long held(final int channel, final int b)
    {
        return held.get(key(channel, b));
    }

    void addHeld(final int channel, final int b, final long delta)
    {
        final long k = key(channel, b);
        final long units = held.get(k) + delta;
        if (units == 0)
        {
            held.remove(k);
        }
        else
        {
            held.put(k, units);
        }
    }

    /** The channel's orders hold nothing from its fences any more (an older journal's reconfiguration). */
    void forgetHeld(final int channel)
    {
        final Long2LongHashMap.KeyIterator keys = held.keySet().iterator();
        while (keys.hasNext())
        {
            if ((int)(keys.nextValue() >>> 32) == channel)
            {
                keys.remove();
            }
        }
    }

    void clearHeld()
    {
        held.clear();
    }

    /** @return the units the channel's configuration fenced at the balance (held by orders included), or -1. */
    public long allocated(final int channel, final int b)
    {
        return allocated.get(key(channel, b));
    }

    public int fencedBalanceCount(final int channel)
    {
        return channel < fencedBalanceCount.length ? fencedBalanceCount[channel] : 0;
    }

    public int[] fencedBalances(final int channel)
    {
        return channel < fencedBalances.length && fencedBalances[channel] != null ? fencedBalances[channel] :
            NO_BALANCES;
    }

    public long hash(final long seed, final int channelCount)
    {
        long h = seed;
        for (int c = 0; c < Math.min(channelCount, buffer.length); c++)
        {
            h = StateHash.mix(h, buffer[c]);
            h = StateHash.mix(h, configured[c] ? 1 : 0);
            final int[] locs = locations[c];
            h = StateHash.mix(h, locs == null ? -1 : locs.length);
            if (locs != null)
            {
                for (final int l : locs)
                {
                    h = StateHash.mix(h, l);
                }
            }
            h = StateHash.mix(h, configuredSeq[c]);
            for (int i = 0; i < fencedBalanceCount[c]; i++)
            {
                final int b = fencedBalances[c][i];
                h = StateHash.mix(h, b);
                h = StateHash.mix(h, fences.get(key(c, b)));
                h = StateHash.mix(h, allocated.get(key(c, b)));
            }
        }
        return h;
    }

    void write(final DataOutput out) throws IOException
    {
        out.writeInt(buffer.length);
        for (int c = 0; c < buffer.length; c++)
        {
            out.writeLong(buffer[c]);
            out.writeBoolean(configured[c]);
            out.writeBoolean(locations[c] != null);
            if (locations[c] != null)
            {
                SnapshotIO.writeInts(out, locations[c], locations[c].length);
            }
            out.writeLong(configuredSeq[c]);
            out.writeInt(fencedBalanceCount[c]);
            for (int i = 0; i < fencedBalanceCount[c]; i++)
            {
                out.writeInt(fencedBalances[c][i]);
                out.writeLong(fences.get(key(c, fencedBalances[c][i])));
                out.writeLong(allocated.get(key(c, fencedBalances[c][i])));
            }
        }
    }

    /**
     * Restores the policies; the balances' fenced totals come back with the balances themselves. A snapshot without
     * the allocations (older than {@link InventoryState#SNAPSHOT_VERSION}) leaves them unknown: the next
     * configuration of each channel is applied even when it repeats the last.
     */
    void read(final DataInput in, final boolean withAllocations) throws IOException
    {
        // Everything is what the snapshot says: a quantity it does not know stays unknown.
        fences.clear();
        allocated.clear();
        final int n = in.readInt();
        ensure(n - 1);
        for (int c = 0; c < n; c++)
        {
            buffer[c] = in.readLong();
            configured[c] = in.readBoolean();
            locations[c] = in.readBoolean() ? SnapshotIO.readInts(in, 0) : null;
            configuredSeq[c] = withAllocations ? in.readLong() : -1;
            final int fenced = in.readInt();
            fencedBalanceCount[c] = fenced;
            fencedBalances[c] = fenced == 0 ? null : new int[fenced];
            for (int i = 0; i < fenced; i++)
            {
                final int b = in.readInt();
                fencedBalances[c][i] = b;
                fences.put(key(c, b), in.readLong());
                // -1: unknown, written by a state that was itself restored from a version 2 snapshot.
                final long configuredUnits = withAllocations ? in.readLong() : -1;
                if (configuredUnits >= 0)
                {
                    allocated.put(key(c, b), configuredUnits);
                }
            }
        }
    }
}
