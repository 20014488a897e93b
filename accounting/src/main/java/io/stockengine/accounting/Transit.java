package io.stockengine.accounting;

/**
 * The cost of one transfer's units in transit: the pieces its source issued (one per FIFO layer taken, or one share
 * of an average pool), consumed oldest first as the destination receives them, so each unit arrives at the cost it
 * left with. Valued at the destination, where the engine counts the units as {@code in_transit}. Rows of
 * {@code transit_layer}.
 * <p>
 * Threading: the consumer's thread.
 */
final class Transit
{
    final String id;
    final int sku;
    final int from;
    final int to;
    final Pieces pieces = new Pieces();
    private int head;
    /** Units and value already taken from the piece at {@code head}. */
    private long takenFromHead;
    private long valueTakenFromHead;
    long units;
    long value;
    /** The database holds rows for this transfer. */
    boolean persisted;
    boolean dirty;

    Transit(final String id, final int sku, final int from, final int to)
    {
        this.id = id;
        this.sku = sku;
        this.from = from;
        this.to = to;
    }

    void add(final long pieceUnits, final long pieceValue)
    {
        final long newUnits = Math.addExact(units, pieceUnits);
        final long newValue = Math.addExact(value, pieceValue);
        pieces.add(pieceUnits, pieceValue);
        units = newUnits;
        value = newValue;
    }

    /** Takes {@code k} units oldest piece first into {@code taken}; returns their value. */
    long take(final long k, final Pieces taken, final long seq)
    {
        if (k > units)
        {
            throw new IllegalStateException("event seq " + seq + " receives " + k + " units of transfer '" + id +
                "' but the ledger has only " + units + " in transit");
        }
        long left = k;
        long total = 0;
        while (left > 0)
        {
            final long inPiece = pieces.units(head) - takenFromHead;
            final long pieceValueLeft = pieces.value(head) - valueTakenFromHead;
            final long t = Math.min(left, inPiece);
            final long v = Money.share(pieceValueLeft, t, inPiece);
            taken.add(t, v);
            total += v;
            left -= t;
            if (t == inPiece)
            {
                head++;
                takenFromHead = 0;
                valueTakenFromHead = 0;
            }
            else
            {
                takenFromHead += t;
                valueTakenFromHead += v;
            }
        }
        units -= k;
        value -= total;
        return total;
    }

    /** Pieces still in transit, oldest first. */
    int remainingCount()
    {
        return pieces.count() - head;
    }

    long remainingUnits(final int n)
    {
        return n == 0 ? pieces.units(head) - takenFromHead : pieces.units(head + n);
    }

    long remainingValue(final int n)
    {
        return n == 0 ? pieces.value(head) - valueTakenFromHead : pieces.value(head + n);
    }
}
