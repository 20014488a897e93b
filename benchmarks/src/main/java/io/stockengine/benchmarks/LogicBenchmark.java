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

import io.stockengine.engine.Command;
import io.stockengine.engine.CommandType;
import io.stockengine.engine.NoOpEventSink;
import io.stockengine.engine.StockEngine;

/**
 * The logic thread alone: {@link StockEngine#process} called on the benchmark thread against a catalogue of
 * 1,000,000 SKUs x 10 locations (10,000,000 balances), with the order book already in the steady state of the
 * marketplace mix. No journal, no ring: this is the ceiling the pipeline can reach.
 * <p>
 * {@link #mixed} is the headline figure (goal: 5,000,000 commands/s); the others isolate one command type on the
 * same state. Every benchmark checks that its commands succeeded, so a figure is never one of cheap rejections.
 * <p>
 * JVM: ParallelGC, because it measured ahead of G1 here (about 600,000 against 470,000 commands/s): the
 * measured code does not allocate, so no collection runs and what differs is G1's costlier write barrier on the
 * reference stores into the order book. Transparent huge pages, because the logic waits on cache misses into a
 * 1.4 GB heap, and 2 MB pages spare it most TLB misses (about +20% here).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = { "-Xms6g", "-Xmx6g", "-XX:+UseParallelGC", "-XX:+UseTransparentHugePages",
    LogicBenchmark.AGRONA_EXPORTS })
public class LogicBenchmark
{
    /**
     * Agrona's buffers (in every Command slot) use jdk.internal.misc.Unsafe. The forked VM is started with -cp, so
     * the jar manifest's Add-Exports does not reach it.
     */
    static final String AGRONA_EXPORTS = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";
    /** Engine time per command for the other benchmarks of the mix: a 15-minute TTL spans 900,000 commands. */
    static final long STEP_MILLIS = 1;
    /** Commands per cycle of the mix, in tens: about 2.1 million commands and 840,000 order ids. */
    static final int MIX_TENS = 209_715;
    static final long SEED = 20261121L;
    /**
     * Order ids for the reserve-then-act pairs: more than the finished orders the engine keeps, so an id is free again
     * when it comes round.
     */
    private static final int PAIR_IDS = 1 << 19;
    private static final int PICKS = 1 << 20;

    /** Share of reservations and queries that go to the hot set of 1,000 SKUs (the rest are uniform). */
    @Param("50")
    public int hotPercent;

    /**
     * Catalogue size, at 10 locations each. The default is the design's million; a small one (-p skus=1000) keeps
     * the balances in the cache, which separates the commands' own work from their cache misses.
     */
    @Param("1000000")
    public int skus;

    /**
     * Engine time per command of the mix, in milliseconds. The 15-minute TTL spans {@code 900,000 / stepMillis}
     * commands and the cycle shrinks with it, so the order book holds about 840,000 / stepMillis order ids: with
     * {@code -p stepMillis=100} (8,400 ids) the orders stay in the cache too, and with {@code -p skus=1000} what is
     * left is the commands' instruction work.
     */
    @Param("1")
    public long stepMillis;

    private StockEngine engine;
    private MarketplaceMix mix;
    private final Command command = new Command();
    private final Command[] window = new Command[StockEngine.PREFETCH_WINDOW];
    private long now;
    private int cursor;
    private String[] pairIds;
    private int pairCursor;
    private String[] pickSku;
    private String[] pickLocation;
    private int pickCursor;
    /** Sum of the result codes of every measured command: ResultCode.OK is 0, so anything else is a refusal. */
    private long refusals;

    @Setup(Level.Trial)
    public void setUp()
    {
        if (skus < 1)
        {
            throw new IllegalArgumentException("skus must be at least 1, got " + skus);
        }
        if (stepMillis < 1 || stepMillis > 100)
        {
            throw new IllegalArgumentException("stepMillis must be 1 to 100, got " + stepMillis);
        }
        final Catalogue catalogue = new Catalogue(skus, Catalogue.LOCATIONS);
        mix = new MarketplaceMix(catalogue, (int)(MIX_TENS / stepMillis), stepMillis, hotPercent, SEED);
        engine = new StockEngine(mix.engineConfig(catalogue), NoOpEventSink.INSTANCE);
        catalogue.receiveAll(engine, Catalogue.EPOCH_MILLIS);
        now = mix.warmUp(engine, command, Catalogue.EPOCH_MILLIS, 2);
        for (int i = 0; i < window.length; i++)
        {
            window[i] = new Command();
        }

        pairIds = new String[PAIR_IDS];
        for (int i = 0; i < PAIR_IDS; i++)
        {
            pairIds[i] = Catalogue.padded("PAIR-", i, 7);
        }
        final SplittableRandom random = new SplittableRandom(SEED + 1);
        final MarketplaceMix.SkuPicker picker = new MarketplaceMix.SkuPicker(catalogue, hotPercent);
        pickSku = new String[PICKS];
        pickLocation = new String[PICKS];
        for (int i = 0; i < PICKS; i++)
        {
            pickSku[i] = picker.next(random);
            pickLocation[i] = catalogue.locations[random.nextInt(catalogue.locationCount())];
        }
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        if (refusals != 0)
        {
            throw new IllegalStateException("commands were refused during the run (sum of result codes " +
                refusals + "): the figures are not of the intended workload");
        }
    }

    /** One command of the marketplace mix: 40% reserve, 20% ship, 10% cancel, 30% query. */
    @Benchmark
    public int mixed()
    {
        final int i = cursor;
        cursor = i + 1 == mix.length() ? 0 : i + 1;
        final Command c = command;
        mix.fill(c, i, now += stepMillis);
        engine.process(c);
        refusals += c.result;
        return c.result;
    }

    /**
     * The same stream in windows of {@link StockEngine#PREFETCH_WINDOW} commands, each window read ahead with
     * {@link StockEngine#prefetch} before it runs: what the pipeline's logic handler does with a batch from the
     * ring. The score is per command.
     */
    @Benchmark
    @OperationsPerInvocation(StockEngine.PREFETCH_WINDOW)
    public int mixedPrefetched()
    {
        final Command[] w = nextWindow();
        engine.prefetch(w, w.length);
        int results = 0;
        for (final Command c : w)
        {
            engine.process(c);
            results += c.result;
        }
        refusals += results;
        return results;
    }

    /**
     * The read-ahead of {@link #mixedPrefetched} alone, over the same stream, without running the commands: what the
     * staged walk costs per command, to set against the whole. The state stays as the warm-up left it.
     */
    @Benchmark
    @OperationsPerInvocation(StockEngine.PREFETCH_WINDOW)
    public Command readAheadOnly()
    {
        final Command[] w = nextWindow();
        engine.prefetch(w, w.length);
        return w[0];
    }

    /** Fills the window with the next commands of the mix, each a step of engine time after the one before. */
    private Command[] nextWindow()
    {
        final Command[] w = window;
        int i = cursor;
        for (final Command c : w)
        {
            mix.fill(c, i, now += stepMillis);
            i = i + 1 == mix.length() ? 0 : i + 1;
        }
        cursor = i;
        return w;
    }

    /** A one-line reservation and the cancel that releases it; the score is per command. */
    @Benchmark
    @OperationsPerInvocation(2)
    public int reserveCancel()
    {
        return reserveThen(CommandType.CANCEL);
    }

    /** A one-line reservation and the ship of the whole order; the score is per command. */
    @Benchmark
    @OperationsPerInvocation(2)
    public int reserveShip()
    {
        return reserveThen(CommandType.SHIP);
    }

    @Benchmark
    public int queryStockAt()
    {
        final int p = nextPick();
        final Command c = command;
        c.reset();
        c.type = CommandType.QUERY_STOCK_AT;
        c.timestamp = now += stepMillis;
        c.sku = pickSku[p];
        c.location = pickLocation[p];
        engine.process(c);
        refusals += c.result;
        return c.rowCount;
    }

    /** Availability of one SKU for a channel that sources from all ten locations: ten balances read. */
    @Benchmark
    public int queryAvailability()
    {
        final int p = nextPick();
        final Command c = command;
        c.reset();
        c.type = CommandType.QUERY_AVAILABILITY;
        c.timestamp = now += stepMillis;
        c.channel = MarketplaceMix.CHANNEL;
        c.line(pickSku[p], null, 0);
        engine.process(c);
        refusals += c.result;
        return c.rowCount;
    }

    private int reserveThen(final int action)
    {
        final int p = nextPick();
        final String id = pairIds[pairCursor];
        pairCursor = (pairCursor + 1) & (PAIR_IDS - 1);
        final Command c = command;
        c.reset();
        c.type = CommandType.RESERVE;
        c.timestamp = now += stepMillis;
        c.orderId = id;
        c.channel = MarketplaceMix.CHANNEL;
        c.time = MarketplaceMix.TTL_MILLIS;
        c.line(pickSku[p], pickLocation[p], 1);
        engine.process(c);
        final int reserved = c.result;
        c.reset();
        c.type = action;
        c.timestamp = now += stepMillis;
        c.orderId = id;
        engine.process(c);
        refusals += reserved + c.result;
        return c.status;
    }

    private int nextPick()
    {
        final int p = pickCursor;
        pickCursor = (p + 1) & (PICKS - 1);
        return p;
    }
}
