package io.stockengine.loadtest;

import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

import io.stockengine.client.Line;
import io.stockengine.engine.OrderStatus;

/**
 * What the load test was told, kept independently of the engine: units received, sold and shipped per
 * SKU x location from acknowledged answers, and every order that may still hold stock. Finished orders are folded
 * into the counters and forgotten, so memory follows the open orders, not the run length. Updated from the IO
 * threads; every structure is concurrent.
 */
final class Ledger
{
    final Catalogue catalogue;
    final AtomicLongArray received;
    final AtomicLongArray sold;
    final AtomicLongArray shipped;
    /** Orders acknowledged as reserved or picked, or whose fate is unknown: the engine is asked about each one. */
    final Set<Order> open = ConcurrentHashMap.newKeySet();
    /** Keyed movements with no definite answer: sent again after the run, the key makes that safe. */
    final Queue<Op> unknownMovements = new ConcurrentLinkedQueue<>();
    /** Answers that contradict the request (a reservation answered with other lines): reported as differences. */
    final Queue<String> anomalies = new ConcurrentLinkedQueue<>();

    final LongAdder unitsReceived = new LongAdder();
    final LongAdder unitsSold = new LongAdder();
    final LongAdder unitsReserved = new LongAdder();
    final LongAdder unitsShipped = new LongAdder();
    final LongAdder unitsCancelled = new LongAdder();
    final LongAdder unitsExpired = new LongAdder();
    final LongAdder ordersReserved = new LongAdder();
    final LongAdder ordersRefused = new LongAdder();
    final LongAdder ordersShipped = new LongAdder();
    final LongAdder ordersCancelled = new LongAdder();
    final LongAdder ordersExpired = new LongAdder();

    /** Hot SKUs (flash sale): when a refusal first saw none left, and the latest send of an accepted order. */
    private final int hotSkus;
    private final AtomicLongArray soldOutNanos;
    private final AtomicLongArray lastAcceptedSentNanos;

    Ledger(final Catalogue catalogue, final int hotSkus)
    {
        this.catalogue = catalogue;
        this.received = new AtomicLongArray(catalogue.cells());
        this.sold = new AtomicLongArray(catalogue.cells());
        this.shipped = new AtomicLongArray(catalogue.cells());
        this.hotSkus = hotSkus;
        this.soldOutNanos = new AtomicLongArray(hotSkus);
        this.lastAcceptedSentNanos = new AtomicLongArray(hotSkus);
        for (int i = 0; i < hotSkus; i++)
        {
            soldOutNanos.set(i, Long.MAX_VALUE);
            lastAcceptedSentNanos.set(i, Long.MIN_VALUE);
        }
    }

    void received(final Op op)
    {
        final int sku = catalogue.skuIndex(op.sku);
        final int location = catalogue.locationIndex(op.location);
        received.addAndGet(catalogue.cell(sku, location), op.quantity);
        unitsReceived.add(op.quantity);
    }

    void sold(final Op op)
    {
        final int location = catalogue.locationIndex(op.location);
        for (final Line line : op.lines)
        {
            sold.addAndGet(catalogue.cell(catalogue.skuIndex(line.sku()), location), line.quantity());
            unitsSold.add(line.quantity());
        }
    }

    /**
     * An acknowledged reservation: takes the location of each line from the answer (the engine sources lines that
     * name none) and checks the answer against the request.
     */
    void reserved(final Order order, final Outcome outcome, final long sentNanos, final boolean hot)
    {
        if (!adoptLines(order, outcome.lines, "reservation"))
        {
            return;
        }
        order.status = OrderStatus.RESERVED;
        order.expiresAtMillis = outcome.expiresAtMillis;
        open.add(order);
        ordersReserved.increment();
        unitsReserved.add(order.units());
        if (hot)
        {
            for (final int sku : order.skus)
            {
                if (sku < hotSkus)
                {
                    lastAcceptedSentNanos.accumulateAndGet(sku, sentNanos, Math::max);
                }
            }
        }
    }

    /** Sets the order's lines from the engine's view; false (and an anomaly) when they do not match the request. */
    boolean adoptLines(final Order order, final List<Outcome.OrderLine> lines, final String what)
    {
        final Line[] requested = order.requested;
        if (lines == null || lines.size() != requested.length)
        {
            anomalies.add(order.id + ": " + what + " answered " + (lines == null ? 0 : lines.size()) +
                " lines for " + requested.length + " requested");
            return false;
        }
        final int[] skus = new int[requested.length];
        final int[] locations = new int[requested.length];
        final long[] quantities = new long[requested.length];
        for (int i = 0; i < requested.length; i++)
        {
            final Outcome.OrderLine line = lines.get(i);
            skus[i] = catalogue.skuIndex(line.sku());
            locations[i] = catalogue.locationIndex(line.location());
            quantities[i] = line.quantity();
            if (skus[i] < 0 || locations[i] < 0 || !line.sku().equals(requested[i].sku()) ||
                line.quantity() != requested[i].quantity() ||
                (requested[i].location() != null && !requested[i].location().equals(line.location())))
            {
                anomalies.add(order.id + ": " + what + " line " + i + " is " + line.sku() + "@" + line.location() +
                    " x" + line.quantity() + ", requested " + requested[i].sku() + "@" + requested[i].location() +
                    " x" + requested[i].quantity());
                return false;
            }
        }
        order.skus = skus;
        order.locations = locations;
        order.quantities = quantities;
        return true;
    }

    /** A refused reservation: for hot SKUs, a line refused with nothing available anywhere marks the sell-out. */
    void refused(final Outcome outcome, final long answeredNanos, final boolean hot)
    {
        ordersRefused.increment();
        if (!hot || outcome.shortfalls == null)
        {
            return;
        }
        for (final Outcome.Shortfall row : outcome.shortfalls)
        {
            final int sku = catalogue.skuIndex(row.sku());
            if (sku >= 0 && sku < hotSkus && row.location() == null && row.available() == 0)
            {
                soldOutNanos.accumulateAndGet(sku, answeredNanos, Math::min);
            }
        }
    }

    void shipped(final Order order)
    {
        for (int i = 0; i < order.skus.length; i++)
        {
            shipped.addAndGet(catalogue.cell(order.skus[i], order.locations[i]), order.quantities[i]);
            unitsShipped.add(order.quantities[i]);
        }
        ordersShipped.increment();
        open.remove(order);
    }

    void cancelled(final Order order)
    {
        unitsCancelled.add(order.units());
        ordersCancelled.increment();
        open.remove(order);
    }

    void expired(final Order order)
    {
        unitsExpired.add(order.units());
        ordersExpired.increment();
        open.remove(order);
    }

    /**
     * Hot SKUs that accepted an order sent after a refusal had already seen none left: with no stock coming back
     * during a flash sale, each is an oversell.
     */
    int soldAfterSellOut(final List<String> differences)
    {
        int oversold = 0;
        for (int sku = 0; sku < hotSkus; sku++)
        {
            final long soldOut = soldOutNanos.get(sku);
            final long accepted = lastAcceptedSentNanos.get(sku);
            if (soldOut != Long.MAX_VALUE && accepted > soldOut)
            {
                differences.add(catalogue.skus[sku] + ": OVERSOLD: an order sent " + (accepted - soldOut) / 1_000 +
                    " us after a refusal saw 0 available was accepted");
                oversold++;
            }
        }
        return oversold;
    }

    boolean soldOut(final int hotSku)
    {
        return soldOutNanos.get(hotSku) != Long.MAX_VALUE;
    }
}
