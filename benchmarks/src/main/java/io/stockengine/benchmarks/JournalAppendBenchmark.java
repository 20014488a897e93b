package io.stockengine.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import io.stockengine.engine.Command;
import io.stockengine.engine.CommandType;
import io.stockengine.engine.EngineConfig;
import io.stockengine.engine.ResultCode;
import io.stockengine.engine.StockEngine;
import io.stockengine.journal.ChronicleJournal;
import io.stockengine.journal.Durability;
import io.stockengine.journal.EventEncoder;
import io.stockengine.journal.JournalConfig;
import io.stockengine.journal.Queues;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

/**
 * The journal stage alone: {@link ChronicleJournal#onCommand} appending the events of {@code commandsPerCommit}
 * one-line reservations as one group commit (one Chronicle excerpt, checksums filled in, and under {@code sync} an
 * flush to the disk before the commit counts), into a real queue on disk. The primary score is group commits per second; the
 * secondary score {@code commands} is commands journaled per second.
 * <p>
 * The slots hold what the logic thread leaves in them: the records a real engine emitted for each reservation,
 * encoded by the journal's {@link EventEncoder}. The same slots are appended again on every invocation, so sequence
 * numbers repeat in the file; nothing reads it back, and the append does not look at them.
 * <p>
 * The queue lives under {@code /var/tmp}, on the disk, not on {@code /dev/shm}: on tmpfs a flush returns at once and
 * {@code sync} would measure nothing. Each iteration starts a new queue and deletes it afterwards, so a run never
 * holds more than one iteration's journal on disk; the first append of an iteration therefore creates the queue's
 * file, which a running journal does once per roll cycle. Each iteration checks that every command was journaled, every
 * commit counted, and under {@code sync} every commit flushed to the disk.
 * <p>
 * JVM flags: those Chronicle Queue needs on Java 17 (see shared/DEPENDENCIES.md), and its analytics off.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = { "-Xms1g", "-Xmx1g", "-XX:+UseParallelGC",
    "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
    "--add-exports=java.base/jdk.internal.util=ALL-UNNAMED",
    "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
    "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
    "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED",
    "-Dchronicle.analytics.disable=true",
    "-Dchronicle.announcer.disable=true",
    "-Dchronicle.disk.monitor.disable=true",
    "-Dorg.slf4j.simpleLogger.log.net.openhft=warn" })
public class JournalAppendBenchmark
{
    /** On the root disk here; see the class comment for why not /dev/shm. */
    private static final Path BASE_DIR = Path.of("/var/tmp");

    /** The journal's durability setting: process (appended to the mapped file) or sync (flushed to the disk as well). */
    @Param({ "process", "sync" })
    public String durability;

    /** Commands per group commit: 1 is a lone command on an idle engine, 64 a batch under load. */
    @Param({ "1", "64" })
    public int commandsPerCommit;

    private Path dir;
    private JournalConfig config;
    private Command[] slots;
    private SingleChronicleQueue queue;
    private ChronicleJournal journal;
    private long commits;

    /** Commands journaled, reported by JMH as a rate next to the per-commit score. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Commands
    {
        public long commands;

        @Setup(Level.Iteration)
        public void clear()
        {
            commands = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException
    {
        dir = Files.createTempDirectory(BASE_DIR, "stockengine-journal-bench-");
        config = new JournalConfig().dataDir(dir).durability(Durability.parse(durability)).snapshots(false).conclude();
        slots = reservations(commandsPerCommit);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException
    {
        JournalLoad.deleteRecursively(dir);
    }

    @Setup(Level.Iteration)
    public void openQueue()
    {
        queue = Queues.open(config.journalDir(), config, false);
        journal = new ChronicleJournal(queue, config, 0);
        commits = 0;
    }

    @TearDown(Level.Iteration)
    public void closeQueue() throws IOException
    {
        journal.close();
        queue.close();
        final long expectedSyncs = config.durability() == Durability.SYNC ? commits : 0;
        if (journal.commandsJournaled() != commits * commandsPerCommit || journal.batches() != commits ||
            journal.syncs() != expectedSyncs)
        {
            throw new IllegalStateException("after " + commits + " commits of " + commandsPerCommit +
                " commands the journal counted " + journal.commandsJournaled() + " commands, " + journal.batches() +
                " commits and " + journal.syncs() + " syncs: the figures are not of the intended work");
        }
        JournalLoad.deleteRecursively(config.journalDir());
    }

    @Benchmark
    public long groupCommit(final Commands counted)
    {
        final Command[] s = slots;
        final int last = s.length - 1;
        for (int i = 0; i <= last; i++)
        {
            journal.onCommand(s[i], i == last);
        }
        counted.commands += s.length;
        return ++commits;
    }

    /**
     * Slots holding the events of {@code count} one-line reservations, recorded as the pipeline's logic thread does:
     * the encoder targets the slot, then the engine processes it.
     */
    private static Command[] reservations(final int count)
    {
        final Catalogue catalogue = new Catalogue(1_000, 1);
        final EventEncoder recorder = new EventEncoder();
        final StockEngine recorded = new StockEngine(new EngineConfig(), recorder);
        final Command receipt = new Command();
        for (final String sku : catalogue.skus)
        {
            recorder.target(receipt.reset());
            Catalogue.receive(recorded, receipt, sku, catalogue.locations[0], Catalogue.EPOCH_MILLIS);
        }
        // The first reservation names the channel for the first time (a symbol record); the slots come after it.
        reserve(recorded, recorder, new Command(), "ORD-FIRST", catalogue.skus[0], catalogue.locations[0]);
        final Command[] slots = new Command[count];
        for (int i = 0; i < count; i++)
        {
            slots[i] = new Command();
            reserve(recorded, recorder, slots[i], Catalogue.padded("ORD-", i, 7),
                catalogue.skus[(i * 7 + 1) % catalogue.skuCount()], catalogue.locations[0]);
            if (slots[i].eventCount != 2)
            {
                throw new IllegalStateException("a one-line reservation recorded " + slots[i].eventCount +
                    " events, expected order_reserved and order_line");
            }
        }
        return slots;
    }

    private static void reserve(final StockEngine engine, final EventEncoder recorder, final Command c,
        final String orderId, final String sku, final String location)
    {
        c.reset();
        c.type = CommandType.RESERVE;
        c.timestamp = Catalogue.EPOCH_MILLIS;
        c.orderId = orderId;
        c.channel = MarketplaceMix.CHANNEL;
        c.time = MarketplaceMix.TTL_MILLIS;
        c.line(sku, location, 1);
        recorder.target(c);
        engine.process(c);
        if (c.result != ResultCode.OK)
        {
            throw new IllegalStateException("reservation " + orderId + " refused: " + ResultCode.name(c.result));
        }
    }
}
