package io.stockengine.journal;

import java.util.zip.CRC32;

import org.agrona.ExpandableArrayBuffer;

import io.stockengine.engine.EventReadAhead;
import io.stockengine.engine.EventSink;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Reads the journal excerpt by excerpt, checking each one whole (every record's checksum and the sequence
 * continuity) before any of it is applied, so a command is applied entirely or not at all. Shared by recovery,
 * readers and the tools.
 * <p>
 * Threading: one thread at a time.
 */
public final class ExcerptScanner
{
    private final ExpandableArrayBuffer excerpt = new ExpandableArrayBuffer(1 << 16);
    private final EventDecoder decoder = new EventDecoder();
    private int length;
    private long index;
    private int records;
    private long firstSeq;
    private long lastSeq;
    private boolean repairMarker;
    private boolean sequenceGap;
    private String problem;

    /**
     * Reads the next excerpt into this scanner.
     *
     * @return false when there is no complete excerpt to read (the end of the journal for now).
     */
    public boolean next(final ExcerptTailer tailer)
    {
        try (DocumentContext dc = tailer.readingDocument())
        {
            if (!dc.isPresent())
            {
                return false;
            }
            index = dc.index();
            final Bytes<?> bytes = dc.wire().bytes();
            length = (int)bytes.readRemaining();
            excerpt.checkLimit(length);
            bytes.read(excerpt.byteArray(), 0, length);
            return true;
        }
    }

    /** Loads an excerpt from plain bytes (tests and tools). */
    public void load(final byte[] bytes, final int count, final long excerptIndex)
    {
        excerpt.putBytes(0, bytes, 0, count);
        length = count;
        index = excerptIndex;
    }

    /**
     * Checks every record of the current excerpt.
     *
     * @param expectedSeq the sequence number the first engine record must carry, or 0 to accept any start.
     * @return true when the excerpt is whole and continues the sequence; otherwise {@link #problem()} says why.
     */
    public boolean check(final long expectedSeq)
    {
        problem = null;
        records = 0;
        repairMarker = false;
        sequenceGap = false;
        long expected = expectedSeq;
        firstSeq = 0;
        lastSeq = 0;
        int offset = 0;
        while (offset < length)
        {
            final int result = decoder.decode(excerpt, offset, length, null);
            if (result < 0)
            {
                problem = "record " + records + " at byte " + offset + ": " + EventDecoder.describe(result);
                return false;
            }
            if (decoder.type() == EventType.TAIL_REPAIRED)
            {
                if (records > 0 || result != length)
                {
                    problem = "a tail-repair marker must stand alone in its excerpt";
                    return false;
                }
                repairMarker = true;
                records = 1;
                return true;
            }
            final long seq = decoder.seq();
            if (expected != 0 && seq != expected)
            {
                problem = "sequence gap: expected " + expected + " but found " + seq;
                sequenceGap = true;
                return false;
            }
            if (firstSeq == 0)
            {
                firstSeq = seq;
            }
            lastSeq = seq;
            expected = seq + 1;
            records++;
            offset += result;
        }
        if (records == 0)
        {
            problem = "empty excerpt";
            return false;
        }
        return true;
    }

    /**
     * CRC32 of the current excerpt's bytes: what ties a snapshot to the excerpt it was taken at in this journal, since
     * another journal of the same shape has excerpts at the same indexes and seqs. Not CRC32C: each record ends with
     * its own CRC32C, and a CRC32C over a message followed by its CRC32C is the same constant whatever the message.
     * Off the hot path only (it allocates).
     */
    public long fingerprint()
    {
        final CRC32 crc = new CRC32();
        crc.update(excerpt.byteArray(), 0, length);
        return crc.getValue();
    }

    /** Applies every record of a checked excerpt to the sink, in order. */
    public void apply(final EventSink sink)
    {
        int offset = 0;
        while (offset < length)
        {
            offset += decoder.decode(excerpt, offset, length, sink, false);
        }
    }

    /**
     * {@link #apply(EventSink)} in windows: before each window of records is applied, names what each will look up
     * so the read-ahead can bring it into the cache (see {@link EventReadAhead}).
     */
    public void apply(final EventSink sink, final EventReadAhead readAhead)
    {
        int offset = 0;
        while (offset < length)
        {
            int end = offset;
            while (end < length && readAhead.size() < EventReadAhead.WINDOW)
            {
                name(readAhead, end);
                end += excerpt.getInt(end + RecordDescriptor.LENGTH_OFFSET);
            }
            readAhead.run();
            while (offset < end)
            {
                offset += decoder.decode(excerpt, offset, length, sink, false);
            }
        }
    }

    /** Names what the checked record at {@code at} will look up, by the fields of its type. */
    private void name(final EventReadAhead readAhead, final int at)
    {
        final int type = excerpt.getShort(at + RecordDescriptor.TYPE_OFFSET) & 0xFFFF;
        final int body = at + RecordDescriptor.HEADER_LENGTH;
        switch (type)
        {
            case EventType.SAFETY_STOCK_SET, EventType.INSPECTED, EventType.MOVED, EventType.ADJUSTED,
                EventType.COUNTED, EventType.RECEIVED, EventType.INCOMING_SET, EventType.TRANSFER_RECEIVED ->
                readAhead.balance(excerpt.getInt(body), excerpt.getInt(body + 4));
            case EventType.ALLOCATION_SET, EventType.FENCE_SET, EventType.SOLD ->
                readAhead.balance(excerpt.getInt(body + 4), excerpt.getInt(body + 8));
            case EventType.ORDER_LINE -> readAhead.balance(excerpt.getInt(body + 4), excerpt.getInt(body + 8));
            case EventType.TRANSFER_SHIPPED ->
            {
                readAhead.balance(excerpt.getInt(body), excerpt.getInt(body + 4));
                readAhead.balance(excerpt.getInt(body), excerpt.getInt(body + 8));
            }
            case EventType.ORDER_RESERVED ->
            {
                final int text = textOffset(type, body);
                final int bytes = excerpt.getShort(text);
                if (bytes >= 0)
                {
                    readAhead.orderCreated(excerpt, text + 2, bytes);
                }
            }
            case EventType.LINE_PICKED, EventType.LINE_SHIPPED, EventType.LINE_RELEASED, EventType.LINE_RETURNED,
                EventType.ORDER_STATUS ->
            {
                final int text = textOffset(type, body);
                final int bytes = excerpt.getShort(text);
                if (bytes >= 0)
                {
                    readAhead.order(excerpt, text + 2, bytes,
                        type == EventType.ORDER_STATUS ? -1 : excerpt.getInt(body));
                }
            }
            default ->
            {
            }
        }
    }

    /** Where the text of a record type without an array starts. */
    private static int textOffset(final int type, final int body)
    {
        final int layout = EventDecoder.layout(type);
        return body + EventDecoder.i32s(layout) * 4 + EventDecoder.i64s(layout) * 8;
    }

    /** Visits every record of a checked excerpt with its header, for tools. */
    public void forEach(final RecordVisitor visitor)
    {
        int offset = 0;
        while (offset < length)
        {
            final int result = decoder.decode(excerpt, offset, length, null);
            visitor.onRecord(decoder, excerpt, offset, result);
            offset += result;
        }
    }

    /** Called for each record with the decoder positioned on it. */
    @FunctionalInterface
    public interface RecordVisitor
    {
        void onRecord(EventDecoder header, ExpandableArrayBuffer buffer, int offset, int length);
    }

    public long index()
    {
        return index;
    }

    public int records()
    {
        return records;
    }

    public long firstSeq()
    {
        return firstSeq;
    }

    public long lastSeq()
    {
        return lastSeq;
    }

    public int length()
    {
        return length;
    }

    public boolean isRepairMarker()
    {
        return repairMarker;
    }

    /** For a repair marker: the first and last excerpt index it voids, and the last valid seq before them. */
    public long repairedFrom()
    {
        return decoder.tailRepairedField(0);
    }

    public long repairedTo()
    {
        return decoder.tailRepairedField(1);
    }

    public long repairedLastSeq()
    {
        return decoder.tailRepairedField(2);
    }

    /** After a failed {@link #check}: every record was readable, only the sequence did not continue. */
    public boolean sequenceGap()
    {
        return sequenceGap;
    }

    public String problem()
    {
        return problem;
    }
}
