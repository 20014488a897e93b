package io.stockengine.engine;

import java.util.Arrays;

import org.agrona.collections.Long2LongHashMap;

/**
 * The logic: decides every command against the state and emits its events, which {@link InventoryState} applies
 * and the journal records. Results are codes in the {@link Command} slot, never exceptions.
 * <p>
 * Hot path: no allocation in steady state (scratch arrays are reused and only grow while warming up), no boxing,
 * no locks, no logging; time comes from {@link Command#timestamp}, never from a clock.
 * <p>
 * Threading: {@link #process} is called only on the logic thread.
 */
public final class StockEngine
{
    private static final int NONE = -1;

    private final InventoryState state;
    private final Balances balances;
    private final OrderBook orders;
    private final Channels channels;
    private final Kits kits;
    private final Transfers transfers;
    private final IncomingLines incoming;
    private final IdempotencyWindow keys;
    private final EventSink out;
    private final int maxKitComponents;

    private final DemandScratch demand = new DemandScratch(1 << 12);
    private int[] skuIds = new int[16];
    private int[] locationIds = new int[16];
    private int[] placed = new int[16];
    /** What a refused line could have had where it was sought: its shortfall row's available. */
    private long[] lineLeft = new long[16];
    private long[] take = new long[16];
    private int[] intScratch = new int[16];
    private long[] longScratch = new long[16];

    private static final String[] NO_CHANNELS = new String[0];

    /** "lines[0]" to "lines[255]", made once: a refusal names its line without allocating on the logic thread. */
    private static final String[] LINE_FIELDS = new String[256];

    static
    {
        for (int i = 0; i < LINE_FIELDS.length; i++)
        {
            LINE_FIELDS[i] = "lines[" + i + "]";
        }
    }

    private final TouchedSkus touched = new TouchedSkus();
    private final Prefetcher prefetcher;
    private final CharSequenceIntMap watchSlots = new CharSequenceIntMap(16, -1);
    /**
     * The slots in use, a bit each: at most {@link AvailabilityWatch#MAX_CHANNELS} (32) channels are watched at once,
     * and a slot is given back when its channel is no longer watched, so 64 bits always have one free.
     */
    private long usedSlots;
    /**
     * Rows the query answers of the current batch may hold in all before a query is answered OVERLOADED: a batch's
     * answers stay in their slots until the batch is journaled and answered, and 1,024 availability queries of
     * 10,000 rows in one batch (64 connections of 16) held 400 MB and took a 512 MB heap (a tester). Off (no limit)
     * unless the pipeline sets it, which also says where a batch ends ({@link #endBatch}).
     */
    private long batchRowBudget = Long.MAX_VALUE;
    private long batchRows;
    private final Long2LongHashMap published = new Long2LongHashMap(1024, 0.65f, -1L);
    private volatile AvailabilityWatch watch;
    /** The watched set the last command saw: a channel that leaves it has its reported values forgotten. */
    private String[] lastWatched = NO_CHANNELS;

    private Command command;
    private long now;
    private long seq;
    /** The seq before the command's own events (after any expiries it triggered). */
    private long commandStartSeq;
    private boolean begun;
    /** The command applied a channel configuration that changed something: its watchers are asked to re-read. */
    private boolean channelReconfigured;

    public StockEngine(final EngineConfig config, final EventSink journal)
    {
        this(new InventoryState(config), journal);
    }

    /** Continues from a recovered state; its time and sequence carry on. */
    public StockEngine(final InventoryState state, final EventSink journal)
    {
        this.state = state;
        this.balances = state.balances;
        this.orders = state.orders;
        this.channels = state.channels;
        this.kits = state.kits;
        this.transfers = state.transfers;
        this.incoming = state.incoming;
        this.keys = state.keys;
        this.out = new TeeEventSink(state, journal);
        this.maxKitComponents = state.config.maxKitComponents();
        this.now = state.now;
        this.seq = state.lastSeq;
        balances.tracker(touched);
        this.prefetcher = new Prefetcher(state);
    }

    /** Reports availability changes of the channels in {@code watch} in each command's slot. */
    public StockEngine watch(final AvailabilityWatch availabilityWatch)
    {
        this.watch = availabilityWatch;
        return this;
    }

    public InventoryState state()
    {
        return state;
    }

    public long stateHash()
    {
        return state.stateHash();
    }

    /** The sequence number of the last event emitted. */
    public long lastSeq()
    {
        return seq;
    }

    /**
     * Optional, before processing a run of commands: reads ahead what they will touch, so their cache misses overlap
     * instead of following one another (see {@link Prefetcher}). Changes nothing and allocates nothing; the results
     * of the commands are the same with or without it.
     *
     * @param window the commands about to be processed, in order; only the first {@link #PREFETCH_WINDOW} are read
     * @param count  how many of them
     */
    public void prefetch(final Command[] window, final int count)
    {
        prefetcher.prefetch(window, count);
    }

    /** Commands one {@link #prefetch} call reads ahead for. */
    public static final int PREFETCH_WINDOW = Prefetcher.WINDOW;

    /** Applies one command; its outputs are filled in the slot. */
    public void process(final Command c)
    {
        c.clearOutputs();
        command = c;
        begun = false;
        channelReconfigured = false;
        final String[] watched = watch == null ? NO_CHANNELS : watch.channels();
        if (watched != lastWatched)
        {
            forgetUnwatched(watched);
        }
        touched.enabled = watched.length > 0;
        now = Math.max(now, c.timestamp);
        expire();
        commandStartSeq = seq;
        execute(c);
        if (touched.enabled)
        {
            publishChanges(c, watched);
        }
        command = null;
    }

    private void execute(final Command c)
    {
        final int type = c.type;
        if (c.key != null && !CommandType.isQuery(type) && type != CommandType.RESERVE && type != CommandType.TICK)
        {
            final int slot = keys.find(c.key, now);
            if (slot >= 0)
            {
                replayKey(c, slot);
                return;
            }
        }
        switch (type)
        {
            case CommandType.TICK:
                if (c.flag)
                {
                    journalRetention(c);
                }
                break;
            case CommandType.RESERVE:
                reserve(c);
                break;
            case CommandType.PICK:
            case CommandType.SHIP:
            case CommandType.CANCEL:
                orderAction(c);
                break;
            case CommandType.RETURN:
                orderReturn(c);
                break;
            case CommandType.SALE:
                sale(c);
                break;
            case CommandType.ANNOUNCE_INCOMING:
                announceIncoming(c);
                break;
            case CommandType.RECEIVE:
                receive(c);
                break;
            case CommandType.INSPECT:
                inspect(c);
                break;
            case CommandType.MOVE:
                move(c);
                break;
            case CommandType.ADJUST:
                adjust(c);
                break;
            case CommandType.COUNT:
                count(c);
                break;
            case CommandType.TRANSFER_OUT:
                transferOut(c);
                break;
            case CommandType.TRANSFER_IN:
                transferIn(c);
                break;
            case CommandType.SET_SAFETY_STOCK:
                setSafetyStock(c);
                break;
            case CommandType.CONFIGURE_CHANNEL:
                configureChannel(c);
                break;
            case CommandType.DEFINE_KIT:
                defineKit(c);
                break;
            case CommandType.QUERY_STOCK_AT:
            case CommandType.QUERY_STOCK:
                queryStock(c);
                break;
            case CommandType.QUERY_AVAILABILITY:
                queryAvailability(c);
                break;
            case CommandType.QUERY_ORDER:
                queryOrder(c);
                break;
            case CommandType.QUERY_TRANSFER:
                queryTransfer(c);
                break;
            case CommandType.QUERY_CHANNEL:
                queryChannel(c);
                break;
            case CommandType.QUERY_KIT:
                queryKit(c);
                break;
            default:
                invalid(c, "type");
                break;
        }
    }

    /** Limits the rows the query answers of one batch hold in all (see {@link #batchRowBudget}). */
    public StockEngine batchRowBudget(final long rows)
    {
        this.batchRowBudget = rows;
        return this;
    }

    /** The batch's commands are answered: their answers' rows no longer count. */
    public void endBatch()
    {
        batchRows = 0;
    }

    /** Refuses a query whose answer could go past the batch's budget of rows; nothing is applied by a query. */
    private boolean overBatchBudget(final Command c)
    {
        if (batchRows < batchRowBudget)
        {
            return false;
        }
        c.result = ResultCode.OVERLOADED;
        return true;
    }

    /**
     * For every watched channel, the SKUs this command touched (and kits built from them) whose channel
     * availability differs from what was last reported; a channel whose policy changed gets a resync row (no SKU).
     */
    private void publishChanges(final Command c, final String[] watched)
    {
        c.changeSeq = seq;
        for (int i = 0, n = touched.count(); i < n; i++)
        {
            final int[] kitsUsing = kits.kitsOf(touched.sku(i));
            if (kitsUsing != null)
            {
                for (final int kit : kitsUsing)
                {
                    touched.touch(kit);
                }
            }
        }
        final boolean resync = channelReconfigured;
        for (final String name : watched)
        {
            int slot = watchSlots.get(name);
            if (slot < 0)
            {
                if (usedSlots == -1L)
                {
                    // 64 channels watched at once, past the gateway's 32 (only a race of its IO threads, or a
                    // caller of AvailabilityWatch.watch without mayWatch, gets here): the rest are not reported.
                    continue;
                }
                // The lowest slot free: a channel no longer watched gives its slot back, so the slots (and the
                // names kept for them) stay as many as the channels watched at once, not all ever watched.
                slot = Long.numberOfTrailingZeros(~usedSlots);
                usedSlots |= 1L << slot;
                watchSlots.put(name, slot);
            }
            if (resync && name.equals(c.channel))
            {
                // Subscribers re-read the channel after a resync: what was reported before says nothing now, and
                // what this command changed for it is in what they re-read (a tester saw a resync followed by an
                // event for every SKU of the channel, each with the value it already had).
                forget(1L << slot);
                c.change(name, null, -1);
                continue;
            }
            final int channel = state.symbol(EventSink.SYMBOL_CHANNEL, name);
            for (int i = 0, n = touched.count(); i < n; i++)
            {
                final int sku = touched.sku(i);
                long total = 0;
                balances.gather(sku);
                for (int s = 0, locations = sourcingCount(channel); s < locations; s++)
                {
                    total += Math.max(0, promisable(channel, sku, sourcingLocation(channel, s), false, 0));
                }
                balances.release();
                final long key = ((long)slot << 32) | sku;
                if (published.get(key) != total)
                {
                    published.put(key, total);
                    c.change(name, state.symbolName(EventSink.SYMBOL_SKU, sku), total);
                }
            }
        }
        touched.reset();
    }

    /**
     * Channels nobody watches any more lose what was last reported to them: changes while unwatched are not
     * tracked, so when someone watches again the first change of each SKU must be sent whatever its value.
     */
    private void forgetUnwatched(final String[] watched)
    {
        long forgotten = 0;
        for (final String name : lastWatched)
        {
            if (java.util.Arrays.binarySearch(watched, name) < 0)
            {
                final int slot = watchSlots.remove(name);
                if (slot >= 0)
                {
                    forgotten |= 1L << slot;
                }
            }
        }
        // One walk for every channel left at once: one walk each made 255 streams closing together stall the
        // logic thread for 10 s (a reviewer).
        forget(forgotten);
        usedSlots &= ~forgotten;
        lastWatched = watched;
    }

    /** Drops every value reported to the slots of {@code slots} (a bit each): a walk of the map, when any. */
    private void forget(final long slots)
    {
        if (slots == 0)
        {
            return;
        }
        final Long2LongHashMap.KeyIterator keys = published.keySet().iterator();
        while (keys.hasNext())
        {
            if ((slots & (1L << (int)(keys.nextValue() >>> 32))) != 0)
            {
                keys.remove();
            }
        }
    }

    // ---- events, time, idempotency ----

    /** A TICK with its flag set, from the server at start (never from a client): see {@link EventSink#retentionSet}. */
    private void journalRetention(final Command c)
    {
        final EngineConfig config = state.config;
        out.retentionSet(next(), config.dedupWindowMillis(), config.dedupCapacity(), config.finishedOrderCapacity());
        succeed(c);
    }

    private long next()
    {
        if (!begun)
        {
            begun = true;
            out.beginCommand(command.correlationId, now);
        }
        return ++seq;
    }

    private void expire()
    {
        int order;
        while ((order = orders.nextExpired(now)) >= 0)
        {
            final CharSequence id = orders.id(order);
            for (int n = 0, count = orders.lineCount(order); n < count; n++)
            {
                final int line = orders.line(order, n);
                final long reserved = orders.lineReserved(line);
                if (reserved > 0)
                {
                    out.lineReleased(next(), id, n, reserved, 0, fenceRestore(order, line, reserved),
                        EventSink.RELEASE_EXPIRE);
                }
            }
            out.orderStatus(next(), id, OrderStatus.EXPIRED);
        }
    }

    private void succeed(final Command c)
    {
        if (c.key != null)
        {
            out.keyBound(next(), c.key, fingerprint(c));
        }
        c.result = ResultCode.OK;
        c.seq = seq;
    }

    private void replayKey(final Command c, final int slot)
    {
        if (!sameRequest(keys.fingerprint(slot), c))
        {
            c.result = ResultCode.IDEMPOTENCY_CONFLICT;
            c.field = "Idempotency-Key";
            return;
        }
        c.result = ResultCode.OK;
        c.replayed = true;
        c.seq = keys.seq(slot);
        final int kept = keys.answerLength(slot);
        if (c.type == CommandType.PICK || c.type == CommandType.SHIP || c.type == CommandType.CANCEL ||
            c.type == CommandType.RETURN)
        {
            if (kept >= InventoryState.ANSWER_ORDER_HEADER &&
                keys.answerGet(slot, 0) == InventoryState.ANSWER_KIND_ORDER)
            {
                keptOrderAnswer(c, slot);
                return;
            }
            final int order = orders.find(c.orderId);
            if (order >= 0)
            {
                orderView(c, order);
            }
        }
        else if (c.type == CommandType.TRANSFER_OUT || c.type == CommandType.TRANSFER_IN)
        {
            if (kept == InventoryState.ANSWER_TRANSFER &&
                keys.answerGet(slot, 0) == InventoryState.ANSWER_KIND_TRANSFER)
            {
                keptTransferAnswer(c, slot);
                return;
            }
            final int t = transfers.find(c.reference);
            if (t >= 0)
            {
                transferView(c, t);
            }
        }
        else if (c.type == CommandType.COUNT && kept == InventoryState.ANSWER_COUNT &&
            keys.answerGet(slot, 0) == InventoryState.ANSWER_KIND_COUNT)
        {
            countRow(c, ((long)keys.answerGet(slot, 1) << 32) | (keys.answerGet(slot, 2) & 0xFFFF_FFFFL));
        }
        else if (c.type == CommandType.COUNT)
        {
            // A retry whose answer is no longer kept gets no row: sellable now says nothing of what was counted.
            c.outTime = -1;
        }
    }

    /** The order as the keyed action left it, from what its binding kept (see {@link InventoryState#keyBound}). */
    private void keptOrderAnswer(final Command c, final int slot)
    {
        c.status = keys.answerGet(slot, 1);
        c.outName = state.symbolName(EventSink.SYMBOL_CHANNEL, keys.answerGet(slot, 2));
        c.outTime = ((long)keys.answerGet(slot, 3) << 32) | (keys.answerGet(slot, 4) & 0xFFFF_FFFFL);
        final int rows = keys.answerGet(slot, 5);
        c.ensureRows(rows, Command.LINE_FIELDS);
        int at = InventoryState.ANSWER_ORDER_HEADER;
        for (int row = 0; row < rows; row++)
        {
            c.rowSku[row] = state.symbolName(EventSink.SYMBOL_SKU, keys.answerGet(slot, at));
            c.rowLocation[row] = state.symbolName(EventSink.SYMBOL_LOCATION, keys.answerGet(slot, at + 1));
            final int base = row * Command.LINE_FIELDS;
            c.rowValues[base + Command.LINE_QUANTITY] = keys.answerGet(slot, at + 2);
            c.rowValues[base + Command.LINE_RESERVED] = keys.answerGet(slot, at + 3);
            c.rowValues[base + Command.LINE_PICKED] = keys.answerGet(slot, at + 4);
            c.rowValues[base + Command.LINE_SHIPPED] = keys.answerGet(slot, at + 5);
            c.rowValues[base + Command.LINE_RETURNED] = keys.answerGet(slot, at + 6);
            c.rowValues[base + Command.LINE_CANCELLED] = keys.answerGet(slot, at + 7);
            at += InventoryState.ANSWER_ORDER_LINE;
        }
        c.rowCount = rows;
    }

    private void keptTransferAnswer(final Command c, final int slot)
    {
        c.outName = state.symbolName(EventSink.SYMBOL_SKU, keys.answerGet(slot, 1));
        c.outName2 = state.symbolName(EventSink.SYMBOL_LOCATION, keys.answerGet(slot, 2));
        c.outName3 = state.symbolName(EventSink.SYMBOL_LOCATION, keys.answerGet(slot, 3));
        c.ensureRows(1, Command.TRANSFER_FIELDS);
        c.rowValues[0] = keys.answerGet(slot, 4);
        c.rowValues[1] = keys.answerGet(slot, 5);
        c.rowValues[2] = keys.answerGet(slot, 6);
        c.rowCount = 1;
    }

    private static final int F_ORDER = 1;
    private static final int F_CHANNEL = 1 << 1;
    private static final int F_SKU = 1 << 2;
    private static final int F_LOCATION = 1 << 3;
    private static final int F_LOCATION2 = 1 << 4;
    private static final int F_REFERENCE = 1 << 5;
    private static final int F_QUANTITY = 1 << 6;
    private static final int F_QUANTITY2 = 1 << 7;
    private static final int F_AMOUNT = 1 << 8;
    private static final int F_TIME = 1 << 9;
    private static final int F_BUCKET = 1 << 10;
    private static final int F_BUCKET2 = 1 << 11;
    private static final int F_REASON = 1 << 12;
    private static final int F_FLAG = 1 << 13;
    private static final int F_LINES = 1 << 14;
    private static final int F_LINE_LOCATIONS = 1 << 15;

    /** The inputs each command type reads (see {@link CommandType}): its payload for idempotency. */
    private static final int[] PAYLOAD = new int[CommandType.COUNT_OF_TYPES];

    static
    {
        PAYLOAD[CommandType.RESERVE] = F_ORDER | F_CHANNEL | F_TIME | F_LINES | F_LINE_LOCATIONS;
        PAYLOAD[CommandType.PICK] = F_ORDER | F_LINES | F_LINE_LOCATIONS;
        PAYLOAD[CommandType.SHIP] = F_ORDER | F_LINES | F_LINE_LOCATIONS;
        PAYLOAD[CommandType.CANCEL] = F_ORDER | F_LINES | F_LINE_LOCATIONS;
        PAYLOAD[CommandType.RETURN] = F_ORDER | F_FLAG | F_LINES | F_LINE_LOCATIONS;
        PAYLOAD[CommandType.SALE] = F_CHANNEL | F_LOCATION | F_LINES;
        PAYLOAD[CommandType.ANNOUNCE_INCOMING] = F_REFERENCE | F_SKU | F_LOCATION | F_QUANTITY | F_AMOUNT | F_TIME;
        PAYLOAD[CommandType.RECEIVE] = F_SKU | F_LOCATION | F_QUANTITY | F_AMOUNT | F_REFERENCE | F_FLAG;
        PAYLOAD[CommandType.INSPECT] = F_SKU | F_LOCATION | F_QUANTITY | F_QUANTITY2;
        PAYLOAD[CommandType.MOVE] = F_SKU | F_LOCATION | F_QUANTITY | F_BUCKET | F_BUCKET2 | F_REASON;
        PAYLOAD[CommandType.ADJUST] = F_SKU | F_LOCATION | F_QUANTITY | F_BUCKET | F_REASON;
        PAYLOAD[CommandType.COUNT] = F_SKU | F_LOCATION | F_QUANTITY | F_FLAG | F_QUANTITY2;
        PAYLOAD[CommandType.TRANSFER_OUT] = F_REFERENCE | F_SKU | F_LOCATION | F_LOCATION2 | F_QUANTITY;
        PAYLOAD[CommandType.TRANSFER_IN] = F_REFERENCE | F_FLAG | F_QUANTITY;
        PAYLOAD[CommandType.SET_SAFETY_STOCK] = F_SKU | F_LOCATION | F_QUANTITY;
        PAYLOAD[CommandType.CONFIGURE_CHANNEL] = F_CHANNEL | F_QUANTITY | F_QUANTITY2 | F_LINES | F_LINE_LOCATIONS;
        PAYLOAD[CommandType.DEFINE_KIT] = F_SKU | F_LINES;
    }

    /**
     * A hash of the inputs the command's type reads (not its key or stamps) and of its body's form when the
     * protocol gave one: a retry matches, a reuse with another payload does not. A command without a body form
     * hashes as it always has.
     */
    static long fingerprint(final Command c)
    {
        return fingerprint(c, c.bodyForm);
    }

    /**
     * Whether {@code c} repeats the request whose fingerprint was bound. A binding made without a body form (over
     * the binary protocol, or before HTTP bodies were part of it: the journal keeps such fingerprints for the dedup
     * window, and a reservation's for as long as its order) has only the inputs to compare, so an HTTP retry of it
     * matches on its inputs alone; one made with a body form needs the same body.
     */
    private static boolean sameRequest(final long bound, final Command c)
    {
        return bound == fingerprint(c) || c.bodyForm != 0 && bound == fingerprint(c, 0) ||
            c.bodyForm == 0 && bound == fingerprint(c, Command.NO_BODY_FORM);
    }

    private static long fingerprint(final Command c, final long bodyForm)
    {
        final int fields = c.type >= 0 && c.type < PAYLOAD.length ? PAYLOAD[c.type] : -1;
        long h = StateHash.mix(0x5EED, c.type);
        h = bodyForm != 0 ? StateHash.mix(h, bodyForm) : h;
        h = (fields & F_ORDER) != 0 ? StateHash.mix(h, c.orderId) : h;
        h = (fields & F_CHANNEL) != 0 ? StateHash.mix(h, c.channel) : h;
        h = (fields & F_SKU) != 0 ? StateHash.mix(h, c.sku) : h;
        h = (fields & F_LOCATION) != 0 ? StateHash.mix(h, c.location) : h;
        h = (fields & F_LOCATION2) != 0 ? StateHash.mix(h, c.location2) : h;
        h = (fields & F_REFERENCE) != 0 ? StateHash.mix(h, c.reference) : h;
        h = (fields & F_QUANTITY) != 0 ? StateHash.mix(h, c.quantity) : h;
        h = (fields & F_QUANTITY2) != 0 ? StateHash.mix(h, c.quantity2) : h;
        h = (fields & F_AMOUNT) != 0 ? StateHash.mix(h, c.amount) : h;
        h = (fields & F_TIME) != 0 ? StateHash.mix(h, c.time) : h;
        h = (fields & F_BUCKET) != 0 ? StateHash.mix(h, c.bucket) : h;
        h = (fields & F_BUCKET2) != 0 ? StateHash.mix(h, c.bucket2) : h;
        h = (fields & F_REASON) != 0 ? StateHash.mix(h, c.reason) : h;
        h = (fields & F_FLAG) != 0 ? StateHash.mix(h, c.flag ? 1 : 0) : h;
        if ((fields & F_LINES) != 0)
        {
            h = StateHash.mix(h, c.lineCount);
            for (int i = 0; i < c.lineCount; i++)
            {
                h = StateHash.mix(h, c.lineSku[i]);
                h = (fields & F_LINE_LOCATIONS) != 0 ? StateHash.mix(h, c.lineLocation[i]) : h;
                h = StateHash.mix(h, c.lineQuantity[i]);
            }
        }
        return h;
    }

    private static void invalid(final Command c, final String field)
    {
        c.result = ResultCode.INVALID_REQUEST;
        c.field = field;
    }

    private int intern(final int kind, final String name)
    {
        final int id = state.symbol(kind, name);
        if (id >= 0)
        {
            return id;
        }
        final int created = state.symbolCount(kind);
        out.symbol(next(), kind, created, name);
        return created;
    }

    private int sku(final String name)
    {
        return state.symbol(EventSink.SYMBOL_SKU, name);
    }

    private int location(final String name)
    {
        return state.symbol(EventSink.SYMBOL_LOCATION, name);
    }

    private void ensureLineScratch(final int lines)
    {
        if (lines > skuIds.length)
        {
            final int capacity = Math.max(lines, skuIds.length * 2);
            skuIds = new int[capacity];
            locationIds = new int[capacity];
            placed = new int[capacity];
            lineLeft = new long[capacity];
            take = new long[capacity];
        }
    }

    // ---- what a channel sees ----

    private long channelAvailable(final int channel, final int b)
    {
        return channels.channelAvailable(balances, channel, b);
    }

    /** Units (kits for a kit) the channel may still take at a location, after what this command placed there. */
    private long remaining(final int channel, final int sku, final int location)
    {
        if (kits.isKit(sku))
        {
            long kitsLeft = Long.MAX_VALUE;
            for (int i = 0, n = kits.componentCount(sku); i < n; i++)
            {
                final int b = balances.find(kits.component(sku, i), location);
                if (b < 0)
                {
                    return 0;
                }
                final long left = Math.max(0, channelAvailable(channel, b) - demand.get(b));
                kitsLeft = Math.min(kitsLeft, left / kits.units(sku, i));
            }
            return kitsLeft;
        }
        final int b = balances.find(sku, location);
        return b < 0 ? 0 : Math.max(0, channelAvailable(channel, b) - demand.get(b));
    }

    private void place(final int sku, final int location, final long quantity)
    {
        if (kits.isKit(sku))
        {
            for (int i = 0, n = kits.componentCount(sku); i < n; i++)
            {
                demand.add(balances.find(kits.component(sku, i), location), quantity * kits.units(sku, i));
            }
        }
        else
        {
            demand.add(balances.find(sku, location), quantity);
        }
    }

    private int sourcingCount(final int channel)
    {
        final int[] locations = channel < 0 ? null : channels.locations(channel);
        return locations == null ? state.symbolCount(EventSink.SYMBOL_LOCATION) : locations.length;
    }

    private int sourcingLocation(final int channel, final int i)
    {
        final int[] locations = channel < 0 ? null : channels.locations(channel);
        return locations == null ? i : locations[i];
    }

    /**
     * Places every line at a location (all unlocated lines at one location if one can fill them all, else the lines
     * that name their location, then each other line at the first location that fills it whole), recording refused
     * lines as shortfall rows in line order.
     *
     * @return true when every line was placed ({@link #placed} holds each line's location).
     */
    private boolean placeLines(final Command c, final int channel, final int lines)
    {
        boolean anyUnlocated = false;
        for (int i = 0; i < lines; i++)
        {
            anyUnlocated |= locationIds[i] < 0;
        }
        if (anyUnlocated)
        {
            for (int s = 0, n = sourcingCount(channel); s < n; s++)
            {
                final int candidate = sourcingLocation(channel, s);
                demand.reset();
                boolean all = true;
                for (int i = 0; i < lines && all; i++)
                {
                    final int location = locationIds[i] < 0 ? candidate : locationIds[i];
                    if (remaining(channel, skuIds[i], location) >= c.lineQuantity[i])
                    {
                        place(skuIds[i], location, c.lineQuantity[i]);
                        placed[i] = location;
                    }
                    else
                    {
                        all = false;
                    }
                }
                if (all)
                {
                    return true;
                }
            }
        }
        demand.reset();
        // The lines that name their location first, then each other line from what they leave: taken in the order
        // given, an unlocated line could take the units a later line asks for at its own location, and the order
        // was refused although another location could fill the unlocated one (a reviewer).
        for (int i = 0; i < lines; i++)
        {
            if (locationIds[i] >= 0)
            {
                final long left = remaining(channel, skuIds[i], locationIds[i]);
                if (left >= c.lineQuantity[i])
                {
                    place(skuIds[i], locationIds[i], c.lineQuantity[i]);
                    placed[i] = locationIds[i];
                }
                else
                {
                    placed[i] = NONE;
                    lineLeft[i] = left;
                }
            }
        }
        for (int i = 0; i < lines; i++)
        {
            if (locationIds[i] < 0)
            {
                placed[i] = NONE;
                long best = 0;
                for (int s = 0, n = sourcingCount(channel); s < n; s++)
                {
                    final int candidate = sourcingLocation(channel, s);
                    final long left = remaining(channel, skuIds[i], candidate);
                    if (left >= c.lineQuantity[i])
                    {
                        place(skuIds[i], candidate, c.lineQuantity[i]);
                        placed[i] = candidate;
                        break;
                    }
                    best = Math.max(best, left);
                }
                lineLeft[i] = best;
            }
        }
        int shortfalls = 0;
        for (int i = 0; i < lines; i++)
        {
            if (placed[i] == NONE)
            {
                shortfall(c, shortfalls++, i, c.lineLocation[i], c.lineQuantity[i], lineLeft[i]);
            }
        }
        c.rowCount = shortfalls;
        return shortfalls == 0;
    }

    private static void shortfall(final Command c, final int row, final int line, final String location,
        final long requested, final long available)
    {
        c.ensureRows(row + 1, Command.SHORTFALL_FIELDS);
        c.rowSku[row] = c.lineSku[line];
        c.rowLocation[row] = location;
        final int base = row * Command.SHORTFALL_FIELDS;
        c.rowValues[base + Command.SHORTFALL_LINE] = line;
        c.rowValues[base + Command.SHORTFALL_REQUESTED] = requested;
        c.rowValues[base + Command.SHORTFALL_AVAILABLE] = available;
        c.rowCount = row + 1;
    }

    private static void singleShortfall(final Command c, final String location, final long requested,
        final long available)
    {
        c.ensureRows(1, Command.SHORTFALL_FIELDS);
        c.rowSku[0] = c.sku;
        c.rowLocation[0] = location;
        c.rowValues[Command.SHORTFALL_LINE] = 0;
        c.rowValues[Command.SHORTFALL_REQUESTED] = requested;
        c.rowValues[Command.SHORTFALL_AVAILABLE] = available;
        c.rowCount = 1;
        c.result = ResultCode.INSUFFICIENT_STOCK;
    }

    /** Interns the lines' SKUs and given locations; a refused command is journaled as demand, so ids are needed. */
    private void internLines(final Command c, final int lines, final String fixedLocation)
    {
        ensureLineScratch(lines);
        final int fixed = fixedLocation == null ? NONE : intern(EventSink.SYMBOL_LOCATION, fixedLocation);
        for (int i = 0; i < lines; i++)
        {
            skuIds[i] = intern(EventSink.SYMBOL_SKU, c.lineSku[i]);
            locationIds[i] = fixedLocation != null ? fixed :
                c.lineLocation[i] == null ? NONE : intern(EventSink.SYMBOL_LOCATION, c.lineLocation[i]);
        }
    }

    private long takeFence(final int channel, final int b, final long units)
    {
        final long fence = channels.fence(channel, b);
        return fence <= 0 ? 0 : Math.min(units, fence);
    }

    private long fenceRestore(final int order, final int line, final long released)
    {
        final long fenced = orders.lineValue(line, OrderBook.L_FENCED);
        if (fenced <= 0 || orders.lineValue(line, OrderBook.L_FACTOR) == 0)
        {
            return 0;
        }
        final int b = orders.lineBalance(line);
        final int channel = orders.channel(order);
        final long fence = channels.fence(channel, b);
        if (fence < 0)
        {
            return 0;
        }
        final long leaving = Math.min(released, fenced);
        final long quantity = channels.allocated(channel, b);
        if (quantity < 0)
        {
            // A fence restored from a snapshot older than fence quantities: the rule of its time, no cap.
            return leaving;
        }
        // A fence's unused units and what the channel's orders still hold from it never pass its quantity: one set
        // below what the orders held gives back only what brings it to its quantity, whichever order releases.
        return Math.max(0, Math.min(leaving, quantity - fence - (channels.held(channel, b) - leaving)));
    }

    // ---- orders ----

    private void reserve(final Command c)
    {
        // The book keeps ids as bytes in the order's record: API.md's ids (64 characters of [A-Za-z0-9._:-]) fit.
        if (c.orderId == null || !OrderBook.storable(c.orderId))
        {
            invalid(c, "order_id");
            return;
        }
        final int existing = orders.find(c.orderId);
        if (existing >= 0)
        {
            if (sameRequest(orders.fingerprint(existing), c))
            {
                c.replayed = true;
                orderAsPlaced(c, existing);
                c.seq = orders.reserveSeq(existing);
            }
            else
            {
                c.result = ResultCode.IDEMPOTENCY_CONFLICT;
                c.field = "order_id";
            }
            return;
        }
        if (c.channel == null)
        {
            invalid(c, "channel");
            return;
        }
        if (c.lineCount == 0)
        {
            invalid(c, "lines");
            return;
        }
        final int lines = c.lineCount;
        final int channel = intern(EventSink.SYMBOL_CHANNEL, c.channel);
        internLines(c, lines, null);
        if (!placeLines(c, channel, lines))
        {
            refuseDemand(c, EventSink.DEMAND_RESERVE, c.orderId, channel, lines);
            return;
        }
        int total = lines;
        for (int i = 0; i < lines; i++)
        {
            if (kits.isKit(skuIds[i]))
            {
                total += kits.componentCount(skuIds[i]);
            }
        }
        final long expiresAt = c.time > 0 ? now + c.time : 0;
        final String id = c.orderId;
        out.orderReserved(next(), id, channel, expiresAt, fingerprint(c), total);
        int lineNo = 0;
        for (int i = 0; i < lines; i++)
        {
            final int sku = skuIds[i];
            final int location = placed[i];
            final long quantity = c.lineQuantity[i];
            if (kits.isKit(sku))
            {
                final int parent = lineNo;
                out.orderLine(next(), id, lineNo++, sku, location, quantity, 0, NONE, 0);
                for (int k = 0, n = kits.componentCount(sku); k < n; k++)
                {
                    final int component = kits.component(sku, k);
                    final long factor = kits.units(sku, k);
                    final long units = quantity * factor;
                    final long fenced = takeFence(channel, balances.find(component, location), units);
                    out.orderLine(next(), id, lineNo++, component, location, units, fenced, parent, factor);
                }
            }
            else
            {
                final long fenced = takeFence(channel, balances.find(sku, location), quantity);
                out.orderLine(next(), id, lineNo++, sku, location, quantity, fenced, NONE, 1);
            }
        }
        c.result = ResultCode.OK;
        c.seq = seq;
        orderView(c, orders.find(id));
    }

    private void refuseDemand(final Command c, final int kind, final String reference, final int channel,
        final int lines)
    {
        int row = 0;
        for (int i = 0; i < lines; i++)
        {
            final int location = placed[i] >= 0 ? placed[i] : locationIds[i];
            while (row < c.rowCount && c.value(row, Command.SHORTFALL_FIELDS, Command.SHORTFALL_LINE) < i)
            {
                row++;
            }
            // A short line is journaled with what its answer said was available (after what the order placed at its
            // location before it was tried; for an unsourced line the most at any of the channel's locations), so
            // the demand signal and the client saw the same; a line that fitted, with what its location had before
            // the order.
            final boolean shortLine = row < c.rowCount &&
                c.value(row, Command.SHORTFALL_FIELDS, Command.SHORTFALL_LINE) == i;
            final long available = shortLine ? c.value(row, Command.SHORTFALL_FIELDS, Command.SHORTFALL_AVAILABLE) :
                location >= 0 ? remainingBefore(channel, skuIds[i], location) : 0;
            out.demandRefused(next(), kind, reference, channel, skuIds[i], location, c.lineQuantity[i], available);
        }
        c.result = ResultCode.INSUFFICIENT_STOCK;
    }

    private long remainingBefore(final int channel, final int sku, final int location)
    {
        demand.reset();
        return remaining(channel, sku, location);
    }

    /**
     * Spreads the asked lines over the order's lines into {@link #take}; false when one names no line of the order.
     * An order may hold one SKU at one location on two lines: an asked line fills the lines it names in order, each
     * up to what it can still take of this action, so a return or a pick of more than the first line holds reaches
     * the next; what no line can take stays on the last, where the limit check refuses the command.
     */
    private boolean gatherTakes(final Command c, final int order)
    {
        final int count = orders.lineCount(order);
        ensureLineScratch(count);
        Arrays.fill(take, 0, count, 0L);
        for (int i = 0; i < c.lineCount; i++)
        {
            final int sku = sku(c.lineSku[i]);
            final String locationName = c.lineLocation[i];
            final int location = locationName == null ? NONE : location(locationName);
            if (sku < 0 || (locationName != null && location < 0))
            {
                nameLine(c, i);
                return false;
            }
            long left = c.lineQuantity[i];
            int last = NONE;
            for (int n = 0; n < count; n++)
            {
                final int line = orders.line(order, n);
                if (orders.lineValue(line, OrderBook.L_PARENT) == NONE && orders.lineSku(line) == sku &&
                    (location < 0 || orders.lineLocation(line) == location))
                {
                    last = n;
                    final long units = Math.min(left, Math.max(0, room(line, c.type) - take[n]));
                    take[n] += units;
                    left -= units;
                }
            }
            if (last == NONE)
            {
                nameLine(c, i);
                return false;
            }
            if (left > 0)
            {
                // More than the lines it names can take: exceedsRoom refuses the command for this line.
                nameLine(c, i);
            }
            take[last] += left;
        }
        return true;
    }

    /** Names the first asked line a refused order action failed on, so the caller knows which to correct. */
    private static void nameLine(final Command c, final int line)
    {
        if (c.field == null)
        {
            c.field = line < LINE_FIELDS.length ? LINE_FIELDS[line] : "lines";
        }
    }

    /** True when {@link #take} asks more of a line than it can still take of the action. */
    private boolean exceedsRoom(final int order, final int count, final int type)
    {
        for (int n = 0; n < count; n++)
        {
            if (take[n] > room(orders.line(order, n), type))
            {
                return true;
            }
        }
        return false;
    }

    /** What a line can still take of an action: all of it for a whole-order action, the limit for given lines. */
    private long room(final int line, final int type)
    {
        return switch (type)
        {
            case CommandType.PICK -> orders.lineReserved(line);
            case CommandType.RETURN -> orders.lineValue(line, OrderBook.L_SHIPPED) -
                orders.lineValue(line, OrderBook.L_RETURNED);
            default -> orders.lineHolding(line);
        };
    }

    private void orderAction(final Command c)
    {
        final int order = c.orderId == null ? NONE : orders.find(c.orderId);
        if (order < 0)
        {
            c.result = ResultCode.NOT_FOUND;
            return;
        }
        final int status = orders.status(order);
        final int type = c.type;
        if (c.lineCount == 0)
        {
            if (alreadyDone(order, type, status))
            {
                if (c.key != null)
                {
                    // The key binds, and its binding keeps the answer of the order whose event comes right before
                    // it (InventoryState.keyBound): with nothing to change, the order's status is that event.
                    out.orderStatus(next(), orders.id(order), status);
                }
                succeedOrder(c, order, false);
                return;
            }
            if (status == OrderStatus.CANCELLED || status == OrderStatus.EXPIRED ||
                (status == OrderStatus.SHIPPED && type != CommandType.SHIP))
            {
                refuseTransition(c, status);
                return;
            }
            for (int n = 0, count = orders.lineCount(order); n < count; n++)
            {
                final int line = orders.line(order, n);
                actOnLine(order, n, line, type, room(line, type));
            }
            succeedOrder(c, order, true);
            return;
        }
        if (OrderStatus.isFinished(status) || !gatherTakes(c, order))
        {
            refuseTransition(c, status);
            return;
        }
        final int count = orders.lineCount(order);
        if (exceedsRoom(order, count, type))
        {
            refuseTransition(c, status);
            return;
        }
        for (int n = 0; n < count; n++)
        {
            final long units = take[n];
            if (units == 0)
            {
                continue;
            }
            final int line = orders.line(order, n);
            final long picked = orders.lineValue(line, OrderBook.L_PICKED);
            final long reserved = orders.lineReserved(line);
            actOnLine(order, n, line, type, units);
            if (orders.lineValue(line, OrderBook.L_FACTOR) == 0)
            {
                actOnComponents(order, n, type, units, picked, reserved);
            }
        }
        succeedOrder(c, order, true);
    }

    private boolean alreadyDone(final int order, final int type, final int status)
    {
        switch (type)
        {
            case CommandType.PICK:
                // A ship picks what it ships, so a pick whose answer was lost finds an order the warehouse has since
                // shipped done, as a ship's retry does; one a cancel closed had units released, never picked.
                if (status == OrderStatus.SHIPPED)
                {
                    return !orders.closedByCancel(order);
                }
                if (OrderStatus.isFinished(status))
                {
                    return false;
                }
                for (int n = 0, count = orders.lineCount(order); n < count; n++)
                {
                    if (orders.lineReserved(orders.line(order, n)) > 0)
                    {
                        return false;
                    }
                }
                return true;
            case CommandType.SHIP:
                return status == OrderStatus.SHIPPED;
            default:
                // A cancel that found the order partly shipped cancelled the rest and left it SHIPPED: a retry of it
                // is done, where cancelling an order that shipped whole is a refused transition.
                return status == OrderStatus.CANCELLED || status == OrderStatus.EXPIRED ||
                    (status == OrderStatus.SHIPPED && orders.closedByCancel(order));
        }
    }

    /**
     * Picks, ships or releases {@code units} of one line (in the line's own units): ship takes picked units first,
     * cancel takes reserved units first.
     */
    private void actOnLine(final int order, final int n, final int line, final int type, final long units)
    {
        if (units == 0)
        {
            return;
        }
        final CharSequence id = orders.id(order);
        final long picked = orders.lineValue(line, OrderBook.L_PICKED);
        final long reserved = orders.lineReserved(line);
        switch (type)
        {
            case CommandType.PICK:
                out.linePicked(next(), id, n, units);
                break;
            case CommandType.SHIP:
            {
                final long fromPicked = Math.min(units, picked);
                out.lineShipped(next(), id, n, units - fromPicked, fromPicked);
                break;
            }
            default:
            {
                final long fromReserved = Math.min(units, reserved);
                out.lineReleased(next(), id, n, fromReserved, units - fromReserved,
                    fenceRestore(order, line, units), EventSink.RELEASE_CANCEL);
                break;
            }
        }
    }

    /** A kit line's components follow it and move by the kit's units, split the way the kit line's were. */
    private void actOnComponents(final int order, final int parent, final int type, final long kitUnits,
        final long kitPicked, final long kitReserved)
    {
        final CharSequence id = orders.id(order);
        for (int n = parent + 1, count = orders.lineCount(order); n < count; n++)
        {
            final int line = orders.line(order, n);
            if (orders.lineValue(line, OrderBook.L_PARENT) != parent)
            {
                break;
            }
            final long factor = orders.lineValue(line, OrderBook.L_FACTOR);
            switch (type)
            {
                case CommandType.PICK:
                    out.linePicked(next(), id, n, kitUnits * factor);
                    break;
                case CommandType.SHIP:
                {
                    final long fromPicked = Math.min(kitUnits, kitPicked);
                    out.lineShipped(next(), id, n, (kitUnits - fromPicked) * factor, fromPicked * factor);
                    break;
                }
                case CommandType.CANCEL:
                {
                    final long fromReserved = Math.min(kitUnits, kitReserved);
                    final long units = kitUnits * factor;
                    out.lineReleased(next(), id, n, fromReserved * factor, (kitUnits - fromReserved) * factor,
                        fenceRestore(order, line, units), EventSink.RELEASE_CANCEL);
                    break;
                }
                default:
                    break;
            }
        }
    }

    private void succeedOrder(final Command c, final int order, final boolean changed)
    {
        if (changed)
        {
            long reserved = 0;
            long picked = 0;
            long shipped = 0;
            for (int n = 0, count = orders.lineCount(order); n < count; n++)
            {
                final int line = orders.line(order, n);
                reserved += orders.lineReserved(line);
                picked += orders.lineValue(line, OrderBook.L_PICKED);
                shipped += orders.lineValue(line, OrderBook.L_SHIPPED);
            }
            final int status = OrderStatus.derive(reserved, picked, shipped, OrderStatus.CANCELLED);
            if (status != orders.status(order))
            {
                out.orderStatus(next(), orders.id(order), status);
            }
        }
        if (c.key != null)
        {
            succeed(c);
        }
        c.result = ResultCode.OK;
        c.seq = seq > commandStartSeq ? seq : orders.lastSeq(order);
        orderView(c, order);
    }

    /** The order's status goes with the refusal, so the caller can say why (EXPIRED, SHIPPED) without asking. */
    private static void refuseTransition(final Command c, final int status)
    {
        c.result = ResultCode.INVALID_TRANSITION;
        c.status = status;
    }

    private void orderReturn(final Command c)
    {
        final int order = c.orderId == null ? NONE : orders.find(c.orderId);
        if (order < 0)
        {
            c.result = ResultCode.NOT_FOUND;
            return;
        }
        if (c.lineCount == 0)
        {
            invalid(c, "lines");
            return;
        }
        if (!gatherTakes(c, order))
        {
            refuseTransition(c, orders.status(order));
            return;
        }
        final int count = orders.lineCount(order);
        if (exceedsRoom(order, count, CommandType.RETURN) || returnsIntoAKit(order, count))
        {
            refuseTransition(c, orders.status(order));
            return;
        }
        final int bucket = c.flag ? Bucket.QUALITY_CONTROL : Bucket.SELLABLE;
        final CharSequence id = orders.id(order);
        for (int n = 0; n < count; n++)
        {
            final long units = take[n];
            if (units == 0)
            {
                continue;
            }
            out.lineReturned(next(), id, n, units, bucket);
            for (int m = n + 1; m < count; m++)
            {
                final int component = orders.line(order, m);
                if (orders.lineValue(component, OrderBook.L_PARENT) != n)
                {
                    break;
                }
                out.lineReturned(next(), id, m, units * orders.lineValue(component, OrderBook.L_FACTOR), bucket);
            }
        }
        succeedOrder(c, order, false);
    }

    /**
     * True when a line to return would put units into a SKU that was made a kit after it shipped (a definition needs
     * the SKU to hold no stock, and shipped units hold none): a kit has no stock of its own, and units there could
     * never be moved, sold or written off.
     */
    private boolean returnsIntoAKit(final int order, final int count)
    {
        for (int n = 0; n < count; n++)
        {
            if (take[n] == 0)
            {
                continue;
            }
            for (int m = n; m < count; m++)
            {
                final int line = orders.line(order, m);
                if (m > n && orders.lineValue(line, OrderBook.L_PARENT) != n)
                {
                    break;
                }
                if (orders.lineValue(line, OrderBook.L_FACTOR) != 0 && kits.isKit(orders.lineSku(line)))
                {
                    return true;
                }
            }
        }
        return false;
    }

    private void orderView(final Command c, final int order)
    {
        c.status = orders.status(order);
        c.outTime = orders.shownExpiry(order);
        c.outName = state.symbolName(EventSink.SYMBOL_CHANNEL, orders.channel(order));
        final int count = orders.lineCount(order);
        c.ensureRows(count, Command.LINE_FIELDS);
        int row = 0;
        for (int n = 0; n < count; n++)
        {
            final int line = orders.line(order, n);
            if (orders.lineValue(line, OrderBook.L_PARENT) != NONE)
            {
                continue;
            }
            c.rowSku[row] = state.symbolName(EventSink.SYMBOL_SKU, orders.lineSku(line));
            c.rowLocation[row] = state.symbolName(EventSink.SYMBOL_LOCATION, orders.lineLocation(line));
            final int base = row * Command.LINE_FIELDS;
            c.rowValues[base + Command.LINE_QUANTITY] = orders.lineValue(line, OrderBook.L_QUANTITY);
            c.rowValues[base + Command.LINE_RESERVED] = orders.lineReserved(line);
            c.rowValues[base + Command.LINE_PICKED] = orders.lineValue(line, OrderBook.L_PICKED);
            c.rowValues[base + Command.LINE_SHIPPED] = orders.lineValue(line, OrderBook.L_SHIPPED);
            c.rowValues[base + Command.LINE_RETURNED] = orders.lineValue(line, OrderBook.L_RETURNED);
            c.rowValues[base + Command.LINE_CANCELLED] = orders.lineValue(line, OrderBook.L_CANCELLED);
            row++;
        }
        c.rowCount = row;
    }

    /**
     * The answer the reservation gave when it was placed: RESERVED, every line reserved in full where it was
     * placed, the expiry it was given. A retried reservation gets that answer again whatever has happened to the
     * order since (API.md: the original status and body), so a client that retries cannot mistake a pick or an
     * expiry since for the outcome of its own request.
     */
    private void orderAsPlaced(final Command c, final int order)
    {
        orderView(c, order);
        c.status = OrderStatus.RESERVED;
        c.outTime = orders.expiresAt(order);
        for (int row = 0; row < c.rowCount; row++)
        {
            final int base = row * Command.LINE_FIELDS;
            c.rowValues[base + Command.LINE_RESERVED] = c.rowValues[base + Command.LINE_QUANTITY];
            c.rowValues[base + Command.LINE_PICKED] = 0;
            c.rowValues[base + Command.LINE_SHIPPED] = 0;
            c.rowValues[base + Command.LINE_RETURNED] = 0;
            c.rowValues[base + Command.LINE_CANCELLED] = 0;
        }
    }

    // ---- point of sale ----

    private void sale(final Command c)
    {
        if (c.channel == null)
        {
            invalid(c, "channel");
            return;
        }
        if (c.location == null)
        {
            invalid(c, "location");
            return;
        }
        if (c.lineCount == 0)
        {
            invalid(c, "lines");
            return;
        }
        final int lines = c.lineCount;
        final int channel = intern(EventSink.SYMBOL_CHANNEL, c.channel);
        internLines(c, lines, c.location);
        if (!placeLines(c, channel, lines))
        {
            for (int row = 0; row < c.rowCount; row++)
            {
                c.rowLocation[row] = c.location;
            }
            refuseDemand(c, EventSink.DEMAND_SALE, c.key, channel, lines);
            return;
        }
        final int location = locationIds[0];
        for (int i = 0; i < lines; i++)
        {
            final int sku = skuIds[i];
            final long quantity = c.lineQuantity[i];
            if (kits.isKit(sku))
            {
                out.kitSold(next(), channel, sku, location, kits.componentCount(sku), quantity);
                for (int k = 0, n = kits.componentCount(sku); k < n; k++)
                {
                    final int component = kits.component(sku, k);
                    final long units = quantity * kits.units(sku, k);
                    out.sold(next(), channel, component, location, units,
                        takeFence(channel, balances.find(component, location), units));
                }
            }
            else
            {
                out.sold(next(), channel, sku, location, quantity,
                    takeFence(channel, balances.find(sku, location), quantity));
            }
        }
        succeed(c);
    }

    // ---- single-balance movements ----

    /** Refuses a stock movement of a kit SKU (a kit has no stock of its own); true when refused. */
    private boolean refuseKit(final Command c, final int sku)
    {
        if (kits.isKit(sku))
        {
            invalid(c, "sku");
            return true;
        }
        return false;
    }

    private boolean missingSkuOrLocation(final Command c)
    {
        if (c.sku == null)
        {
            invalid(c, "sku");
            return true;
        }
        if (c.location == null)
        {
            invalid(c, "location");
            return true;
        }
        return refuseKit(c, sku(c.sku));
    }

    private long bucketOf(final String skuName, final String locationName, final int bucket)
    {
        final int b = balances.find(sku(skuName), location(locationName));
        return b < 0 ? 0 : balances.get(b, bucket);
    }

    private void announceIncoming(final Command c)
    {
        if (missingSkuOrLocation(c))
        {
            return;
        }
        if (c.reference == null)
        {
            invalid(c, "purchase_order");
            return;
        }
        final int sku = intern(EventSink.SYMBOL_SKU, c.sku);
        final int location = intern(EventSink.SYMBOL_LOCATION, c.location);
        out.incomingSet(next(), c.reference, sku, location, c.quantity, c.time, c.amount);
        succeed(c);
    }

    private void receive(final Command c)
    {
        if (missingSkuOrLocation(c))
        {
            return;
        }
        if (Math.multiplyHigh(c.quantity, c.amount) != 0 || c.quantity * c.amount < 0)
        {
            // The receipt's value (units x unit cost, in millionths) would not fit the signed 64 bits the journal's
            // consumers value stock in: the ledger could never post it, nor anything after it.
            invalid(c, "unit_cost");
            return;
        }
        final int sku = intern(EventSink.SYMBOL_SKU, c.sku);
        final int location = intern(EventSink.SYMBOL_LOCATION, c.location);
        long met = 0;
        if (c.reference != null)
        {
            final int line = incoming.find(c.reference, balances.find(sku, location));
            met = line < 0 ? 0 : Math.min(c.quantity, incoming.remaining(line));
        }
        out.received(next(), c.reference, sku, location, c.quantity, c.amount,
            c.flag ? Bucket.QUALITY_CONTROL : Bucket.SELLABLE, met);
        succeed(c);
    }

    private void inspect(final Command c)
    {
        if (missingSkuOrLocation(c))
        {
            return;
        }
        final long units = c.quantity + c.quantity2;
        if (units <= 0)
        {
            invalid(c, "passed");
            return;
        }
        final long held = bucketOf(c.sku, c.location, Bucket.QUALITY_CONTROL);
        if (units > held)
        {
            singleShortfall(c, c.location, units, held);
            return;
        }
        out.inspected(next(), sku(c.sku), location(c.location), c.quantity, c.quantity2);
        succeed(c);
    }

    private void move(final Command c)
    {
        if (missingSkuOrLocation(c))
        {
            return;
        }
        if (!Bucket.isFree(c.bucket))
        {
            invalid(c, "from");
            return;
        }
        if (!Bucket.isFree(c.bucket2) || c.bucket2 == c.bucket)
        {
            invalid(c, "to");
            return;
        }
        final long held = bucketOf(c.sku, c.location, c.bucket);
        if (c.quantity > held)
        {
            singleShortfall(c, c.location, c.quantity, held);
            return;
        }
        out.moved(next(), sku(c.sku), location(c.location), c.bucket, c.bucket2, c.quantity, c.reason);
        succeed(c);
    }

    private void adjust(final Command c)
    {
        if (missingSkuOrLocation(c))
        {
            return;
        }
        if (!Bucket.isFree(c.bucket))
        {
            invalid(c, "bucket");
            return;
        }
        if (c.quantity == 0)
        {
            invalid(c, "delta");
            return;
        }
        final long held = bucketOf(c.sku, c.location, c.bucket);
        if (held + c.quantity < 0)
        {
            singleShortfall(c, c.location, -c.quantity, held);
            return;
        }
        final int sku = intern(EventSink.SYMBOL_SKU, c.sku);
        final int location = intern(EventSink.SYMBOL_LOCATION, c.location);
        out.adjusted(next(), sku, location, c.bucket, c.quantity, c.reason);
        succeed(c);
    }

    private void count(final Command c)
    {
        if (missingSkuOrLocation(c))
        {
            return;
        }
        final long sellable = bucketOf(c.sku, c.location, Bucket.SELLABLE);
        countRow(c, sellable);
        if (c.flag && c.quantity2 != sellable)
        {
            c.result = ResultCode.INVALID_TRANSITION;
            return;
        }
        final int sku = intern(EventSink.SYMBOL_SKU, c.sku);
        final int location = intern(EventSink.SYMBOL_LOCATION, c.location);
        out.counted(next(), sku, location, c.quantity, sellable);
        succeed(c);
    }

    /**
     * What a counter wants to hear back: what the books said before, and the variance the count found. A row for the
     * in-process and HTTP answers; the out time too, where the binary protocol carries it (a row kind of its own
     * would break the decoders of clients built before it).
     */
    private static void countRow(final Command c, final long previous)
    {
        c.outTime = previous;
        c.ensureRows(1, Command.COUNT_FIELDS);
        c.rowSku[0] = c.sku;
        c.rowLocation[0] = c.location;
        c.rowValues[Command.COUNT_PREVIOUS] = previous;
        c.rowValues[Command.COUNT_COUNTED] = c.quantity;
        c.rowValues[Command.COUNT_VARIANCE] = c.quantity - previous;
        c.rowCount = 1;
    }

    private void transferOut(final Command c)
    {
        if (c.reference == null)
        {
            invalid(c, "transfer_id");
            return;
        }
        if (missingSkuOrLocation(c))
        {
            return;
        }
        if (c.location2 == null || c.location2.equals(c.location))
        {
            invalid(c, "to");
            return;
        }
        if (transfers.find(c.reference) >= 0)
        {
            c.field = "transfer_id";
            c.result = ResultCode.INVALID_TRANSITION;
            return;
        }
        final long held = bucketOf(c.sku, c.location, Bucket.SELLABLE);
        if (c.quantity > held)
        {
            singleShortfall(c, c.location, c.quantity, held);
            return;
        }
        final int to = intern(EventSink.SYMBOL_LOCATION, c.location2);
        out.transferShipped(next(), c.reference, sku(c.sku), location(c.location), to, c.quantity);
        succeed(c);
        transferView(c, transfers.find(c.reference));
    }

    private void transferIn(final Command c)
    {
        final int t = c.reference == null ? NONE : transfers.find(c.reference);
        if (t < 0)
        {
            c.result = ResultCode.NOT_FOUND;
            return;
        }
        final long left = transfers.inTransit(t);
        final long units = c.quantity == 0 ? left : c.quantity;
        if (units == 0 || units > left)
        {
            transferView(c, t);
            // The quantity asked is what was refused; asked for all that is left, nothing names an input.
            c.field = c.quantity > 0 ? "quantity" : null;
            c.result = ResultCode.INVALID_TRANSITION;
            return;
        }
        out.transferReceived(next(), c.reference, transfers.sku(t), transfers.to(t), units,
            c.flag ? Bucket.QUALITY_CONTROL : Bucket.SELLABLE);
        succeed(c);
        transferView(c, t);
    }

    private void transferView(final Command c, final int t)
    {
        c.outName = state.symbolName(EventSink.SYMBOL_SKU, transfers.sku(t));
        c.outName2 = state.symbolName(EventSink.SYMBOL_LOCATION, transfers.from(t));
        c.outName3 = state.symbolName(EventSink.SYMBOL_LOCATION, transfers.to(t));
        c.ensureRows(1, Command.TRANSFER_FIELDS);
        c.rowValues[0] = transfers.quantity(t);
        c.rowValues[1] = transfers.inTransit(t);
        c.rowValues[2] = transfers.received(t);
        c.rowCount = 1;
    }

    // ---- policies ----

    private void setSafetyStock(final Command c)
    {
        if (missingSkuOrLocation(c))
        {
            return;
        }
        final int sku = intern(EventSink.SYMBOL_SKU, c.sku);
        final int location = intern(EventSink.SYMBOL_LOCATION, c.location);
        out.safetyStockSet(next(), sku, location, c.quantity);
        succeed(c);
    }

    private void configureChannel(final Command c)
    {
        if (c.channel == null)
        {
            invalid(c, "channel");
            return;
        }
        final int locationCount = (int)c.quantity2;
        if (locationCount < 0 || locationCount > c.lineCount)
        {
            invalid(c, "locations");
            return;
        }
        for (int i = locationCount; i < c.lineCount; i++)
        {
            if (c.lineSku[i] == null || c.lineLocation[i] == null || refuseKit(c, sku(c.lineSku[i])))
            {
                c.field = "allocations";
                c.result = ResultCode.INVALID_REQUEST;
                return;
            }
        }
        final int known = state.symbol(EventSink.SYMBOL_CHANNEL, c.channel);
        if (known >= 0 && isConfiguredAs(c, known, locationCount))
        {
            // Applied again, it would give back every fenced unit the channel's orders have taken: a PUT repeated
            // (a retry) changes nothing, as API.md promises of policy PUTs.
            if (c.key != null)
            {
                succeed(c);
            }
            else
            {
                c.result = ResultCode.OK;
                c.seq = channels.configuredSeq(known);
            }
            return;
        }
        // A fence whose quantity the configuration keeps stays as it stands: the units its channel sold or shipped
        // from it are gone from it, and a PUT that changes only the buffer, or another fence, must not fence them
        // again (taking them from every other channel). Read before the configuration replaces the fences.
        final int allocations = c.lineCount - locationCount;
        ensureLineScratch(allocations);
        for (int i = 0; i < allocations; i++)
        {
            take[i] = known < 0 ? -1 : unchangedFence(c, known, locationCount + i);
        }
        final int channel = intern(EventSink.SYMBOL_CHANNEL, c.channel);
        if (intScratch.length < locationCount)
        {
            intScratch = new int[Math.max(locationCount, intScratch.length * 2)];
        }
        for (int i = 0; i < locationCount; i++)
        {
            intScratch[i] = intern(EventSink.SYMBOL_LOCATION, c.lineLocation[i]);
        }
        // A fence is the channel's whole ring-fence at its SKU x location: what its open orders took from its fences
        // there counts, so a configuration sent again with another buffer, or the same fence in another, does not
        // fence those units a second time.
        out.channelConfigured(next(), channel, c.quantity, locationCount, intScratch, true);
        channelReconfigured = true;
        for (int i = locationCount; i < c.lineCount; i++)
        {
            final int sku = intern(EventSink.SYMBOL_SKU, c.lineSku[i]);
            final int location = intern(EventSink.SYMBOL_LOCATION, c.lineLocation[i]);
            final int b = balances.find(sku, location);
            final long kept = take[i - locationCount];
            final long held = b < 0 ? 0 : channels.held(channel, b);
            out.allocationSet(next(), channel, sku, location, c.lineQuantity[i],
                kept >= 0 ? kept : Math.max(0, c.lineQuantity[i] - held));
        }
        succeed(c);
    }

    /**
     * The unused units of the known channel's fence at the allocation's SKU x location when the allocation asks for
     * the quantity that fence already has; else -1 (no such fence, another quantity, or a fence restored from a
     * snapshot that did not keep quantities).
     */
    private long unchangedFence(final Command c, final int channel, final int line)
    {
        final int sku = sku(c.lineSku[line]);
        final int location = location(c.lineLocation[line]);
        final int b = sku < 0 || location < 0 ? -1 : balances.find(sku, location);
        if (b < 0 || channels.allocated(channel, b) != c.lineQuantity[line])
        {
            return -1;
        }
        return channels.fence(channel, b);
    }

    /** True when the known channel is configured exactly as the command asks (nothing it names is new). */
    private boolean isConfiguredAs(final Command c, final int channel, final int locationCount)
    {
        final int allocations = c.lineCount - locationCount;
        ensureLineScratch(Math.max(locationCount, allocations));
        for (int i = 0; i < locationCount; i++)
        {
            locationIds[i] = location(c.lineLocation[i]);
            if (locationIds[i] < 0)
            {
                return false;
            }
        }
        for (int i = 0; i < allocations; i++)
        {
            final int line = locationCount + i;
            final int sku = sku(c.lineSku[line]);
            final int location = location(c.lineLocation[line]);
            placed[i] = sku < 0 || location < 0 ? -1 : balances.find(sku, location);
            take[i] = c.lineQuantity[line];
        }
        return channels.isConfiguredAs(channel, c.quantity, locationCount, locationIds, allocations, placed,
            take);
    }

    /**
     * True when the SKU holds or expects units, or a policy that only stock can have (a safety stock, a channel's
     * ring-fence): a kit has none of them, and the same requests made of a kit are refused.
     */
    private boolean holdsStock(final int sku)
    {
        for (int b = balances.firstOfSku(sku); b >= 0; b = balances.nextOfSku(b))
        {
            if (balances.onHand(b) > 0 || balances.get(b, Balances.IN_TRANSIT) > 0 ||
                balances.get(b, Balances.INCOMING) > 0 || balances.get(b, Balances.SAFETY_STOCK) > 0 ||
                balances.get(b, Balances.FENCED) > 0)
            {
                return true;
            }
        }
        return false;
    }

    private void defineKit(final Command c)
    {
        if (c.sku == null)
        {
            invalid(c, "sku");
            return;
        }
        if (c.lineCount == 0 || c.lineCount > maxKitComponents)
        {
            invalid(c, "components");
            return;
        }
        final int existing = sku(c.sku);
        if (existing >= 0 && (kits.isComponent(existing) || holdsStock(existing)))
        {
            invalid(c, "sku");
            return;
        }
        for (int i = 0; i < c.lineCount; i++)
        {
            final String name = c.lineSku[i];
            if (name == null || name.equals(c.sku) || kits.isKit(sku(name)) || c.lineQuantity[i] <= 0)
            {
                invalid(c, "components");
                return;
            }
            for (int j = 0; j < i; j++)
            {
                if (name.equals(c.lineSku[j]))
                {
                    invalid(c, "components");
                    return;
                }
            }
        }
        final int kit = intern(EventSink.SYMBOL_SKU, c.sku);
        if (intScratch.length < c.lineCount)
        {
            intScratch = new int[Math.max(c.lineCount, intScratch.length * 2)];
            longScratch = new long[intScratch.length];
        }
        for (int i = 0; i < c.lineCount; i++)
        {
            intScratch[i] = intern(EventSink.SYMBOL_SKU, c.lineSku[i]);
            longScratch[i] = c.lineQuantity[i];
        }
        out.kitDefined(next(), kit, c.lineCount, intScratch, longScratch);
        if (touched.enabled)
        {
            touched.touch(kit);
        }
        succeed(c);
    }

    // ---- queries ----

    private void queryStock(final Command c)
    {
        final int sku = sku(c.sku);
        if (sku < 0)
        {
            return;
        }
        if (c.type == CommandType.QUERY_STOCK_AT)
        {
            final int b = balances.find(sku, location(c.location));
            if (b >= 0)
            {
                c.ensureRows(1, Command.STOCK_FIELDS);
                stockRow(c, 0, b);
                c.rowCount = 1;
            }
            return;
        }
        if (overBatchBudget(c))
        {
            return;
        }
        int rows = 0;
        for (int b = balances.firstOfSku(sku); b >= 0; b = balances.nextOfSku(b))
        {
            c.ensureRows(rows + 1, Command.STOCK_FIELDS);
            stockRow(c, rows++, b);
        }
        c.rowCount = rows;
        batchRows += rows;
    }

    private void stockRow(final Command c, final int row, final int b)
    {
        c.rowSku[row] = c.sku;
        c.rowLocation[row] = state.symbolName(EventSink.SYMBOL_LOCATION, balances.location(b));
        final int base = row * Command.STOCK_FIELDS;
        final long[] v = c.rowValues;
        final long reserved = balances.get(b, Balances.RESERVED);
        final long picked = balances.get(b, Balances.PICKED);
        v[base + Command.STOCK_ON_HAND] = balances.onHand(b);
        v[base + Command.STOCK_AVAILABLE] = balances.available(b);
        v[base + Command.STOCK_SELLABLE] = balances.get(b, Balances.SELLABLE);
        v[base + Command.STOCK_RESERVED] = reserved;
        v[base + Command.STOCK_PICKED] = picked;
        v[base + Command.STOCK_COMMITTED] = reserved + picked;
        v[base + Command.STOCK_QUALITY_CONTROL] = balances.get(b, Balances.QUALITY_CONTROL);
        v[base + Command.STOCK_DAMAGED] = balances.get(b, Balances.DAMAGED);
        v[base + Command.STOCK_SAFETY_STOCK] = balances.get(b, Balances.SAFETY_STOCK);
        v[base + Command.STOCK_INCOMING] = balances.get(b, Balances.INCOMING);
        v[base + Command.STOCK_IN_TRANSIT] = balances.get(b, Balances.IN_TRANSIT);
    }

    private void queryAvailability(final Command c)
    {
        // The answer is as of every event so far: a stream subscriber re-reading after a resync drops the stream's
        // events at or below it.
        c.seq = state.lastSeq();
        if (overBatchBudget(c))
        {
            return;
        }
        final int channel = state.symbol(EventSink.SYMBOL_CHANNEL, c.channel);
        demand.reset();
        int rows = 0;
        c.ensureRows(c.lineCount, Command.AVAILABILITY_FIELDS);
        for (int i = 0; i < c.lineCount; i++)
        {
            final int sku = sku(c.lineSku[i]);
            long total = 0;
            if (sku >= 0)
            {
                balances.gather(sku);
                for (int s = 0, n = sourcingCount(channel); s < n; s++)
                {
                    final int location = sourcingLocation(channel, s);
                    final long units = promisable(channel, sku, location, c.flag, c.time);
                    if (units < 0)
                    {
                        continue;
                    }
                    if (rows == Command.MAX_AVAILABILITY_ROWS)
                    {
                        balances.release();
                        Arrays.fill(c.rowSku, 0, rows, null);
                        Arrays.fill(c.rowLocation, 0, rows, null);
                        c.rowCount = 0;
                        invalid(c, "sku");
                        return;
                    }
                    c.ensureRows(rows + 1, Command.AVAILABILITY_FIELDS);
                    c.rowSku[rows] = c.lineSku[i];
                    c.rowLocation[rows] = state.symbolName(EventSink.SYMBOL_LOCATION, location);
                    c.rowValues[rows * Command.AVAILABILITY_FIELDS + Command.AVAILABILITY_ITEM] = i;
                    c.rowValues[rows * Command.AVAILABILITY_FIELDS + Command.AVAILABILITY_QUANTITY] = units;
                    rows++;
                    total += units;
                }
                balances.release();
            }
            c.itemTotals[i] = total;
        }
        c.rowCount = rows;
        batchRows += rows;
    }

    /**
     * What the channel may sell (or promise by {@code date}) of a SKU at a location; -1 when the SKU (or a kit
     * component) has no record there.
     */
    private long promisable(final int channel, final int sku, final int location, final boolean byDate,
        final long date)
    {
        if (kits.isKit(sku))
        {
            long kitsLeft = Long.MAX_VALUE;
            for (int k = 0, n = kits.componentCount(sku); k < n; k++)
            {
                final int b = balances.find(kits.component(sku, k), location);
                if (b < 0)
                {
                    return -1;
                }
                kitsLeft = Math.min(kitsLeft, promisableAt(channel, b, byDate, date) / kits.units(sku, k));
            }
            return kitsLeft;
        }
        final int b = balances.find(sku, location);
        return b < 0 ? -1 : promisableAt(channel, b, byDate, date);
    }

    private long promisableAt(final int channel, final int b, final boolean byDate, final long date)
    {
        return byDate ? channels.channelAvailable(balances, channel, b, incoming.expectedBy(balances, b, date)) :
            channelAvailable(channel, b);
    }

    private void queryOrder(final Command c)
    {
        final int order = c.orderId == null ? NONE : orders.find(c.orderId);
        if (order < 0)
        {
            c.result = ResultCode.NOT_FOUND;
            return;
        }
        orderView(c, order);
        c.seq = orders.lastSeq(order);
    }

    private void queryTransfer(final Command c)
    {
        final int t = c.reference == null ? NONE : transfers.find(c.reference);
        if (t < 0)
        {
            c.result = ResultCode.NOT_FOUND;
            return;
        }
        transferView(c, t);
    }

    private void queryChannel(final Command c)
    {
        final int channel = state.symbol(EventSink.SYMBOL_CHANNEL, c.channel);
        c.outTime = channel < 0 ? 0 : channels.buffer(channel);
        final int[] locations = channel < 0 ? null : channels.locations(channel);
        final int locationCount = locations == null ? 0 : locations.length;
        final int fenceCount = channel < 0 ? 0 : channels.fencedBalanceCount(channel);
        c.ensureRows(locationCount + fenceCount, 1);
        int row = 0;
        for (int i = 0; i < locationCount; i++)
        {
            c.rowSku[row] = null;
            c.rowLocation[row] = state.symbolName(EventSink.SYMBOL_LOCATION, locations[i]);
            c.itemTotals[row] = 0;
            c.rowValues[row++] = 0;
        }
        final int[] fenced = channel < 0 ? null : channels.fencedBalances(channel);
        for (int i = 0; i < fenceCount; i++)
        {
            final int b = fenced[i];
            c.rowSku[row] = state.symbolName(EventSink.SYMBOL_SKU, balances.sku(b));
            c.rowLocation[row] = state.symbolName(EventSink.SYMBOL_LOCATION, balances.location(b));
            // The fence's quantity as configured, held by the channel's orders included: a seller can send the
            // configuration back as it is. A fence restored from a snapshot that did not keep quantities shows what
            // it covers now (unused and held), which sent back sets it to just that.
            final long allocated = channels.allocated(channel, b);
            c.itemTotals[row] = allocated >= 0 ? allocated :
                Math.max(0, channels.fence(channel, b)) + channels.held(channel, b);
            c.rowValues[row++] = Math.max(0, channels.fence(channel, b));
        }
        c.status = locationCount;
        c.rowCount = row;
    }

    private void queryKit(final Command c)
    {
        final int kit = c.sku == null ? NONE : sku(c.sku);
        if (kit < 0 || !kits.isKit(kit))
        {
            c.result = ResultCode.NOT_FOUND;
            return;
        }
        final int count = kits.componentCount(kit);
        c.ensureRows(count, 1);
        for (int i = 0; i < count; i++)
        {
            c.rowSku[i] = state.symbolName(EventSink.SYMBOL_SKU, kits.component(kit, i));
            c.rowLocation[i] = null;
            c.rowValues[i] = kits.units(kit, i);
        }
        c.rowCount = count;
    }
}
