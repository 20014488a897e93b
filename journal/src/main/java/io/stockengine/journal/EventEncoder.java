package io.stockengine.journal;

import static io.stockengine.journal.RecordDescriptor.CHECKSUM_LENGTH;
import static io.stockengine.journal.RecordDescriptor.CORRELATION_OFFSET;
import static io.stockengine.journal.RecordDescriptor.HEADER_LENGTH;
import static io.stockengine.journal.RecordDescriptor.LENGTH_OFFSET;
import static io.stockengine.journal.RecordDescriptor.SCHEMA_VERSION;
import static io.stockengine.journal.RecordDescriptor.SEQ_OFFSET;
import static io.stockengine.journal.RecordDescriptor.TIMESTAMP_OFFSET;
import static io.stockengine.journal.RecordDescriptor.TYPE_OFFSET;
import static io.stockengine.journal.RecordDescriptor.VERSION_OFFSET;

import org.agrona.MutableDirectBuffer;

import io.stockengine.engine.Command;
import io.stockengine.engine.EventSink;

/**
 * Encodes events as journal records into a buffer: on the logic thread into the current {@link Command} slot's
 * {@code events} buffer (the journal stage appends them and fills in the checksums), or into any buffer for tools
 * and tests. Allocation-free once the target buffer has grown to the largest command.
 * <p>
 * Threading: one thread at a time (the logic thread in the pipeline).
 */
public final class EventEncoder implements EventSink
{
    private MutableDirectBuffer buffer;
    private Command slot;
    private int position;
    private int recordStart;
    private int records;
    private long correlationId;
    private long timestamp;

    /** Encodes the next events at the end of the slot's event buffer. */
    public EventEncoder target(final Command command)
    {
        slot = command;
        buffer = command.events;
        position = command.eventsLength;
        records = command.eventCount;
        return this;
    }

    /** Encodes the next events into a plain buffer at {@code offset} (tools, tests, snapshots). */
    public EventEncoder target(final MutableDirectBuffer target, final int offset)
    {
        slot = null;
        buffer = target;
        position = offset;
        records = 0;
        return this;
    }

    /** End of what has been encoded in the current target. */
    public int position()
    {
        return position;
    }

    public int records()
    {
        return records;
    }

    @Override
    public void beginCommand(final long correlationId, final long timestamp)
    {
        this.correlationId = correlationId;
        this.timestamp = timestamp;
    }

    private void start(final int type, final long seq)
    {
        recordStart = position;
        buffer.putShort(recordStart + TYPE_OFFSET, (short)type);
        buffer.putShort(recordStart + VERSION_OFFSET, (short)SCHEMA_VERSION);
        buffer.putLong(recordStart + SEQ_OFFSET, seq);
        buffer.putLong(recordStart + TIMESTAMP_OFFSET, timestamp);
        buffer.putLong(recordStart + CORRELATION_OFFSET, correlationId);
        position = recordStart + HEADER_LENGTH;
    }

    private void finish()
    {
        buffer.putInt(position, 0);
        position += CHECKSUM_LENGTH;
        buffer.putInt(recordStart + LENGTH_OFFSET, position - recordStart);
        records++;
        if (slot != null)
        {
            slot.eventsLength = position;
            slot.eventCount = records;
        }
    }

    private void i32(final int value)
    {
        buffer.putInt(position, value);
        position += 4;
    }

    private void i64(final long value)
    {
        buffer.putLong(position, value);
        position += 8;
    }

    private void text(final CharSequence value)
    {
        position += Utf8Text.encode(buffer, position, value);
    }

    /**
     * Writes a complete, checksummed {@link EventType#TAIL_REPAIRED} record: excerpts {@code fromIndex} to
     * {@code toIndex} are void, the journal continues after {@code lastSeq}.
     *
     * @return the record's length.
     */
    public static int tailRepaired(final MutableDirectBuffer target, final long fromIndex, final long toIndex,
        final long lastSeq)
    {
        final int length = HEADER_LENGTH + 3 * 8 + CHECKSUM_LENGTH;
        target.putInt(LENGTH_OFFSET, length);
        target.putShort(TYPE_OFFSET, (short)EventType.TAIL_REPAIRED);
        target.putShort(VERSION_OFFSET, (short)SCHEMA_VERSION);
        target.putLong(SEQ_OFFSET, lastSeq);
        target.putLong(TIMESTAMP_OFFSET, 0);
        target.putLong(CORRELATION_OFFSET, 0);
        target.putLong(HEADER_LENGTH, fromIndex);
        target.putLong(HEADER_LENGTH + 8, toIndex);
        target.putLong(HEADER_LENGTH + 16, lastSeq);
        target.putInt(length - CHECKSUM_LENGTH, new Checksums().crc32c(target, 0, length - CHECKSUM_LENGTH));
        return length;
    }

    /** Fills in the checksum of every record in {@code [0, length)} of a buffer filled by this encoder. */
    public static void seal(final MutableDirectBuffer buffer, final int length, final Checksums checksums)
    {
        for (int offset = 0; offset < length; )
        {
            final int recordLength = buffer.getInt(offset + LENGTH_OFFSET);
            buffer.putInt(offset + recordLength - CHECKSUM_LENGTH,
                checksums.crc32c(buffer, offset, recordLength - CHECKSUM_LENGTH));
            offset += recordLength;
        }
    }

    @Override
    public void symbol(final long seq, final int kind, final int id, final CharSequence name)
    {
        start(EventType.SYMBOL, seq);
        i32(kind);
        i32(id);
        text(name);
        finish();
    }

    @Override
    public void safetyStockSet(final long seq, final int sku, final int location, final long quantity)
    {
        start(EventType.SAFETY_STOCK_SET, seq);
        i32(sku);
        i32(location);
        i64(quantity);
        finish();
    }

    @Override
    public void channelConfigured(final long seq, final int channel, final long buffer, final int locationCount,
        final int[] locations, final boolean keepsFencedUnits)
    {
        start(keepsFencedUnits ? EventType.CHANNEL_SET : EventType.CHANNEL_CONFIGURED, seq);
        i32(channel);
        i64(buffer);
        i32(locationCount);
        for (int i = 0; i < locationCount; i++)
        {
            i32(locations[i]);
        }
        finish();
    }

    @Override
    public void allocationSet(final long seq, final int channel, final int sku, final int location,
        final long quantity, final long unused)
    {
        start(unused < 0 ? EventType.ALLOCATION_SET : EventType.FENCE_SET, seq);
        i32(channel);
        i32(sku);
        i32(location);
        i64(quantity);
        if (unused >= 0)
        {
            i64(unused);
        }
        finish();
    }

    @Override
    public void kitDefined(final long seq, final int kit, final int componentCount, final int[] componentSkus,
        final long[] componentQuantities)
    {
        start(EventType.KIT_DEFINED, seq);
        i32(kit);
        i32(componentCount);
        for (int i = 0; i < componentCount; i++)
        {
            i32(componentSkus[i]);
            i64(componentQuantities[i]);
        }
        finish();
    }

    @Override
    public void orderReserved(final long seq, final CharSequence orderId, final int channel, final long expiresAt,
        final long fingerprint, final int lineCount)
    {
        start(EventType.ORDER_RESERVED, seq);
        i32(channel);
        i32(lineCount);
        i64(expiresAt);
        i64(fingerprint);
        text(orderId);
        finish();
    }

    @Override
    public void orderLine(final long seq, final CharSequence orderId, final int lineNo, final int sku,
        final int location, final long quantity, final long fenced, final int parentLine, final long factor)
    {
        start(EventType.ORDER_LINE, seq);
        i32(lineNo);
        i32(sku);
        i32(location);
        i32(parentLine);
        i64(quantity);
        i64(fenced);
        i64(factor);
        text(orderId);
        finish();
    }

    @Override
    public void linePicked(final long seq, final CharSequence orderId, final int lineNo, final long quantity)
    {
        start(EventType.LINE_PICKED, seq);
        i32(lineNo);
        i64(quantity);
        text(orderId);
        finish();
    }

    @Override
    public void lineShipped(final long seq, final CharSequence orderId, final int lineNo, final long fromReserved,
        final long fromPicked)
    {
        start(EventType.LINE_SHIPPED, seq);
        i32(lineNo);
        i64(fromReserved);
        i64(fromPicked);
        text(orderId);
        finish();
    }

    @Override
    public void lineReleased(final long seq, final CharSequence orderId, final int lineNo, final long fromReserved,
        final long fromPicked, final long fenceRestored, final int cause)
    {
        start(EventType.LINE_RELEASED, seq);
        i32(lineNo);
        i32(cause);
        i64(fromReserved);
        i64(fromPicked);
        i64(fenceRestored);
        text(orderId);
        finish();
    }

    @Override
    public void lineReturned(final long seq, final CharSequence orderId, final int lineNo, final long quantity,
        final int bucket)
    {
        start(EventType.LINE_RETURNED, seq);
        i32(lineNo);
        i32(bucket);
        i64(quantity);
        text(orderId);
        finish();
    }

    @Override
    public void orderStatus(final long seq, final CharSequence orderId, final int status)
    {
        start(EventType.ORDER_STATUS, seq);
        i32(status);
        text(orderId);
        finish();
    }

    @Override
    public void demandRefused(final long seq, final int kind, final CharSequence reference, final int channel,
        final int sku, final int location, final long requested, final long available)
    {
        start(EventType.DEMAND_REFUSED, seq);
        i32(kind);
        i32(channel);
        i32(sku);
        i32(location);
        i64(requested);
        i64(available);
        text(reference);
        finish();
    }

    @Override
    public void sold(final long seq, final int channel, final int sku, final int location, final long quantity,
        final long fenced)
    {
        start(EventType.SOLD, seq);
        i32(channel);
        i32(sku);
        i32(location);
        i64(quantity);
        i64(fenced);
        finish();
    }

    @Override
    public void retentionSet(final long seq, final long windowMillis, final int keyCapacity,
        final int finishedOrderCapacity)
    {
        start(EventType.RETENTION_SET, seq);
        i32(keyCapacity);
        i32(finishedOrderCapacity);
        i64(windowMillis);
        finish();
    }

    @Override
    public void kitSold(final long seq, final int channel, final int kit, final int location, final int components,
        final long quantity)
    {
        start(EventType.KIT_SOLD, seq);
        i32(channel);
        i32(kit);
        i32(location);
        i32(components);
        i64(quantity);
        finish();
    }

    @Override
    public void incomingSet(final long seq, final CharSequence purchaseOrder, final int sku, final int location,
        final long quantity, final long expectedAt, final long unitCost)
    {
        start(EventType.INCOMING_SET, seq);
        i32(sku);
        i32(location);
        i64(quantity);
        i64(expectedAt);
        i64(unitCost);
        text(purchaseOrder);
        finish();
    }

    @Override
    public void received(final long seq, final CharSequence purchaseOrder, final int sku, final int location,
        final long quantity, final long unitCost, final int bucket, final long incomingReduced)
    {
        start(EventType.RECEIVED, seq);
        i32(sku);
        i32(location);
        i32(bucket);
        i64(quantity);
        i64(unitCost);
        i64(incomingReduced);
        text(purchaseOrder);
        finish();
    }

    @Override
    public void inspected(final long seq, final int sku, final int location, final long passed, final long failed)
    {
        start(EventType.INSPECTED, seq);
        i32(sku);
        i32(location);
        i64(passed);
        i64(failed);
        finish();
    }

    @Override
    public void moved(final long seq, final int sku, final int location, final int fromBucket, final int toBucket,
        final long quantity, final int reason)
    {
        start(EventType.MOVED, seq);
        i32(sku);
        i32(location);
        i32(fromBucket);
        i32(toBucket);
        i32(reason);
        i64(quantity);
        finish();
    }

    @Override
    public void adjusted(final long seq, final int sku, final int location, final int bucket, final long delta,
        final int reason)
    {
        start(EventType.ADJUSTED, seq);
        i32(sku);
        i32(location);
        i32(bucket);
        i32(reason);
        i64(delta);
        finish();
    }

    @Override
    public void counted(final long seq, final int sku, final int location, final long counted, final long previous)
    {
        start(EventType.COUNTED, seq);
        i32(sku);
        i32(location);
        i64(counted);
        i64(previous);
        finish();
    }

    @Override
    public void transferShipped(final long seq, final CharSequence transferId, final int sku, final int from,
        final int to, final long quantity)
    {
        start(EventType.TRANSFER_SHIPPED, seq);
        i32(sku);
        i32(from);
        i32(to);
        i64(quantity);
        text(transferId);
        finish();
    }

    @Override
    public void transferReceived(final long seq, final CharSequence transferId, final int sku, final int to,
        final long quantity, final int bucket)
    {
        start(EventType.TRANSFER_RECEIVED, seq);
        i32(sku);
        i32(to);
        i32(bucket);
        i64(quantity);
        text(transferId);
        finish();
    }

    @Override
    public void keyBound(final long seq, final CharSequence key, final long fingerprint)
    {
        start(EventType.KEY_BOUND, seq);
        i64(fingerprint);
        text(key);
        finish();
    }
}
