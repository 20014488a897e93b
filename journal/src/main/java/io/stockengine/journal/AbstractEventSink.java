package io.stockengine.journal;

import io.stockengine.engine.EventSink;

/**
 * An {@link EventSink} to extend: override the typed callbacks a consumer cares about, and {@link #onEvent} to see
 * every other event by its {@link EventType} alone (counters, filters, progress). Remembers the correlation id and
 * engine time of the record being delivered.
 * <p>
 * Threading: the thread that delivers the events.
 */
public abstract class AbstractEventSink implements EventSink
{
    private long correlationId;
    private long timestamp;

    /** The correlation id of the command whose event is being delivered. */
    public final long correlationId()
    {
        return correlationId;
    }

    /** The engine time, epoch ms, of the command whose event is being delivered. */
    public final long timestamp()
    {
        return timestamp;
    }

    /** Called by every event callback that is not overridden; does nothing unless overridden. */
    protected void onEvent(final int type, final long seq)
    {
    }

    @Override
    public void beginCommand(final long correlationId, final long timestamp)
    {
        this.correlationId = correlationId;
        this.timestamp = timestamp;
    }

    @Override
    public void symbol(final long seq, final int kind, final int id, final CharSequence name)
    {
        onEvent(EventType.SYMBOL, seq);
    }

    @Override
    public void safetyStockSet(final long seq, final int sku, final int location, final long quantity)
    {
        onEvent(EventType.SAFETY_STOCK_SET, seq);
    }

    @Override
    public void channelConfigured(final long seq, final int channel, final long buffer, final int locationCount,
        final int[] locations, final boolean keepsFencedUnits)
    {
        onEvent(keepsFencedUnits ? EventType.CHANNEL_SET : EventType.CHANNEL_CONFIGURED, seq);
    }

    @Override
    public void allocationSet(final long seq, final int channel, final int sku, final int location,
        final long quantity, final long unused)
    {
        onEvent(unused < 0 ? EventType.ALLOCATION_SET : EventType.FENCE_SET, seq);
    }

    @Override
    public void kitDefined(final long seq, final int kit, final int componentCount, final int[] componentSkus,
        final long[] componentQuantities)
    {
        onEvent(EventType.KIT_DEFINED, seq);
    }

    @Override
    public void orderReserved(final long seq, final CharSequence orderId, final int channel, final long expiresAt,
        final long fingerprint, final int lineCount)
    {
        onEvent(EventType.ORDER_RESERVED, seq);
    }

    @Override
    public void orderLine(final long seq, final CharSequence orderId, final int lineNo, final int sku,
        final int location, final long quantity, final long fenced, final int parentLine, final long factor)
    {
        onEvent(EventType.ORDER_LINE, seq);
    }

    @Override
    public void linePicked(final long seq, final CharSequence orderId, final int lineNo, final long quantity)
    {
        onEvent(EventType.LINE_PICKED, seq);
    }

    @Override
    public void lineShipped(final long seq, final CharSequence orderId, final int lineNo, final long fromReserved,
        final long fromPicked)
    {
        onEvent(EventType.LINE_SHIPPED, seq);
    }

    @Override
    public void lineReleased(final long seq, final CharSequence orderId, final int lineNo, final long fromReserved,
        final long fromPicked, final long fenceRestored, final int cause)
    {
        onEvent(EventType.LINE_RELEASED, seq);
    }

    @Override
    public void lineReturned(final long seq, final CharSequence orderId, final int lineNo, final long quantity,
        final int bucket)
    {
        onEvent(EventType.LINE_RETURNED, seq);
    }

    @Override
    public void orderStatus(final long seq, final CharSequence orderId, final int status)
    {
        onEvent(EventType.ORDER_STATUS, seq);
    }

    @Override
    public void demandRefused(final long seq, final int kind, final CharSequence reference, final int channel,
        final int sku, final int location, final long requested, final long available)
    {
        onEvent(EventType.DEMAND_REFUSED, seq);
    }

    @Override
    public void sold(final long seq, final int channel, final int sku, final int location, final long quantity,
        final long fenced)
    {
        onEvent(EventType.SOLD, seq);
    }

    @Override
    public void retentionSet(final long seq, final long windowMillis, final int keyCapacity,
        final int finishedOrderCapacity)
    {
        onEvent(EventType.RETENTION_SET, seq);
    }

    @Override
    public void kitSold(final long seq, final int channel, final int kit, final int location, final int components,
        final long quantity)
    {
        onEvent(EventType.KIT_SOLD, seq);
    }

    @Override
    public void incomingSet(final long seq, final CharSequence purchaseOrder, final int sku, final int location,
        final long quantity, final long expectedAt, final long unitCost)
    {
        onEvent(EventType.INCOMING_SET, seq);
    }

    @Override
    public void received(final long seq, final CharSequence purchaseOrder, final int sku, final int location,
        final long quantity, final long unitCost, final int bucket, final long incomingReduced)
    {
        onEvent(EventType.RECEIVED, seq);
    }

    @Override
    public void inspected(final long seq, final int sku, final int location, final long passed, final long failed)
    {
        onEvent(EventType.INSPECTED, seq);
    }

    @Override
    public void moved(final long seq, final int sku, final int location, final int fromBucket, final int toBucket,
        final long quantity, final int reason)
    {
        onEvent(EventType.MOVED, seq);
    }

    @Override
    public void adjusted(final long seq, final int sku, final int location, final int bucket, final long delta,
        final int reason)
    {
        onEvent(EventType.ADJUSTED, seq);
    }

    @Override
    public void counted(final long seq, final int sku, final int location, final long counted, final long previous)
    {
        onEvent(EventType.COUNTED, seq);
    }

    @Override
    public void transferShipped(final long seq, final CharSequence transferId, final int sku, final int from,
        final int to, final long quantity)
    {
        onEvent(EventType.TRANSFER_SHIPPED, seq);
    }

    @Override
    public void transferReceived(final long seq, final CharSequence transferId, final int sku, final int to,
        final long quantity, final int bucket)
    {
        onEvent(EventType.TRANSFER_RECEIVED, seq);
    }

    @Override
    public void keyBound(final long seq, final CharSequence key, final long fingerprint)
    {
        onEvent(EventType.KEY_BOUND, seq);
    }
}
