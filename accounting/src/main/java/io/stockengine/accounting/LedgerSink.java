package io.stockengine.accounting;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.stockengine.engine.Bucket;
import io.stockengine.engine.EventSink;
import io.stockengine.engine.OrderStatus;
import io.stockengine.engine.Reason;
import io.stockengine.journal.AbstractEventSink;

/**
 * Turns the journal's events into valuation changes and postings. Every event that moves units into or out of
 * valued stock (on hand, or in transit) becomes one balanced posting, two for a receipt at standard cost (its price
 * variance); bucket changes inside a location (reserve, pick, inspect, move) and everything else post nothing.
 * <pre>
 *   received                       receipt            Inventory / GRNI (at standard: + ppv)
 *   line_shipped (stock lines)     shipment           COGS / Inventory
 *   sold                           sale               COGS / Inventory
 *   line_returned (stock lines)    return             Inventory / COGS, at the cost the units shipped with
 *   adjusted, delta < 0            write_off (reason write_off), damage (reason damage or the damaged bucket),
 *                                  adjustment_loss (any other reason)
 *   adjusted, delta > 0            adjustment_gain
 *   counted                        count_gain / count_loss (counted - previous)
 *   transfer_shipped               transfer_out       Inventory in transit (to) / Inventory (from)
 *   transfer_received              transfer_in        Inventory / Inventory in transit (both at to)
 * </pre>
 * Kit lines (factor 0) move no stock; their component lines do. A gain enters at {@link StockCost#gainValue}.
 * <p>
 * Any exception thrown from a callback leaves this ledger unusable (its memory may hold half an event); the ledger
 * refuses to commit after it and must be opened again, which resumes from its last commit.
 * <p>
 * Threading: the thread that delivers the events.
 */
final class LedgerSink extends AbstractEventSink
{
    private static final Comparator<OrderCost> BY_ID = Comparator.comparing(order -> order.id);

    private final Valuation valuation;
    private final ChartOfAccounts chart;
    private final LedgerStore store;
    private final Ledger ledger;
    private final Map<String, OrderCost> orders = new HashMap<>();
    private final Map<String, Transit> transits = new HashMap<>();
    final List<OrderCost> dirtyOrders = new ArrayList<>();
    final List<Transit> dirtyTransits = new ArrayList<>();
    private final Pieces pieces = new Pieces();
    private long lastSeq;
    private long postings;
    private long events;

    LedgerSink(final Ledger ledger, final Valuation valuation, final ChartOfAccounts chart, final LedgerStore store)
    {
        this.ledger = ledger;
        this.valuation = valuation;
        this.chart = chart;
        this.store = store;
    }

    long postings()
    {
        return postings;
    }

    long events()
    {
        return events;
    }

    long lastSeq()
    {
        return lastSeq;
    }

    void lastSeq(final long seq)
    {
        lastSeq = seq;
    }

    /** Installs a transfer read from the ledger. */
    void restore(final Transit transit)
    {
        transits.put(transit.id, transit);
    }

    /** Every event passes here first: the ledger must see the journal gap-free, or it would miss stock. */
    private void see(final long seq)
    {
        ledger.checkUsable();
        if (seq != lastSeq + 1)
        {
            ledger.fail();
            throw new IllegalStateException("the ledger is at seq " + lastSeq + " but was handed seq " + seq +
                ": it must read every event of the journal, in order, from seq 1");
        }
        lastSeq = seq;
        events++;
    }

    @Override
    protected void onEvent(final int type, final long seq)
    {
        see(seq);
    }

    private void post(final PostingKind kind, final long seq, final int leg, final String debit, final String credit,
        final long amount, final int sku, final int debitLocation, final int creditLocation, final long quantity,
        final CharSequence reference)
    {
        try
        {
            store.posting(seq * 4 + leg, seq, kind, debit, credit, amount, sku, debitLocation, creditLocation,
                quantity, correlationId(), timestamp(), reference == null ? null : reference.toString());
            postings++;
        }
        catch (final SQLException ex)
        {
            ledger.fail();
            throw new LedgerException("cannot write the posting of seq " + seq + ": " + ex.getMessage(), ex);
        }
    }

    private void post(final PostingKind kind, final long seq, final long amount, final int sku, final int location,
        final long quantity, final CharSequence reference)
    {
        post(kind, seq, 0, chart.debit(kind), chart.credit(kind), amount, sku, location, location, quantity,
            reference);
    }

    /**
     * Runs an event's work; any failure makes the ledger unusable, since memory may hold half of the event. An overflow
     * is said with the event that caused it, the cause keeping where it happened.
     */
    private void guarded(final Runnable work)
    {
        try
        {
            work.run();
        }
        catch (final ArithmeticException ex)
        {
            ledger.fail();
            // Said for the operator: the journal cannot be changed and the ledger posts every event in order, so
            // this event stops every later run too, and only where its amounts came from can explain it.
            final long committed = ledger.load() == null ? 0 : ledger.load().seq();
            final ArithmeticException overflow = new ArithmeticException(String.format("event seq %,d takes a value " +
                "or a count of units past the largest the ledger holds (%s currency units, %,d units); an overflow " +
                "is an error, never a wrap, so nothing since the last commit was posted. The ledger stays at seq %,d " +
                "(the reports still read it there) and cannot move past this event: the journal keeps it, so every " +
                "run stops here again. A sum this large in one SKU x location is a data error upstream, such as a " +
                "mistyped unit cost or quantity on receipts the engine accepted: see the event with " +
                "'journal-tools.jar tail --from-seq %d' and the receipts of its SKU before it", lastSeq,
                Money.format(Long.MAX_VALUE), Long.MAX_VALUE, committed, lastSeq));
            overflow.initCause(ex);
            throw overflow;
        }
        catch (final RuntimeException | Error ex)
        {
            ledger.fail();
            throw ex;
        }
    }

    @Override
    public void symbol(final long seq, final int kind, final int id, final CharSequence name)
    {
        see(seq);
        final String text = name.toString();
        if (kind == EventSink.SYMBOL_SKU)
        {
            valuation.skuName(id, text);
        }
        try
        {
            store.symbol(kind, id, text);
        }
        catch (final SQLException ex)
        {
            ledger.fail();
            throw new LedgerException("cannot write symbol " + text + ": " + ex.getMessage(), ex);
        }
    }

    @Override
    public void orderReserved(final long seq, final CharSequence orderId, final int channel, final long expiresAt,
        final long fingerprint, final int lineCount)
    {
        see(seq);
        final OrderCost order = new OrderCost(orderId.toString(), seq, lineCount);
        orders.put(order.id, order);
        changed(order);
    }

    @Override
    public void orderLine(final long seq, final CharSequence orderId, final int lineNo, final int sku,
        final int location, final long quantity, final long fenced, final int parentLine, final long factor)
    {
        see(seq);
        guarded(() ->
        {
            // A batch may end between a reservation and its lines: the order was written (as a header) and is no
            // longer dirty, so a line must mark it again or a restart reads the order back without it.
            final OrderCost order = order(orderId, seq);
            order.line(lineNo, sku, location, factor);
            changed(order);
        });
    }

    @Override
    public void lineShipped(final long seq, final CharSequence orderId, final int lineNo, final long fromReserved,
        final long fromPicked)
    {
        see(seq);
        guarded(() ->
        {
            final OrderCost order = order(orderId, seq);
            final int n = line(order, lineNo, seq);
            final long units = fromReserved + fromPicked;
            if (order.factor[n] == 0 || units == 0)
            {
                return;
            }
            final StockCost stock = valuation.stock(order.sku[n], order.location[n]);
            final long value = stock.take(units, null, seq);
            valuation.changed(stock);
            order.shippedUnits[n] = Math.addExact(order.shippedUnits[n], units);
            order.shippedValue[n] = Math.addExact(order.shippedValue[n], value);
            order.lineDirty[n] = true;
            changed(order);
            post(PostingKind.SHIPMENT, seq, value, stock.sku, stock.location, units, orderId);
        });
    }

    @Override
    public void lineReturned(final long seq, final CharSequence orderId, final int lineNo, final long quantity,
        final int bucket)
    {
        see(seq);
        guarded(() ->
        {
            final OrderCost order = order(orderId, seq);
            final int n = line(order, lineNo, seq);
            if (order.factor[n] == 0 || quantity == 0)
            {
                return;
            }
            final long value = order.returnValue(n, quantity, seq);
            order.returnedUnits[n] = Math.addExact(order.returnedUnits[n], quantity);
            order.returnedValue[n] = Math.addExact(order.returnedValue[n], value);
            order.lineDirty[n] = true;
            changed(order);
            final StockCost stock = valuation.stock(order.sku[n], order.location[n]);
            stock.enter(quantity, value, seq);
            valuation.changed(stock);
            post(PostingKind.RETURN, seq, value, stock.sku, stock.location, quantity, orderId);
        });
    }

    @Override
    public void orderStatus(final long seq, final CharSequence orderId, final int status)
    {
        see(seq);
        if (OrderStatus.isFinished(status))
        {
            final String id = orderId.toString();
            OrderCost order = orders.get(id);
            if (order == null)
            {
                // Open at an earlier commit and not read back since (a restart came between): its stored lines
                // must go as those of an order in memory do, or the table keeps them for ever.
                order = ledger.loadOrder(id);
            }
            if (order != null)
            {
                order.finished = true;
                order.evict = true;
                orders.put(id, order);
                changed(order);
            }
        }
    }

    @Override
    public void sold(final long seq, final int channel, final int sku, final int location, final long quantity,
        final long fenced)
    {
        see(seq);
        guarded(() ->
        {
            final StockCost stock = valuation.stock(sku, location);
            final long value = stock.take(quantity, null, seq);
            valuation.changed(stock);
            post(PostingKind.SALE, seq, value, sku, location, quantity, null);
        });
    }

    @Override
    public void received(final long seq, final CharSequence purchaseOrder, final int sku, final int location,
        final long quantity, final long unitCost, final int bucket, final long incomingReduced)
    {
        see(seq);
        guarded(() -> receive(seq, purchaseOrder, sku, location, quantity, unitCost));
    }

    private void receive(final long seq, final CharSequence purchaseOrder, final int sku, final int location,
        final long quantity, final long unitCost)
    {
        if (quantity <= 0)
        {
            return;
        }
        final StockCost stock = valuation.stock(sku, location);
        final SkuCost skuCost = stock.skuCost;
        final long paid = Money.times(quantity, unitCost);
        long booked = paid;
        if (skuCost.method == CostMethod.STANDARD)
        {
            // Free stock (a cost of 0: samples, a supplier's replacement) says nothing of what the SKU costs; taken
            // as the standard, it booked every later receipt at 0 and its whole price as variance, for good.
            if (skuCost.standard < 0 && unitCost > 0)
            {
                skuCost.standard = unitCost;
            }
            if (skuCost.standard >= 0)
            {
                booked = Money.times(quantity, skuCost.standard);
            }
        }
        stock.enter(quantity, booked, seq);
        stock.lastCost = unitCost;
        skuCost.lastCost = unitCost;
        valuation.changed(stock);
        valuation.changed(skuCost);
        post(PostingKind.RECEIPT, seq, booked, sku, location, quantity, purchaseOrder);
        final long variance = Math.subtractExact(paid, booked);
        if (variance > 0)
        {
            post(PostingKind.PPV, seq, 1, chart.debit(PostingKind.PPV), chart.credit(PostingKind.PPV), variance, sku,
                location, location, quantity, purchaseOrder);
        }
        else if (variance < 0)
        {
            post(PostingKind.PPV, seq, 1, chart.credit(PostingKind.PPV), chart.debit(PostingKind.PPV),
                Math.negateExact(variance), sku, location, location, quantity, purchaseOrder);
        }
    }

    @Override
    public void adjusted(final long seq, final int sku, final int location, final int bucket, final long delta,
        final int reason)
    {
        see(seq);
        if (delta > 0)
        {
            guarded(() -> gain(PostingKind.ADJUSTMENT_GAIN, seq, sku, location, delta));
        }
        else if (delta < 0)
        {
            final PostingKind kind = reason == Reason.WRITE_OFF ? PostingKind.WRITE_OFF :
                reason == Reason.DAMAGE || bucket == Bucket.DAMAGED ? PostingKind.DAMAGE : PostingKind.ADJUSTMENT_LOSS;
            guarded(() -> loss(kind, seq, sku, location, -delta));
        }
    }

    @Override
    public void counted(final long seq, final int sku, final int location, final long counted, final long previous)
    {
        see(seq);
        if (counted > previous)
        {
            guarded(() -> gain(PostingKind.COUNT_GAIN, seq, sku, location, counted - previous));
        }
        else if (counted < previous)
        {
            guarded(() -> loss(PostingKind.COUNT_LOSS, seq, sku, location, previous - counted));
        }
    }

    private void gain(final PostingKind kind, final long seq, final int sku, final int location, final long units)
    {
        final StockCost stock = valuation.stock(sku, location);
        long value;
        try
        {
            value = stock.gainValue(units);
        }
        catch (final ArithmeticException ex)
        {
            // A count or adjustment is one product of units and cost, which the engine cannot check (it knows no
            // costs): a quantity typed into the wrong field made one past the largest amount, and refusing it stopped
            // the ledger at this event for good, since every run meets it again. Its units enter at 0, which never
            // overstates the stock, and the posting (amount 0, its units) keeps it in the ledger for an auditor.
            value = 0;
            System.err.printf("warning: event seq %,d: %s of %,d units of SKU %s would be worth more than the " +
                "largest amount the ledger holds, at the SKU's current cost there; its units enter at 0 (see the " +
                "event with 'journal-tools.jar tail --from-seq %d')%n", seq, kind == PostingKind.COUNT_GAIN ?
                "a count up" : "an adjustment up", units, String.valueOf(valuation.skuName(sku)), seq);
        }
        stock.enter(units, value, seq);
        valuation.changed(stock);
        post(kind, seq, value, sku, location, units, null);
    }

    private void loss(final PostingKind kind, final long seq, final int sku, final int location, final long units)
    {
        final StockCost stock = valuation.stock(sku, location);
        final long value = stock.take(units, null, seq);
        valuation.changed(stock);
        post(kind, seq, value, sku, location, units, null);
    }

    @Override
    public void transferShipped(final long seq, final CharSequence transferId, final int sku, final int from,
        final int to, final long quantity)
    {
        see(seq);
        guarded(() ->
        {
            final StockCost source = valuation.stock(sku, from);
            pieces.clear();
            final long value = source.take(quantity, pieces, seq);
            valuation.changed(source);
            final Transit transit = new Transit(transferId.toString(), sku, from, to);
            for (int i = 0; i < pieces.count(); i++)
            {
                transit.add(pieces.units(i), pieces.value(i));
            }
            transits.put(transit.id, transit);
            changed(transit);
            post(PostingKind.TRANSFER_OUT, seq, 0, chart.debit(PostingKind.TRANSFER_OUT),
                chart.credit(PostingKind.TRANSFER_OUT), value, sku, to, from, quantity, transferId);
        });
    }

    @Override
    public void transferReceived(final long seq, final CharSequence transferId, final int sku, final int to,
        final long quantity, final int bucket)
    {
        see(seq);
        guarded(() ->
        {
            final Transit transit = transits.get(transferId.toString());
            if (transit == null)
            {
                throw new IllegalStateException("event seq " + seq + " receives transfer '" + transferId +
                    "', which the ledger never saw leave");
            }
            pieces.clear();
            final long value = transit.take(quantity, pieces, seq);
            changed(transit);
            final StockCost destination = valuation.stock(sku, to);
            for (int i = 0; i < pieces.count(); i++)
            {
                destination.enter(pieces.units(i), pieces.value(i), seq);
            }
            valuation.changed(destination);
            post(PostingKind.TRANSFER_IN, seq, value, sku, to, quantity, transferId);
        });
    }

    private void changed(final OrderCost order)
    {
        if (!order.dirty)
        {
            order.dirty = true;
            dirtyOrders.add(order);
        }
    }

    private void changed(final Transit transit)
    {
        if (!transit.dirty)
        {
            transit.dirty = true;
            dirtyTransits.add(transit);
        }
    }

    /** The order in memory, or read back from the ledger (an order reserved before a restart, or a return). */
    private OrderCost order(final CharSequence orderId, final long seq)
    {
        final String id = orderId.toString();
        OrderCost order = orders.get(id);
        if (order == null)
        {
            order = ledger.loadOrder(id);
            if (order == null)
            {
                throw new IllegalStateException("event seq " + seq + " names order '" + id + "', which the ledger " +
                    "never saw reserved");
            }
            // Read back, it is in the database already: it may leave memory again after the next commit.
            order.evict = true;
            orders.put(id, order);
            changed(order);
        }
        return order;
    }

    private static int line(final OrderCost order, final int lineNo, final long seq)
    {
        if (!order.hasLine(lineNo))
        {
            throw new IllegalStateException("event seq " + seq + " names line " + lineNo + " of order '" + order.id +
                "', which has " + order.lineCount + " lines in the ledger");
        }
        return lineNo;
    }

    /**
     * Writes the orders and transfers that changed to the open transaction. An order that finished without shipping
     * anything and never reached the database is not written at all: a return can never name it.
     */
    void writeChanges() throws SQLException
    {
        // In the order of their rows' keys, as the valuation's rows (Ledger.store); stable, so an order id reserved
        // again keeps its older order first.
        dirtyOrders.sort(BY_ID);
        for (final OrderCost order : dirtyOrders)
        {
            if (!order.finished || order.persisted || order.shippedAny())
            {
                store.order(order);
            }
        }
        for (final Transit transit : dirtyTransits)
        {
            store.transit(transit);
        }
    }

    /** After a commit: finished orders and arrived transfers leave memory (the database has what is needed). */
    void committed()
    {
        for (final OrderCost order : dirtyOrders)
        {
            order.dirty = false;
            if (order.evict && orders.get(order.id) == order)
            {
                orders.remove(order.id);
            }
        }
        dirtyOrders.clear();
        for (final Transit transit : dirtyTransits)
        {
            transit.dirty = false;
            if (transit.units == 0)
            {
                transits.remove(transit.id);
            }
        }
        dirtyTransits.clear();
    }
}
