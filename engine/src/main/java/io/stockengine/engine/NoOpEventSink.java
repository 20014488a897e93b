package io.stockengine.engine;

/**
 * Discards every event: the journal stage before a journal is attached, and benchmarks of the logic alone.
 */
public final class NoOpEventSink implements EventSink
{
    public static final NoOpEventSink INSTANCE = new NoOpEventSink();

    @Override
    public void beginCommand(final long correlationId, final long timestamp)
    {
    }

    @Override
    public void symbol(final long seq, final int kind, final int id, final CharSequence name)
    {
    }

    @Override
    public void safetyStockSet(final long seq, final int sku, final int location, final long quantity)
    {
    }

    @Override
    public void channelConfigured(final long seq, final int channel, final long buffer, final int locationCount,
        final int[] locations, final boolean keepsFencedUnits)
    {
    }

    @Override
    public void allocationSet(final long seq, final int channel, final int sku, final int location,
        final long quantity, final long unused)
    {
    }

    @Override
    public void kitDefined(final long seq, final int kit, final int componentCount, final int[] componentSkus, final long[] componentQuantities)
    {
    }

    @Override
    public void orderReserved(final long seq, final CharSequence orderId, final int channel, final long expiresAt, final long fingerprint, final int lineCount)
    {
    }

    @Override
    public void orderLine(final long seq, final CharSequence orderId, final int lineNo, final int sku, final int location, final long quantity, final long fenced, final int parentLine, final long factor)
    {
    }

    @Override
    public void linePicked(final long seq, final CharSequence orderId, final int lineNo, final long quantity)
    {
    }

    @Override
    public void lineShipped(final long seq, final CharSequence orderId, final int lineNo, final long fromReserved, final long fromPicked)
    {
    }

    @Override
    public void lineReleased(final long seq, final CharSequence orderId, final int lineNo, final long fromReserved, final long fromPicked, final long fenceRestored, final int cause)
    {
    }

    @Override
    public void lineReturned(final long seq, final CharSequence orderId, final int lineNo, final long quantity, final int bucket)
    {
    }

    @Override
    public void orderStatus(final long seq, final CharSequence orderId, final int status)
    {
    }

    @Override
    public void demandRefused(final long seq, final int kind, final CharSequence reference, final int channel, final int sku, final int location, final long requested, final long available)
    {
    }

    @Override
    public void sold(final long seq, final int channel, final int sku, final int location, final long quantity, final long fenced)
    {
    }

    @Override
    public void retentionSet(final long seq, final long windowMillis, final int keyCapacity,
        final int finishedOrderCapacity)
    {
    }

    @Override
    public void kitSold(final long seq, final int channel, final int kit, final int location, final int components,
        final long quantity)
    {
    }

    @Override
    public void incomingSet(final long seq, final CharSequence purchaseOrder, final int sku, final int location, final long quantity, final long expectedAt, final long unitCost)
    {
    }

    @Override
    public void received(final long seq, final CharSequence purchaseOrder, final int sku, final int location, final long quantity, final long unitCost, final int bucket, final long incomingReduced)
    {
    }

    @Override
    public void inspected(final long seq, final int sku, final int location, final long passed, final long failed)
    {
    }

    @Override
    public void moved(final long seq, final int sku, final int location, final int fromBucket, final int toBucket, final long quantity, final int reason)
    {
    }

    @Override
    public void adjusted(final long seq, final int sku, final int location, final int bucket, final long delta, final int reason)
    {
    }

    @Override
    public void counted(final long seq, final int sku, final int location, final long counted, final long previous)
    {
    }

    @Override
    public void transferShipped(final long seq, final CharSequence transferId, final int sku, final int from, final int to, final long quantity)
    {
    }

    @Override
    public void transferReceived(final long seq, final CharSequence transferId, final int sku, final int to, final long quantity, final int bucket)
    {
    }

    @Override
    public void keyBound(final long seq, final CharSequence key, final long fingerprint)
    {
    }
}
