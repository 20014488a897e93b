package io.stockengine.engine;

/**
 * Brings into the cache what a window of commands will read, before the first of them runs.
 * <p>
 * On a catalogue of millions, a command spends most of its time waiting on memory: the SKU's slot in the symbol
 * index, its name, the balance's slot and record, the order's slot, record and lines, each a cache miss that depends
 * on the one before (about 170 ns each on this machine's heap, see MemoryLatencyBenchmark). One command at a time,
 * those misses queue up one behind the other. Across a window they do not depend on each other, so this class walks
 * the window in stages, one level of each command's chain per stage: the loads of one stage are independent and
 * the core keeps them in flight together, so a window pays about one miss latency per stage instead of per
 * command.
 * <p>
 * It only reads. Every handle it finds is a hint that picks the next address to read, never acted upon; the commands
 * then run exactly as without it, and anything a hint got wrong (a hash collision, a SKU an earlier command of the
 * window creates) costs one wasted read. Handles are always in range because the state does not change while it
 * runs.
 * <p>
 * Threading: the logic thread's, like the state it reads.
 */
final class Prefetcher
{
    /** Commands per window: enough to keep the core's miss buffers busy, few enough that the lines stay cached. */
    static final int WINDOW = 16;
    /** Balances warmed per availability query: a channel's locations of one SKU. */
    private static final int MAX_GATHERED = 16;

    private final InventoryState state;
    private final CharSequenceIntMap skuIds;
    private final CharSequenceIntMap locationIds;
    private final Balances balances;
    private final OrderBook orders;

    private final int[] skuHash = new int[WINDOW];
    private final int[] sku = new int[WINDOW];
    private final int[] location = new int[WINDOW];
    private final int[] orderHash = new int[WINDOW];
    private final int[] order = new int[WINDOW];
    private final int[] line = new int[WINDOW];
    private final int[] balance = new int[WINDOW];
    private final int[] evicted = new int[WINDOW];

    /** Every value read goes here, so the compiler cannot drop a read whose value nothing else uses. */
    private long sink;

    Prefetcher(final InventoryState state)
    {
        this.state = state;
        this.skuIds = state.symbolMap(EventSink.SYMBOL_SKU);
        this.locationIds = state.symbolMap(EventSink.SYMBOL_LOCATION);
        this.balances = state.balances;
        this.orders = state.orders;
    }

    /** Warms the caches for {@code window[0..count)}; at most {@link #WINDOW} commands. */
    void prefetch(final Command[] window, final int count)
    {
        final int n = Math.min(count, WINDOW);
        long s = 0;

        // Stage 0: the command's own names, which the lookups hash and compare: the Strings a decoder made on
        // another thread may have left this core's cache by the time the logic thread reaches them.
        for (int k = 0; k < n; k++)
        {
            final Command c = window[k];
            final String skuName = c.lineCount > 0 ? c.lineSku[0] : c.sku;
            final String id = c.orderId;
            s += touchText(skuName) + touchText(id);
        }

        // Stage 1: the home slots of the SKU and the order id, and the records of the orders the window's finishes
        // may evict and its expiries may release.
        for (int k = 0; k < n; k++)
        {
            final Command c = window[k];
            final String skuName = c.lineCount > 0 ? c.lineSku[0] : c.sku;
            final int skuH = skuName == null ? 0 : CharSequenceIntMap.hash(skuName);
            skuHash[k] = skuH;
            final int orderH = c.orderId == null ? 0 : CharSequenceIntMap.hash(c.orderId);
            orderHash[k] = orderH;
            s += (skuH == 0 ? 0 : skuIds.touchHome(skuH)) + (orderH == 0 ? 0 : orders.touchSlot(orderH));
        }
        for (int k = 0; k < n; k++)
        {
            final int old = orders.evictionCandidate(k);
            evicted[k] = old;
            final int due = orders.expiryCandidate(k);
            s += (old < 0 ? 0 : orders.firstLineHint(old)) + (due < 0 ? 0 : orders.firstLineHint(due));
        }

        // Stage 2: the SKU's stored name, the order's record, the index slot an eviction clears.
        for (int k = 0; k < n; k++)
        {
            final Command c = window[k];
            sku[k] = skuHash[k] == 0 ? -1 : skuIds.touchKey(skuHash[k]);
            final String locationName = c.lineCount > 0 ? c.lineLocation[0] : c.location;
            location[k] = locationName == null ? -1 : locationIds.get(locationName);
            final int o = orderHash[k] == 0 ? -1 : orders.candidate(orderHash[k]);
            order[k] = o;
            if (o >= 0)
            {
                s += orders.touchRecord(o);
            }
            if (evicted[k] >= 0)
            {
                s += orders.touchUnindex(evicted[k]);
            }
        }

        // Stage 3: the balance's slot in its index (or the SKU's list head for a query over locations), the order's
        // first line.
        for (int k = 0; k < n; k++)
        {
            final int id = sku[k];
            balance[k] = id < 0 ? -1 :
                location[k] >= 0 ? balances.candidate(id, location[k]) : balances.touchHead(id);
            s += id < 0 ? 0 : state.symbolNameHint(EventSink.SYMBOL_SKU, id);
            final int o = order[k];
            final int first = o < 0 ? -1 : orders.firstLineHint(o);
            line[k] = first;
            if (first >= 0)
            {
                s += orders.touchLine(first);
            }
        }

        // Stage 4: the balance records: the command's own, the SKU's at every location for a query over
        // locations, the one the order's first line holds.
        for (int k = 0; k < n; k++)
        {
            final int b = balance[k];
            if (b >= 0)
            {
                if (location[k] >= 0)
                {
                    s += balances.touch(b);
                }
                else
                {
                    int walked = 0;
                    for (int at = b; at >= 0 && walked < MAX_GATHERED; at = balances.nextOfSku(at), walked++)
                    {
                        s += balances.touch(at);
                    }
                }
            }
            final int l = line[k];
            final int held = l < 0 ? -1 : orders.lineBalanceHint(l);
            if (held >= 0)
            {
                s += balances.touch(held);
            }
            // A reply names the order's SKUs: their names' slots in the symbol table.
            s += l < 0 ? 0 : state.symbolNameHint(EventSink.SYMBOL_SKU, orders.lineSkuHint(l));
        }
        sink += s;
    }

    /** Reads the String's header (its cached hash) and its first characters. */
    private static long touchText(final String text)
    {
        return text == null || text.isEmpty() ? 0 : text.hashCode() + text.charAt(0);
    }
}
