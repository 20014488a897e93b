package io.stockengine.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.stockengine.engine.Command;
import io.stockengine.engine.CommandType;
import io.stockengine.engine.EngineConfig;
import io.stockengine.engine.InventoryState;
import io.stockengine.engine.ResultCode;
import io.stockengine.engine.StockEngine;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;

/**
 * {@code prune} on a journal of four daily cycle files, written through the real journal stage with Chronicle's clock
 * moved on a day between them, with a snapshot taken at the end of the third day. Besides the workload, one order of
 * one SKU is received and reserved on the first day and shipped and returned on the third, so that its reservation
 * goes with the first files pruned while its later events stay.
 */
@Timeout(60)
class JournalPruneTest
{
    private static final int DAYS = 4;
    private static final int COMMANDS_PER_DAY = 300;
    private static final String SKU = "PRUNE-SKU";
    private static final String ORDER = "order-P";

    @TempDir
    Path dir;

    private JournalConfig config;
    /** Seq of the last event of each day. */
    private final long[] dayEnds = new long[DAYS];

    @BeforeEach
    void writeFourDays() throws Exception
    {
        config = TestJournal.config(dir);
        Files.createDirectories(config.journalDir());
        final Workload workload = new Workload(51);
        final SetTimeProvider clock = new SetTimeProvider(Instant.ofEpochMilli(Workload.BASE_TIME));
        final InventoryState state = new InventoryState(new EngineConfig());
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.single(config.journalDir().toFile())
            .rollCycle(RollCycles.FAST_DAILY).timeProvider(clock).build();
             ChronicleJournal journal = new ChronicleJournal(queue, config, 0))
        {
            final StockEngine engine = new StockEngine(state, journal.recorder());
            final Command command = new Command();
            long i = 0;
            for (int day = 0; day < DAYS; day++)
            {
                for (final Consumer<Command> story : story(day))
                {
                    command.reset();
                    story.accept(command);
                    command.correlationId = 1_000_000 + i;
                    command.timestamp = Workload.time(i);
                    journal.beforeCommand(command);
                    engine.process(command);
                    assertEquals(ResultCode.OK, command.result, "story command " + command.type + " on day " + day);
                    journal.onCommand(command, false);
                }
                for (int n = 0; n < COMMANDS_PER_DAY; n++)
                {
                    i++;
                    command.reset();
                    workload.fill(i, command);
                    journal.beforeCommand(command);
                    engine.process(command);
                    journal.onCommand(command, n % 7 == 6 || n == COMMANDS_PER_DAY - 1);
                }
                dayEnds[day] = journal.lastSeq();
                if (day == 2)
                {
                    new SnapshotStore(config.snapshotDir(), 2).write(state, queue.lastIndex());
                }
                clock.advanceMillis(86_400_000L);
            }
        }
        assertEquals(DAYS, cycleFiles().size(), "one file per day");
    }

    /** The order's story: received and reserved on the first day, shipped and part returned on the third. */
    private static List<Consumer<Command>> story(final int day)
    {
        if (day == 0)
        {
            return List.of(c ->
            {
                c.type = CommandType.RECEIVE;
                c.key = "k-receive-p";
                c.sku = SKU;
                c.location = "WH1";
                c.quantity = 10;
                c.amount = 1_000_000;
            }, c ->
            {
                c.type = CommandType.RESERVE;
                c.orderId = ORDER;
                c.channel = "web";
                c.line(SKU, "WH1", 3);
            });
        }
        if (day == 2)
        {
            return List.of(c ->
            {
                c.type = CommandType.SHIP;
                c.orderId = ORDER;
                c.key = "k-ship-p";
            }, c ->
            {
                c.type = CommandType.RETURN;
                c.orderId = ORDER;
                c.key = "k-return-p";
                c.flag = true;
                c.line(SKU, "WH1", 1);
            });
        }
        return List.of();
    }

    private List<Path> cycleFiles() throws Exception
    {
        try (Stream<Path> files = Files.list(config.journalDir()))
        {
            return new ArrayList<>(files.filter(p -> p.toString().endsWith(".cq4")).sorted().toList());
        }
    }

    private ReaderPosition before(final long seq)
    {
        try (SingleChronicleQueue queue = Queues.open(config.journalDir(), config, true))
        {
            return JournalSeek.before(queue, seq);
        }
    }

    @Test
    void shouldDeleteOnlyFilesBeforeTheSnapshotAndEveryConsumer() throws Exception
    {
        final List<Path> files = cycleFiles();
        final FilePositionStore accounting = FilePositionStore.of(config, "accounting");
        accounting.store(before(dayEnds[0] + 50));

        final ToolRun dryRun = ToolRun.of("prune", "--dry-run", "--data-dir", dir.toString());
        assertEquals(0, dryRun.exit(), dryRun.toString());
        assertTrue(dryRun.out().contains("would delete " + files.get(0)), dryRun.toString());
        assertFalse(dryRun.out().contains("would delete " + files.get(1)), "the consumer still needs day 2: " + dryRun);
        assertEquals(files, cycleFiles(), "a dry run deletes nothing");

        final ToolRun pruned = ToolRun.of("prune", "--yes", "--data-dir", dir.toString());
        assertEquals(0, pruned.exit(), pruned.toString());
        assertEquals(files.subList(1, DAYS), cycleFiles());

        final ToolRun verify = ToolRun.of("verify", "--data-dir", dir.toString());
        assertEquals(0, verify.exit(), verify.toString());
        assertTrue(verify.out().contains("older files were pruned"), verify.toString());
        final ToolRun stats = ToolRun.of("stats", "--data-dir", dir.toString());
        assertEquals(0, stats.exit(), stats.toString());
        assertTrue(stats.out().contains("(older files were pruned), so these count only what is left"),
            stats.toString());

        final List<Long> resumed = new ArrayList<>();
        try (JournalReader reader = JournalReader.open(new JournalReader.Context().config(config)
            .consumerName("accounting")))
        {
            reader.poll(new AbstractEventSink()
            {
                @Override
                protected void onEvent(final int type, final long seq)
                {
                    resumed.add(seq);
                }
            }, 1);
            reader.commit();
        }
        assertEquals(List.of(dayEnds[0] + 50), resumed, "the consumer resumes where it was");

        final ToolRun tail = ToolRun.of("tail", "--from-start", "--data-dir", dir.toString());
        assertEquals(0, tail.exit(), tail.toString());
        assertEquals(dayEnds[0] + 1, tail.seqs().get(0));
        assertFalse(tail.out().contains("\"#"), "names from pruned symbol events come from the snapshot");

        accounting.store(before(dayEnds[3]));
        final ToolRun bySnapshot = ToolRun.of("prune", "--yes", "--data-dir", dir.toString());
        assertEquals(0, bySnapshot.exit(), bySnapshot.toString());
        assertEquals(files.subList(2, DAYS), cycleFiles(), "now the snapshot, in day 3, holds back the rest");

        final SnapshotStore.Loaded snapshot = new SnapshotStore(config.snapshotDir(), 2)
            .loadNewest(new EngineConfig(), line -> { });
        try (SingleChronicleQueue queue = Queues.open(config.journalDir(), config, true))
        {
            final JournalRecovery.Outcome outcome =
                JournalRecovery.replay(queue, snapshot.state(), snapshot.lastSeq(), snapshot.nextIndex(), null);
            assertEquals(dayEnds[3], outcome.lastSeq, "recovery still works from the snapshot");
        }
    }

    @Test
    void shouldPruneNothingWhileAConsumerIsAtTheBeginningOrThereIsNoSnapshot() throws Exception
    {
        final List<Path> files = cycleFiles();
        FilePositionStore.of(config, "new-feed").store(ReaderPosition.BEGINNING);
        final ToolRun held = ToolRun.of("prune", "--yes", "--data-dir", dir.toString());
        assertEquals(0, held.exit(), held.toString());
        assertTrue(held.out().contains("nothing to prune"), held.toString());
        assertEquals(files, cycleFiles());

        Files.delete(config.consumerDir().resolve("new-feed.position"));
        deleteSnapshots();
        final ToolRun noSnapshot = ToolRun.of("prune", "--yes", "--data-dir", dir.toString());
        assertEquals(0, noSnapshot.exit(), noSnapshot.toString());
        assertTrue(noSnapshot.out().contains("no snapshot checks out"), noSnapshot.toString());
        assertEquals(files, cycleFiles());
    }

    @Test
    void shouldRefuseToPruneWhenAConsumerNamesAnExcerptTheJournalDoesNotHave() throws Exception
    {
        final List<Path> files = cycleFiles();
        final ReaderPosition real = before(dayEnds[1]);
        FilePositionStore.of(config, "lost").store(new ReaderPosition(real.seq(), real.index() + 100_000));
        final ToolRun run = ToolRun.of("prune", "--yes", "--data-dir", dir.toString());
        assertEquals(1, run.exit(), run.toString());
        assertTrue(run.out().contains("refusing to prune: consumer lost"), run.toString());
        assertEquals(files, cycleFiles());
    }

    @Test
    void shouldSayFilesWereDeletedByHandRatherThanReadAnEmptyJournal() throws Exception
    {
        Files.delete(cycleFiles().get(0));
        final ToolRun verify = ToolRun.of("verify", "--data-dir", dir.toString());
        assertEquals(1, verify.exit(), verify.toString());
        assertTrue(verify.out().contains("which was deleted"), verify.toString());
        final JournalCorruptedException refused = assertThrows(
            JournalCorruptedException.class, () -> JournalReader.open(new JournalReader.Context().config(config)));
        assertTrue(refused.getMessage().contains("running prune"), refused.getMessage());

        final ToolRun prune = ToolRun.of("prune", "--yes", "--data-dir", dir.toString());
        assertEquals(0, prune.exit(), prune.toString());
        final ToolRun corrected = ToolRun.of("verify", "--data-dir", dir.toString());
        assertEquals(0, corrected.exit(), corrected.toString());
        assertTrue(corrected.out().contains(String.format("seq %,d..%,d", dayEnds[1] + 1, dayEnds[3])),
            corrected.toString());
    }

    @Test
    void shouldFailVerifyWhenNoSnapshotCoversTheSeqsBeforeAPrunedStart() throws Exception
    {
        final List<Path> files = cycleFiles();
        final ToolRun pruned = ToolRun.of("prune", "--yes", "--data-dir", dir.toString());
        assertEquals(0, pruned.exit(), pruned.toString());
        assertEquals(files.subList(2, DAYS), cycleFiles());
        final ToolRun covered = ToolRun.of("verify", "--data-dir", dir.toString());
        assertEquals(0, covered.exit(), "the snapshot covers the pruned seqs: " + covered);

        deleteSnapshots();
        final ToolRun uncovered = ToolRun.of("verify", "--data-dir", dir.toString());
        assertEquals(1, uncovered.exit(), uncovered.toString());
        assertTrue(uncovered.out().contains("PROBLEM     the journal starts at seq " + (dayEnds[1] + 1) +
            " and no snapshot covers the seqs before it: the engine cannot recover"), uncovered.toString());
        assertTrue(uncovered.out().contains("result      FAILED (1 problem)"), uncovered.toString());

        try (SingleChronicleQueue queue = Queues.open(config.journalDir(), config, true))
        {
            final JournalCorruptedException refused = assertThrows(JournalCorruptedException.class,
                () -> JournalRecovery.replay(queue, new InventoryState(new EngineConfig()), 0, -1, null));
            assertTrue(refused.getMessage().contains("sequence gap: expected 1") &&
                refused.getMessage().contains("no usable snapshot covers the seqs before it: its oldest files were " +
                "pruned or deleted"), "what verify said is what recovery does: " + refused.getMessage());
        }
    }

    @Test
    void shouldTraceAnOrderWhoseReservationWasPrunedFromItsLaterEvents() throws Exception
    {
        final ToolRun pruned = ToolRun.of("prune", "--yes", "--data-dir", dir.toString());
        assertEquals(0, pruned.exit(), pruned.toString());
        final long firstKept = dayEnds[1] + 1;

        final ToolRun order = ToolRun.of("trace", "--order", ORDER, "--data-dir", dir.toString());
        assertEquals(0, order.exit(), order.toString());
        assertTrue(order.types().containsAll(List.of("line_shipped", "line_returned", "order_status", "key_bound")),
            order.toString());
        assertFalse(order.types().contains("order_reserved"), "the reservation was pruned: " + order);
        for (final String line : order.lines())
        {
            if (line.contains("\"type\":\"line_"))
            {
                assertTrue(line.contains("\"line_sku\":\"" + SKU + "\",\"line_location\":\"WH1\""),
                    "the line's SKU comes from the snapshot's order book: " + line);
            }
        }
        assertTrue(order.out().contains("\"key\":\"k-return-p\""), order.toString());
        assertTrue(order.err().contains("the journal starts at seq " + firstKept), order.toString());

        final ToolRun sku = ToolRun.of("trace", "--sku", SKU, "--data-dir", dir.toString());
        assertEquals(0, sku.exit(), sku.toString());
        assertTrue(sku.types().containsAll(List.of("line_shipped", "line_returned")), sku.toString());
        assertTrue(sku.out().contains("\"order_id\":\"" + ORDER + "\""), sku.toString());
        assertTrue(sku.seqs().get(0) >= firstKept, sku.toString());
        assertTrue(sku.err().contains("the journal starts at seq " + firstKept), sku.toString());

        deleteSnapshots();
        final ToolRun unknownLines = ToolRun.of("trace", "--order", ORDER, "--data-dir", dir.toString());
        assertEquals(0, unknownLines.exit(), unknownLines.toString());
        assertTrue(unknownLines.types().containsAll(List.of("line_shipped", "line_returned")),
            unknownLines.toString());
        assertFalse(unknownLines.out().contains("line_sku"), "no snapshot: the lines' SKUs are unknown: " +
            unknownLines);
    }

    private void deleteSnapshots() throws Exception
    {
        try (Stream<Path> snapshots = Files.list(config.snapshotDir()))
        {
            for (final Path snapshot : snapshots.toList())
            {
                Files.delete(snapshot);
            }
        }
    }
}
