package io.stockengine.engine;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * All state of the engine, and the fold that changes it: every {@link EventSink} call applies one event. The
 * command processor ({@link StockEngine}) decides and emits events; this class applies them, live and on replay
 * alike, so there is one implementation of every state change.
 * <p>
 * Apply methods trust their events (the processor checked them); they never refuse.
 * <p>
 * Threading: owned by the logic thread (or the recovery thread before the logic thread starts).
 */
public final class InventoryState implements EventSink
{
    final EngineConfig config;
    final Balances balances;
    final OrderBook orders;
    final Channels channels = new Channels();
    final Kits kits = new Kits();
    final Transfers transfers = new Transfers();
    final IncomingLines incoming = new IncomingLines();
    final IdempotencyWindow keys;

    private final CharSequenceIntMap[] symbolIds = new CharSequenceIntMap[3];
    private final String[][] symbolNames = new String[3][];
    private final int[] symbolCount = new int[3];

    long now;
    long lastSeq;
    long lastCorrelationId;

    /**
     * The order or transfer the latest order or transfer event changed, that event's seq and its command's
     * correlation id: when a {@code key_bound} of the same command follows it directly, the key belongs to the
     * command that changed it, and the binding keeps its answer. Every keyed order action or transfer ends with such
     * an event (a whole-order action with nothing to change repeats the order's status); expiry events, which start
     * any command, do not count. The journal has no mark between commands, so this is what a replay can see too.
     */
    /** The last line event applied released units (a cancel) rather than shipping them: see orderStatus. */
    private boolean lastLineReleased;
    private int answerOrder = -1;
    /** The order of the line event being applied (set by {@link #lineOf}). */
    private int lineOrder = -1;
    private long answerOrderSeq;
    private long answerOrderCorrelation;
    private int answerTransfer = -1;
    private long answerTransferSeq;
    private long answerTransferCorrelation;
    /** Sellable before the last count, and that count's seq and correlation id: what its key's answer keeps. */
    private long answerCountPrevious;
    private long answerCountSeq;
    private long answerCountCorrelation;

    /**
     * How long finished orders are kept, and how many: the config's until a {@code retention_set} event says what the
     * journal was written under (the keys' own window and capacity are in {@link #keys}).
     */
    private long retentionMillis;
    private int finishedOrderCapacity;
    /** A {@code retention_set} was applied (from the journal or a snapshot): the settings above are the journal's. */
    private boolean retentionJournaled;

    public InventoryState(final EngineConfig config)
    {
        this(config, PageReserve.NONE);
    }

    /** @param pages where new pages of balances, orders and lines come from. */
    public InventoryState(final EngineConfig config, final PageReserve pages)
    {
        this.config = config.conclude();
        balances = new Balances(config.expectedBalances(), pages);
        orders = new OrderBook(config.expectedOrders(), pages);
        keys = new IdempotencyWindow(config.dedupWindowMillis(), config.dedupCapacity(), config.dedupAnswerInts());
        retentionMillis = config.dedupWindowMillis();
        finishedOrderCapacity = config.finishedOrderCapacity();
        for (int kind = 0; kind < 3; kind++)
        {
            symbolIds[kind] = new CharSequenceIntMap(kind == SYMBOL_SKU ? config.expectedBalances() : 64, -1);
            symbolNames[kind] = new String[64];
        }
    }

    public long now()
    {
        return now;
    }

    /**
     * True when the journal already says to keep keys and finished orders as {@code config} does; otherwise the engine
     * must journal its retention (a {@code retention_set}) before it takes traffic, or a replay would forget other
     * keys and orders than it did.
     */
    public boolean retentionJournaledAs(final EngineConfig config)
    {
        return retentionJournaled && retentionMillis == config.dedupWindowMillis() &&
            keys.capacity() == config.dedupCapacity() && finishedOrderCapacity == config.finishedOrderCapacity();
    }

    public long lastSeq()
    {
        return lastSeq;
    }

    /** How long keys and finished orders are kept, in ms of engine time, as the journal last said. */
    public long dedupWindowMillis()
    {
        return retentionMillis;
    }

    /** The most idempotency keys kept. */
    public int dedupCapacity()
    {
        return keys.capacity();
    }

    /** The most finished orders kept. */
    public int finishedOrderCapacity()
    {
        return finishedOrderCapacity;
    }

    /** Idempotency keys forgotten before the dedup window ended, the capacity being reached (see IdempotencyWindow). */
    public long keysForgottenEarly()
    {
        return keys.forgottenEarly();
    }

    /** How long, in engine time, the last key forgotten early had been kept. */
    public long keysForgottenEarlyAge()
    {
        return keys.forgottenEarlyAge();
    }

    /** Finished orders forgotten before the window ended, the capacity being reached (see OrderBook). */
    public long ordersForgottenEarly()
    {
        return orders.forgottenEarly();
    }

    /** How long after finishing, in engine time, the last order forgotten early had been kept. */
    public long ordersForgottenEarlyAge()
    {
        return orders.forgottenEarlyAge();
    }

    public Balances balances()
    {
        return balances;
    }

    public OrderBook orders()
    {
        return orders;
    }

    public int symbol(final int kind, final CharSequence name)
    {
        return name == null ? -1 : symbolIds[kind].get(name);
    }

    /** Reads the slot of a symbol's name (not the name): for cache warming. */
    int symbolNameHint(final int kind, final int id)
    {
        return id >= 0 && id < symbolCount[kind] && symbolNames[kind][id] != null ? 1 : 0;
    }

    CharSequenceIntMap symbolMap(final int kind)
    {
        return symbolIds[kind];
    }

    public String symbolName(final int kind, final int id)
    {
        return id >= 0 && id < symbolCount[kind] ? symbolNames[kind][id] : null;
    }

    public int symbolCount(final int kind)
    {
        return symbolCount[kind];
    }

    /** A hash of every piece of state, to compare an engine with a replay of its journal. */
    public long stateHash()
    {
        long h = StateHash.mix(0, lastSeq);
        h = StateHash.mix(h, now);
        h = StateHash.mix(h, retentionJournaled ? 1 : 0);
        h = StateHash.mix(h, retentionMillis);
        h = StateHash.mix(h, finishedOrderCapacity);
        h = StateHash.mix(h, keys.capacity());
        h = StateHash.mix(h, keys.windowMillis());
        for (int kind = 0; kind < 3; kind++)
        {
            h = StateHash.mix(h, symbolCount[kind]);
            for (int i = 0; i < symbolCount[kind]; i++)
            {
                h = StateHash.mix(h, symbolNames[kind][i]);
            }
        }
        h = balances.hash(h);
        h = orders.hash(h);
        h = channels.hash(h, symbolCount[SYMBOL_CHANNEL]);
        h = kits.hash(h);
        h = transfers.hash(h);
        h = incoming.hash(h);
        return keys.hash(h);
    }

    /** Snapshot format version of {@link #writeSnapshot}; bump it when the layout changes. */
    public static final int SNAPSHOT_VERSION = 4;

    /**
     * The version before the retention settings were journaled and each component's kits kept their order; still
     * read (the settings are the config's, unjournaled; the kits are listed in kit-id order).
     */
    static final int SNAPSHOT_VERSION_WITHOUT_RETENTION = 3;

    /** The version before channels kept what they were configured with; still read (those are unknown). */
    static final int SNAPSHOT_VERSION_WITHOUT_ALLOCATIONS = 2;

    /** The version before idempotency bindings kept their answers; still read (its bindings have none). */
    static final int SNAPSHOT_VERSION_WITHOUT_ANSWERS = 1;

    /**
     * Writes every piece of state. Never call it on the logic thread of a live engine: a snapshot is taken from a
     * replica that follows the journal.
     */
    public void writeSnapshot(final DataOutput out) throws IOException
    {
        out.writeInt(SNAPSHOT_VERSION);
        out.writeLong(lastSeq);
        out.writeLong(now);
        out.writeLong(lastCorrelationId);
        out.writeBoolean(retentionJournaled);
        out.writeLong(retentionMillis);
        out.writeInt(finishedOrderCapacity);
        out.writeLong(keys.windowMillis());
        out.writeInt(keys.capacity());
        for (int kind = 0; kind < 3; kind++)
        {
            SnapshotIO.writeStrings(out, symbolNames[kind], symbolCount[kind]);
        }
        balances.write(out);
        orders.write(out);
        channels.write(out);
        kits.write(out);
        transfers.write(out);
        incoming.write(out);
        keys.write(out);
    }

    /** Reads a snapshot into a fresh state (one that has applied no event yet). */
    public static InventoryState readSnapshot(final DataInput in, final EngineConfig config) throws IOException
    {
        return readSnapshot(in, config, PageReserve.NONE);
    }

    /** Reads a snapshot into a fresh state whose new pages come from {@code pages}. */
    public static InventoryState readSnapshot(final DataInput in, final EngineConfig config, final PageReserve pages)
        throws IOException
    {
        final int version = in.readInt();
        if (version < SNAPSHOT_VERSION_WITHOUT_ANSWERS || version > SNAPSHOT_VERSION)
        {
            throw new IOException("snapshot version " + version + " is not " + SNAPSHOT_VERSION + " (or an older " +
                "one from " + SNAPSHOT_VERSION_WITHOUT_ANSWERS + ")");
        }
        final InventoryState state = new InventoryState(config, pages);
        state.lastSeq = in.readLong();
        state.now = in.readLong();
        state.lastCorrelationId = in.readLong();
        if (version > SNAPSHOT_VERSION_WITHOUT_RETENTION)
        {
            // Before the keys are read: they were kept under these settings, not the restart's.
            state.retentionJournaled = in.readBoolean();
            state.retentionMillis = in.readLong();
            state.finishedOrderCapacity = in.readInt();
            final long keyWindow = in.readLong();
            state.keys.retain(keyWindow, in.readInt());
        }
        for (int kind = 0; kind < 3; kind++)
        {
            final String[] names = SnapshotIO.readStrings(in, 64);
            int count = 0;
            while (count < names.length && names[count] != null)
            {
                state.symbolIds[kind].put(names[count], count);
                count++;
            }
            state.symbolNames[kind] = names;
            state.symbolCount[kind] = count;
        }
        state.balances.read(in);
        state.orders.read(in);
        state.orders.linkBalances(state.balances);
        state.channels.read(in, version > SNAPSHOT_VERSION_WITHOUT_ALLOCATIONS);
        state.orders.rebuildHeld(state.channels);
        state.kits.read(in, version > SNAPSHOT_VERSION_WITHOUT_RETENTION);
        state.transfers.read(in);
        state.incoming.read(in);
        state.keys.read(in, version != SNAPSHOT_VERSION_WITHOUT_ANSWERS);
        return state;
    }

    public long lastCorrelationId()
    {
        return lastCorrelationId;
    }

    // ---- the fold ----

    @Override
    public void beginCommand(final long correlationId, final long timestamp)
    {
        lastCorrelationId = correlationId;
        now = Math.max(now, timestamp);
    }

    @Override
    public void symbol(final long seq, final int kind, final int id, final CharSequence name)
    {
        lastSeq = seq;
        if (id >= symbolNames[kind].length)
        {
            symbolNames[kind] = Arrays.copyOf(symbolNames[kind], Math.max(id + 1, symbolNames[kind].length * 2));
        }
        final String stored = name.toString();
        symbolNames[kind][id] = stored;
        symbolIds[kind].put(stored, id);
        symbolCount[kind] = Math.max(symbolCount[kind], id + 1);
    }

    @Override
    public void safetyStockSet(final long seq, final int sku, final int location, final long quantity)
    {
        lastSeq = seq;
        balances.set(balances.findOrCreate(sku, location), Balances.SAFETY_STOCK, quantity);
    }

    @Override
    public void channelConfigured(final long seq, final int channel, final long buffer, final int locationCount,
        final int[] locations, final boolean keepsFencedUnits)
    {
        lastSeq = seq;
        channels.configure(balances, channel, buffer, locationCount, locations, seq);
        if (!keepsFencedUnits)
        {
            // A configuration of an older journal: its fences started full, so the units its open orders took from
            // the old fences were not to be given back into them.
            orders.forgetFences(channel);
            channels.forgetHeld(channel);
        }
    }

    @Override
    public void allocationSet(final long seq, final int channel, final int sku, final int location,
        final long quantity, final long unused)
    {
        lastSeq = seq;
        channels.setFence(balances, channel, balances.findOrCreate(sku, location), quantity,
            unused < 0 ? quantity : unused, seq);
    }

    @Override
    public void kitDefined(final long seq, final int kit, final int componentCount, final int[] componentSkus,
        final long[] componentQuantities)
    {
        lastSeq = seq;
        kits.define(kit, componentCount, componentSkus, componentQuantities);
    }

    @Override
    public void orderReserved(final long seq, final CharSequence orderId, final int channel, final long expiresAt,
        final long fingerprint, final int lineCount)
    {
        lastSeq = seq;
        orders.evictFinished(now, retentionMillis, finishedOrderCapacity);
        orders.create(orderId, channel, expiresAt, fingerprint, seq, lineCount);
    }

    @Override
    public void orderLine(final long seq, final CharSequence orderId, final int lineNo, final int sku,
        final int location, final long quantity, final long fenced, final int parentLine, final long factor)
    {
        lastSeq = seq;
        final int order = orders.find(orderId);
        final int line = orders.line(order, lineNo);
        orders.lineValue(line, OrderBook.L_KEY, Balances.key(sku, location));
        orders.lineValue(line, OrderBook.L_QUANTITY, quantity);
        orders.lineValue(line, OrderBook.L_FENCED, fenced);
        orders.lineValue(line, OrderBook.L_FACTOR, factor);
        orders.lineValue(line, OrderBook.L_PARENT, parentLine);
        orders.reserveSeq(order, seq);
        orders.lastSeq(order, seq);
        orders.lineValue(line, OrderBook.L_BALANCE, -1);
        if (factor != 0)
        {
            final int b = balances.findOrCreate(sku, location);
            orders.lineValue(line, OrderBook.L_BALANCE, b);
            balances.add(b, Balances.SELLABLE, -quantity);
            balances.add(b, Balances.RESERVED, quantity);
            if (fenced > 0)
            {
                channels.changeFence(balances, orders.channel(order), b, -fenced);
                channels.addHeld(orders.channel(order), b, fenced);
            }
        }
    }

    private int lineOf(final long seq, final CharSequence orderId, final int lineNo)
    {
        lastSeq = seq;
        final int order = orders.find(orderId);
        orders.lastSeq(order, seq);
        lineOrder = order;
        answerOrder = order;
        answerOrderSeq = seq;
        answerOrderCorrelation = lastCorrelationId;
        return orders.line(order, lineNo);
    }

    private int stockOf(final int line)
    {
        return orders.lineValue(line, OrderBook.L_FACTOR) == 0 ? -1 : orders.lineBalance(line);
    }

    @Override
    public void linePicked(final long seq, final CharSequence orderId, final int lineNo, final long quantity)
    {
        final int line = lineOf(seq, orderId, lineNo);
        orders.lineAdd(line, OrderBook.L_PICKED, quantity);
        final int b = stockOf(line);
        if (b >= 0)
        {
            balances.add(b, Balances.RESERVED, -quantity);
            balances.add(b, Balances.PICKED, quantity);
        }
    }

    @Override
    public void lineShipped(final long seq, final CharSequence orderId, final int lineNo, final long fromReserved,
        final long fromPicked)
    {
        final int line = lineOf(seq, orderId, lineNo);
        lastLineReleased = false;
        orders.lineAdd(line, OrderBook.L_PICKED, -fromPicked);
        orders.lineAdd(line, OrderBook.L_SHIPPED, fromReserved + fromPicked);
        final int b = stockOf(line);
        if (b >= 0)
        {
            balances.add(b, Balances.RESERVED, -fromReserved);
            balances.add(b, Balances.PICKED, -fromPicked);
            // Shipped units are counted as the unfenced ones first: the line keeps fenced units up to what it still
            // holds, which a release can give back.
            final long fenced = orders.lineValue(line, OrderBook.L_FENCED);
            final long holds = Math.min(fenced, orders.lineHolding(line));
            if (holds < fenced)
            {
                orders.lineValue(line, OrderBook.L_FENCED, holds);
                channels.addHeld(orders.channel(lineOrder), b, holds - fenced);
            }
        }
    }

    @Override
    public void lineReleased(final long seq, final CharSequence orderId, final int lineNo, final long fromReserved,
        final long fromPicked, final long fenceRestored, final int cause)
    {
        final int line = lineOf(seq, orderId, lineNo);
        lastLineReleased = true;
        if (cause == RELEASE_EXPIRE)
        {
            answerOrder = -1;
        }
        orders.lineAdd(line, OrderBook.L_PICKED, -fromPicked);
        orders.lineAdd(line, OrderBook.L_CANCELLED, fromReserved + fromPicked);
        final int b = stockOf(line);
        if (b >= 0)
        {
            balances.add(b, Balances.RESERVED, -fromReserved);
            balances.add(b, Balances.PICKED, -fromPicked);
            balances.add(b, Balances.SELLABLE, fromReserved + fromPicked);
            // Released units are counted as the fenced ones first, given back to the fence or not (no fence there,
            // or one already full): the line holds the rest.
            final int channel = orders.channel(lineOrder);
            final long fenced = orders.lineValue(line, OrderBook.L_FENCED);
            final long leaving = Math.min(fromReserved + fromPicked, fenced);
            if (leaving > 0)
            {
                orders.lineAdd(line, OrderBook.L_FENCED, -leaving);
                channels.addHeld(channel, b, -leaving);
            }
            if (fenceRestored > 0)
            {
                channels.changeFence(balances, channel, b, fenceRestored);
            }
        }
    }

    @Override
    public void lineReturned(final long seq, final CharSequence orderId, final int lineNo, final long quantity,
        final int bucket)
    {
        final int line = lineOf(seq, orderId, lineNo);
        orders.lineAdd(line, OrderBook.L_RETURNED, quantity);
        final int b = stockOf(line);
        if (b >= 0)
        {
            balances.add(b, bucket, quantity);
        }
    }

    @Override
    public void orderStatus(final long seq, final CharSequence orderId, final int status)
    {
        lastSeq = seq;
        final int order = orders.find(orderId);
        final int previous = orders.status(order);
        orders.status(order, status);
        if (status == OrderStatus.SHIPPED && previous != OrderStatus.SHIPPED && lastLineReleased)
        {
            // The command's line events, right before its status, released what was left instead of shipping it.
            orders.markClosedByCancel(order);
        }
        lastLineReleased = false;
        orders.lastSeq(order, seq);
        answerOrder = status == OrderStatus.EXPIRED ? -1 : order;
        answerOrderSeq = seq;
        answerOrderCorrelation = lastCorrelationId;
        if (OrderStatus.isFinished(status) && !OrderStatus.isFinished(previous))
        {
            orders.finished(order, now);
        }
        orders.dropDeadExpiries(now);
    }

    @Override
    public void demandRefused(final long seq, final int kind, final CharSequence reference, final int channel,
        final int sku, final int location, final long requested, final long available)
    {
        lastSeq = seq;
    }

    @Override
    public void sold(final long seq, final int channel, final int sku, final int location, final long quantity,
        final long fenced)
    {
        lastSeq = seq;
        final int b = balances.findOrCreate(sku, location);
        balances.add(b, Balances.SELLABLE, -quantity);
        if (fenced > 0)
        {
            channels.changeFence(balances, channel, b, -fenced);
        }
    }

    @Override
    public void retentionSet(final long seq, final long windowMillis, final int keyCapacity,
        final int finishedOrderCapacity)
    {
        lastSeq = seq;
        retentionMillis = windowMillis;
        this.finishedOrderCapacity = finishedOrderCapacity;
        keys.retain(windowMillis, keyCapacity);
        retentionJournaled = true;
    }

    @Override
    public void kitSold(final long seq, final int channel, final int kit, final int location, final int components,
        final long quantity)
    {
        lastSeq = seq;
    }

    @Override
    public void incomingSet(final long seq, final CharSequence purchaseOrder, final int sku, final int location,
        final long quantity, final long expectedAt, final long unitCost)
    {
        lastSeq = seq;
        final int b = balances.findOrCreate(sku, location);
        balances.add(b, Balances.INCOMING, incoming.set(balances, purchaseOrder, b, quantity, expectedAt, unitCost));
    }

    @Override
    public void received(final long seq, final CharSequence purchaseOrder, final int sku, final int location,
        final long quantity, final long unitCost, final int bucket, final long incomingReduced)
    {
        lastSeq = seq;
        final int b = balances.findOrCreate(sku, location);
        balances.add(b, bucket, quantity);
        if (incomingReduced > 0)
        {
            incoming.meet(balances, incoming.find(purchaseOrder, b), incomingReduced);
            balances.add(b, Balances.INCOMING, -incomingReduced);
        }
    }

    @Override
    public void inspected(final long seq, final int sku, final int location, final long passed, final long failed)
    {
        lastSeq = seq;
        final int b = balances.findOrCreate(sku, location);
        balances.add(b, Balances.QUALITY_CONTROL, -(passed + failed));
        balances.add(b, Balances.SELLABLE, passed);
        balances.add(b, Balances.DAMAGED, failed);
    }

    @Override
    public void moved(final long seq, final int sku, final int location, final int fromBucket, final int toBucket,
        final long quantity, final int reason)
    {
        lastSeq = seq;
        final int b = balances.findOrCreate(sku, location);
        balances.add(b, fromBucket, -quantity);
        balances.add(b, toBucket, quantity);
    }

    @Override
    public void adjusted(final long seq, final int sku, final int location, final int bucket, final long delta,
        final int reason)
    {
        lastSeq = seq;
        balances.add(balances.findOrCreate(sku, location), bucket, delta);
    }

    @Override
    public void counted(final long seq, final int sku, final int location, final long counted, final long previous)
    {
        lastSeq = seq;
        balances.set(balances.findOrCreate(sku, location), Balances.SELLABLE, counted);
        answerCountPrevious = previous;
        answerCountSeq = seq;
        answerCountCorrelation = lastCorrelationId;
    }

    @Override
    public void transferShipped(final long seq, final CharSequence transferId, final int sku, final int from,
        final int to, final long quantity)
    {
        lastSeq = seq;
        balances.add(balances.findOrCreate(sku, from), Balances.SELLABLE, -quantity);
        balances.add(balances.findOrCreate(sku, to), Balances.IN_TRANSIT, quantity);
        answerTransfer = transfers.create(transferId, sku, from, to, quantity);
        answerTransferSeq = seq;
        answerTransferCorrelation = lastCorrelationId;
    }

    @Override
    public void transferReceived(final long seq, final CharSequence transferId, final int sku, final int to,
        final long quantity, final int bucket)
    {
        lastSeq = seq;
        final int b = balances.findOrCreate(sku, to);
        balances.add(b, Balances.IN_TRANSIT, -quantity);
        balances.add(b, bucket, quantity);
        answerTransfer = transfers.find(transferId);
        answerTransferSeq = seq;
        answerTransferCorrelation = lastCorrelationId;
        transfers.receive(answerTransfer, quantity);
    }

    @Override
    public void keyBound(final long seq, final CharSequence key, final long fingerprint)
    {
        lastSeq = seq;
        final int slot = keys.bind(key, fingerprint, seq, now);
        if (answerOrder >= 0 && answerOrderSeq == seq - 1 && answerOrderCorrelation == lastCorrelationId)
        {
            keepOrderAnswer(slot, answerOrder);
        }
        else if (answerTransfer >= 0 && answerTransferSeq == seq - 1 &&
            answerTransferCorrelation == lastCorrelationId)
        {
            keepTransferAnswer(slot, answerTransfer);
        }
        else if (answerCountSeq == seq - 1 && answerCountSeq > 0 && answerCountCorrelation == lastCorrelationId &&
            keys.openAnswer(slot, ANSWER_COUNT))
        {
            keys.answerPut(0, ANSWER_KIND_COUNT);
            keys.answerPut(1, (int)(answerCountPrevious >>> 32));
            keys.answerPut(2, (int)answerCountPrevious);
        }
    }

    /** The first int of a kept answer: what it is the answer of. */
    static final int ANSWER_KIND_ORDER = 1;
    static final int ANSWER_KIND_TRANSFER = 2;
    static final int ANSWER_KIND_COUNT = 3;
    /** Ints of an order answer before its lines, and per line; ints of a transfer answer. */
    static final int ANSWER_ORDER_HEADER = 6;
    static final int ANSWER_ORDER_LINE = 8;
    static final int ANSWER_TRANSFER = 7;
    /** A count answer: kind, then sellable before the count (high and low int); the rest is in the request. */
    static final int ANSWER_COUNT = 3;

    /**
     * An order answer: kind, status, channel, expiry (high and low int), line count, then per line of the order (a
     * kit's component lines are not shown) sku, location, quantity, reserved, picked, shipped, returned, cancelled.
     * Through the gateway a line's numbers never pass its quantity, at most 1,000,000,000; an order whose numbers do
     * not fit an int (the engine itself takes any long) keeps no answer.
     */
    private void keepOrderAnswer(final int slot, final int order)
    {
        final int count = orders.lineCount(order);
        int shown = 0;
        for (int n = 0; n < count; n++)
        {
            final int line = orders.line(order, n);
            if (orders.lineValue(line, OrderBook.L_PARENT) < 0)
            {
                if (!fitsInt(orders.lineValue(line, OrderBook.L_QUANTITY)) || !fitsInt(orders.lineReserved(line)) ||
                    !fitsInt(orders.lineValue(line, OrderBook.L_PICKED)) ||
                    !fitsInt(orders.lineValue(line, OrderBook.L_SHIPPED)) ||
                    !fitsInt(orders.lineValue(line, OrderBook.L_RETURNED)) ||
                    !fitsInt(orders.lineValue(line, OrderBook.L_CANCELLED)))
                {
                    return;
                }
                shown++;
            }
        }
        if (!keys.openAnswer(slot, ANSWER_ORDER_HEADER + shown * ANSWER_ORDER_LINE))
        {
            return;
        }
        final long expiresAt = orders.shownExpiry(order);
        keys.answerPut(0, ANSWER_KIND_ORDER);
        keys.answerPut(1, orders.status(order));
        keys.answerPut(2, orders.channel(order));
        keys.answerPut(3, (int)(expiresAt >>> 32));
        keys.answerPut(4, (int)expiresAt);
        keys.answerPut(5, shown);
        int at = ANSWER_ORDER_HEADER;
        for (int n = 0; n < count; n++)
        {
            final int line = orders.line(order, n);
            if (orders.lineValue(line, OrderBook.L_PARENT) >= 0)
            {
                continue;
            }
            keys.answerPut(at, orders.lineSku(line));
            keys.answerPut(at + 1, orders.lineLocation(line));
            keys.answerPut(at + 2, (int)orders.lineValue(line, OrderBook.L_QUANTITY));
            keys.answerPut(at + 3, (int)orders.lineReserved(line));
            keys.answerPut(at + 4, (int)orders.lineValue(line, OrderBook.L_PICKED));
            keys.answerPut(at + 5, (int)orders.lineValue(line, OrderBook.L_SHIPPED));
            keys.answerPut(at + 6, (int)orders.lineValue(line, OrderBook.L_RETURNED));
            keys.answerPut(at + 7, (int)orders.lineValue(line, OrderBook.L_CANCELLED));
            at += ANSWER_ORDER_LINE;
        }
    }

    private static boolean fitsInt(final long value)
    {
        return value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE;
    }

    /** A transfer answer: kind, sku, from, to, quantity, in transit, received. */
    private void keepTransferAnswer(final int slot, final int t)
    {
        if (!fitsInt(transfers.quantity(t)) || !keys.openAnswer(slot, ANSWER_TRANSFER))
        {
            return;
        }
        keys.answerPut(0, ANSWER_KIND_TRANSFER);
        keys.answerPut(1, transfers.sku(t));
        keys.answerPut(2, transfers.from(t));
        keys.answerPut(3, transfers.to(t));
        keys.answerPut(4, (int)transfers.quantity(t));
        keys.answerPut(5, (int)transfers.inTransit(t));
        keys.answerPut(6, (int)transfers.received(t));
    }
}
