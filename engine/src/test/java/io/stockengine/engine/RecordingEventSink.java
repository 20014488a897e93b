package io.stockengine.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the kinds of the events of the current command (so a seq mismatch with the reference model can be shown event
 * by event) and checks the one rule every journal relies on: seq is gap-free from 1.
 */
final class RecordingEventSink implements EventSink
{
    private final List<String> events = new ArrayList<>();
    /** Seq and arguments of each event, formatted only when a failure message asks for them. */
    private final List<Object[]> arguments = new ArrayList<>();
    private long lastSeq;
    private String gap;

    /** Forgets the events of the previous command; the engine calls {@link #beginCommand} itself. */
    void clear()
    {
        events.clear();
        arguments.clear();
    }

    List<String> events()
    {
        return events;
    }

    /** The current command's events as text: seq, kind and arguments (ids of symbols, not names). */
    List<String> details()
    {
        final List<String> details = new ArrayList<>();
        for (int i = 0; i < events.size(); i++)
        {
            final Object[] args = arguments.get(i);
            final StringBuilder text = new StringBuilder().append(args[0]).append(' ').append(events.get(i));
            for (int a = 1; a < args.length; a++)
            {
                text.append(' ').append(args[a]);
            }
            details.add(text.toString());
        }
        return details;
    }

    long lastSeq()
    {
        return lastSeq;
    }

    /** @return the first seq gap or repeat seen, or null. */
    String gap()
    {
        return gap;
    }

    private void record(final long seq, final String kind, final Object... args)
    {
        if (seq != lastSeq + 1 && gap == null)
        {
            gap = kind + " has seq " + seq + " after " + lastSeq;
        }
        lastSeq = seq;
        events.add(kind);
        final Object[] copy = new Object[args.length + 1];
        copy[0] = seq;
        for (int i = 0; i < args.length; i++)
        {
            // The engine reuses its CharSequences, so keep a copy of the text.
            copy[i + 1] = args[i] instanceof CharSequence ? args[i].toString() : args[i];
        }
        arguments.add(copy);
    }

    @Override
    public void beginCommand(final long correlationId, final long timestamp)
    {
        clear();
    }

    @Override
    public void symbol(final long seq, final int kind, final int id, final CharSequence name)
    {
        record(seq, "symbol", kind, id, name);
    }

    @Override
    public void safetyStockSet(final long seq, final int sku, final int location, final long quantity)
    {
        record(seq, "safetyStockSet", sku, location, quantity);
    }

    @Override
    public void channelConfigured(final long seq, final int channel, final long buffer, final int locationCount,
        final int[] locations, final boolean keepsFencedUnits)
    {
        record(seq, "channelConfigured", channel, buffer, locationCount);
    }

    @Override
    public void allocationSet(final long seq, final int channel, final int sku, final int location,
        final long quantity, final long unused)
    {
        record(seq, "allocationSet", channel, sku, location, quantity, unused);
    }

    @Override
    public void kitDefined(final long seq, final int kit, final int componentCount, final int[] componentSkus,
        final long[] componentQuantities)
    {
        record(seq, "kitDefined", kit, componentCount);
    }

    @Override
    public void orderReserved(final long seq, final CharSequence orderId, final int channel, final long expiresAt,
        final long fingerprint, final int lineCount)
    {
        record(seq, "orderReserved", orderId, channel, expiresAt, lineCount);
    }

    @Override
    public void orderLine(final long seq, final CharSequence orderId, final int lineNo, final int sku,
        final int location, final long quantity, final long fenced, final int parentLine, final long factor)
    {
        record(seq, "orderLine", orderId, lineNo, sku, location, quantity, fenced, parentLine, factor);
    }

    @Override
    public void linePicked(final long seq, final CharSequence orderId, final int lineNo, final long quantity)
    {
        record(seq, "linePicked", orderId, lineNo, quantity);
    }

    @Override
    public void lineShipped(final long seq, final CharSequence orderId, final int lineNo, final long fromReserved,
        final long fromPicked)
    {
        record(seq, "lineShipped", orderId, lineNo, fromReserved, fromPicked);
    }

    @Override
    public void lineReleased(final long seq, final CharSequence orderId, final int lineNo, final long fromReserved,
        final long fromPicked, final long fenceRestored, final int cause)
    {
        record(seq, "lineReleased", orderId, lineNo, fromReserved, fromPicked, fenceRestored, cause);
    }

    @Override
    public void lineReturned(final long seq, final CharSequence orderId, final int lineNo, final long quantity,
        final int bucket)
    {
        record(seq, "lineReturned", orderId, lineNo, quantity, bucket);
    }

    @Override
    public void orderStatus(final long seq, final CharSequence orderId, final int status)
    {
        record(seq, "orderStatus", orderId, OrderStatus.name(status));
    }

    @Override
    public void demandRefused(final long seq, final int kind, final CharSequence reference, final int channel,
        final int sku, final int location, final long requested, final long available)
    {
        record(seq, "demandRefused", kind, reference, channel, sku, location, requested, available);
    }

    @Override
    public void sold(final long seq, final int channel, final int sku, final int location, final long quantity,
        final long fenced)
    {
        record(seq, "sold", channel, sku, location, quantity, fenced);
    }

    @Override
    public void retentionSet(final long seq, final long windowMillis, final int keyCapacity,
        final int finishedOrderCapacity)
    {
        record(seq, "retentionSet", windowMillis, keyCapacity, finishedOrderCapacity);
    }

    @Override
    public void kitSold(final long seq, final int channel, final int kit, final int location, final int components,
        final long quantity)
    {
        record(seq, "kitSold", channel, kit, location, components, quantity);
    }

    @Override
    public void incomingSet(final long seq, final CharSequence purchaseOrder, final int sku, final int location,
        final long quantity, final long expectedAt, final long unitCost)
    {
        record(seq, "incomingSet", purchaseOrder, sku, location, quantity, expectedAt, unitCost);
    }

    @Override
    public void received(final long seq, final CharSequence purchaseOrder, final int sku, final int location,
        final long quantity, final long unitCost, final int bucket, final long incomingReduced)
    {
        record(seq, "received", purchaseOrder, sku, location, quantity, unitCost, bucket, incomingReduced);
    }

    @Override
    public void inspected(final long seq, final int sku, final int location, final long passed, final long failed)
    {
        record(seq, "inspected", sku, location, passed, failed);
    }

    @Override
    public void moved(final long seq, final int sku, final int location, final int fromBucket, final int toBucket,
        final long quantity, final int reason)
    {
        record(seq, "moved", sku, location, fromBucket, toBucket, quantity, reason);
    }

    @Override
    public void adjusted(final long seq, final int sku, final int location, final int bucket, final long delta,
        final int reason)
    {
        record(seq, "adjusted", sku, location, bucket, delta, reason);
    }

    @Override
    public void counted(final long seq, final int sku, final int location, final long counted, final long previous)
    {
        record(seq, "counted", sku, location, counted, previous);
    }

    @Override
    public void transferShipped(final long seq, final CharSequence transferId, final int sku, final int from,
        final int to, final long quantity)
    {
        record(seq, "transferShipped", transferId, sku, from, to, quantity);
    }

    @Override
    public void transferReceived(final long seq, final CharSequence transferId, final int sku, final int to,
        final long quantity, final int bucket)
    {
        record(seq, "transferReceived", transferId, sku, to, quantity, bucket);
    }

    @Override
    public void keyBound(final long seq, final CharSequence key, final long fingerprint)
    {
        record(seq, "keyBound", key);
    }
}
