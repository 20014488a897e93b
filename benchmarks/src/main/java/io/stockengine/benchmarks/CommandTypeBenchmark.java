package io.stockengine.benchmarks;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import io.stockengine.engine.Bucket;
import io.stockengine.engine.Command;
import io.stockengine.engine.CommandType;
import io.stockengine.engine.EngineConfig;
import io.stockengine.engine.NoOpEventSink;
import io.stockengine.engine.Reason;
import io.stockengine.engine.ResultCode;
import io.stockengine.engine.StockEngine;

/**
 * The logic thread applying each command type that {@link LogicBenchmark} does not cover, one benchmark per type:
 * {@link StockEngine#process} on the benchmark thread with a {@link NoOpEventSink}, against a catalogue of 100,000
 * SKUs x 4 locations (400,000 balances). No journal, no ring: what one command costs the logic alone.
 * <p>
 * Commands carry an idempotency key wherever the HTTP API requires one (sale, receipt, move, adjustment, count,
 * incoming, transfer, return), so they pay the key lookup, the key_bound event and the window's eviction as they do
 * in production. The key window is filled to its capacity in setup: every keyed command evicts the oldest key, as in
 * an engine that has run for a while.
 * <p>
 * Some types cannot run alone without the state drifting away from anything realistic, so they run with the commands
 * that make them possible, and the score is per command of the group: a pick needs a reserved order, and a picked
 * order never expires, so it is shipped too ({@link #reservePickShip}); a return needs a shipped order; a receipt
 * against a purchase order needs its announcement; a transfer in needs its transfer out.
 * <p>
 * Every benchmark checks that its commands succeeded and that none was answered as an idempotent replay, so a figure
 * is never one of cheap refusals or cached answers. JVM settings as in LogicBenchmark, for the reasons given there.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = { "-Xms6g", "-Xmx6g", "-XX:+UseParallelGC", "-XX:+UseTransparentHugePages",
    LogicBenchmark.AGRONA_EXPORTS })
public class CommandTypeBenchmark
{
    static final int SKUS = 100_000;
    static final int LOCATIONS = 4;
    /** Engine time per command, as in LogicBenchmark. */
    static final long STEP_MILLIS = 1;
    static final String WEB = MarketplaceMix.CHANNEL;
    static final String STORE = "store";
    /**
     * Idempotency keys bound at once. The ring of keys is twice as long, so a key has been evicted before it comes
     * round again and is never taken for a retry.
     */
    private static final int KEY_WINDOW = 1 << 20;
    private static final int KEYS = KEY_WINDOW << 1;
    /** Finished orders remembered; the order ids come round after four times as many orders, long forgotten. */
    private static final int FINISHED_ORDERS = 1 << 16;
    private static final int ORDER_IDS = FINISHED_ORDERS << 2;
    /**
     * Purchase orders are reused in turn: each announced line is received in full at once and dropped, so a purchase
     * order id that comes round starts a fresh line.
     */
    private static final int PURCHASE_ORDERS = 1 << 16;
    private static final long INBOUND_UNITS = 24;
    private static final long THREE_DAYS_MILLIS = 3 * EngineConfig.DAY_MILLIS;
    private static final int PICKS = 1 << 20;
    /**
     * Transfer ids are kept for the life of the engine and never reused, so each measurement iteration gets a fresh
     * set; enough for several million transfers per iteration at the default two seconds.
     */
    static final int TRANSFER_IDS = 1 << 22;

    /** Share of commands that go to the hot set of SKUs (the rest are uniform), as in LogicBenchmark. */
    @Param("50")
    public int hotPercent;

    private StockEngine engine;
    private final Command command = new Command();
    private long now;
    private String[] keys;
    private int keyCursor;
    private String[] orderIds;
    private int orderCursor;
    private String[] purchaseOrders;
    private int purchaseOrderCursor;
    private String[] pickSku;
    private String[] pickLocation;
    /** The next location round from {@link #pickLocation}: where a transfer goes. */
    private String[] pickDestination;
    private int pickCursor;
    /**
     * Sum of the result codes of every measured command (ResultCode.OK is 0, so anything else is a refusal), plus one
     * for each idempotent replay and each empty query.
     */
    private long refusals;

    /** Fresh transfer ids for each iteration; only {@link #transferOutIn} uses them. */
    @State(Scope.Thread)
    public static class TransferIds
    {
        private String[] ids;
        private int cursor;
        private int round;

        @Setup(Level.Iteration)
        public void refill()
        {
            final String prefix = "TR-" + round++ + "-";
            ids = new String[TRANSFER_IDS];
            for (int i = 0; i < TRANSFER_IDS; i++)
            {
                ids[i] = Catalogue.padded(prefix, i, 7);
            }
            cursor = 0;
        }

        String next()
        {
            if (cursor == ids.length)
            {
                throw new IllegalStateException("more than " + TRANSFER_IDS + " transfers in one iteration: " +
                    "use shorter iterations or raise TRANSFER_IDS");
            }
            return ids[cursor++];
        }
    }

    @Setup(Level.Trial)
    public void setUp()
    {
        final Catalogue catalogue = new Catalogue(SKUS, LOCATIONS);
        engine = new StockEngine(new EngineConfig()
            .expectedBalances(catalogue.balanceCount())
            .expectedOrders(2 * FINISHED_ORDERS)
            .finishedOrderCapacity(FINISHED_ORDERS)
            .dedupCapacity(KEY_WINDOW), NoOpEventSink.INSTANCE);
        catalogue.receiveAll(engine, Catalogue.EPOCH_MILLIS);
        now = Catalogue.EPOCH_MILLIS;

        keys = names("KEY-", KEYS);
        orderIds = names("ORD-", ORDER_IDS);
        purchaseOrders = names("PO-", PURCHASE_ORDERS);
        final SplittableRandom random = new SplittableRandom(LogicBenchmark.SEED + 2);
        final MarketplaceMix.SkuPicker picker = new MarketplaceMix.SkuPicker(catalogue, hotPercent);
        pickSku = new String[PICKS];
        pickLocation = new String[PICKS];
        pickDestination = new String[PICKS];
        for (int i = 0; i < PICKS; i++)
        {
            final int location = random.nextInt(LOCATIONS);
            pickSku[i] = picker.next(random);
            pickLocation[i] = catalogue.locations[location];
            pickDestination[i] = catalogue.locations[(location + 1) % LOCATIONS];
        }

        // Keyed receipts of one unit until the key window is full; from here every keyed command evicts one key.
        for (int i = 0; i < KEY_WINDOW; i++)
        {
            final int p = nextPick();
            final Command c = start(CommandType.RECEIVE);
            c.key = nextKey();
            c.sku = pickSku[p];
            c.location = pickLocation[p];
            c.quantity = 1;
            c.amount = Catalogue.UNIT_COST;
            engine.process(c);
            if (c.result != ResultCode.OK || c.replayed)
            {
                throw new IllegalStateException("filling the key window: receipt " + i + " answered " +
                    ResultCode.name(c.result) + (c.replayed ? " (replayed)" : ""));
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        if (refusals != 0)
        {
            throw new IllegalStateException("commands were refused or replayed during the run (sum of result codes " +
                "and replays " + refusals + "): the figures are not of the intended workload");
        }
    }

    private static String[] names(final String prefix, final int count)
    {
        final String[] names = new String[count];
        for (int i = 0; i < count; i++)
        {
            names[i] = Catalogue.padded(prefix, i, 7);
        }
        return names;
    }

    /** A receipt of a few cartons into sellable, without a purchase order. */
    @Benchmark
    public int receive()
    {
        final int p = nextPick();
        final Command c = start(CommandType.RECEIVE);
        c.key = nextKey();
        c.sku = pickSku[p];
        c.location = pickLocation[p];
        c.quantity = 12;
        c.amount = Catalogue.UNIT_COST;
        return apply(c);
    }

    /**
     * A one-line reservation, the pick of the whole order, and its ship (from picked): the warehouse's path of an
     * order. The score is per command.
     */
    @Benchmark
    @OperationsPerInvocation(3)
    public int reservePickShip()
    {
        final String id = reserveOne(nextPick());
        orderAction(CommandType.PICK, id);
        return orderAction(CommandType.SHIP, id);
    }

    /** A point-of-sale sale of one unit at a store, sellable to gone. */
    @Benchmark
    public int sale()
    {
        final int p = nextPick();
        final Command c = start(CommandType.SALE);
        c.key = nextKey();
        c.channel = STORE;
        c.location = pickLocation[p];
        c.line(pickSku[p], null, 1);
        return apply(c);
    }

    /** One unit found damaged on the shelf: sellable to damaged. */
    @Benchmark
    public int move()
    {
        final int p = nextPick();
        final Command c = start(CommandType.MOVE);
        c.key = nextKey();
        c.sku = pickSku[p];
        c.location = pickLocation[p];
        c.quantity = 1;
        c.bucket = Bucket.SELLABLE;
        c.bucket2 = Bucket.DAMAGED;
        c.reason = Reason.DAMAGE;
        return apply(c);
    }

    /** One unit lost or found in sellable, alternately, so the balances stay where they were. */
    @Benchmark
    public int adjust()
    {
        final int p = nextPick();
        final boolean found = (p & 1) == 0;
        final Command c = start(CommandType.ADJUST);
        c.key = nextKey();
        c.sku = pickSku[p];
        c.location = pickLocation[p];
        c.quantity = found ? 1 : -1;
        c.bucket = Bucket.SELLABLE;
        c.reason = found ? Reason.FOUND : Reason.LOST;
        return apply(c);
    }

    /** A blind cycle count (no expected quantity) that sets sellable to what was counted. */
    @Benchmark
    public int count()
    {
        final int p = nextPick();
        final Command c = start(CommandType.COUNT);
        c.key = nextKey();
        c.sku = pickSku[p];
        c.location = pickLocation[p];
        c.quantity = Catalogue.UNITS_PER_BALANCE;
        return apply(c);
    }

    /**
     * One unit sent to the next location and received there in full. The engine keeps every transfer for its life,
     * so this benchmark's state grows by one transfer per invocation, and the figure includes the amortised growth
     * of the transfer table, far more of it than an engine sees at a real rate of transfers. The score is per command.
     */
    @Benchmark
    @OperationsPerInvocation(2)
    public int transferOutIn(final TransferIds transferIds)
    {
        final int p = nextPick();
        final String id = transferIds.next();
        Command c = start(CommandType.TRANSFER_OUT);
        c.key = nextKey();
        c.reference = id;
        c.sku = pickSku[p];
        c.location = pickLocation[p];
        c.location2 = pickDestination[p];
        c.quantity = 1;
        apply(c);
        c = start(CommandType.TRANSFER_IN);
        c.key = nextKey();
        c.reference = id;
        return apply(c);
    }

    /**
     * A one-line reservation, its ship (from reserved), and the return of the unit to sellable. The score is per
     * command.
     */
    @Benchmark
    @OperationsPerInvocation(3)
    public int reserveShipReturn()
    {
        final int p = nextPick();
        final String id = reserveOne(p);
        orderAction(CommandType.SHIP, id);
        final Command c = start(CommandType.RETURN);
        c.key = nextKey();
        c.orderId = id;
        c.line(pickSku[p], pickLocation[p], 1);
        return apply(c);
    }

    /**
     * A purchase-order line announced (expected in three days) and received in full against it, which drops the
     * line. The score is per command.
     */
    @Benchmark
    @OperationsPerInvocation(2)
    public int announceReceive()
    {
        final int p = nextPick();
        final String purchaseOrder = purchaseOrders[purchaseOrderCursor];
        purchaseOrderCursor = (purchaseOrderCursor + 1) & (PURCHASE_ORDERS - 1);
        Command c = start(CommandType.ANNOUNCE_INCOMING);
        c.key = nextKey();
        c.reference = purchaseOrder;
        c.sku = pickSku[p];
        c.location = pickLocation[p];
        c.quantity = INBOUND_UNITS;
        c.amount = Catalogue.UNIT_COST;
        c.time = now + THREE_DAYS_MILLIS;
        apply(c);
        c = start(CommandType.RECEIVE);
        c.key = nextKey();
        c.reference = purchaseOrder;
        c.sku = pickSku[p];
        c.location = pickLocation[p];
        c.quantity = INBOUND_UNITS;
        c.amount = Catalogue.UNIT_COST;
        return apply(c);
    }

    /** A new safety stock for one balance (the API makes the key optional here; a planner's bulk update has none). */
    @Benchmark
    public int setSafetyStock()
    {
        final int p = nextPick();
        final Command c = start(CommandType.SET_SAFETY_STOCK);
        c.sku = pickSku[p];
        c.location = pickLocation[p];
        c.quantity = 2 + (p & 7);
        return apply(c);
    }

    /** One SKU at every location, with every bucket: four rows. */
    @Benchmark
    public int queryStock()
    {
        final int p = nextPick();
        final Command c = start(CommandType.QUERY_STOCK);
        c.sku = pickSku[p];
        engine.process(c);
        refusals += c.result + (c.rowCount == LOCATIONS ? 0 : 1);
        return c.rowCount;
    }

    /**
     * A clock tick with nothing due: what the ticker costs an idle engine. Expiry itself is measured by
     * LogicBenchmark#mixed, where a quarter of the reservations expire.
     */
    @Benchmark
    public int tick()
    {
        return apply(start(CommandType.TICK));
    }

    /** Reserves one unit of pick {@code p} for a new order, as the marketplace mix does; returns the order id. */
    private String reserveOne(final int p)
    {
        final String id = orderIds[orderCursor];
        orderCursor = (orderCursor + 1) & (ORDER_IDS - 1);
        final Command c = start(CommandType.RESERVE);
        c.orderId = id;
        c.channel = WEB;
        c.time = MarketplaceMix.TTL_MILLIS;
        c.line(pickSku[p], pickLocation[p], 1);
        apply(c);
        return id;
    }

    /** A whole-order pick, ship or cancel, which the API takes without a key. */
    private int orderAction(final int type, final String orderId)
    {
        final Command c = start(type);
        c.orderId = orderId;
        return apply(c);
    }

    private Command start(final int type)
    {
        final Command c = command;
        c.reset();
        c.type = type;
        c.timestamp = now += STEP_MILLIS;
        return c;
    }

    private int apply(final Command c)
    {
        engine.process(c);
        refusals += c.result + (c.replayed ? 1 : 0);
        return c.result;
    }

    private String nextKey()
    {
        final String key = keys[keyCursor];
        keyCursor = (keyCursor + 1) & (KEYS - 1);
        return key;
    }

    private int nextPick()
    {
        final int p = pickCursor;
        pickCursor = (p + 1) & (PICKS - 1);
        return p;
    }
}
