package io.stockengine.accounting;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The cost of one SKU's units at one location: the units and their value, and for FIFO the cost layers (a queue,
 * oldest at the head). Moving average and standard keep one pool (units, value). The invariant: {@code value} is
 * exactly the sum of the layers' values and {@code units} of their units, and neither is ever negative.
 * <p>
 * Threading: the consumer's thread.
 */
final class StockCost
{
    /** Bytes per layer in the database: units, value, seq. */
    static final int LAYER_BYTES = 24;

    final int sku;
    final int location;
    final SkuCost skuCost;
    long units;
    long value;
    /** Last unit cost received at this location, or -1: the fallback for valuing a gain with no stock here. */
    long lastCost = -1;

    private long[] layerUnits;
    private long[] layerValues;
    private long[] layerSeqs;
    private int head;
    private int size;

    /** In the ledger's list of stocks to write at the next commit. */
    boolean dirty;

    StockCost(final int sku, final int location, final SkuCost skuCost)
    {
        this.sku = sku;
        this.location = location;
        this.skuCost = skuCost;
        if (skuCost.method == CostMethod.FIFO)
        {
            layerUnits = new long[4];
            layerValues = new long[4];
            layerSeqs = new long[4];
        }
    }

    CostMethod method()
    {
        return skuCost.method;
    }

    /** Units enter at {@code enteredValue} (FIFO: as a new layer at the tail). */
    void enter(final long enteredUnits, final long enteredValue, final long seq)
    {
        if (enteredUnits <= 0)
        {
            return;
        }
        // Both sums before any change, so an overflow (an error, never a wrap) leaves this stock as it was.
        final long newUnits = Math.addExact(units, enteredUnits);
        final long newValue = Math.addExact(value, enteredValue);
        if (layerUnits != null)
        {
            append(enteredUnits, enteredValue, seq);
        }
        units = newUnits;
        value = newValue;
    }

    /**
     * Takes {@code k} units out: FIFO from the oldest layers, each layer's share rounded half-even and the last unit
     * of a layer taking what is left of it; average and standard take the pool's share the same way.
     *
     * @param taken receives the pieces taken (one per layer touched), or null.
     * @return the value taken.
     * @throws IllegalStateException when fewer than {@code k} units are valued here: the journal and the ledger
     *                               disagree, and posting a made-up cost would hide it.
     */
    long take(final long k, final Pieces taken, final long seq)
    {
        if (k <= 0)
        {
            return 0;
        }
        if (k > units)
        {
            throw new IllegalStateException("event seq " + seq + " takes " + k + " units of sku " + sku + " at " +
                "location " + location + " but the ledger values only " + units + " there: the ledger did not see " +
                "this stock arrive (did it start after the journal's first event?)");
        }
        long total = 0;
        if (layerUnits == null)
        {
            total = Money.share(value, k, units);
            if (taken != null)
            {
                taken.add(k, total);
            }
        }
        else
        {
            long left = k;
            while (left > 0)
            {
                final int i = head;
                final long inLayer = layerUnits[i];
                final long t = Math.min(left, inLayer);
                final long v = Money.share(layerValues[i], t, inLayer);
                if (taken != null)
                {
                    taken.add(t, v);
                }
                total += v;
                left -= t;
                if (t == inLayer)
                {
                    head = (head + 1) & (layerUnits.length - 1);
                    size--;
                }
                else
                {
                    layerUnits[i] = inLayer - t;
                    layerValues[i] -= v;
                }
            }
        }
        units -= k;
        value -= total;
        return total;
    }

    /**
     * The value a gain of {@code gained} units enters at, the current cost here: FIFO the newest layer's, average the
     * pool's (each as {@code value x gained / units}, rounded once), standard the standard; with no stock here, the
     * last cost received here, then the SKU's last cost anywhere, then 0.
     */
    long gainValue(final long gained)
    {
        if (skuCost.method == CostMethod.STANDARD && skuCost.standard >= 0)
        {
            return Money.times(gained, skuCost.standard);
        }
        if (layerUnits != null && size > 0)
        {
            final int tail = (head + size - 1) & (layerUnits.length - 1);
            return Money.atCostOf(layerValues[tail], layerUnits[tail], gained);
        }
        if (layerUnits == null && units > 0)
        {
            return Money.atCostOf(value, units, gained);
        }
        return Money.times(gained, lastCost >= 0 ? lastCost : skuCost.lastCost >= 0 ? skuCost.lastCost : 0);
    }

    private void append(final long enteredUnits, final long enteredValue, final long seq)
    {
        if (size == layerUnits.length)
        {
            grow();
        }
        final int i = (head + size) & (layerUnits.length - 1);
        layerUnits[i] = enteredUnits;
        layerValues[i] = enteredValue;
        layerSeqs[i] = seq;
        size++;
    }

    private void grow()
    {
        final int capacity = layerUnits.length * 2;
        final long[] newUnits = new long[capacity];
        final long[] newValues = new long[capacity];
        final long[] newSeqs = new long[capacity];
        for (int n = 0; n < size; n++)
        {
            final int i = (head + n) & (layerUnits.length - 1);
            newUnits[n] = layerUnits[i];
            newValues[n] = layerValues[i];
            newSeqs[n] = layerSeqs[i];
        }
        layerUnits = newUnits;
        layerValues = newValues;
        layerSeqs = newSeqs;
        head = 0;
    }

    /** The FIFO layers packed for the database ({@link #LAYER_BYTES} each, oldest first), or null for a pool. */
    byte[] encodeLayers()
    {
        if (layerUnits == null)
        {
            return null;
        }
        final ByteBuffer bytes = ByteBuffer.allocate(size * LAYER_BYTES);
        for (int n = 0; n < size; n++)
        {
            final int i = (head + n) & (layerUnits.length - 1);
            bytes.putLong(layerUnits[i]).putLong(layerValues[i]).putLong(layerSeqs[i]);
        }
        return bytes.array();
    }

    /** Unpacks {@link #encodeLayers}: {units, value, seq} per layer, oldest first. */
    static List<long[]> decodeLayers(final byte[] packed)
    {
        final List<long[]> layers = new ArrayList<>();
        if (packed != null)
        {
            if (packed.length % LAYER_BYTES != 0)
            {
                throw new IllegalStateException("a packed layer list of " + packed.length + " bytes is not a whole " +
                    "number of " + LAYER_BYTES + "-byte layers");
            }
            final ByteBuffer bytes = ByteBuffer.wrap(packed);
            while (bytes.hasRemaining())
            {
                layers.add(new long[] { bytes.getLong(), bytes.getLong(), bytes.getLong() });
            }
        }
        return layers;
    }

    /** Restores the state the database holds (on start), checking the layers add up to the pool. */
    void restore(final long restoredUnits, final long restoredValue, final long restoredLastCost, final byte[] layers)
    {
        units = restoredUnits;
        value = restoredValue;
        lastCost = restoredLastCost;
        head = 0;
        size = 0;
        if (layerUnits == null)
        {
            if (layers != null)
            {
                throw new IllegalStateException("the ledger has cost layers of sku " + sku + " at location " +
                    location + ", which is not valued by FIFO");
            }
            return;
        }
        long sumUnits = 0;
        long sumValue = 0;
        for (final long[] layer : decodeLayers(layers))
        {
            append(layer[0], layer[1], layer[2]);
            sumUnits = Math.addExact(sumUnits, layer[0]);
            sumValue = Math.addExact(sumValue, layer[1]);
        }
        if (sumUnits != units || sumValue != value)
        {
            throw new IllegalStateException("the ledger's cost layers of sku " + sku + " at location " + location +
                " add up to " + sumUnits + " units worth " + sumValue + " but its position says " + units +
                " worth " + value);
        }
    }
}
