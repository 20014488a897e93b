package io.stockengine.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import org.HdrHistogram.Histogram;

import io.stockengine.engine.Command;
import io.stockengine.engine.CommandCallback;
import io.stockengine.engine.CommandFiller;
import io.stockengine.engine.CommandType;
import io.stockengine.engine.EngineConfig;
import io.stockengine.engine.PipelineConfig;
import io.stockengine.engine.ResultCode;
import io.stockengine.engine.WaitStrategies;
import io.stockengine.journal.Durability;
import io.stockengine.journal.JournalConfig;
import io.stockengine.journal.JournaledEngine;
import io.stockengine.journal.ScratchDir;

/**
 * The in-process pipeline with journaling, under an open-loop marketplace mix: commands are published on a fixed
 * schedule and latency is measured from each one's intended send time to its reply (after its events are in the
 * journal), so a stall shows up as latency rather than as fewer samples. A second histogram measures from the
 * moment each command was actually published, which leaves out the generator's own lateness. With {@code --rate 0}
 * it publishes as fast as the ring accepts and reports the sustained throughput.
 * <p>
 * Usage: {@code java -cp benchmarks/target/benchmarks.jar io.stockengine.benchmarks.JournalLoad
 * [--dir /dev/shm/stock-load] [--durability process|sync] [--rate 500000] [--seconds 20] [--skus 100000]
 * [--locations 1] [--wait sleeping] [--reply-thread shared|own] [--journal-thread own|logic]
 * [--snapshot-every-seconds 0] [--pace park|spin] [--warmup SECONDS] [--ring-size 65536]}
 * <p>
 * With {@code --snapshot-every-seconds} the snapshot follower writes a snapshot of the whole state that often during
 * the run: comparing the tail latencies with a run without them shows what taking snapshots costs the commands
 * (the logic thread itself never waits for one; on two cores the follower competes with it for CPU).
 * <p>
 * The pipeline is drained (every published command answered) after the warm-up, before the histograms are reset,
 * and again after the measured run, before anything is read: so no warm-up command is timed or counted in the
 * measurement, every measured command is, and the histograms are never reset or read while the reply thread records
 * into them. The throughput is the answers that came inside the measured window over its length; the answers to
 * measured commands that came after it are printed apart. At a fixed rate, commands that fell due before the end but
 * were never published (the ring was full, or the generator woke late) are counted as late, and their latency from
 * the intended send time is recorded as the least it would have been, the end of the run minus their intended time.
 */
public final class JournalLoad
{
    /**
     * Order ids come round again after this many reservations: at 600,000 reservations/s that is seven seconds, well
     * past the dedup window below, so a reused id is a new order and never an idempotent replay or a conflict.
     */
    private static final int ORDER_IDS = 1 << 22;
    private static final long RING_FULL_PARK_NANOS = 20_000;
    private static final long DRAIN_PARK_NANOS = 50_000;
    /** Far longer than a full ring takes to answer even with a flush to the disk per commit: past it the pipeline is stuck. */
    private static final long DRAIN_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(120);

    private final String[] skus;
    private final String[] orderIds = new String[ORDER_IDS];
    private final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
    private final Histogram fromPublish = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
    /**
     * Intended send time by command number modulo the ring's size (no more commands than that are in the ring at
     * once); the callback finds it through the command's correlation id.
     */
    private final long[] intended;
    private final int intendedMask;
    private volatile long completed;
    private long errors;

    private JournalLoad(final int skuCount, final int ringSize)
    {
        intended = new long[ringSize];
        intendedMask = ringSize - 1;
        skus = new String[skuCount];
        for (int i = 0; i < skuCount; i++)
        {
            skus[i] = "SKU-" + i;
        }
        for (int i = 0; i < ORDER_IDS; i++)
        {
            orderIds[i] = "o-" + i;
        }
    }

    /** Command k of a repeating block of ten: reserve x4, ship x3 and cancel x1 of the previous block, query x2. */
    private void fill(final long k, final Command c)
    {
        final long block = k / 10;
        final int slot = (int)(k % 10);
        final int sku = (int)((k * 2_654_435_761L) % skus.length);
        switch (slot)
        {
            case 0, 1, 2, 3 ->
            {
                c.type = CommandType.RESERVE;
                c.orderId = orderIds[(int)((block * 4 + slot) & (ORDER_IDS - 1))];
                c.channel = "web";
                c.time = 900_000;
                c.line(skus[sku], "WH1", 1);
            }
            case 4, 5, 6 ->
            {
                c.type = CommandType.SHIP;
                c.orderId = orderIds[(int)(((block - 1) * 4 + (slot == 6 ? 3 : slot - 4)) & (ORDER_IDS - 1))];
            }
            case 7 ->
            {
                c.type = CommandType.CANCEL;
                c.orderId = orderIds[(int)(((block - 1) * 4 + 2) & (ORDER_IDS - 1))];
            }
            default ->
            {
                c.type = CommandType.QUERY_AVAILABILITY;
                c.channel = "web";
                c.line(skus[sku], null, 0);
            }
        }
    }

    private static final class Publish
    {
        JournalLoad load;
        long k;
        long intended;
        CommandCallback callback;
    }

    private static final CommandFiller<Publish> FILLER = (c, p) ->
    {
        p.load.fill(p.k, c);
        p.load.intended[(int)p.k & p.load.intendedMask] = p.intended;
        c.correlationId = p.k;
        c.startNanos = System.nanoTime();
        c.callback = p.callback;
    };

    public static void main(final String[] args) throws Exception
    {
        Path dir = Path.of("/dev/shm/stock-load");
        Durability durability = Durability.PROCESS;
        long rate = 0;
        int seconds = 20;
        int skuCount = 100_000;
        String wait = "sleeping";
        boolean replyShared = true;
        boolean journalOnLogic = false;
        int locations = 1;
        int snapshotSeconds = 0;
        boolean spin = false;
        int warmupSeconds = -1;
        int ringSize = 1 << 16;
        final Flags flags = new Flags("JournalLoad", "JournalLoad [--dir DIR] [--durability process|sync] [--rate N] " +
            "[--seconds N] [--skus N] [--locations N] [--wait STRATEGY] [--reply-thread shared|own] " +
            "[--journal-thread own|logic] " +
            "[--snapshot-every-seconds N] [--pace park|spin] [--warmup SECONDS] [--ring-size N]", args);
        for (String flag = flags.nextFlag(); flag != null; flag = flags.nextFlag())
        {
            switch (flag)
            {
                case "--dir" -> dir = Path.of(flags.text(flag));
                case "--durability" ->
                {
                    final String value = flags.text(flag);
                    try
                    {
                        durability = Durability.parse(value);
                    }
                    catch (final IllegalArgumentException ex)
                    {
                        throw flags.fail(ex.getMessage());
                    }
                }
                case "--rate" -> rate = flags.number(flag, 0);
                case "--seconds" -> seconds = flags.intNumber(flag, 1);
                case "--skus" -> skuCount = flags.intNumber(flag, 1);
                case "--wait" ->
                {
                    wait = flags.text(flag);
                    try
                    {
                        WaitStrategies.create(wait);
                    }
                    catch (final IllegalArgumentException ex)
                    {
                        throw flags.fail(ex.getMessage());
                    }
                }
                case "--reply-thread" ->
                {
                    final String value = flags.text(flag);
                    if (!"shared".equals(value) && !"own".equals(value))
                    {
                        throw flags.fail("--reply-thread must be shared or own, got " + value);
                    }
                    replyShared = "shared".equals(value);
                }
                case "--journal-thread" ->
                {
                    final String value = flags.text(flag);
                    if (!"own".equals(value) && !"logic".equals(value))
                    {
                        throw flags.fail("--journal-thread must be own or logic, got " + value);
                    }
                    journalOnLogic = "logic".equals(value);
                }
                case "--locations" -> locations = flags.intNumber(flag, 1);
                case "--snapshot-every-seconds" -> snapshotSeconds = flags.intNumber(flag, 0);
                case "--warmup" -> warmupSeconds = flags.intNumber(flag, 0);
                case "--ring-size" ->
                {
                    ringSize = flags.intNumber(flag, 2);
                    if (Integer.bitCount(ringSize) != 1)
                    {
                        throw flags.fail("--ring-size must be a power of two, got " + ringSize);
                    }
                }
                case "--pace" ->
                {
                    final String value = flags.text(flag);
                    if (!"park".equals(value) && !"spin".equals(value))
                    {
                        throw flags.fail("--pace must be park or spin, got " + value);
                    }
                    spin = "spin".equals(value);
                }
                default -> throw flags.unknown(flag);
            }
        }
        claim(flags, dir, "stock-load");
        final JournalLoad load = new JournalLoad(skuCount, ringSize);
        // A short dedup window keeps finished orders from piling up over a run that lasts only seconds.
        final EngineConfig engineConfig = new EngineConfig().dedupWindowMillis(1_000).expectedOrders(1 << 20)
            .expectedBalances(skuCount * locations);
        final JournalConfig journalConfig = new JournalConfig().dataDir(dir).durability(durability)
            .snapshots(snapshotSeconds > 0).snapshotEveryEvents(Long.MAX_VALUE / 2)
            .snapshotEveryMillis(Math.max(1, snapshotSeconds) * 1000L);
        try (JournaledEngine engine = JournaledEngine.open(journalConfig, engineConfig,
            new PipelineConfig().ringSize(ringSize).waitStrategy(wait).tickIntervalMillis(0)
                .replyOnJournalThread(replyShared).journalOnLogicThread(journalOnLogic), line -> { }))
        {
            loadCatalogue(engine, load, locations);
            final Publish publish = new Publish();
            publish.load = load;
            publish.callback = c ->
            {
                final long now = System.nanoTime();
                final long latency = now - load.intended[(int)c.correlationId & load.intendedMask];
                load.histogram.recordValue(Math.min(latency, load.histogram.getHighestTrackableValue()));
                load.fromPublish.recordValue(Math.min(now - c.startNanos, load.fromPublish.getHighestTrackableValue()));
                if (c.result > 1)
                {
                    load.errors++;
                }
                load.completed++;
            };
            final long warmup = warmupSeconds >= 0 ? warmupSeconds : Math.min(3, seconds / 4);
            run(engine, publish, rate, warmup, spin);
            drain(load, publish.k);
            load.histogram.reset();
            load.fromPublish.reset();
            final long errorsBefore = load.errors;
            final long batchesBefore = engine.journal().batches();
            final long commandsBefore = engine.journal().commandsJournaled();
            final long bytesBefore = engine.journal().bytesWritten();
            final long doneBefore = load.completed;
            final long start = System.nanoTime();
            final long snapshotSeqBefore = snapshotSeq(engine);
            final Sent sent = run(engine, publish, rate, seconds, spin);
            final long done = load.completed - doneBefore;
            final long stop = System.nanoTime();
            final long elapsed = stop - start;
            drain(load, publish.k);
            final long drainNanos = System.nanoTime() - stop;
            final long doneAfter = load.completed - doneBefore - done;
            // Only now, every command answered, may this thread record into the histogram the replies record into.
            final long late = sent.recordLate(load.histogram);
            final long errors = load.errors - errorsBefore;
            if (snapshotSeconds > 0)
            {
                System.out.printf("snapshots during the run: newest at seq %,d (was %,d), last write took %.1f s%n",
                    snapshotSeq(engine), snapshotSeqBefore, engine.snapshots().lastWriteNanos() / 1e9);
            }
            final long batches = engine.journal().batches() - batchesBefore;
            final long journaled = engine.journal().commandsJournaled() - commandsBefore;
            System.out.printf("durability=%s wait=%s pace=%s target=%s sent=%,d completed=%,d in %.1f s -> " +
                    "%,.0f commands/s, completed-after=%,d in a %.1f ms drain, late=%,d%n",
                durability, wait, spin ? "spin" : "park", rate == 0 ? "max" : String.format("%,d/s", rate),
                sent.sent(), done, elapsed / 1e9, done * 1e9 / elapsed, doneAfter, drainNanos / 1e6, late);
            System.out.printf("latency (intended send -> reply after journal) us: p50=%.1f p90=%.1f p99=%.1f " +
                "p99.9=%.1f max=%.1f%n", q(load.histogram, 50), q(load.histogram, 90), q(load.histogram, 99),
                q(load.histogram, 99.9), load.histogram.getMaxValue() / 1000.0);
            System.out.printf("latency (published -> reply after journal) us: p50=%.1f p90=%.1f p99=%.1f " +
                "p99.9=%.1f max=%.1f%n", q(load.fromPublish, 50), q(load.fromPublish, 90), q(load.fromPublish, 99),
                q(load.fromPublish, 99.9), load.fromPublish.getMaxValue() / 1000.0);
            System.out.printf("group commits=%,d, commands per commit=%.1f, journal bytes=%,d, refused-by-state=%,d%n",
                batches, batches == 0 ? 0.0 : (double)journaled / batches,
                engine.journal().bytesWritten() - bytesBefore, errors);
            // A parked generator that wakes a little after the end leaves a few commands late in any run; more than
            // that means the generator fell behind the rate.
            if (late > sent.sent() / 1000)
            {
                System.out.printf("WARNING: %,d commands fell due before the end but were never sent (the ring was " +
                    "full, or the generator could not keep the rate): the intended-send latencies count them at the " +
                    "least they would have been%n", late);
            }
            if (errors > sent.sent() / 1000)
            {
                System.out.println("WARNING: more than 0.1% of the commands were refused: the figures are not of " +
                    "the intended marketplace mix");
            }
        }
        ScratchDir.delete(dir);
    }

    /** Makes {@code dir} the run's own, empty, or refuses it (see {@link ScratchDir}): a run deletes it after. */
    static void claim(final Flags flags, final Path dir, final String suggestion) throws IOException
    {
        try
        {
            ScratchDir.empty(ScratchDir.claim(dir, suggestion));
        }
        catch (final IllegalArgumentException ex)
        {
            throw flags.fail(ex.getMessage());
        }
    }

    /**
     * Waits until every published command has been answered. The callback counts a command after recording it, so
     * once {@link #completed} reaches {@code published} the reply thread has nothing more to record until this
     * thread publishes again, and the histograms may be reset or read.
     */
    private static void drain(final JournalLoad load, final long published)
    {
        final long deadline = System.nanoTime() + DRAIN_TIMEOUT_NANOS;
        while (load.completed < published)
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new IllegalStateException("the pipeline did not drain: " + load.completed + " of " + published +
                    " commands answered after " + TimeUnit.NANOSECONDS.toSeconds(DRAIN_TIMEOUT_NANOS) + " s");
            }
            LockSupport.parkNanos(DRAIN_PARK_NANOS);
        }
    }

    /**
     * What a run published, and its schedule: command n (from 0) was due at {@code start + n * period}, or with
     * period 0 (rate 0) whenever the ring took it.
     */
    private record Sent(long sent, long start, long end, double period)
    {
        long intended(final long n)
        {
            return start + (long)(n * period);
        }

        /**
         * Records, for each command due before the end but never published, the least latency it would have had (the
         * end minus its intended time), and returns how many there were. Done after the run rather than in it, so
         * the time it takes is neither inside the measured window nor taken from the publishing.
         */
        long recordLate(final Histogram histogram)
        {
            if (period == 0)
            {
                return 0;
            }
            long late = 0;
            for (long n = sent; intended(n) < end; n++, late++)
            {
                histogram.recordValue(Math.min(end - intended(n), histogram.getHighestTrackableValue()));
            }
            return late;
        }
    }

    private static long snapshotSeq(final JournaledEngine engine)
    {
        return engine.snapshots() == null ? -1 : engine.snapshots().lastSnapshotSeq();
    }

    /**
     * One receipt per SKU and location, published without waiting for each answer (a million of them would take
     * minutes one round trip at a time); the last one's answer means all are applied.
     */
    private static void loadCatalogue(final JournaledEngine engine, final JournalLoad load, final int locations)
        throws Exception
    {
        final long start = System.nanoTime();
        final String[] locationNames = new String[locations];
        for (int l = 0; l < locations; l++)
        {
            locationNames[l] = l == 0 ? "WH1" : "WH" + (l + 1);
        }
        final long total = (long)load.skus.length * locations;
        for (long n = 0; n < total; n++)
        {
            final String sku = load.skus[(int)(n / locations)];
            final String location = locationNames[(int)(n % locations)];
            final CommandFiller<Void> receipt = (c, ignored) ->
            {
                c.type = CommandType.RECEIVE;
                c.sku = sku;
                c.location = location;
                c.quantity = 1_000_000_000L;
                c.amount = 1_000_000;
            };
            if (n == total - 1)
            {
                while (engine.pipeline().submit(c -> receipt.fill(c, null)).get().result == ResultCode.OVERLOADED)
                {
                    LockSupport.parkNanos(RING_FULL_PARK_NANOS);
                }
            }
            else
            {
                while (!engine.pipeline().tryPublish(receipt, null))
                {
                    LockSupport.parkNanos(RING_FULL_PARK_NANOS);
                }
            }
        }
        System.out.printf("catalogue: %,d balances received in %.1f s%n", total, (System.nanoTime() - start) / 1e9);
    }

    private static double q(final Histogram h, final double percentile)
    {
        return h.getValueAtPercentile(percentile) / 1000.0;
    }

    /**
     * Publishes for {@code seconds} every command whose intended time has come, at a fixed rate (open loop) or, with
     * rate 0, until the ring is full, parking briefly whenever it is.
     * <p>
     * Between commands it parks or spins. Parking leaves the core to the pipeline threads it measures but wakes up
     * to about 60 us late, and the latency (measured from the intended time) includes that lateness, so no figure
     * below it can be seen. Spinning is punctual to a microsecond but takes a core: it suits the arrangement with
     * one pipeline thread ({@code --journal-thread logic}), which leaves the other core to it.
     * <p>
     * Commands due before the end but not yet published when it comes are not published; {@link Sent#recordLate}
     * accounts for them.
     */
    private static Sent run(final JournaledEngine engine, final Publish publish, final long rate, final long seconds,
        final boolean spin)
    {
        final long start = System.nanoTime();
        final long end = start + TimeUnit.SECONDS.toNanos(seconds);
        final double period = rate == 0 ? 0 : 1e9 / rate;
        long sent = 0;
        while (true)
        {
            final long now = System.nanoTime();
            if (now >= end)
            {
                break;
            }
            final long due = rate == 0 ? sent + 1 : (long)((now - start) / period) + 1;
            if (sent >= due)
            {
                if (spin)
                {
                    Thread.onSpinWait();
                }
                else
                {
                    LockSupport.parkNanos((long)(start + sent * period) - now);
                }
                continue;
            }
            while (sent < due)
            {
                publish.k++;
                publish.intended = rate == 0 ? now : start + (long)(sent * period);
                if (!engine.pipeline().tryPublish(FILLER, publish))
                {
                    publish.k--;
                    LockSupport.parkNanos(RING_FULL_PARK_NANOS);
                    break;
                }
                sent++;
            }
        }
        return new Sent(sent, start, end, period);
    }

    static void deleteRecursively(final Path dir) throws IOException
    {
        if (!Files.exists(dir))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir))
        {
            for (final Path p : paths.sorted(Comparator.reverseOrder()).toList())
            {
                Files.delete(p);
            }
        }
    }
}
