package io.stockengine.loadtest;

import io.stockengine.client.Line;

/**
 * One request: what to send (protocol-neutral, so the same scenario drives the binary and the HTTP target), the
 * order it belongs to, and the times the generator stamps on it. A new one per request; it is handed from the
 * scheduler thread to an IO thread and back to the scenario with the answer.
 */
final class Op
{
    final int kind;
    String orderId;
    /** Idempotency key of a movement; null for orders (keyed by their id) and queries. */
    String key;
    String channel;
    String location;
    String sku;
    long quantity;
    long ttlSeconds;
    /** Order, sale and channel-allocation lines. */
    Line[] lines;
    /** Availability: the SKUs asked; channel configuration: its sourcing locations. */
    String[] names;
    /** The load test's record of the order this request acts on. */
    Order order;
    /** A scenario's own mark (flash sale: a hot-SKU order). */
    boolean hot;

    /** When the schedule meant the request to start: latency is measured from here (no coordinated omission). */
    long intendedNanos;
    /** When it was actually handed to the connection. */
    long sentNanos;
    int connection;

    Op(final int kind)
    {
        this.kind = kind;
    }

    static Op reserve(final Order order)
    {
        final Op op = new Op(OpKind.RESERVE);
        op.order = order;
        op.orderId = order.id;
        op.channel = order.channel;
        op.ttlSeconds = order.ttlSeconds;
        op.lines = order.requested;
        return op;
    }

    static Op action(final int kind, final Order order)
    {
        final Op op = new Op(kind);
        op.order = order;
        op.orderId = order.id;
        return op;
    }

    static Op receive(final String key, final String sku, final String location, final long quantity)
    {
        final Op op = new Op(OpKind.RECEIVE);
        op.key = key;
        op.sku = sku;
        op.location = location;
        op.quantity = quantity;
        return op;
    }

    static Op sale(final String key, final String channel, final String location, final Line[] lines)
    {
        final Op op = new Op(OpKind.SALE);
        op.key = key;
        op.channel = channel;
        op.location = location;
        op.lines = lines;
        return op;
    }

    static Op availability(final String channel, final String[] skus)
    {
        final Op op = new Op(OpKind.AVAILABILITY);
        op.channel = channel;
        op.names = skus;
        return op;
    }

    static Op stock(final String sku)
    {
        final Op op = new Op(OpKind.STOCK);
        op.sku = sku;
        return op;
    }

    static Op queryOrder(final String orderId)
    {
        final Op op = new Op(OpKind.ORDER);
        op.orderId = orderId;
        return op;
    }

    /** A channel policy: buffer, sourcing locations in order, no ring-fences. */
    static Op channel(final String channel, final long buffer, final String[] locations)
    {
        final Op op = new Op(OpKind.CHANNEL);
        op.channel = channel;
        op.quantity = buffer;
        op.names = locations;
        return op;
    }

    /** The same command again (same key or order id), for a retry whose answer the engine deduplicates. */
    Op copy()
    {
        final Op op = new Op(kind);
        op.orderId = orderId;
        op.key = key;
        op.channel = channel;
        op.location = location;
        op.sku = sku;
        op.quantity = quantity;
        op.ttlSeconds = ttlSeconds;
        op.lines = lines;
        op.names = names;
        op.order = order;
        op.hot = hot;
        return op;
    }
}
