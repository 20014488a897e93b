package io.stockengine.loadtest;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

import io.stockengine.engine.OrderStatus;
import io.stockengine.engine.ResultCode;

/**
 * After a run has quiesced: settles what the load test does not know (keyed movements without an answer are sent
 * again; every open order is queried, which also tells which reservations expired by TTL), derives from the
 * acknowledged results what every SKU x location must hold, and compares that with the engine's balances. Any
 * difference, an order in a state its acknowledgements forbid, or an oversell fails the run.
 */
final class Reconciler
{
    /** The API promises expiry within one second of {@code expires_at}; this adds a margin for the clock tick. */
    private static final long EXPIRY_GRACE_MILLIS = 1_500;
    private static final long TIMEOUT_MILLIS = 120_000;

    private final Target target;
    private final Ledger ledger;
    private final Catalogue catalogue;
    private final PrintStream out;
    /** How long the engine may take to answer at all before the run is given up as not checkable. */
    private long serverWaitMillis = TIMEOUT_MILLIS;
    private final int window;
    private final List<String> differences = new ArrayList<>();
    private final long[] reserved;
    private final long[] picked;
    private int ordersQueried;
    private int ordersExpired;
    private int unknownResolved;
    private int oversold;

    Reconciler(final Target target, final Ledger ledger, final PrintStream out)
    {
        this.target = target;
        this.ledger = ledger;
        this.catalogue = ledger.catalogue;
        this.out = out;
        this.window = Math.max(64, 256 * target.connections());
        this.reserved = new long[catalogue.cells()];
        this.picked = new long[catalogue.cells()];
    }

    /** Tests: a shorter wait for a server that does not answer. */
    Reconciler waitForServerAtMost(final long millis)
    {
        serverWaitMillis = millis;
        return this;
    }

    Reconciliation reconcile() throws InterruptedException
    {
        waitForServer();
        waitForExpiry();
        settleMovements();
        settleOrders();
        compareBalances();
        oversold += ledger.soldAfterSellOut(differences);
        differences.addAll(ledger.anomalies);
        return new Reconciliation(differences, oversold, catalogue.cells(), ordersQueried, ordersExpired,
            unknownResolved, ledger);
    }

    /**
     * The engine must answer before anything is compared: a server that is down, or still recovering after a
     * restart, would have every query's non-answer counted as a difference, blaming the engine for a run that
     * simply could not be checked. Waits as long as a query may take, then gives up (the run could not be done).
     */
    private void waitForServer() throws InterruptedException
    {
        final long deadline = System.currentTimeMillis() + serverWaitMillis;
        boolean waiting = false;
        int code;
        do
        {
            code = Bulk.sendAll(target, List.of(Op.stock(catalogue.skus[0])), 1, TIMEOUT_MILLIS)[0].code;
            if (code == ResultCode.OK)
            {
                return;
            }
            if (!waiting)
            {
                waiting = true;
                out.printf("reconciliation: waiting for the server to answer (%s)%n", Codes.name(code));
            }
            Thread.sleep(500);
        }
        while (System.currentTimeMillis() < deadline);
        throw noAnswer(code);
    }

    /** A query got no answer from the engine (not sent, refused for load, lost): nothing can be concluded. */
    private static boolean noAnswer(final Outcome outcome)
    {
        return Codes.isUnknown(outcome.code) || Codes.notApplied(outcome.code);
    }

    private static IllegalStateException noAnswer(final int code)
    {
        return new IllegalStateException("the server gives no answers to check the run against (" +
            Codes.name(code) + "): is it running, and done recovering?");
    }

    /** Open reservations with a TTL must be gone before the balances are read. */
    private void waitForExpiry() throws InterruptedException
    {
        long latest = 0;
        for (final Order order : ledger.open)
        {
            if (order.ttlSeconds > 0 && (order.status == OrderStatus.RESERVED || order.unknown))
            {
                // An order whose reservation had no answer was sent before now, so it expires by now + TTL.
                final long expiry = order.expiresAtMillis > 0 ? order.expiresAtMillis :
                    System.currentTimeMillis() + order.ttlSeconds * 1_000;
                latest = Math.max(latest, expiry);
            }
        }
        final long wait = latest + EXPIRY_GRACE_MILLIS - System.currentTimeMillis();
        if (latest > 0 && wait > 0)
        {
            out.printf("reconciliation: waiting %.1f s for reservations to expire by TTL%n", wait / 1000.0);
            Thread.sleep(wait);
        }
    }

    private void settleMovements() throws InterruptedException
    {
        final List<Op> unknown = new ArrayList<>(ledger.unknownMovements);
        ledger.unknownMovements.clear();
        if (unknown.isEmpty())
        {
            return;
        }
        final List<Op> again = new ArrayList<>(unknown.size());
        for (final Op op : unknown)
        {
            again.add(op.copy());
        }
        final Outcome[] outcomes = Bulk.sendAll(target, again, window, TIMEOUT_MILLIS);
        for (int i = 0; i < outcomes.length; i++)
        {
            final Op op = again.get(i);
            final Outcome outcome = outcomes[i];
            unknownResolved++;
            if (outcome.code == ResultCode.OK)
            {
                // Applied then or now: the key makes both the same single movement.
                if (op.kind == OpKind.SALE)
                {
                    ledger.sold(op);
                }
                else
                {
                    ledger.received(op);
                }
            }
            else if (Codes.isUnknown(outcome.code) || Codes.notApplied(outcome.code))
            {
                differences.add(OpKind.name(op.kind) + " " + op.key + ": outcome still unknown after retries (" +
                    Codes.name(outcome.code) + ")");
            }
        }
    }

    private void settleOrders() throws InterruptedException
    {
        final List<Order> orders = new ArrayList<>(ledger.open);
        final List<Op> queries = new ArrayList<>(orders.size());
        for (final Order order : orders)
        {
            queries.add(Op.queryOrder(order.id));
        }
        final Outcome[] outcomes = Bulk.sendAll(target, queries, window, TIMEOUT_MILLIS);
        ordersQueried = orders.size();
        final long now = System.currentTimeMillis();
        for (int i = 0; i < outcomes.length; i++)
        {
            settle(orders.get(i), outcomes[i], now);
        }
    }

    private void settle(final Order order, final Outcome outcome, final long now)
    {
        final boolean acknowledged = order.status != OrderStatus.NONE;
        if (order.unknown)
        {
            unknownResolved++;
        }
        if (outcome.code == ResultCode.NOT_FOUND && !acknowledged)
        {
            // A reservation without an answer that the engine never applied.
            ledger.open.remove(order);
            return;
        }
        if (noAnswer(outcome))
        {
            throw noAnswer(outcome.code);
        }
        if (outcome.code != ResultCode.OK)
        {
            differences.add(order.id + ": " + (acknowledged ? "acknowledged as " + OrderStatus.name(order.status) +
                ", " : "") + "the engine answers " + Codes.name(outcome.code));
            return;
        }
        final int[] knownLocations = order.locations;
        if (!ledger.adoptLines(order, outcome.lines, "order query"))
        {
            return;
        }
        if (knownLocations != null && !java.util.Arrays.equals(knownLocations, order.locations))
        {
            differences.add(order.id + ": the engine holds its lines at other locations than it acknowledged");
        }
        final int status = outcome.status;
        if (!possible(order, status))
        {
            differences.add(order.id + ": acknowledged as " + OrderStatus.name(order.status) + ", the engine says " +
                OrderStatus.name(status) + (order.ttlSeconds == 0 ? " (no TTL)" : ""));
        }
        if (status == OrderStatus.RESERVED && outcome.expiresAtMillis > 0 &&
            now > outcome.expiresAtMillis + EXPIRY_GRACE_MILLIS)
        {
            differences.add(order.id + ": still RESERVED " + (now - outcome.expiresAtMillis) +
                " ms after it should have expired");
        }
        order.status = status;
        switch (status)
        {
            case OrderStatus.RESERVED, OrderStatus.PICKED ->
            {
                final long[] bucket = status == OrderStatus.RESERVED ? reserved : picked;
                for (int line = 0; line < order.skus.length; line++)
                {
                    bucket[catalogue.cell(order.skus[line], order.locations[line])] += order.quantities[line];
                }
            }
            case OrderStatus.SHIPPED -> ledger.shipped(order);
            case OrderStatus.CANCELLED -> ledger.cancelled(order);
            case OrderStatus.EXPIRED ->
            {
                ordersExpired++;
                ledger.expired(order);
            }
            default -> differences.add(order.id + ": in state " + OrderStatus.name(status) +
                ", which the load test never causes (it acts on whole orders only)");
        }
    }

    /**
     * Whether the engine may hold the order in {@code status}: the last acknowledged status, an expiry of a reserved
     * order with a TTL, or, when one request's answer was lost, the status that request leads to (it may have been
     * applied). Anything else means an acknowledged step was lost or a step nobody asked for was taken.
     */
    static boolean possible(final Order order, final int status)
    {
        if (status == order.status)
        {
            return true;
        }
        final boolean reserved = order.status == OrderStatus.RESERVED ||
            (order.unknown && order.lostKind == OpKind.RESERVE);
        if (status == OrderStatus.EXPIRED && order.ttlSeconds > 0 && reserved)
        {
            return true;
        }
        if (!order.unknown)
        {
            return false;
        }
        return switch (order.lostKind)
        {
            case OpKind.RESERVE -> status == OrderStatus.RESERVED;
            case OpKind.PICK -> status == OrderStatus.PICKED;
            case OpKind.SHIP -> status == OrderStatus.SHIPPED;
            case OpKind.CANCEL -> status == OrderStatus.CANCELLED;
            default -> false;
        };
    }

    private void compareBalances() throws InterruptedException
    {
        final List<Op> queries = new ArrayList<>(catalogue.skus.length);
        for (final String sku : catalogue.skus)
        {
            queries.add(Op.stock(sku));
        }
        final Outcome[] outcomes = Bulk.sendAll(target, queries, window, TIMEOUT_MILLIS);
        final int locations = catalogue.locations.length;
        for (int sku = 0; sku < outcomes.length; sku++)
        {
            final Outcome outcome = outcomes[sku];
            if (noAnswer(outcome))
            {
                throw noAnswer(outcome.code);
            }
            if (outcome.code != ResultCode.OK)
            {
                differences.add(catalogue.skus[sku] + ": stock query answered " + Codes.name(outcome.code));
                continue;
            }
            final Outcome.StockRow[] rows = new Outcome.StockRow[locations];
            for (final Outcome.StockRow row : outcome.stock)
            {
                final int location = catalogue.locationIndex(row.location());
                if (location < 0)
                {
                    differences.add(catalogue.skus[sku] + ": stock at " + row.location() +
                        ", a location the load test never used");
                    continue;
                }
                rows[location] = row;
            }
            for (int location = 0; location < locations; location++)
            {
                compare(sku, location, rows[location]);
            }
        }
    }

    private void compare(final int sku, final int location, final Outcome.StockRow row)
    {
        final int cell = catalogue.cell(sku, location);
        final long onHand = ledger.received.get(cell) - ledger.sold.get(cell) - ledger.shipped.get(cell);
        final long sellable = onHand - reserved[cell] - picked[cell];
        final String where = catalogue.skus[sku] + "@" + catalogue.locations[location];
        if (sellable < 0)
        {
            oversold++;
            differences.add(where + ": OVERSOLD: acknowledged " + (ledger.sold.get(cell) + ledger.shipped.get(cell) +
                reserved[cell] + picked[cell]) + " units sold, shipped or committed out of " +
                ledger.received.get(cell) + " received");
        }
        final long[] expected = { onHand, sellable, reserved[cell], picked[cell], 0, 0 };
        final long[] actual = row == null ? new long[6] : new long[] {
            row.onHand(), row.sellable(), row.reserved(), row.picked(), row.qualityControl(), row.damaged() };
        final String[] names = { "on_hand", "sellable", "reserved", "picked", "quality_control", "damaged" };
        final StringBuilder diff = new StringBuilder();
        for (int f = 0; f < expected.length; f++)
        {
            if (expected[f] != actual[f])
            {
                diff.append(' ').append(names[f]).append(" expected ").append(expected[f]).append(" engine ")
                    .append(actual[f]).append(';');
            }
        }
        if (diff.length() > 0)
        {
            differences.add(where + ":" + diff);
        }
    }
}
