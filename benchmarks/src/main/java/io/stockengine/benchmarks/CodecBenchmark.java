package io.stockengine.benchmarks;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import io.stockengine.engine.Bucket;
import io.stockengine.engine.Command;
import io.stockengine.engine.CommandType;
import io.stockengine.engine.EngineConfig;
import io.stockengine.engine.OrderStatus;
import io.stockengine.engine.ResultCode;
import io.stockengine.engine.StockEngine;
import io.stockengine.journal.AbstractEventSink;
import io.stockengine.journal.Checksums;
import io.stockengine.journal.EventDecoder;
import io.stockengine.journal.EventEncoder;
import io.stockengine.journal.RecordDescriptor;

/**
 * The journal's event codec on the events of three typical commands: a one-line reservation (order_reserved,
 * order_line), the ship of that order (line_shipped, order_status) and a keyed receipt (received, key_bound).
 * <p>
 * Encode is what turns a command's events into journal bytes: the {@link EventEncoder} calls the logic thread makes
 * into the slot's buffer, then {@link EventEncoder#seal} (the CRC32C the journal stage adds). Decode is what every
 * reader does: {@link EventDecoder#decode} with the checksum verified, each event delivered to a sink that reads
 * its fields. Both run over heap-backed Agrona buffers, as in the pipeline and the readers, and allocate nothing.
 * <p>
 * The primary score is commands per second; the secondary score {@code events} is events per second. Setup checks
 * that the engine emits records of exactly these types and lengths for such commands, and every decode must succeed
 * with only the expected event types, so the figures are of the real records.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g", "-XX:+UseParallelGC", LogicBenchmark.AGRONA_EXPORTS })
public class CodecBenchmark
{
    /** Distinct commands cycled through, so ids, SKUs and quantities vary as in a stream; a power of two. */
    private static final int COMMANDS = 1 << 10;
    private static final int CHANNEL = 0;
    private static final long RECEIPT_UNITS = 12;

    private final String[] orderIds = new String[COMMANDS];
    private final String[] keys = new String[COMMANDS];
    private final int[] skus = new int[COMMANDS];
    private final int[] locations = new int[COMMANDS];
    private final long[] quantities = new long[COMMANDS];
    private final long[] fingerprints = new long[COMMANDS];
    private int cursor;
    private long seq;

    /** Encode target, reused for every command as a ring slot's event buffer is. */
    private final ExpandableArrayBuffer slot = new ExpandableArrayBuffer(256);
    private final EventEncoder encoder = new EventEncoder();
    private final Checksums checksums = new Checksums();
    private final EventDecoder decoder = new EventDecoder();
    private final FieldReader reader = new FieldReader();

    /** Decode sources: every command of a kind encoded and sealed back to back, command i at offsets[i]. */
    private final ExpandableArrayBuffer reserveRecords = new ExpandableArrayBuffer(COMMANDS * 256);
    private final ExpandableArrayBuffer shipRecords = new ExpandableArrayBuffer(COMMANDS * 256);
    private final ExpandableArrayBuffer receiptRecords = new ExpandableArrayBuffer(COMMANDS * 256);
    private final int[] reserveOffsets = new int[COMMANDS + 1];
    private final int[] shipOffsets = new int[COMMANDS + 1];
    private final int[] receiptOffsets = new int[COMMANDS + 1];

    /** Records that failed to decode; the trial fails if there are any. */
    private long errors;

    /** Events encoded or decoded, reported by JMH as a rate next to the per-command score. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Events
    {
        public long events;

        @Setup(Level.Iteration)
        public void clear()
        {
            events = 0;
        }
    }

    /**
     * Reads every field of the events these commands produce, as a consumer would, and folds them into one value
     * so that none of the decoding can be optimised away. Counts any other event: there must be none.
     */
    static final class FieldReader extends AbstractEventSink
    {
        long folded;
        long unexpected;

        private void text(final CharSequence text)
        {
            folded += text == null ? -1 : text.length() + text.charAt(text.length() - 1);
        }

        @Override
        protected void onEvent(final int type, final long seq)
        {
            unexpected++;
        }

        @Override
        public void orderReserved(final long seq, final CharSequence orderId, final int channel, final long expiresAt,
            final long fingerprint, final int lineCount)
        {
            folded += seq + channel + expiresAt + fingerprint + lineCount + correlationId() + timestamp();
            text(orderId);
        }

        @Override
        public void orderLine(final long seq, final CharSequence orderId, final int lineNo, final int sku,
            final int location, final long quantity, final long fenced, final int parentLine, final long factor)
        {
            folded += seq + lineNo + sku + location + quantity + fenced + parentLine + factor;
            text(orderId);
        }

        @Override
        public void lineShipped(final long seq, final CharSequence orderId, final int lineNo, final long fromReserved,
            final long fromPicked)
        {
            folded += seq + lineNo + fromReserved + fromPicked + correlationId() + timestamp();
            text(orderId);
        }

        @Override
        public void orderStatus(final long seq, final CharSequence orderId, final int status)
        {
            folded += seq + status;
            text(orderId);
        }

        @Override
        public void received(final long seq, final CharSequence purchaseOrder, final int sku, final int location,
            final long quantity, final long unitCost, final int bucket, final long incomingReduced)
        {
            folded += seq + sku + location + quantity + unitCost + bucket + incomingReduced + correlationId() +
                timestamp();
            text(purchaseOrder);
        }

        @Override
        public void keyBound(final long seq, final CharSequence key, final long fingerprint)
        {
            folded += seq + fingerprint;
            text(key);
        }
    }

    @Setup(Level.Trial)
    public void setUp()
    {
        final SplittableRandom random = new SplittableRandom(LogicBenchmark.SEED + 3);
        for (int i = 0; i < COMMANDS; i++)
        {
            // Distinct, so the engine check below never sees a retry.
            orderIds[i] = Catalogue.padded("ORD-", 1_000_003 + 7_919 * i, 7);
            keys[i] = Catalogue.padded("KEY-", 2_000_003 + 7_919 * i, 7);
            skus[i] = random.nextInt(Catalogue.SKUS);
            locations[i] = random.nextInt(Catalogue.LOCATIONS);
            quantities[i] = random.nextInt(5) == 0 ? 2 : 1;
            fingerprints[i] = random.nextLong();
        }
        for (int i = 0; i < COMMANDS; i++)
        {
            reserveOffsets[i + 1] = appendSealed(reserveRecords, reserveOffsets[i], 0, i);
            shipOffsets[i + 1] = appendSealed(shipRecords, shipOffsets[i], 1, i);
            receiptOffsets[i + 1] = appendSealed(receiptRecords, receiptOffsets[i], 2, i);
        }
        checkAgainstEngine();
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        if (errors != 0 || reader.unexpected != 0)
        {
            throw new IllegalStateException(errors + " records failed to decode and " + reader.unexpected +
                " unexpected events were delivered: the figures are not of the intended records");
        }
    }

    @Benchmark
    public int encodeReserve(final Events events)
    {
        encoder.target(slot, 0);
        reserveEvents(encoder, next(), seq += 2);
        return seal(events);
    }

    @Benchmark
    public int encodeShip(final Events events)
    {
        encoder.target(slot, 0);
        shipEvents(encoder, next(), seq += 2);
        return seal(events);
    }

    @Benchmark
    public int encodeReceipt(final Events events)
    {
        encoder.target(slot, 0);
        receiptEvents(encoder, next(), seq += 2);
        return seal(events);
    }

    @Benchmark
    public long decodeReserve(final Events events)
    {
        return decode(reserveRecords, reserveOffsets, events);
    }

    @Benchmark
    public long decodeShip(final Events events)
    {
        return decode(shipRecords, shipOffsets, events);
    }

    @Benchmark
    public long decodeReceipt(final Events events)
    {
        return decode(receiptRecords, receiptOffsets, events);
    }

    private int seal(final Events events)
    {
        final int length = encoder.position();
        EventEncoder.seal(slot, length, checksums);
        events.events += encoder.records();
        return length;
    }

    private long decode(final DirectBuffer records, final int[] offsets, final Events events)
    {
        final int i = next();
        final int end = offsets[i + 1];
        for (int offset = offsets[i]; offset < end; )
        {
            final int length = decoder.decode(records, offset, end, reader);
            if (length < 0)
            {
                errors++;
                break;
            }
            offset += length;
            events.events++;
        }
        return reader.folded;
    }

    private int next()
    {
        final int i = cursor;
        cursor = (i + 1) & (COMMANDS - 1);
        return i;
    }

    /** What the engine emits for a one-line reservation with its location given, no ring-fence. */
    private void reserveEvents(final EventEncoder e, final int i, final long firstSeq)
    {
        e.beginCommand(firstSeq, Catalogue.EPOCH_MILLIS + firstSeq);
        e.orderReserved(firstSeq, orderIds[i], CHANNEL, Catalogue.EPOCH_MILLIS + MarketplaceMix.TTL_MILLIS,
            fingerprints[i], 1);
        e.orderLine(firstSeq + 1, orderIds[i], 0, skus[i], locations[i], quantities[i], 0, -1, 1);
    }

    /** What the engine emits for shipping that whole order straight from reserved. */
    private void shipEvents(final EventEncoder e, final int i, final long firstSeq)
    {
        e.beginCommand(firstSeq, Catalogue.EPOCH_MILLIS + firstSeq);
        e.lineShipped(firstSeq, orderIds[i], 0, quantities[i], 0);
        e.orderStatus(firstSeq + 1, orderIds[i], OrderStatus.SHIPPED);
    }

    /** What the engine emits for a receipt into sellable without a purchase order, under an idempotency key. */
    private void receiptEvents(final EventEncoder e, final int i, final long firstSeq)
    {
        e.beginCommand(firstSeq, Catalogue.EPOCH_MILLIS + firstSeq);
        e.received(firstSeq, null, skus[i], locations[i], RECEIPT_UNITS, Catalogue.UNIT_COST, Bucket.SELLABLE, 0);
        e.keyBound(firstSeq + 1, keys[i], fingerprints[i]);
    }

    private void events(final EventEncoder e, final int kind, final int i, final long firstSeq)
    {
        switch (kind)
        {
            case 0 -> reserveEvents(e, i, firstSeq);
            case 1 -> shipEvents(e, i, firstSeq);
            default -> receiptEvents(e, i, firstSeq);
        }
    }

    /** Encodes and seals command {@code i} of a kind at {@code offset}; returns the offset after it. */
    private int appendSealed(final ExpandableArrayBuffer records, final int offset, final int kind, final int i)
    {
        final ExpandableArrayBuffer one = new ExpandableArrayBuffer(256);
        final EventEncoder e = new EventEncoder().target(one, 0);
        events(e, kind, i, 1 + 2L * i);
        final int length = e.position();
        EventEncoder.seal(one, length, checksums);
        records.putBytes(offset, one, 0, length);
        return offset + length;
    }

    /**
     * Runs a reservation, its ship and a keyed receipt through a real engine, recording into command slots as the
     * pipeline does, and checks that the records have the types and lengths this benchmark encodes and decodes.
     */
    private void checkAgainstEngine()
    {
        final EventEncoder recorder = new EventEncoder();
        final StockEngine engine = new StockEngine(new EngineConfig(), recorder);
        final Command c = new Command();
        final String sku = Catalogue.skuName(skus[0]);
        final String location = Catalogue.locationName(locations[0]);
        // First sight of the SKU, location and channel emits symbol records; the commands checked come after.
        receipt(c.reset(), keys[1], sku, location);
        run(engine, recorder, c);
        reservation(c.reset(), orderIds[1], sku, location);
        run(engine, recorder, c);

        receipt(c.reset(), keys[0], sku, location);
        check("receipt", run(engine, recorder, c), 2, 0);
        reservation(c.reset(), orderIds[0], sku, location);
        check("reservation", run(engine, recorder, c), 0, 0);
        c.reset();
        c.type = CommandType.SHIP;
        c.timestamp = Catalogue.EPOCH_MILLIS;
        c.orderId = orderIds[0];
        check("ship", run(engine, recorder, c), 1, 0);
    }

    private static void receipt(final Command c, final String key, final String sku, final String location)
    {
        c.type = CommandType.RECEIVE;
        c.timestamp = Catalogue.EPOCH_MILLIS;
        c.key = key;
        c.sku = sku;
        c.location = location;
        c.quantity = RECEIPT_UNITS;
        c.amount = Catalogue.UNIT_COST;
    }

    private void reservation(final Command c, final String orderId, final String sku, final String location)
    {
        c.type = CommandType.RESERVE;
        c.timestamp = Catalogue.EPOCH_MILLIS;
        c.orderId = orderId;
        c.channel = MarketplaceMix.CHANNEL;
        c.time = MarketplaceMix.TTL_MILLIS;
        c.line(sku, location, quantities[0]);
    }

    private static Command run(final StockEngine engine, final EventEncoder recorder, final Command c)
    {
        recorder.target(c);
        engine.process(c);
        if (c.result != ResultCode.OK)
        {
            throw new IllegalStateException(CommandType.name(c.type) + " refused: " + ResultCode.name(c.result));
        }
        return c;
    }

    private void check(final String what, final Command fromEngine, final int kind, final int i)
    {
        final ExpandableArrayBuffer ours = new ExpandableArrayBuffer(256);
        final EventEncoder e = new EventEncoder().target(ours, 0);
        events(e, kind, i, 1);
        final String expected = shape(ours, e.position());
        final String actual = shape(fromEngine.events, fromEngine.eventsLength);
        if (!expected.equals(actual))
        {
            throw new IllegalStateException("the engine's " + what + " records (type:length) are " + actual +
                ", this benchmark encodes " + expected + ": update it to what the engine emits");
        }
    }

    /** The records' types and lengths, e.g. [6:73, 7:89]. */
    private static String shape(final DirectBuffer records, final int length)
    {
        final StringBuilder out = new StringBuilder();
        for (int offset = 0; offset < length; offset += records.getInt(offset + RecordDescriptor.LENGTH_OFFSET))
        {
            out.append(out.length() == 0 ? "" : ", ")
                .append(records.getShort(offset + RecordDescriptor.TYPE_OFFSET))
                .append(':')
                .append(records.getInt(offset + RecordDescriptor.LENGTH_OFFSET));
        }
        return "[" + out + "]";
    }
}
