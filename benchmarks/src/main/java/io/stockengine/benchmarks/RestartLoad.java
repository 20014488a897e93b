package io.stockengine.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.stockengine.engine.Command;
import io.stockengine.engine.CommandType;
import io.stockengine.engine.EngineConfig;
import io.stockengine.engine.PipelineConfig;
import io.stockengine.engine.StockEngine;
import io.stockengine.journal.ChronicleJournal;
import io.stockengine.journal.JournalConfig;
import io.stockengine.journal.JournalRecovery;
import io.stockengine.journal.JournaledEngine;
import io.stockengine.journal.Queues;
import io.stockengine.journal.ScratchDir;
import io.stockengine.journal.SnapshotStore;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

/**
 * Replay speed and restart time: writes a journal of a large catalogue ({@code --skus} x {@code --locations}
 * balances received) followed by marketplace traffic up to {@code --events} events, then times a restart that
 * replays all of it, and a restart from a snapshot plus the journal after it.
 * <p>
 * Usage: {@code java -Xmx12g -cp benchmarks/target/benchmarks.jar io.stockengine.benchmarks.RestartLoad
 * [--dir /dev/shm/stock-restart] [--skus 1000000] [--locations 10] [--events 50000000]
 * [--snapshot-at-events N] [--keep] [--reuse]}
 * {@code --keep} leaves the journal and snapshot in place; {@code --reuse} times the two restarts of a kept one
 * again without writing it anew (the same --skus and --locations).
 * <p>
 * By default the snapshot is taken at the end of the journal, so the restart from it loads the snapshot and replays
 * nothing. {@code --snapshot-at-events N} takes it at the first command boundary at or after event N instead, so that
 * restart also replays the rest of the journal, as a server's does after a crash between snapshots. The restart
 * prints how many events it replayed after the snapshot; with {@code --reuse} the kept snapshot stays where it was
 * taken, so the flag is refused there.
 */
public final class RestartLoad
{
    private RestartLoad()
    {
    }

    /** The engine time of the journal's first command: any fixed time does. */
    private static final long SYNTHETIC_START = 1_800_000_000_000L;

    public static void main(final String[] args) throws Exception
    {
        Path dir = Path.of("/dev/shm/stock-restart");
        int skus = 1_000_000;
        int locations = 10;
        long events = 50_000_000L;
        long snapshotAt = 0;
        boolean keep = false;
        boolean reuse = false;
        final Flags flags = new Flags("RestartLoad", "RestartLoad [--dir DIR] [--skus N] [--locations N] [--events N] " +
            "[--snapshot-at-events N] [--keep] [--reuse]", args);
        for (String flag = flags.nextFlag(); flag != null; flag = flags.nextFlag())
        {
            switch (flag)
            {
                case "--dir" -> dir = Path.of(flags.text(flag));
                case "--skus" -> skus = flags.intNumber(flag, 1);
                case "--locations" -> locations = flags.intNumber(flag, 1);
                case "--events" -> events = flags.number(flag, 1);
                case "--snapshot-at-events" -> snapshotAt = flags.number(flag, 1);
                case "--keep" -> keep = true;
                case "--reuse" -> reuse = true;
                default -> throw flags.unknown(flag);
            }
        }
        if (reuse && snapshotAt > 0)
        {
            throw flags.fail("--snapshot-at-events places the snapshot as the journal is written; --reuse times the " +
                "kept one where it was taken");
        }
        if (!reuse)
        {
            JournalLoad.claim(flags, dir, "stock-restart");
        }
        final int balances = skus * locations;
        // The journal's engine time is synthetic (a millisecond a command from SYNTHETIC_START); the restarts read
        // that time as their clock, or recovery would warn that the host's clock lags the journal's.
        final long syntheticEnd = SYNTHETIC_START + events + balances + 1;
        final EngineConfig engineConfig = new EngineConfig().expectedBalances(balances).expectedOrders(1 << 20)
            .dedupWindowMillis(60_000);
        final JournalConfig journalConfig = new JournalConfig().dataDir(dir).snapshots(false);
        final String[] skuNames = new String[skus];
        for (int i = 0; i < skus; i++)
        {
            skuNames[i] = "SKU-" + i;
        }
        final String[] locationNames = new String[locations];
        for (int i = 0; i < locations; i++)
        {
            locationNames[i] = "LOC-" + i;
        }
        long start = System.nanoTime();
        if (!reuse)
        {
            try (SingleChronicleQueue queue = Queues.open(journalConfig.journalDir(), journalConfig.conclude(), false))
            {
                final ChronicleJournal journal = new ChronicleJournal(queue, journalConfig, 0);
                final StockEngine engine = new StockEngine(engineConfig, journal.recorder());
                final SnapshotStore snapshots = new SnapshotStore(journalConfig.snapshotDir(), 1);
                long snapshotNanos = 0;
                boolean snapshotTaken = false;
                final Command c = new Command();
                long k = 0;
                long time = SYNTHETIC_START;
                for (int s = 0; s < skus; s++)
                {
                    for (int l = 0; l < locations; l++)
                    {
                        c.reset();
                        c.type = CommandType.RECEIVE;
                        c.timestamp = time;
                        c.sku = skuNames[s];
                        c.location = locationNames[l];
                        c.quantity = 1_000_000;
                        c.amount = 1_000_000;
                        apply(engine, journal, c, ++k);
                        if (!snapshotTaken && snapshotAt > 0 && engine.lastSeq() >= snapshotAt)
                        {
                            snapshotNanos = snapshot(engine, journal, queue, snapshots, s * locations + l + 1);
                            snapshotTaken = true;
                        }
                    }
                }
                System.out.printf("catalogue: %,d balances, %,d events written in %.1f s%n", balances, engine.lastSeq(),
                    (System.nanoTime() - start - snapshotNanos) / 1e9);
                final String[] orderIds = new String[1 << 20];
                for (int i = 0; i < orderIds.length; i++)
                {
                    orderIds[i] = "o-" + i;
                }
                long n = 0;
                while (engine.lastSeq() < events)
                {
                    c.reset();
                    time += 1;
                    c.timestamp = time;
                    final int slot = (int)(n % 3);
                    final String order = orderIds[(int)((n / 3) & (orderIds.length - 1))];
                    if (slot == 0)
                    {
                        c.type = CommandType.RESERVE;
                        c.orderId = order;
                        c.channel = "web";
                        c.line(skuNames[(int)((n * 2_654_435_761L) % skus)], locationNames[(int)(n % locations)], 1);
                    }
                    else
                    {
                        c.type = slot == 1 ? CommandType.PICK : CommandType.SHIP;
                        c.orderId = order;
                    }
                    apply(engine, journal, c, ++k);
                    n++;
                    if (!snapshotTaken && snapshotAt > 0 && engine.lastSeq() >= snapshotAt)
                    {
                        snapshotNanos = snapshot(engine, journal, queue, snapshots, balances);
                        snapshotTaken = true;
                    }
                }
                journal.onCommand(new Command().reset(), true);
                System.out.printf("journal: %,d events, %,d bytes, written in %.1f s%s%n", engine.lastSeq(),
                    journal.bytesWritten(), (System.nanoTime() - start - snapshotNanos) / 1e9,
                    snapshotTaken ? " (the snapshot's time left out)" : "");
                if (!snapshotTaken)
                {
                    snapshot(engine, journal, queue, snapshots, balances);
                }
                journal.close();
            }
        }

        start = System.nanoTime();
        try (JournaledEngine engine = JournaledEngine.open(journalConfig, engineConfig,
            new PipelineConfig().tickIntervalMillis(0).clock(() -> syntheticEnd), line -> System.out.println("  " + line)))
        {
            final double seconds = (System.nanoTime() - start) / 1e9;
            final JournalRecovery.Outcome recovery = engine.recovery();
            System.out.printf("restart from the snapshot at seq %,d: %.1f s, replayed the %,d events after it to seq " +
                "%,d (%,.0f events/s)%n", recovery.lastSeq - recovery.eventsReplayed, seconds,
                recovery.eventsReplayed, recovery.lastSeq, recovery.eventsPerSecond());
        }
        // Set the snapshots aside for the full replay, and back afterwards for a --reuse run.
        final Path aside = dir.resolve("snapshots-aside");
        Files.move(journalConfig.snapshotDir(), aside);
        start = System.nanoTime();
        try (JournaledEngine engine = JournaledEngine.open(journalConfig, engineConfig,
            new PipelineConfig().tickIntervalMillis(0).clock(() -> syntheticEnd), line -> System.out.println("  " + line)))
        {
            final double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("restart replaying the whole journal: %.1f s, replay %,.0f events/s%n", seconds,
                engine.recovery().eventsPerSecond());
        }
        JournalLoad.deleteRecursively(journalConfig.snapshotDir());
        Files.move(aside, journalConfig.snapshotDir());
        if (!keep)
        {
            ScratchDir.delete(dir);
        }
    }

    /**
     * Commits the batch in progress, so the journal's last excerpt ends exactly at the state's last event (recovery
     * checks that the snapshot's excerpt does), then writes the snapshot of the {@code balances} received so far;
     * returns the time the write took.
     */
    private static long snapshot(final StockEngine engine, final ChronicleJournal journal,
        final SingleChronicleQueue queue, final SnapshotStore snapshots, final int balances) throws IOException
    {
        journal.onCommand(new Command().reset(), true);
        final long start = System.nanoTime();
        snapshots.write(engine.state(), queue.lastIndex());
        final long nanos = System.nanoTime() - start;
        System.out.printf("snapshot of %,d balances at seq %,d written in %.1f s%n", balances, engine.lastSeq(),
            nanos / 1e9);
        return nanos;
    }

    private static void apply(final StockEngine engine, final ChronicleJournal journal, final Command c,
        final long correlation)
    {
        c.correlationId = correlation;
        journal.beforeCommand(c);
        engine.process(c);
        journal.onCommand(c, (correlation & 127) == 0);
    }
}
