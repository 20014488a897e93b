package io.stockengine.journal;

import static io.stockengine.journal.RecordDescriptor.CHECKSUM_LENGTH;
import static io.stockengine.journal.RecordDescriptor.CORRELATION_OFFSET;
import static io.stockengine.journal.RecordDescriptor.HEADER_LENGTH;
import static io.stockengine.journal.RecordDescriptor.LENGTH_OFFSET;
import static io.stockengine.journal.RecordDescriptor.MAX_RECORD_LENGTH;
import static io.stockengine.journal.RecordDescriptor.MIN_RECORD_LENGTH;
import static io.stockengine.journal.RecordDescriptor.SCHEMA_VERSION;
import static io.stockengine.journal.RecordDescriptor.SEQ_OFFSET;
import static io.stockengine.journal.RecordDescriptor.TIMESTAMP_OFFSET;
import static io.stockengine.journal.RecordDescriptor.TYPE_OFFSET;
import static io.stockengine.journal.RecordDescriptor.VERSION_OFFSET;

import java.util.Arrays;

import org.agrona.DirectBuffer;

import io.stockengine.engine.EventSink;

/**
 * Checks and decodes one journal record and calls the matching {@link EventSink} method. Nothing reaches the sink
 * unless the whole record is valid: length in bounds, checksum, known type and version, and a body that fills the
 * record exactly. Strings reach the sink as a reused {@link CharSequence}.
 * <p>
 * Threading: one thread at a time.
 */
public final class EventDecoder
{
    public static final int ERR_TRUNCATED = -1;
    public static final int ERR_LENGTH = -2;
    public static final int ERR_CHECKSUM = -3;
    public static final int ERR_VERSION = -4;
    public static final int ERR_TYPE = -5;
    public static final int ERR_BODY = -6;

    private final Checksums checksums = new Checksums();
    private final Utf8Text text = new Utf8Text();
    private final long[] longs = new long[8];
    private int[] ints = new int[16];
    private long[] arrayLongs = new long[16];
    private int[] arrayInts = new int[16];
    private int arrayCount;

    private int type;
    private long seq;
    private long timestamp;
    private long correlationId;
    private int length;

    public static String describe(final int error)
    {
        switch (error)
        {
            case ERR_TRUNCATED:
                return "record runs past the end of its excerpt";
            case ERR_LENGTH:
                return "record length out of bounds";
            case ERR_CHECKSUM:
                return "checksum mismatch";
            case ERR_VERSION:
                return "unknown schema version";
            case ERR_TYPE:
                return "unknown record type";
            case ERR_BODY:
                return "body does not match its type";
            default:
                return "ok";
        }
    }

    public int type()
    {
        return type;
    }

    public long seq()
    {
        return seq;
    }

    public long timestamp()
    {
        return timestamp;
    }

    public long correlationId()
    {
        return correlationId;
    }

    public int length()
    {
        return length;
    }

    /** The record's text field (order id, key, name...) after a successful decode; may be null. */
    public CharSequence text()
    {
        return text.orNull();
    }

    /**
     * Decodes the record at {@code offset} and, when {@code sink} is not null, applies it. A
     * {@link EventType#TAIL_REPAIRED} record is valid but never reaches the sink.
     *
     * @return the record's length, or a negative {@code ERR_*} code; nothing is applied on error.
     */
    public int decode(final DirectBuffer buffer, final int offset, final int limit, final EventSink sink)
    {
        return decode(buffer, offset, limit, sink, true);
    }

    /**
     * As {@link #decode(DirectBuffer, int, int, EventSink)}; {@code verifyChecksum} false skips the CRC for a record
     * already checked (the second pass over an excerpt that was checked whole).
     */
    public int decode(final DirectBuffer buffer, final int offset, final int limit, final EventSink sink,
        final boolean verifyChecksum)
    {
        if (limit - offset < MIN_RECORD_LENGTH)
        {
            return ERR_TRUNCATED;
        }
        final int recordLength = buffer.getInt(offset + LENGTH_OFFSET);
        if (recordLength < MIN_RECORD_LENGTH || recordLength > MAX_RECORD_LENGTH)
        {
            return ERR_LENGTH;
        }
        if (recordLength > limit - offset)
        {
            return ERR_TRUNCATED;
        }
        final int end = offset + recordLength - CHECKSUM_LENGTH;
        if (verifyChecksum && checksums.crc32c(buffer, offset, recordLength - CHECKSUM_LENGTH) != buffer.getInt(end))
        {
            return ERR_CHECKSUM;
        }
        if ((buffer.getShort(offset + VERSION_OFFSET) & 0xFFFF) != SCHEMA_VERSION)
        {
            return ERR_VERSION;
        }
        type = buffer.getShort(offset + TYPE_OFFSET) & 0xFFFF;
        seq = buffer.getLong(offset + SEQ_OFFSET);
        timestamp = buffer.getLong(offset + TIMESTAMP_OFFSET);
        correlationId = buffer.getLong(offset + CORRELATION_OFFSET);
        length = recordLength;
        final int parsed = parseBody(buffer, offset + HEADER_LENGTH, end);
        if (parsed < 0)
        {
            return parsed;
        }
        if (sink != null && type != EventType.TAIL_REPAIRED)
        {
            sink.beginCommand(correlationId, timestamp);
            dispatch(sink);
        }
        return recordLength;
    }

    /**
     * A record type's body layout, packed: counts of i32 then i64 fields, then an optional array (1: i32s, 2: pairs of
     * i32 and i64), then an optional text; -1 for a type this version does not know.
     */
    static int layout(final int type)
    {
        return switch (type)
        {
            case EventType.SYMBOL -> layout(2, 0, 0, true);
            case EventType.SAFETY_STOCK_SET -> layout(2, 1, 0, false);
            case EventType.CHANNEL_CONFIGURED -> layout(1, 1, 1, false);
            case EventType.ALLOCATION_SET -> layout(3, 1, 0, false);
            case EventType.KIT_DEFINED -> layout(1, 0, 2, false);
            case EventType.ORDER_RESERVED -> layout(2, 2, 0, true);
            case EventType.ORDER_LINE -> layout(4, 3, 0, true);
            case EventType.LINE_PICKED -> layout(1, 1, 0, true);
            case EventType.LINE_SHIPPED -> layout(1, 2, 0, true);
            case EventType.LINE_RELEASED -> layout(2, 3, 0, true);
            case EventType.LINE_RETURNED -> layout(2, 1, 0, true);
            case EventType.ORDER_STATUS -> layout(1, 0, 0, true);
            case EventType.DEMAND_REFUSED -> layout(4, 2, 0, true);
            case EventType.SOLD -> layout(3, 2, 0, false);
            case EventType.INCOMING_SET -> layout(2, 3, 0, true);
            case EventType.RECEIVED -> layout(3, 3, 0, true);
            case EventType.INSPECTED -> layout(2, 2, 0, false);
            case EventType.MOVED -> layout(5, 1, 0, false);
            case EventType.ADJUSTED -> layout(4, 1, 0, false);
            case EventType.COUNTED -> layout(2, 2, 0, false);
            case EventType.TRANSFER_SHIPPED -> layout(3, 1, 0, true);
            case EventType.TRANSFER_RECEIVED -> layout(3, 1, 0, true);
            case EventType.KEY_BOUND -> layout(0, 1, 0, true);
            case EventType.KIT_SOLD -> layout(4, 1, 0, false);
            case EventType.RETENTION_SET -> layout(2, 1, 0, false);
            case EventType.CHANNEL_SET -> layout(1, 1, 1, false);
            case EventType.FENCE_SET -> layout(3, 2, 0, false);
            case EventType.TAIL_REPAIRED -> layout(0, 3, 0, false);
            default -> -1;
        };
    }

    private static int layout(final int i32s, final int i64s, final int arrayKind, final boolean text)
    {
        return i32s | i64s << 4 | arrayKind << 8 | (text ? 1 << 12 : 0);
    }

    static int i32s(final int layout)
    {
        return layout & 0xF;
    }

    static int i64s(final int layout)
    {
        return (layout >>> 4) & 0xF;
    }

    static int arrayKind(final int layout)
    {
        return (layout >>> 8) & 0xF;
    }

    static boolean hasText(final int layout)
    {
        return (layout & 1 << 12) != 0;
    }

    private int parseBody(final DirectBuffer buffer, final int start, final int end)
    {
        int p = start;
        final int layout = layout(type);
        if (layout < 0)
        {
            return ERR_TYPE;
        }
        final int i32s = i32s(layout);
        final int i64s = i64s(layout);
        final int arrayKind = arrayKind(layout);
        final boolean hasText = hasText(layout);
        if (p + i32s * 4 + i64s * 8 > end)
        {
            return ERR_BODY;
        }
        for (int i = 0; i < i32s; i++, p += 4)
        {
            ints[i] = buffer.getInt(p);
        }
        for (int i = 0; i < i64s; i++, p += 8)
        {
            longs[i] = buffer.getLong(p);
        }
        if (arrayKind != 0)
        {
            if (p + 4 > end)
            {
                return ERR_BODY;
            }
            final int count = buffer.getInt(p);
            p += 4;
            final int stride = arrayKind == 1 ? 4 : 12;
            if (count < 0 || (long)count * stride > end - p)
            {
                return ERR_BODY;
            }
            if (arrayInts.length < count)
            {
                arrayInts = Arrays.copyOf(arrayInts, Math.max(count, arrayInts.length * 2));
                arrayLongs = Arrays.copyOf(arrayLongs, arrayInts.length);
            }
            for (int i = 0; i < count; i++)
            {
                arrayInts[i] = buffer.getInt(p);
                p += 4;
                if (arrayKind == 2)
                {
                    arrayLongs[i] = buffer.getLong(p);
                    p += 8;
                }
            }
            arrayCount = count;
        }
        if (hasText)
        {
            final int used = text.decode(buffer, p, end);
            if (used < 0)
            {
                return ERR_BODY;
            }
            p += used;
        }
        else
        {
            text.decode(NULL_TEXT, 0, 2);
        }
        return p == end ? 0 : ERR_BODY;
    }

    private static final org.agrona.concurrent.UnsafeBuffer NULL_TEXT =
        new org.agrona.concurrent.UnsafeBuffer(new byte[] { -1, -1 });

    private void dispatch(final EventSink sink)
    {
        final CharSequence t = text.orNull();
        final int[] i = ints;
        final long[] l = longs;
        switch (type)
        {
            case EventType.SYMBOL -> sink.symbol(seq, i[0], i[1], t);
            case EventType.SAFETY_STOCK_SET -> sink.safetyStockSet(seq, i[0], i[1], l[0]);
            case EventType.CHANNEL_CONFIGURED -> sink.channelConfigured(seq, i[0], l[0], arrayCount, arrayInts, false);
            case EventType.CHANNEL_SET -> sink.channelConfigured(seq, i[0], l[0], arrayCount, arrayInts, true);
            case EventType.ALLOCATION_SET -> sink.allocationSet(seq, i[0], i[1], i[2], l[0], -1);
            case EventType.FENCE_SET -> sink.allocationSet(seq, i[0], i[1], i[2], l[0], l[1]);
            case EventType.KIT_DEFINED -> sink.kitDefined(seq, i[0], arrayCount, arrayInts, arrayLongs);
            case EventType.ORDER_RESERVED -> sink.orderReserved(seq, t, i[0], l[0], l[1], i[1]);
            case EventType.ORDER_LINE -> sink.orderLine(seq, t, i[0], i[1], i[2], l[0], l[1], i[3], l[2]);
            case EventType.LINE_PICKED -> sink.linePicked(seq, t, i[0], l[0]);
            case EventType.LINE_SHIPPED -> sink.lineShipped(seq, t, i[0], l[0], l[1]);
            case EventType.LINE_RELEASED -> sink.lineReleased(seq, t, i[0], l[0], l[1], l[2], i[1]);
            case EventType.LINE_RETURNED -> sink.lineReturned(seq, t, i[0], l[0], i[1]);
            case EventType.ORDER_STATUS -> sink.orderStatus(seq, t, i[0]);
            case EventType.DEMAND_REFUSED -> sink.demandRefused(seq, i[0], t, i[1], i[2], i[3], l[0], l[1]);
            case EventType.SOLD -> sink.sold(seq, i[0], i[1], i[2], l[0], l[1]);
            case EventType.INCOMING_SET -> sink.incomingSet(seq, t, i[0], i[1], l[0], l[1], l[2]);
            case EventType.RECEIVED -> sink.received(seq, t, i[0], i[1], l[0], l[1], i[2], l[2]);
            case EventType.INSPECTED -> sink.inspected(seq, i[0], i[1], l[0], l[1]);
            case EventType.MOVED -> sink.moved(seq, i[0], i[1], i[2], i[3], l[0], i[4]);
            case EventType.ADJUSTED -> sink.adjusted(seq, i[0], i[1], i[2], l[0], i[3]);
            case EventType.COUNTED -> sink.counted(seq, i[0], i[1], l[0], l[1]);
            case EventType.TRANSFER_SHIPPED -> sink.transferShipped(seq, t, i[0], i[1], i[2], l[0]);
            case EventType.TRANSFER_RECEIVED -> sink.transferReceived(seq, t, i[0], i[1], l[0], i[2]);
            case EventType.KEY_BOUND -> sink.keyBound(seq, t, l[0]);
            case EventType.KIT_SOLD -> sink.kitSold(seq, i[0], i[1], i[2], i[3], l[0]);
            case EventType.RETENTION_SET -> sink.retentionSet(seq, l[0], i[0], i[1]);
            default -> throw new IllegalStateException("unreachable: type checked in parseBody " + type);
        }
    }

    /** The i64 fields of the last {@link EventType#TAIL_REPAIRED} record: void-from index, void-to index, last seq. */
    public long tailRepairedField(final int index)
    {
        return longs[index];
    }
}
