package io.stockengine.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import io.stockengine.engine.EventSink;

class EventCodecTest
{
    private static final String LONGEST_ID = "x".repeat(60) + "é€😀";

    /** Emits one event of every type, with the given extreme values; symbols first so names resolve. */
    static void emitAll(final EventSink sink, final long big, final int id, final String text)
    {
        long seq = 1;
        sink.beginCommand(big, big);
        sink.symbol(seq++, EventSink.SYMBOL_SKU, id, text);
        sink.symbol(seq++, EventSink.SYMBOL_LOCATION, id, text + "L");
        sink.symbol(seq++, EventSink.SYMBOL_CHANNEL, id, text + "C");
        sink.safetyStockSet(seq++, id, id, big);
        final int[] ids = new int[1000];
        final long[] quantities = new long[1000];
        java.util.Arrays.fill(ids, id);
        java.util.Arrays.fill(quantities, big);
        sink.channelConfigured(seq++, id, big, 1000, ids, true);
        sink.channelConfigured(seq++, id, 0, 0, ids, true);
        sink.allocationSet(seq++, id, id, id, big, big);
        // The forms of journals written before fences counted what orders hold from them.
        sink.channelConfigured(seq++, id, big, 1000, ids, false);
        sink.allocationSet(seq++, id, id, id, big, -1);
        sink.kitDefined(seq++, id, 1000, ids, quantities);
        sink.orderReserved(seq++, text, id, big, -big, id);
        sink.orderLine(seq++, text, id, id, id, big, big, -1, big);
        sink.linePicked(seq++, text, id, big);
        sink.lineShipped(seq++, text, id, big, big);
        sink.lineReleased(seq++, text, id, big, big, big, EventSink.RELEASE_EXPIRE);
        sink.lineReturned(seq++, text, id, big, 3);
        sink.orderStatus(seq++, text, 7);
        sink.demandRefused(seq++, EventSink.DEMAND_SALE, null, id, id, -1, big, big);
        sink.demandRefused(seq++, EventSink.DEMAND_RESERVE, text, id, id, id, big, 0);
        sink.sold(seq++, id, id, id, big, big);
        sink.kitSold(seq++, id, id, id, id, big);
        sink.retentionSet(seq++, big, id, id);
        sink.incomingSet(seq++, text, id, id, big, big, big);
        sink.received(seq++, null, id, id, big, big, 3, big);
        sink.inspected(seq++, id, id, big, big);
        sink.moved(seq++, id, id, 0, 4, big, 7);
        sink.adjusted(seq++, id, id, 4, -big, 5);
        sink.counted(seq++, id, id, big, 0);
        sink.transferShipped(seq++, text, id, id, id, big);
        sink.transferReceived(seq++, text, id, id, big, 3);
        sink.keyBound(seq, text, big);
    }

    @ParameterizedTest
    @ValueSource(longs = { 0, 1, 1_000_000_000L, Long.MAX_VALUE, Long.MIN_VALUE })
    void shouldRoundTripEveryEventTypeWithExtremeValues(final long big)
    {
        for (final int id : new int[] { 0, 1, Integer.MAX_VALUE })
        {
            for (final String text : new String[] { "a", LONGEST_ID })
            {
                final List<String> direct = new ArrayList<>();
                emitAll(new EventJson(direct::add), big, id, text);

                final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(64);
                final EventEncoder encoder = new EventEncoder().target(buffer, 0);
                emitAll(encoder, big, id, text);
                EventEncoder.seal(buffer, encoder.position(), new Checksums());

                final List<String> decoded = new ArrayList<>();
                final EventJson json = new EventJson(decoded::add);
                final EventDecoder decoder = new EventDecoder();
                int offset = 0;
                int records = 0;
                while (offset < encoder.position())
                {
                    final int length = decoder.decode(buffer, offset, encoder.position(), json);
                    assertTrue(length > 0, "record " + records + ": " + EventDecoder.describe(length));
                    offset += length;
                    records++;
                }
                assertEquals(direct.size(), records);
                assertEquals(direct, decoded);
                assertEquals(EventType.MAX_ENGINE_TYPE + 4, records, "every type, some twice");
            }
        }
    }

    @Test
    void shouldRejectEveryCorruptedByteWithoutCallingTheSink()
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(64);
        final EventEncoder encoder = new EventEncoder().target(buffer, 0);
        encoder.beginCommand(7, 1_700_000_000_000L);
        encoder.orderLine(42, "order-1", 0, 3, 4, 5, 0, -1, 1);
        final int length = encoder.position();
        EventEncoder.seal(buffer, length, new Checksums());
        final List<String> applied = new ArrayList<>();
        final EventDecoder decoder = new EventDecoder();
        for (int i = 0; i < length; i++)
        {
            for (final int bit : new int[] { 0x01, 0x80 })
            {
                buffer.putByte(i, (byte)(buffer.getByte(i) ^ bit));
                final int result = decoder.decode(buffer, 0, length, new EventJson(applied::add));
                assertTrue(result < 0, "flipping bit " + bit + " of byte " + i + " must be detected");
                buffer.putByte(i, (byte)(buffer.getByte(i) ^ bit));
            }
        }
        assertEquals(List.of(), applied);
        assertEquals(length, decoder.decode(buffer, 0, length, new EventJson(applied::add)));
        assertEquals(1, applied.size());
    }

    @Test
    void shouldReportATruncatedRecord()
    {
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(64);
        final EventEncoder encoder = new EventEncoder().target(buffer, 0);
        encoder.keyBound(1, "key", 99);
        EventEncoder.seal(buffer, encoder.position(), new Checksums());
        for (int cut = 0; cut < encoder.position(); cut++)
        {
            assertTrue(new EventDecoder().decode(buffer, 0, cut, null) < 0, "cut at " + cut);
        }
    }
}
