package io.stockengine.loadtest;

import java.util.List;

import io.stockengine.engine.OrderStatus;

/**
 * The answer to one request, reduced to what the scenarios and the reconciliation read: the result code, and for
 * orders their status, expiry and lines, for stock queries the buckets per location, for refusals the shortfall
 * lines. Immutable.
 */
final class Outcome
{
    private static final Outcome[] PLAIN = new Outcome[Codes.COUNT];

    static
    {
        for (int code = 0; code < Codes.COUNT; code++)
        {
            PLAIN[code] = new Outcome(code, OrderStatus.NONE, 0, null, null, null);
        }
    }

    final int code;
    final int status;
    /** Epoch milliseconds; 0 when the order has no expiry. */
    final long expiresAtMillis;
    final List<OrderLine> lines;
    final List<StockRow> stock;
    final List<Shortfall> shortfalls;

    Outcome(final int code, final int status, final long expiresAtMillis, final List<OrderLine> lines,
        final List<StockRow> stock, final List<Shortfall> shortfalls)
    {
        this.code = code;
        this.status = status;
        this.expiresAtMillis = expiresAtMillis;
        this.lines = lines;
        this.stock = stock;
        this.shortfalls = shortfalls;
    }

    /** An outcome that carries only its code (shared instances). */
    static Outcome of(final int code)
    {
        return PLAIN[code];
    }

    static Outcome order(final int code, final int status, final long expiresAtMillis, final List<OrderLine> lines)
    {
        return new Outcome(code, status, expiresAtMillis, lines, null, null);
    }

    static Outcome stock(final int code, final List<StockRow> rows)
    {
        return new Outcome(code, OrderStatus.NONE, 0, null, rows, null);
    }

    static Outcome refused(final int code, final List<Shortfall> rows)
    {
        return new Outcome(code, OrderStatus.NONE, 0, null, null, rows);
    }

    /** A line of an order as the engine holds it (the location it was sourced from). */
    record OrderLine(String sku, String location, long quantity, long reserved, long picked, long shipped,
        long cancelled)
    {
    }

    /** The buckets of a SKU at one location. */
    record StockRow(String location, long onHand, long sellable, long reserved, long picked, long qualityControl,
        long damaged)
    {
    }

    /** A line the engine could not fill; location null when it could source it nowhere. */
    record Shortfall(String sku, String location, long requested, long available)
    {
    }
}
