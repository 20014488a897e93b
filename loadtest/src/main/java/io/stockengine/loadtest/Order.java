package io.stockengine.loadtest;

import io.stockengine.client.Line;
import io.stockengine.engine.OrderStatus;

/**
 * The load test's record of one order: what it asked for, where the engine sourced each line (from the
 * acknowledgement), and the status of the last acknowledged answer. At most one request acts on an order at a time
 * (the scenarios hand orders from one step to the next only on an answer), so the fields need no lock: the
 * hand-over through a concurrent queue publishes them.
 */
final class Order
{
    final String id;
    final String channel;
    final long ttlSeconds;
    final Line[] requested;
    /** Per line: catalogue index of the SKU and of the location it was reserved at (from the answer). */
    int[] skus;
    int[] locations;
    long[] quantities;
    /** The status of the last acknowledged answer, NONE until the reservation is acknowledged. */
    int status = OrderStatus.NONE;
    long expiresAtMillis;
    /** A request on this order got no definite answer: its state is taken from the engine after the run. */
    boolean unknown;
    /**
     * The kind of the request whose answer was lost ({@link OpKind}), or -1: the engine may have applied it or not,
     * so after the run the order may be in the last acknowledged state or in the one that request leads to, nothing
     * else.
     */
    int lostKind = -1;

    Order(final String id, final String channel, final long ttlSeconds, final Line[] requested)
    {
        this.id = id;
        this.channel = channel;
        this.ttlSeconds = ttlSeconds;
        this.requested = requested;
    }

    long units()
    {
        long units = 0;
        for (final Line line : requested)
        {
            units += line.quantity();
        }
        return units;
    }
}
