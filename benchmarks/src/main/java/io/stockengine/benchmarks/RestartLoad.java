package io.stockengine.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;

import io.stockengine.engine.Command;
import io.stockengine.engine.CommandType;
import io.stockengine.engine.EngineConfig;
import io.stockengine.engine.PipelineConfig;
import io.stockengine.engine.StockEngine;
import io.stockengine.journal.ChronicleJournal;
import io.stockengine.journal.JournalConfig;
import io.stockengine.journal.JournaledEngine;
import io.stockengine.journal.Queues;
import io.stockengine.journal.SnapshotStore;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

/**
 * Replay speed and restart time: writes a journal of a large catalogue ({@code --skus} x {@code --locations}
 * balances received) followed by marketplace traffic up to {@code --events} events, then times a restart that
 * replays all of it, and a restart from a snapshot plus the journal after it.
 * <p>
 * Usage: {@code java -Xmx12g -cp benchmarks/target/benchmarks.jar io.stockengine.benchmarks.RestartLoad
 * [--dir /dev/shm/stock-restart] [--skus 1000000] [--locations 10] [--events 50000000] [--keep] [--reuse]}
 * {@code --keep} leaves the journal and snapshot in place; {@code --reuse} times the two restarts of a kept one
 * again without writing it anew (the same --skus and --locations).
 */
public final class RestartLoad
{
    private RestartLoad()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        Path dir = Path.of("/dev/shm/stock-restart");
        int skus = 1_000_000;
        int locations = 10;
        long events = 50_000_000L;
        boolean keep = false;
        boolean reuse = false;
        final Flags flags = new Flags("RestartLoad", "RestartLoad [--dir DIR] [--skus N] [--locations N] [--events N] " +
            "[--keep] [--reuse]", args);
        for (String flag = flags.nextFlag(); flag != null; flag = flags.nextFlag())
        {
            switch (flag)
            {
                case "--dir" -> dir = Path.of(flags.text(flag));
                case "--skus" -> skus = flags.intNumber(flag, 1);
                case "--locations" -> locations = flags.intNumber(flag, 1);
                case "--events" -> events = flags.number(flag, 1);
                case "--keep" -> keep = true;
                case "--reuse" -> reuse = true;
                default -> throw flags.unknown(flag);
            }
        }
        if (!reuse)
        {
            JournalLoad.deleteRecursively(dir);
        }
        final int balances = skus * locations;
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
                final Command c = new Command();
                long k = 0;
                long time = 1_800_000_000_000L;
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
                    }
                }
                System.out.printf("catalogue: %,d balances, %,d events written in %.1f s%n", balances, engine.lastSeq(),
                    (System.nanoTime() - start) / 1e9);
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
                }
                journal.onCommand(new Command().reset(), true);
                System.out.printf("journal: %,d events, %,d bytes, written in %.1f s%n", engine.lastSeq(),
                    journal.bytesWritten(), (System.nanoTime() - start) / 1e9);
                start = System.nanoTime();
                new SnapshotStore(journalConfig.snapshotDir(), 1).write(engine.state(), queue.lastIndex());
                System.out.printf("snapshot of %,d balances written in %.1f s%n", balances,
                    (System.nanoTime() - start) / 1e9);
                journal.close();
            }
        }

        start = System.nanoTime();
        try (JournaledEngine engine = JournaledEngine.open(journalConfig, engineConfig,
            new PipelineConfig().tickIntervalMillis(0), line -> System.out.println("  " + line)))
        {
            System.out.printf("restart from snapshot (seq %,d): %.1f s%n", engine.journal().lastSeq(),
                (System.nanoTime() - start) / 1e9);
        }
        // Set the snapshots aside for the full replay, and back afterwards for a --reuse run.
        final Path aside = dir.resolve("snapshots-aside");
        Files.move(journalConfig.snapshotDir(), aside);
        start = System.nanoTime();
        try (JournaledEngine engine = JournaledEngine.open(journalConfig, engineConfig,
            new PipelineConfig().tickIntervalMillis(0), line -> System.out.println("  " + line)))
        {
            final double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("restart replaying the whole journal: %.1f s, replay %,.0f events/s%n", seconds,
                engine.recovery().eventsPerSecond());
        }
        JournalLoad.deleteRecursively(journalConfig.snapshotDir());
        Files.move(aside, journalConfig.snapshotDir());
        if (!keep)
        {
            JournalLoad.deleteRecursively(dir);
        }
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
