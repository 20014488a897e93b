package io.stockengine.engine;

import org.agrona.DirectBuffer;

/**
 * Brings into the cache what a window of journaled events will read, before they are applied: the replay-side
 * counterpart of {@link Prefetcher}. Recovery and the snapshot follower apply events far faster than commands run,
 * so the misses (a balance's index slot then its record; an order's slot, record, line, then the line's balance)
 * are most of their time. The caller names what each event of the window will look up; {@link #run} then walks the
 * window in stages, one level of every chain per stage, so the loads of a stage are in flight together.
 * <p>
 * It only reads, and every handle it finds is a hint: a wrong one (an order created earlier in the same window, a
 * hash collision, a non-ASCII id) costs one wasted load and nothing else.
 * <p>
 * Threading: the thread that applies events to the state, between events.
 */
public final class EventReadAhead
{
    /** Events per window: enough to keep the core's miss buffers busy, few enough that the lines stay cached. */
    public static final int WINDOW = 32;

    private static final int BALANCE = 1;
    private static final int ORDER = 2;
    private static final int ORDER_LINE = 3;
    private static final int ORDER_CREATED = 4;

    private final Balances balances;
    private final OrderBook orders;
    private final int[] kind = new int[WINDOW];
    private final int[] sku = new int[WINDOW];
    private final int[] location = new int[WINDOW];
    private final int[] hash = new int[WINDOW];
    private final int[] lineNo = new int[WINDOW];
    private final int[] handle = new int[WINDOW];
    private final int[] line = new int[WINDOW];
    private int count;
    private int created;
    private long failures;
    /** Every value read goes here, so the compiler cannot drop a read whose value nothing else uses. */
    private long sink;

    public EventReadAhead(final InventoryState state)
    {
        this.balances = state.balances;
        this.orders = state.orders;
    }

    /** Events named so far in this window. */
    public int size()
    {
        return count;
    }

    /** The next event reads the balance of {@code sku} at {@code location}. */
    public void balance(final int skuId, final int locationId)
    {
        if (count < WINDOW)
        {
            kind[count] = BALANCE;
            sku[count] = skuId;
            location[count] = locationId;
            count++;
        }
    }

    /**
     * The next event reads the order whose id is the UTF-8 bytes at {@code offset}; with {@code line} >= 0 also that
     * line and the balance it holds.
     */
    public void order(final DirectBuffer buffer, final int offset, final int length, final int orderLine)
    {
        if (count < WINDOW)
        {
            kind[count] = orderLine >= 0 ? ORDER_LINE : ORDER;
            hash[count] = CharSequenceIntMap.hashAscii(buffer, offset, length);
            lineNo[count] = orderLine;
            count++;
        }
    }

    /** The next event creates the order with this id, which may first evict the oldest finished order. */
    public void orderCreated(final DirectBuffer buffer, final int offset, final int length)
    {
        if (count < WINDOW)
        {
            kind[count] = ORDER_CREATED;
            hash[count] = CharSequenceIntMap.hashAscii(buffer, offset, length);
            count++;
        }
    }

    /**
     * Warms the caches for the window named since the last call, then starts an empty one. Never fails the replay:
     * a defect here would only cost speed, so it is counted ({@link #failures}) and the events apply as they would
     * without it.
     */
    public void run()
    {
        try
        {
            warm(count);
        }
        catch (final RuntimeException ex)
        {
            failures++;
        }
        count = 0;
    }

    /** Windows whose read-ahead failed; 0 unless there is a defect. */
    public long failures()
    {
        return failures;
    }

    private void warm(final int n)
    {
        long s = 0;
        created = 0;

        // Stage 1: index slots (the balance's, the order's) and the record of the order a creation may evict.
        for (int k = 0; k < n; k++)
        {
            switch (kind[k])
            {
                case BALANCE -> handle[k] = balances.candidate(sku[k], location[k]);
                case ORDER, ORDER_LINE -> s += orders.touchSlot(hash[k]);
                case ORDER_CREATED ->
                {
                    s += orders.touchSlot(hash[k]);
                    final int evicted = orders.evictionCandidate(created++);
                    handle[k] = evicted;
                    s += evicted < 0 ? 0 : orders.firstLineHint(evicted);
                }
                default -> handle[k] = -1;
            }
        }

        // Stage 2: balance records, order records, and the index slot an eviction clears.
        for (int k = 0; k < n; k++)
        {
            final int h = handle[k];
            switch (kind[k])
            {
                case BALANCE -> s += h < 0 ? 0 : balances.touch(h);
                case ORDER, ORDER_LINE ->
                {
                    final int o = orders.candidate(hash[k]);
                    handle[k] = o;
                    s += o < 0 ? 0 : orders.touchRecord(o);
                }
                case ORDER_CREATED -> s += h < 0 ? 0 : orders.touchUnindex(h);
                default ->
                {
                }
            }
        }

        // Stage 3: the order's line the event names.
        for (int k = 0; k < n; k++)
        {
            line[k] = -1;
            if (kind[k] == ORDER_LINE && handle[k] >= 0 && lineNo[k] >= 0)
            {
                final int first = orders.firstLineHint(handle[k]);
                if (first >= 0)
                {
                    line[k] = first + lineNo[k];
                    s += orders.touchLine(line[k]);
                }
            }
        }

        // Stage 4: the balance that line holds.
        for (int k = 0; k < n; k++)
        {
            final int l = line[k];
            final int held = l < 0 ? -1 : orders.lineBalanceHint(l);
            s += held < 0 || held >= balances.count() ? 0 : balances.touch(held);
        }
        sink += s;
    }
}
