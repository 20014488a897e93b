package io.stockengine.engine;

/**
 * Applies each event to the state, then hands it to the journal: the one path every change takes.
 * <p>
 * Threading: logic thread only.
 */
final class TeeEventSink implements EventSink
{
    private final EventSink state;
    private final EventSink journal;

    TeeEventSink(final EventSink state, final EventSink journal)
    {
        this.state = state;
        this.journal = journal;
    }

    @Override
    public void beginCommand(final long correlationId, final long timestamp)
    {
        state.beginCommand(correlationId, timestamp);
        journal.beginCommand(correlationId, timestamp);
    }

    @Override
    public void symbol(final long seq, final int kind, final int id, final CharSequence name)
    {
        state.symbol(seq, kind, id, name);
        journal.symbol(seq, kind, id, name);
    }

    @Override
    public void safetyStockSet(final long seq, final int sku, final int location, final long quantity)
    {
        state.safetyStockSet(seq, sku, location, quantity);
        journal.safetyStockSet(seq, sku, location, quantity);
    }

    @Override
    public void channelConfigured(final long seq, final int channel, final long buffer, final int locationCount,
        final int[] locations, final boolean keepsFencedUnits)
    {
        state.channelConfigured(seq, channel, buffer, locationCount, locations, keepsFencedUnits);
        journal.channelConfigured(seq, channel, buffer, locationCount, locations, keepsFencedUnits);
    }

    @Override
    public void allocationSet(final long seq, final int channel, final int sku, final int location,
        final long quantity, final long unused)
    {
        state.allocationSet(seq, channel, sku, location, quantity, unused);
        journal.allocationSet(seq, channel, sku, location, quantity, unused);
    }

    @Override
    public void kitDefined(final long seq, final int kit, final int componentCount, final int[] componentSkus,
        final long[] componentQuantities)
    {
        state.kitDefined(seq, kit, componentCount, componentSkus, componentQuantities);
        journal.kitDefined(seq, kit, componentCount, componentSkus, componentQuantities);
    }

    @Override
    public void orderReserved(final long seq, final CharSequence orderId, final int channel, final long expiresAt,
        final long fingerprint, final int lineCount)
    {
        state.orderReserved(seq, orderId, channel, expiresAt, fingerprint, lineCount);
        journal.orderReserved(seq, orderId, channel, expiresAt, fingerprint, lineCount);
    }

    @Override
    public void orderLine(final long seq, final CharSequence orderId, final int lineNo, final int sku,
        final int location, final long quantity, final long fenced, final int parentLine, final long factor)
    {
        state.orderLine(seq, orderId, lineNo, sku, location, quantity, fenced, parentLine, factor);
        journal.orderLine(seq, orderId, lineNo, sku, location, quantity, fenced, parentLine, factor);
    }

    @Override
    public void linePicked(final long seq, final CharSequence orderId, final int lineNo, final long quantity)
    {
        state.linePicked(seq, orderId, lineNo, quantity);
        journal.linePicked(seq, orderId, lineNo, quantity);
    }

    @Override
    public void lineShipped(final long seq, final CharSequence orderId, final int lineNo, final long fromReserved,
        final long fromPicked)
    {
        state.lineShipped(seq, orderId, lineNo, fromReserved, fromPicked);
        journal.lineShipped(seq, orderId, lineNo, fromReserved, fromPicked);
    }

    @Override
    public void lineReleased(final long seq, final CharSequence orderId, final int lineNo, final long fromReserved,
        final long fromPicked, final long fenceRestored, final int cause)
    {
        state.lineReleased(seq, orderId, lineNo, fromReserved, fromPicked, fenceRestored, cause);
        journal.lineReleased(seq, orderId, lineNo, fromReserved, fromPicked, fenceRestored, cause);
    }

    @Override
    public void lineReturned(final long seq, final CharSequence orderId, final int lineNo, final long quantity,
        final int bucket)
    {
        state.lineReturned(seq, orderId, lineNo, quantity, bucket);
        journal.lineReturned(seq, orderId, lineNo, quantity, bucket);
    }

    @Override
    public void orderStatus(final long seq, final CharSequence orderId, final int status)
    {
        state.orderStatus(seq, orderId, status);
        journal.orderStatus(seq, orderId, status);
    }

    @Override
    public void demandRefused(final long seq, final int kind, final CharSequence reference, final int channel,
        final int sku, final int location, final long requested, final long available)
    {
        state.demandRefused(seq, kind, reference, channel, sku, location, requested, available);
        journal.demandRefused(seq, kind, reference, channel, sku, location, requested, available);
    }

    @Override
    public void sold(final long seq, final int channel, final int sku, final int location, final long quantity,
        final long fenced)
    {
        state.sold(seq, channel, sku, location, quantity, fenced);
        journal.sold(seq, channel, sku, location, quantity, fenced);
    }

    @Override
    public void retentionSet(final long seq, final long windowMillis, final int keyCapacity,
        final int finishedOrderCapacity)
    {
        state.retentionSet(seq, windowMillis, keyCapacity, finishedOrderCapacity);
        journal.retentionSet(seq, windowMillis, keyCapacity, finishedOrderCapacity);
    }

    @Override
    public void kitSold(final long seq, final int channel, final int kit, final int location, final int components,
        final long quantity)
    {
        state.kitSold(seq, channel, kit, location, components, quantity);
        journal.kitSold(seq, channel, kit, location, components, quantity);
    }

    @Override
    public void incomingSet(final long seq, final CharSequence purchaseOrder, final int sku, final int location,
        final long quantity, final long expectedAt, final long unitCost)
    {
        state.incomingSet(seq, purchaseOrder, sku, location, quantity, expectedAt, unitCost);
        journal.incomingSet(seq, purchaseOrder, sku, location, quantity, expectedAt, unitCost);
    }

    @Override
    public void received(final long seq, final CharSequence purchaseOrder, final int sku, final int location,
        final long quantity, final long unitCost, final int bucket, final long incomingReduced)
    {
        state.received(seq, purchaseOrder, sku, location, quantity, unitCost, bucket, incomingReduced);
        journal.received(seq, purchaseOrder, sku, location, quantity, unitCost, bucket, incomingReduced);
    }

    @Override
    public void inspected(final long seq, final int sku, final int location, final long passed, final long failed)
    {
        state.inspected(seq, sku, location, passed, failed);
        journal.inspected(seq, sku, location, passed, failed);
    }

    @Override
    public void moved(final long seq, final int sku, final int location, final int fromBucket, final int toBucket,
        final long quantity, final int reason)
    {
        state.moved(seq, sku, location, fromBucket, toBucket, quantity, reason);
        journal.moved(seq, sku, location, fromBucket, toBucket, quantity, reason);
    }

    @Override
    public void adjusted(final long seq, final int sku, final int location, final int bucket, final long delta,
        final int reason)
    {
        state.adjusted(seq, sku, location, bucket, delta, reason);
        journal.adjusted(seq, sku, location, bucket, delta, reason);
    }

    @Override
    public void counted(final long seq, final int sku, final int location, final long counted, final long previous)
    {
        state.counted(seq, sku, location, counted, previous);
        journal.counted(seq, sku, location, counted, previous);
    }

    @Override
    public void transferShipped(final long seq, final CharSequence transferId, final int sku, final int from,
        final int to, final long quantity)
    {
        state.transferShipped(seq, transferId, sku, from, to, quantity);
        journal.transferShipped(seq, transferId, sku, from, to, quantity);
    }

    @Override
    public void transferReceived(final long seq, final CharSequence transferId, final int sku, final int to,
        final long quantity, final int bucket)
    {
        state.transferReceived(seq, transferId, sku, to, quantity, bucket);
        journal.transferReceived(seq, transferId, sku, to, quantity, bucket);
    }

    @Override
    public void keyBound(final long seq, final CharSequence key, final long fingerprint)
    {
        state.keyBound(seq, key, fingerprint);
        journal.keyBound(seq, key, fingerprint);
    }
}
