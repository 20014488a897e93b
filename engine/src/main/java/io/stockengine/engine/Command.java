package io.stockengine.engine;

import java.util.Arrays;

import org.agrona.ExpandableArrayBuffer;

/**
 * One pre-allocated, reusable ring slot: a command in, its result out. Fields are public and primitive-first in the
 * Disruptor style; {@link CommandType} documents which inputs each type reads.
 * <p>
 * Stages: the publisher (a gateway IO thread or a test) fills the inputs with {@link #reset} first; the logic thread
 * fills the outputs; the journal stage reads the events recorded for it; the reply stage hands the slot to
 * {@link #callback} and then clears the references it holds. Line arrays grow on the publishing thread, so the
 * logic thread never allocates for them.
 */
public final class Command
{
    /** Stride of {@link #rowValues} for stock rows (see the {@code STOCK_*} offsets). */
    public static final int STOCK_FIELDS = 11;
    public static final int STOCK_ON_HAND = 0;
    public static final int STOCK_AVAILABLE = 1;
    public static final int STOCK_SELLABLE = 2;
    public static final int STOCK_RESERVED = 3;
    public static final int STOCK_PICKED = 4;
    public static final int STOCK_COMMITTED = 5;
    public static final int STOCK_QUALITY_CONTROL = 6;
    public static final int STOCK_DAMAGED = 7;
    public static final int STOCK_SAFETY_STOCK = 8;
    public static final int STOCK_INCOMING = 9;
    public static final int STOCK_IN_TRANSIT = 10;

    /** Stride of {@link #rowValues} for order lines. */
    public static final int LINE_FIELDS = 6;
    public static final int LINE_QUANTITY = 0;
    public static final int LINE_RESERVED = 1;
    public static final int LINE_PICKED = 2;
    public static final int LINE_SHIPPED = 3;
    public static final int LINE_RETURNED = 4;
    public static final int LINE_CANCELLED = 5;

    /** Stride of {@link #rowValues} for availability rows: the index of the asked SKU, and what is available. */
    public static final int AVAILABILITY_FIELDS = 2;
    public static final int AVAILABILITY_ITEM = 0;
    public static final int AVAILABILITY_QUANTITY = 1;

    /**
     * The {@link #bodyForm} of an HTTP request sent without a body where its route lets it leave the body out: a form
     * of its own, so a key bound with no body conflicts with an HTTP retry that writes a body out ({@code {}}, a
     * default), as a key bound with a body conflicts with one that leaves it out; a binary retry (form 0) matches it,
     * as binary-protocol.md says of requests without a body.
     */
    public static final long NO_BODY_FORM = 0x6E6F2D626F6479L;

    /**
     * The most location rows an availability answer holds; a query whose answer would hold more is refused (invalid
     * {@code sku}: ask for fewer SKUs at a time). 1,000 SKUs at 10 locations each fit. Without it, one query of a
     * SKU asked 400 times over a channel sourcing 20,000 locations made an answer of 8,000,000 rows that took the
     * heap of a server with 1 GB (a black-box tester): the answer grew with the query, not with the catalogue.
     */
    public static final int MAX_AVAILABILITY_ROWS = 10_000;

    /** Stride of {@link #rowValues} for shortfall rows: line index, requested, available. */
    public static final int SHORTFALL_FIELDS = 3;
    public static final int SHORTFALL_LINE = 0;
    public static final int SHORTFALL_REQUESTED = 1;
    public static final int SHORTFALL_AVAILABLE = 2;

    /** Stride of {@link #rowValues} for a transfer: quantity, in transit, received. */
    public static final int TRANSFER_FIELDS = 3;

    /**
     * Stride of {@link #rowValues} for a count's one row: sellable before the count (on a refused compare-and-set,
     * sellable now), the units counted, and the variance between them (counted - previous).
     */
    public static final int COUNT_FIELDS = 3;
    public static final int COUNT_PREVIOUS = 0;
    public static final int COUNT_COUNTED = 1;
    public static final int COUNT_VARIANCE = 2;

    private static final int INITIAL_LINES = 8;
    private static final int INITIAL_EVENT_BYTES = 256;
    /**
     * The most a slot keeps between commands. Its arrays grow to the largest command it has carried, and a ring of
     * 65,536 slots kept for ever whatever one large command made of each: a client repeating a refused 1,000-line
     * reservation (1,000 demand records, 134 KB of events) or an availability query of 20,000 rows could make the
     * ring hold gigabytes. Past these sizes a slot goes back to its first arrays when the reply is done: about 13 KB
     * a slot at most (850 MB for the largest ring of the default size, against 128 MB when every command is small),
     * and a command that large allocates its arrays again, which is rare and bounded by its own size.
     */
    static final int RETAINED_EVENT_BYTES = 4096;
    static final int RETAINED_LINES = 32;
    static final int RETAINED_ROWS = 64;

    // ---- inputs: filled by the publisher ----
    public int type;
    public long correlationId;
    /** Engine time in epoch milliseconds, stamped as the command enters the ring. */
    public long timestamp;
    /** Idempotency key; null when the command carries none. */
    public String key;
    /**
     * A hash of the request's body as the client wrote it, for a protocol whose contract binds a key to the body
     * itself (HTTP: the JSON as parsed, member order ignored), or 0. It goes into the command's fingerprint beside
     * the inputs, so a retry must repeat the body, not only what it means ({@code "1.5"} for {@code "1.50"}).
     */
    public long bodyForm;
    public String orderId;
    public String channel;
    public String sku;
    public String location;
    public String location2;
    /** Purchase-order id or transfer id. */
    public String reference;
    public long quantity;
    public long quantity2;
    /** Money in millionths of the engine's currency unit. */
    public long amount;
    /** A TTL in ms (reserve), an expected time (incoming) or a date (availability), epoch ms. */
    public long time;
    public int bucket;
    public int bucket2;
    public int reason;
    public boolean flag;
    public int lineCount;
    public String[] lineSku = new String[INITIAL_LINES];
    public String[] lineLocation = new String[INITIAL_LINES];
    public long[] lineQuantity = new long[INITIAL_LINES];
    /** Completes the caller; invoked on the reply thread. */
    public CommandCallback callback;
    /** Caller's context for {@link #callback}, e.g. a connection. */
    public Object attachment;
    /** Caller's own timestamp (e.g. the intended send time of a load test); the engine never reads it. */
    public long startNanos;

    // ---- outputs: filled by the logic thread ----
    public int result;
    /** True when the result is the replay of an earlier success with the same client id. */
    public boolean replayed;
    /** Journal sequence number of the command's last event (for a replay: of the original's). */
    public long seq;
    /** Name of the offending input when {@link #result} is INVALID_REQUEST. */
    public String field;
    /** Order status, or transfer state, for order and transfer results. */
    public int status;
    /** Order expiry (0 = none), channel buffer, or sellable before a count (-1: a retry that no longer knows it). */
    public long outTime;
    /** The order's channel, or a transfer's SKU. */
    public String outName;
    /** A transfer's from and to location. */
    public String outName2;
    public String outName3;
    /** Rows of the result (stock locations, order lines, availability, shortfall lines): see the stride constants. */
    public int rowCount;
    public String[] rowSku = new String[INITIAL_LINES];
    public String[] rowLocation = new String[INITIAL_LINES];
    public long[] rowValues = new long[INITIAL_LINES * STOCK_FIELDS];
    /** Per-item totals of an availability query, indexed like the asked lines. */
    public long[] itemTotals = new long[INITIAL_LINES];

    /** Availability changes this command caused for watched channels: channel, SKU, what it may sell now. */
    public int changeCount;
    public String[] changeChannel = new String[INITIAL_LINES];
    public String[] changeSku = new String[INITIAL_LINES];
    public long[] changeAvailable = new long[INITIAL_LINES];
    /**
     * The sequence the changes are as of: the engine's last event when they were taken. Not {@link #seq}, which a
     * clock tick or a query that found reservations due (their expiry is journaled before it) leaves at 0.
     */
    public long changeSeq;

    // ---- journal: the logic thread's recorder encodes the command's events here, the journal stage appends them ----
    public ExpandableArrayBuffer events = new ExpandableArrayBuffer(INITIAL_EVENT_BYTES);
    public int eventsLength;
    public int eventCount;

    /** Clears inputs and outputs; call before filling a slot. Keeps the arrays. */
    public Command reset()
    {
        type = CommandType.TICK;
        correlationId = 0;
        timestamp = 0;
        key = null;
        bodyForm = 0;
        orderId = null;
        channel = null;
        sku = null;
        location = null;
        location2 = null;
        reference = null;
        quantity = 0;
        quantity2 = 0;
        amount = 0;
        time = 0;
        bucket = 0;
        bucket2 = 0;
        reason = 0;
        flag = false;
        lineCount = 0;
        callback = null;
        attachment = null;
        startNanos = 0;
        clearOutputs();
        return this;
    }

    /** Clears the outputs, keeping the inputs. */
    public void clearOutputs()
    {
        result = ResultCode.OK;
        replayed = false;
        seq = 0;
        field = null;
        status = 0;
        outTime = 0;
        outName = null;
        outName2 = null;
        outName3 = null;
        rowCount = 0;
        changeCount = 0;
        changeSeq = 0;
        eventsLength = 0;
        eventCount = 0;
    }

    /** Drops the references the slot holds once the reply has been sent, so the ring does not keep garbage alive. */
    public void releaseReferences()
    {
        releaseReferencesKeeping(RETAINED_ROWS);
    }

    /**
     * As {@link #releaseReferences}, keeping arrays of up to {@code retainedRows} rows: for an answer holder a
     * gateway keeps per connection, of which there are a few (not a ring's worth), so a client whose answers run to
     * a few hundred rows does not make the logic thread allocate them again for every answer.
     */
    public void releaseReferencesKeeping(final int retainedRows)
    {
        key = null;
        bodyForm = 0;
        orderId = null;
        channel = null;
        sku = null;
        location = null;
        location2 = null;
        reference = null;
        callback = null;
        attachment = null;
        field = null;
        outName = null;
        outName2 = null;
        outName3 = null;
        Arrays.fill(lineSku, 0, lineCount, null);
        Arrays.fill(lineLocation, 0, lineCount, null);
        Arrays.fill(rowSku, 0, rowCount, null);
        Arrays.fill(rowLocation, 0, rowCount, null);
        Arrays.fill(changeChannel, 0, changeCount, null);
        Arrays.fill(changeSku, 0, changeCount, null);
        trim(retainedRows);
    }

    /** Gives back what a large command grew, past the sizes a slot keeps ({@link #RETAINED_ROWS} and the rest). */
    private void trim(final int retainedRows)
    {
        if (events.capacity() > RETAINED_EVENT_BYTES)
        {
            // Back to the most a slot keeps, not to the first size: the buffer grows by half each time, past 4,096
            // from 2,916, so a slot cut back further would grow again for every command of 2,917 to 4,096 bytes.
            events = new ExpandableArrayBuffer(RETAINED_EVENT_BYTES);
        }
        if (lineSku.length > RETAINED_LINES)
        {
            lineSku = new String[INITIAL_LINES];
            lineLocation = new String[INITIAL_LINES];
            lineQuantity = new long[INITIAL_LINES];
        }
        if (rowSku.length > retainedRows || rowValues.length > retainedRows * STOCK_FIELDS ||
            itemTotals.length > retainedRows)
        {
            rowSku = new String[INITIAL_LINES];
            rowLocation = new String[INITIAL_LINES];
            rowValues = new long[INITIAL_LINES * STOCK_FIELDS];
            itemTotals = new long[INITIAL_LINES];
        }
        if (changeChannel.length > RETAINED_ROWS)
        {
            changeChannel = new String[INITIAL_LINES];
            changeSku = new String[INITIAL_LINES];
            changeAvailable = new long[INITIAL_LINES];
        }
    }

    /** Records an availability change (logic thread; the arrays only grow while warming up). */
    public void change(final String channel, final String sku, final long available)
    {
        if (changeCount == changeChannel.length)
        {
            final int capacity = changeCount * 2;
            changeChannel = Arrays.copyOf(changeChannel, capacity);
            changeSku = Arrays.copyOf(changeSku, capacity);
            changeAvailable = Arrays.copyOf(changeAvailable, capacity);
        }
        changeChannel[changeCount] = channel;
        changeSku[changeCount] = sku;
        changeAvailable[changeCount] = available;
        changeCount++;
    }

    /** Appends an input line; grows the arrays on the publishing thread when needed. */
    public Command line(final String sku, final String location, final long quantity)
    {
        if (lineCount == lineSku.length)
        {
            final int capacity = lineCount * 2;
            lineSku = Arrays.copyOf(lineSku, capacity);
            lineLocation = Arrays.copyOf(lineLocation, capacity);
            lineQuantity = Arrays.copyOf(lineQuantity, capacity);
        }
        lineSku[lineCount] = sku;
        lineLocation[lineCount] = location;
        lineQuantity[lineCount] = quantity;
        lineCount++;
        return this;
    }

    /**
     * Makes room for {@code rows} output rows of {@code stride} values. Called by the logic thread: the arrays only
     * grow while the engine warms up to the largest result it has produced.
     */
    public void ensureRows(final int rows, final int stride)
    {
        if (rows > rowSku.length)
        {
            final int capacity = Math.max(rows, rowSku.length * 2);
            rowSku = Arrays.copyOf(rowSku, capacity);
            rowLocation = Arrays.copyOf(rowLocation, capacity);
        }
        if ((long)rows * stride > rowValues.length)
        {
            rowValues = Arrays.copyOf(rowValues, Math.max(rows * stride, rowValues.length * 2));
        }
        if (rows > itemTotals.length)
        {
            itemTotals = Arrays.copyOf(itemTotals, Math.max(rows, itemTotals.length * 2));
        }
    }

    /** Value {@code field} of row {@code row} for a result of the given stride. */
    public long value(final int row, final int stride, final int field)
    {
        return rowValues[row * stride + field];
    }

    /** A private deep copy of another slot's inputs and outputs, for callers that keep a result. */
    public Command copyOf(final Command other)
    {
        return copyInputsFrom(other).copyOutputsFrom(other);
    }

    /**
     * Copies another slot's outputs (result, rows, totals) into this command, keeping and reusing its arrays, which
     * grow only while they are smaller than an answer seen before. A gateway keeps answers this way on the reply
     * thread, which must not allocate, and renders them later on its own threads. Availability changes are not
     * copied: they go to the reply observer, not to the caller.
     */
    public Command copyOutputsFrom(final Command other)
    {
        result = other.result;
        replayed = other.replayed;
        seq = other.seq;
        field = other.field;
        status = other.status;
        outTime = other.outTime;
        outName = other.outName;
        outName2 = other.outName2;
        outName3 = other.outName3;
        final int rows = other.rowCount;
        if (rows > rowSku.length)
        {
            rowSku = new String[other.rowSku.length];
            rowLocation = new String[other.rowLocation.length];
        }
        System.arraycopy(other.rowSku, 0, rowSku, 0, rows);
        System.arraycopy(other.rowLocation, 0, rowLocation, 0, rows);
        // The stride of a row depends on the command type; the widest one bounds what can be in use.
        final int values = Math.min(other.rowValues.length, rows * STOCK_FIELDS);
        if (values > rowValues.length)
        {
            rowValues = new long[other.rowValues.length];
        }
        System.arraycopy(other.rowValues, 0, rowValues, 0, values);
        final int totals = Math.min(other.itemTotals.length, Math.max(rows, other.lineCount));
        if (totals > itemTotals.length)
        {
            itemTotals = new long[other.itemTotals.length];
        }
        System.arraycopy(other.itemTotals, 0, itemTotals, 0, totals);
        rowCount = rows;
        return this;
    }

    /** Copies the inputs of another slot (used to retry or to replay a command stream). */
    public Command copyInputsFrom(final Command other)
    {
        reset();
        type = other.type;
        correlationId = other.correlationId;
        timestamp = other.timestamp;
        key = other.key;
        bodyForm = other.bodyForm;
        orderId = other.orderId;
        channel = other.channel;
        sku = other.sku;
        location = other.location;
        location2 = other.location2;
        reference = other.reference;
        quantity = other.quantity;
        quantity2 = other.quantity2;
        amount = other.amount;
        time = other.time;
        bucket = other.bucket;
        bucket2 = other.bucket2;
        reason = other.reason;
        flag = other.flag;
        for (int i = 0; i < other.lineCount; i++)
        {
            line(other.lineSku[i], other.lineLocation[i], other.lineQuantity[i]);
        }
        return this;
    }
}
