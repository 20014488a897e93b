package io.stockengine.accounting;

import io.stockengine.engine.EventSink;

/** Forwards every event to the sink currently set: an engine keeps feeding a ledger that is closed and reopened. */
final class SwitchableSink implements EventSink
{
    EventSink target;

    @Override
    public void beginCommand(final long correlationId, final long timestamp)
    {
        target.beginCommand(correlationId, timestamp);
    }

    @Override
    public void symbol(final long seq, final int kind, final int id, final CharSequence name)
    {
        target.symbol(seq, kind, id, name);
    }

    @Override
    public void safetyStockSet(final long seq, final int sku, final int location, final long quantity)
    {
        target.safetyStockSet(seq, sku, location, quantity);
    }

    @Override
    public void channelConfigured(final long seq, final int channel, final long buffer, final int locationCount,
        final int[] locations, final boolean keepsFencedUnits)
    {
        target.channelConfigured(seq, channel, buffer, locationCount, locations, keepsFencedUnits);
    }

    @Override
    public void allocationSet(final long seq, final int channel, final int sku, final int location,
        final long quantity, final long unused)
    {
        target.allocationSet(seq, channel, sku, location, quantity, unused);
    }

    @Override
    public void kitDefined(final long seq, final int kit, final int componentCount, final int[] componentSkus,
        final long[] componentQuantities)
    {
        target.kitDefined(seq, kit, componentCount, componentSkus, componentQuantities);
    }

    @Override
    public void orderReserved(final long seq, final CharSequence orderId, final int channel, final long expiresAt,
        final long fingerprint, final int lineCount)
    {
        target.orderReserved(seq, orderId, channel, expiresAt, fingerprint, lineCount);
    }

    @Override
    public void orderLine(final long seq, final CharSequence orderId, final int lineNo, final int sku,
        final int location, final long quantity, final long fenced, final int parentLine, final long factor)
    {
        target.orderLine(seq, orderId, lineNo, sku, location, quantity, fenced, parentLine, factor);
    }

    @Override
    public void linePicked(final long seq, final CharSequence orderId, final int lineNo, final long quantity)
    {
        target.linePicked(seq, orderId, lineNo, quantity);
    }

    @Override
    public void lineShipped(final long seq, final CharSequence orderId, final int lineNo, final long fromReserved,
        final long fromPicked)
    {
        target.lineShipped(seq, orderId, lineNo, fromReserved, fromPicked);
    }

    @Override
    public void lineReleased(final long seq, final CharSequence orderId, final int lineNo, final long fromReserved,
        final long fromPicked, final long fenceRestored, final int cause)
    {
        target.lineReleased(seq, orderId, lineNo, fromReserved, fromPicked, fenceRestored, cause);
    }

    @Override
    public void lineReturned(final long seq, final CharSequence orderId, final int lineNo, final long quantity,
        final int bucket)
    {
        target.lineReturned(seq, orderId, lineNo, quantity, bucket);
    }

    @Override
    public void orderStatus(final long seq, final CharSequence orderId, final int status)
    {
        target.orderStatus(seq, orderId, status);
    }

    @Override
    public void demandRefused(final long seq, final int kind, final CharSequence reference, final int channel,
        final int sku, final int location, final long requested, final long available)
    {
        target.demandRefused(seq, kind, reference, channel, sku, location, requested, available);
    }

    @Override
    public void sold(final long seq, final int channel, final int sku, final int location, final long quantity,
        final long fenced)
    {
        target.sold(seq, channel, sku, location, quantity, fenced);
    }

    @Override
    public void retentionSet(final long seq, final long windowMillis, final int keyCapacity,
        final int finishedOrderCapacity)
    {
        target.retentionSet(seq, windowMillis, keyCapacity, finishedOrderCapacity);
    }

    @Override
    public void kitSold(final long seq, final int channel, final int kit, final int location, final int components,
        final long quantity)
    {
        target.kitSold(seq, channel, kit, location, components, quantity);
    }

    @Override
    public void incomingSet(final long seq, final CharSequence purchaseOrder, final int sku, final int location,
        final long quantity, final long expectedAt, final long unitCost)
    {
        target.incomingSet(seq, purchaseOrder, sku, location, quantity, expectedAt, unitCost);
    }

    @Override
    public void received(final long seq, final CharSequence purchaseOrder, final int sku, final int location,
        final long quantity, final long unitCost, final int bucket, final long incomingReduced)
    {
        target.received(seq, purchaseOrder, sku, location, quantity, unitCost, bucket, incomingReduced);
    }

    @Override
    public void inspected(final long seq, final int sku, final int location, final long passed, final long failed)
    {
        target.inspected(seq, sku, location, passed, failed);
    }

    @Override
    public void moved(final long seq, final int sku, final int location, final int fromBucket, final int toBucket,
        final long quantity, final int reason)
    {
        target.moved(seq, sku, location, fromBucket, toBucket, quantity, reason);
    }

    @Override
    public void adjusted(final long seq, final int sku, final int location, final int bucket, final long delta,
        final int reason)
    {
        target.adjusted(seq, sku, location, bucket, delta, reason);
    }

    @Override
    public void counted(final long seq, final int sku, final int location, final long counted, final long previous)
    {
        target.counted(seq, sku, location, counted, previous);
    }

    @Override
    public void transferShipped(final long seq, final CharSequence transferId, final int sku, final int from,
        final int to, final long quantity)
    {
        target.transferShipped(seq, transferId, sku, from, to, quantity);
    }

    @Override
    public void transferReceived(final long seq, final CharSequence transferId, final int sku, final int to,
        final long quantity, final int bucket)
    {
        target.transferReceived(seq, transferId, sku, to, quantity, bucket);
    }

    @Override
    public void keyBound(final long seq, final CharSequence key, final long fingerprint)
    {
        target.keyBound(seq, key, fingerprint);
    }
}
