package io.stockengine.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.stockengine.engine.Command;
import io.stockengine.engine.CommandType;
import io.stockengine.engine.EngineConfig;
import io.stockengine.engine.EventSink;
import io.stockengine.engine.InventoryState;
import io.stockengine.engine.NoOpEventSink;
import io.stockengine.engine.PipelineConfig;
import io.stockengine.engine.StockEngine;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

@Timeout(120)
class JournalRecoveryTest
{
    @TempDir
    Path dir;

    private final List<String> log = new CopyOnWriteArrayList<>();

    private JournalConfig config(final boolean snapshots)
    {
        return new JournalConfig().dataDir(dir).snapshots(snapshots).rollCycle("FAST_DAILY");
    }

    private JournaledEngine open(final boolean snapshots, final long[] clock)
    {
        return open(snapshots, clock, false);
    }

    private JournaledEngine open(final boolean snapshots, final long[] clock, final boolean journalOnLogicThread)
    {
        return JournaledEngine.open(config(snapshots), new EngineConfig(),
            new PipelineConfig().ringSize(1024).tickIntervalMillis(0).clock(() -> clock[0])
                .journalOnLogicThread(journalOnLogicThread), log::add);
    }

    /** Runs commands {@code from..to} of the workload through the pipeline, waiting for every answer. */
    private static void run(final JournaledEngine engine, final Workload workload, final long from, final long to,
        final long[] clock) throws Exception
    {
        for (long i = from; i <= to; i++)
        {
            final long n = i;
            clock[0] = Workload.time(n);
            engine.pipeline().submit(c -> workload.fill(n, c)).get(10, TimeUnit.SECONDS);
        }
    }

    /** The state that executing commands 1..to directly, with no journal, produces. */
    private static long expectedHash(final Workload workload, final long to)
    {
        final StockEngine engine = new StockEngine(new EngineConfig(), NoOpEventSink.INSTANCE);
        final Command c = new Command();
        // As the journaled engine starts on a new journal: by journaling the retention it runs with.
        c.reset();
        c.type = CommandType.TICK;
        c.flag = true;
        engine.process(c);
        for (long i = 1; i <= to; i++)
        {
            c.reset();
            workload.fill(i, c);
            engine.process(c);
        }
        return engine.stateHash();
    }

    private static long hashOf(final JournaledEngine engine)
    {
        return engine.pipeline().engine().stateHash();
    }

    /**
     * Written with the journal on a thread of its own and recovered into an engine that journals on its logic thread,
     * and the other way round: where the appends happen changes nothing in the journal.
     */
    @ParameterizedTest
    @ValueSource(booleans = { false, true })
    void shouldRecoverTheSameStateFromTheJournal(final boolean journalOnLogicThread) throws Exception
    {
        final Workload workload = new Workload(11);
        final long[] clock = { 0 };
        final long before;
        try (JournaledEngine engine = open(false, clock, journalOnLogicThread))
        {
            run(engine, workload, 1, 3_000, clock);
            engine.pipeline().close();
            before = hashOf(engine);
        }
        assertEquals(expectedHash(workload, 3_000), before, "journaling must not change what the logic does");
        try (JournaledEngine engine = open(false, clock, !journalOnLogicThread))
        {
            assertEquals(before, engine.pipeline().engine().stateHash());
            assertTrue(engine.recovery().eventsReplayed > 3_000, engine.recovery().toString());
            run(engine, workload, 3_001, 4_000, clock);
            engine.pipeline().close();
            assertEquals(expectedHash(workload, 4_000), hashOf(engine));
        }
    }

    /**
     * A snapshot copied from another data directory whose journal has the same shape (the same commands a millisecond
     * apart: the same seqs at the same excerpts) was once taken for this journal's state, and the engine served the
     * other directory's stock. The snapshot records its excerpt's fingerprint: recovery refuses it, and verify says
     * where it comes from.
     */
    @Test
    void shouldRefuseASnapshotTakenFromAnotherJournal() throws Exception
    {
        final Workload workload = new Workload(11);
        final JournalConfig theirs = new JournalConfig().dataDir(dir.resolve("theirs")).rollCycle("FAST_DAILY");
        final JournalConfig ours = new JournalConfig().dataDir(dir.resolve("ours")).rollCycle("FAST_DAILY");
        for (final JournalConfig config : List.of(theirs, ours))
        {
            final long offset = config == theirs ? 0 : 1;
            final long[] clock = { 0 };
            try (JournaledEngine engine = JournaledEngine.open(config, new EngineConfig(),
                new PipelineConfig().ringSize(1024).tickIntervalMillis(0).clock(() -> clock[0]), log::add))
            {
                for (long n = 1; n <= 300; n++)
                {
                    final long i = n;
                    clock[0] = Workload.time(i) + offset;
                    engine.pipeline().submit(c ->
                    {
                        workload.fill(i, c);
                        c.timestamp += offset;
                    }).get(10, TimeUnit.SECONDS);
                }
            }
        }
        try (var files = Files.list(theirs.snapshotDir()))
        {
            for (final Path snapshot : files.toList())
            {
                Files.copy(snapshot, ours.snapshotDir().resolve(snapshot.getFileName()),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        final ToolRun verify = ToolRun.of("verify", "--data-dir", ours.dataDir().toString());
        assertEquals(1, verify.exit(), verify.out() + verify.err());
        assertTrue((verify.out() + verify.err()).contains("it comes from another journal"), verify.out());
        final JournalCorruptedException refused = assertThrows(JournalCorruptedException.class,
            () -> JournaledEngine.open(ours, new EngineConfig(), new PipelineConfig().ringSize(1024)
                .tickIntervalMillis(0), log::add).close());
        assertTrue(refused.getMessage().contains("of another journal"), refused.getMessage());
    }

    @Test
    void shouldRecoverFromASnapshotAndTheJournalAfterIt() throws Exception
    {
        final Workload workload = new Workload(12);
        final long[] clock = { 0 };
        try (JournaledEngine engine = open(true, clock))
        {
            run(engine, workload, 1, 2_000, clock);
        }
        assertEquals(1, new SnapshotStore(config(true).snapshotDir(), 2).list().size(), "a clean stop snapshots");
        try (JournaledEngine engine = open(false, clock))
        {
            assertEquals(0, engine.recovery().eventsReplayed, "everything was in the snapshot");
            assertEquals(expectedHash(workload, 2_000), hashOf(engine));
            run(engine, workload, 2_001, 2_500, clock);
        }
        try (JournaledEngine engine = open(false, clock))
        {
            assertTrue(engine.recovery().eventsReplayed > 0, "the journal after the snapshot is replayed");
            assertEquals(expectedHash(workload, 2_500), hashOf(engine));
        }
        // A newest snapshot cut short (a disk that lost its end) falls back to the one before, saying why.
        try (JournaledEngine engine = open(true, clock))
        {
            run(engine, workload, 2_501, 2_600, clock);
        }
        final List<java.nio.file.Path> kept = new SnapshotStore(config(true).snapshotDir(), 2).list();
        assertTrue(kept.size() >= 2, kept.toString());
        try (java.nio.channels.FileChannel newest = java.nio.channels.FileChannel.open(kept.get(0),
            java.nio.file.StandardOpenOption.WRITE))
        {
            newest.truncate(1_000);
        }
        log.clear();
        try (JournaledEngine engine = open(true, clock))
        {
            assertEquals(expectedHash(workload, 2_600), hashOf(engine));
            assertTrue(log.stream().anyMatch(l -> l.startsWith("snapshot " + kept.get(0) + " is unusable (cut short: " +
                "the file ends before the snapshot does (1000 bytes)); set aside as " + kept.get(0).getFileName() +
                ".unusable") && l.endsWith("; trying an older one")), log.toString());
        }
        // Set aside, it is neither loaded again nor counted among the kept snapshots (the stop just now wrote a
        // good one at the same seq, under its name).
        final java.nio.file.Path aside = kept.get(0).resolveSibling(kept.get(0).getFileName() + ".unusable");
        assertEquals(1_000, java.nio.file.Files.size(aside));
        assertTrue(java.nio.file.Files.size(kept.get(0)) > 1_000, "a whole snapshot took its name");
        // A writer killed mid-snapshot leaves its temporary file: never loaded, and deleted at the next start.
        final java.nio.file.Path unfinished = config(true).snapshotDir().resolve("snapshot-00000000000000099999.bin.tmp");
        java.nio.file.Files.write(unfinished, new byte[] { 1, 2, 3 });
        try (JournaledEngine engine = open(true, clock))
        {
            assertEquals(expectedHash(workload, 2_600), hashOf(engine));
            assertFalse(java.nio.file.Files.exists(unfinished), "the unfinished snapshot is gone");
        }
    }

    /**
     * A stop whose newest snapshot already holds the final state (a start and a stop with no command between) writes
     * no other: at ten million balances a snapshot takes seconds, and it would be the same state.
     */
    @Test
    void shouldNotWriteTheSameSnapshotAgainAtAStopWithNothingNew() throws Exception
    {
        final Workload workload = new Workload(13);
        final long[] clock = { 0 };
        try (JournaledEngine engine = open(true, clock))
        {
            run(engine, workload, 1, 500, clock);
        }
        final SnapshotStore store = new SnapshotStore(config(true).snapshotDir(), 5);
        final List<java.nio.file.Path> first = store.list();
        assertEquals(1, first.size(), first.toString());
        final java.nio.file.attribute.FileTime written = java.nio.file.Files.getLastModifiedTime(first.get(0));
        log.clear();
        final long seq;
        try (JournaledEngine engine = open(true, clock))
        {
            seq = engine.journal().lastSeq();
        }
        assertTrue(log.contains(String.format("snapshot at seq %,d asked for: %s already holds it, none written", seq,
            first.get(0))), log.toString());
        assertEquals(first, store.list(), "no other snapshot");
        assertEquals(written, java.nio.file.Files.getLastModifiedTime(first.get(0)), "nor the same one rewritten");
        // One command more, and the stop writes one again.
        try (JournaledEngine engine = open(true, clock))
        {
            run(engine, workload, 501, 501, clock);
        }
        assertEquals(2, store.list().size(), store.list().toString());
        try (JournaledEngine engine = open(false, clock))
        {
            assertEquals(0, engine.recovery().eventsReplayed, "everything was in the newest snapshot");
            assertEquals(expectedHash(workload, 501), hashOf(engine));
        }
    }

    /**
     * A crash leaves no record of a clean stop: the tests that tear the tail of a journal they closed stand for one
     * (a tail damaged after a clean stop is refused: {@link #shouldRefuseToVoidADamagedTailAfterACleanStop}).
     */
    private void asAfterACrash() throws IOException
    {
        assertTrue(java.nio.file.Files.deleteIfExists(config(false).dataDir().resolve(CleanStop.FILE)),
            "a clean close records the clean stop");
    }

    /**
     * After a clean stop every excerpt was whole: a last excerpt unreadable at the next start was damaged since, and
     * its events were acknowledged, so the engine refuses to void it as a crash's torn write (a tester, with
     * snapshots off: an acknowledged receipt was voided and its seqs given to the next command). Deleting the record
     * of the clean stop is the operator's way to give the events up.
     */
    @Test
    void shouldRefuseToVoidADamagedTailAfterACleanStop() throws Exception
    {
        final Workload workload = new Workload(21);
        final long[] clock = { 0 };
        final java.nio.file.Path record = config(false).dataDir().resolve(CleanStop.FILE);
        final long lastSeq;
        try (JournaledEngine engine = open(false, clock))
        {
            run(engine, workload, 1, 500, clock);
            lastSeq = engine.journal().lastSeq();
        }
        assertEquals("seq " + lastSeq + "\n", java.nio.file.Files.readString(record));
        try (JournaledEngine engine = open(false, clock))
        {
            assertFalse(java.nio.file.Files.exists(record), "a start that recovered deletes the record first");
            run(engine, workload, 501, 1_000, clock);
        }
        final long stoppedAt = CleanStop.read(config(false).dataDir(), line -> { });
        assertTrue(stoppedAt > lastSeq, "the second clean stop is recorded: " + stoppedAt);
        final List<long[]> excerpts = excerptPositions();
        final long[] last = excerpts.get(excerpts.size() - 1);
        scribble(last[0] + last[1] - 6, 6);

        final JournalCorruptedException refused = assertThrows(JournalCorruptedException.class,
            () -> open(false, clock).close());
        assertTrue(refused.getMessage().contains(String.format("but the engine stopped cleanly at seq %,d (%s)",
            stoppedAt, record)), refused.getMessage());
        assertTrue(refused.getMessage().contains("delete " + record + " and start again"), refused.getMessage());
        assertEquals(excerpts.size(), excerptPositions().size(), "nothing was voided or appended");
        assertTrue(java.nio.file.Files.exists(record), "the record stays until the operator decides");

        java.nio.file.Files.delete(record);
        try (JournaledEngine engine = open(false, clock))
        {
            assertTrue(engine.recovery().tornTail(), engine.recovery().toString());
            assertTrue(engine.recovery().lastSeq < stoppedAt);
        }
    }

    /**
     * A journal that ends early without a torn tail (its newest file lost, or restored from a copy older than the
     * stop) is refused too when a clean stop or a consumer says events past its end were acknowledged: starting would
     * hand their seqs to new events (a reviewer).
     */
    @Test
    void shouldRefuseAJournalThatEndsBeforeWhatWasAcknowledged() throws Exception
    {
        final Workload workload = new Workload(22);
        final long[] clock = { 0 };
        final long lastSeq;
        try (JournaledEngine engine = open(false, clock))
        {
            run(engine, workload, 1, 300, clock);
            lastSeq = engine.journal().lastSeq();
        }
        final java.nio.file.Path record = config(false).dataDir().resolve(CleanStop.FILE);
        // As if the stop had come 10 seqs later and the journal's last excerpts were lost with a newest file.
        java.nio.file.Files.writeString(record, "seq " + (lastSeq + 10) + "\n");
        final JournalCorruptedException stopped = assertThrows(JournalCorruptedException.class,
            () -> open(false, clock).close());
        assertTrue(stopped.getMessage().contains(String.format("the journal ends at seq %,d, but the engine stopped " +
            "cleanly at seq %,d", lastSeq, lastSeq + 10)) && stopped.getMessage().contains("journal files are " +
            "missing"), stopped.getMessage());
        final ToolRun verify = ToolRun.of("verify", "--data-dir", config(false).dataDir().toString());
        assertEquals(1, verify.exit(), verify.toString());
        assertTrue(verify.out().contains(String.format("the journal ends at seq %,d, but the engine stopped cleanly " +
            "at seq %,d", lastSeq, lastSeq + 10)), verify.toString());

        java.nio.file.Files.delete(record);
        final List<long[]> excerpts = excerptPositions();
        FilePositionStore.of(config(false), "ledger").store(new ReaderPosition(lastSeq + 3,
            excerpts.get(excerpts.size() - 1)[2] + 1));
        final JournalCorruptedException read = assertThrows(JournalCorruptedException.class,
            () -> open(false, clock).close());
        assertTrue(read.getMessage().contains(String.format("the journal ends at seq %,d, but consumer ledger has " +
            "taken events up to seq %,d", lastSeq, lastSeq + 3)), read.getMessage());
        assertEquals(excerpts.size(), excerptPositions().size(), "nothing was appended");

        java.nio.file.Files.delete(FilePositionStore.of(config(false), "ledger").file());
        try (JournaledEngine engine = open(false, clock))
        {
            assertEquals(lastSeq, engine.recovery().lastSeq);
        }
    }

    /** Only a damaged snapshot is set aside: one in a format a newer build wrote may load again after an upgrade. */
    @Test
    void shouldLeaveASnapshotOfAnotherFormatInPlace() throws Exception
    {
        final long[] clock = { 0 };
        try (JournaledEngine engine = open(true, clock))
        {
            run(engine, new Workload(23), 1, 200, clock);
        }
        final java.nio.file.Path newer = config(true).snapshotDir().resolve("snapshot-00000000000099999999.bin");
        final java.nio.ByteBuffer header = java.nio.ByteBuffer.allocate(12).putLong(SnapshotStore.MAGIC).putInt(99);
        java.nio.file.Files.write(newer, header.array());
        log.clear();
        try (JournaledEngine engine = open(true, clock))
        {
            assertTrue(log.stream().anyMatch(l -> l.equals("snapshot " + newer + " is unusable (snapshot format 99, " +
                "this engine reads 2 and 1); trying an older one")), log.toString());
        }
        assertTrue(java.nio.file.Files.exists(newer), "left where it was");
    }

    /** File offsets of every excerpt's bytes, in order. */
    private List<long[]> excerptPositions()
    {
        final List<long[]> positions = new ArrayList<>();
        try (SingleChronicleQueue queue = Queues.open(config(false).journalDir(), config(false), true);
             ExcerptTailer tailer = queue.createTailer())
        {
            while (true)
            {
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (!dc.isPresent())
                    {
                        break;
                    }
                    positions.add(new long[] { dc.wire().bytes().readPosition(), dc.wire().bytes().readRemaining(),
                        dc.index() });
                }
            }
        }
        return positions;
    }

    private Path journalFile() throws IOException
    {
        try (Stream<Path> files = Files.list(config(false).journalDir()))
        {
            return files.filter(p -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
    }

    /** Zeroes bytes of the journal file, as a page or sector that never reached the disk reads. */
    private void zero(final long position, final int length) throws IOException
    {
        try (RandomAccessFile file = new RandomAccessFile(journalFile().toFile(), "rw"))
        {
            file.seek(position);
            file.write(new byte[length]);
        }
    }

    private void scribble(final long position, final int length) throws IOException
    {
        try (RandomAccessFile file = new RandomAccessFile(journalFile().toFile(), "rw"))
        {
            file.seek(position);
            final byte[] garbage = new byte[length];
            for (int i = 0; i < length; i++)
            {
                garbage[i] = (byte)(0x5A ^ i);
            }
            file.write(garbage);
        }
    }

    @Test
    void shouldStopAtATornTailReportItAndCarryOnAfterIt() throws Exception
    {
        final Workload workload = new Workload(13);
        final long[] clock = { 0 };
        try (JournaledEngine engine = open(false, clock))
        {
            run(engine, workload, 1, 1_000, clock);
        }
        asAfterACrash();
        final List<long[]> excerpts = excerptPositions();
        final long[] last = excerpts.get(excerpts.size() - 1);
        scribble(last[0] + last[1] - 6, 6);

        final long seqBefore;
        try (JournaledEngine engine = open(false, clock))
        {
            final JournalRecovery.Outcome outcome = engine.recovery();
            assertTrue(outcome.tornTail(), outcome.toString());
            assertTrue(log.stream().anyMatch(line -> line.contains("unreadable excerpt")), String.join("\n", log));
            assertEquals(1, log.stream().filter(line -> line.startsWith("recovery: the last stop was not a clean " +
                "one")).count(), String.join("\n", log));
            seqBefore = outcome.lastSeq;
            final long lastCommand = engine.pipeline().engine().state().lastCorrelationId();
            assertEquals(expectedHash(workload, lastCommand), hashOf(engine),
                "the state is exactly the commands before the torn excerpt");
            run(engine, workload, lastCommand + 1, 1_500, clock);
        }
        try (JournaledEngine engine = open(false, clock))
        {
            assertTrue(!engine.recovery().tornTail(), "the repair marker voids the torn excerpt for good");
            assertEquals(1, log.stream().filter(line -> line.startsWith("recovery: the last stop was not a clean " +
                "one")).count(), "a clean stop is not reported as another: " + String.join("\n", log));
            assertTrue(engine.recovery().lastSeq > seqBefore);
            assertEquals(expectedHash(workload, 1_500), hashOf(engine));
        }
    }

    /**
     * A torn tail that a registered consumer has read was committed and handed out, and damaged later: voiding it as
     * never acknowledged would leave the consumer's books with events the journal lost (an operator's drill).
     */
    @Test
    void shouldRefuseToVoidATornTailAConsumerHasRead() throws Exception
    {
        final Workload workload = new Workload(15);
        final long[] clock = { 0 };
        final long lastSeq;
        try (JournaledEngine engine = open(false, clock))
        {
            run(engine, workload, 1, 1_000, clock);
            lastSeq = engine.journal().lastSeq();
        }
        asAfterACrash();
        final List<long[]> excerpts = excerptPositions();
        final long[] last = excerpts.get(excerpts.size() - 1);
        scribble(last[0] + last[1] - 6, 6);
        FilePositionStore.of(config(false), "ledger").store(new ReaderPosition(lastSeq, last[2]));

        final JournalCorruptedException refused = assertThrows(JournalCorruptedException.class,
            () -> open(false, clock).close());
        assertTrue(refused.getMessage().contains("but consumer ledger has taken events up to seq " +
            String.format("%,d", lastSeq)), refused.getMessage());
        final List<long[]> after = excerptPositions();
        assertEquals(excerpts.size(), after.size(), "nothing was voided or appended");

        // Once the consumer's store is rebuilt and its position removed, the torn tail is voided as before.
        java.nio.file.Files.delete(FilePositionStore.of(config(false), "ledger").file());
        try (JournaledEngine engine = open(false, clock))
        {
            assertTrue(engine.recovery().tornTail(), engine.recovery().toString());
        }
    }

    /**
     * A disk full when Chronicle made the next cycle's file leaves it without its first header, all zeros: it holds
     * nothing, but every reader waited for the header (a restart took a minute). The engine deletes it and starts
     * at once; Chronicle makes it again at the next append.
     */
    @Test
    void shouldDeleteANewestJournalFileWhoseHeaderWasNeverWritten() throws Exception
    {
        final Workload workload = new Workload(16);
        final long[] clock = { 0 };
        try (JournaledEngine engine = open(false, clock))
        {
            run(engine, workload, 1, 500, clock);
        }
        final java.nio.file.Path journal = config(false).journalDir();
        final String newestName;
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(journal))
        {
            newestName = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".cq4")).max(String::compareTo)
                .orElseThrow();
        }
        // The next day's file of this roll cycle (FAST_DAILY: yyyyMMdd'F'), made and never written.
        final java.time.LocalDate day = java.time.LocalDate.parse(newestName.substring(0, 8),
            java.time.format.DateTimeFormatter.BASIC_ISO_DATE);
        final java.nio.file.Path unwritten = journal.resolve(day.plusDays(1).format(
            java.time.format.DateTimeFormatter.BASIC_ISO_DATE) + newestName.substring(8));
        try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(unwritten.toFile(), "rw"))
        {
            // Sparse, as Chronicle sizes a new file: one 64 MiB chunk plus its 16 MiB overlap.
            file.setLength((64L + 16L) << 20);
        }
        log.clear();
        final long start = System.nanoTime();
        try (JournaledEngine engine = open(false, clock))
        {
            final long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            assertTrue(seconds < 8, "a start that waits for no header: " + seconds + " s");
            assertTrue(log.stream().anyMatch(l -> l.startsWith("recovery: deleted " + unwritten)), log.toString());
            assertEquals(expectedHash(workload, 500), hashOf(engine));
            run(engine, workload, 501, 600, clock);
        }
        try (JournaledEngine engine = open(false, clock))
        {
            assertEquals(expectedHash(workload, 600), hashOf(engine));
        }
    }

    /**
     * A newest journal file whose first header is damaged (its first page zeroed, or four bytes of its header word
     * changed) holds events: the engine used to delete the zeroed one as never written, and Chronicle set the other
     * aside and started the cycle afresh; either way the engine started empty (a tester). Now it refuses, and the
     * file stays as it was.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"first page zeroed", "header word changed"})
    void shouldRefuseToStartOnAJournalFileWhoseFirstHeaderIsDamaged(final String damage) throws Exception
    {
        final Workload workload = new Workload(17);
        final long[] clock = { 0 };
        try (JournaledEngine engine = open(false, clock))
        {
            run(engine, workload, 1, 500, clock);
        }
        final java.nio.file.Path newest;
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(config(false).journalDir()))
        {
            newest = files.filter(f -> f.getFileName().toString().endsWith(".cq4")).max(java.util.Comparator.naturalOrder())
                .orElseThrow();
        }
        final long size = java.nio.file.Files.size(newest);
        try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(newest.toFile(), "rw"))
        {
            if (damage.equals("first page zeroed"))
            {
                file.write(new byte[4096]);
            }
            else
            {
                file.write(new byte[] { 0x3b, (byte)0xbd, (byte)0x83, (byte)0xaa });
            }
        }
        final JournalCorruptedException refused = assertThrows(JournalCorruptedException.class,
            () -> open(false, clock).close());
        assertTrue(refused.getMessage().contains(newest.getFileName() + (damage.equals("first page zeroed") ?
            " (its first page is zeros, with data after it)" : " (header word 0xaa83bd3b)")), refused.getMessage());
        assertTrue(refused.getMessage().contains("the first header is damaged"), refused.getMessage());
        assertEquals(size, java.nio.file.Files.size(newest), "the file is left as it was");
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(config(false).journalDir()))
        {
            assertEquals(0, files.filter(f -> f.getFileName().toString().endsWith(".discard")).count(),
                "nothing set aside");
        }
        // Older than a file a live engine could be making right now.
        java.nio.file.Files.setLastModifiedTime(newest, java.nio.file.attribute.FileTime.fromMillis(
            System.currentTimeMillis() - 60_000));
        assertThrows(JournalCorruptedException.class,
            () -> new DataDirOption().open(config(false)).close(), "nor does a tool read it");
    }

    @Test
    void shouldRefuseToStartWhenTheMiddleOfTheJournalIsCorrupt() throws Exception
    {
        final Workload workload = new Workload(14);
        final long[] clock = { 0 };
        try (JournaledEngine engine = open(false, clock))
        {
            run(engine, workload, 1, 1_000, clock);
        }
        final List<long[]> excerpts = excerptPositions();
        final long[] middle = excerpts.get(excerpts.size() / 2);
        scribble(middle[0] + middle[1] / 2, 4);
        final JournalCorruptedException refused = assertThrows(JournalCorruptedException.class,
            () -> open(false, clock).close());
        assertNotNull(refused.getMessage());
        assertTrue(refused.getMessage().contains("corrupt in the middle"), refused.getMessage());
        assertTrue(refused.getMessage().contains(Long.toHexString(middle[2])), refused.getMessage());
    }

    /**
     * A page of zeroes in the middle (one that never reached the disk) reads as the journal's end: the replay must
     * not take what is after it for a torn tail and lose it. Before the check, 2/3 of the acknowledged commands
     * were dropped here and the engine opened for traffic.
     */
    @ParameterizedTest(name = "excerpts from the end: {0}")
    @ValueSource(ints = { 0, 6 })
    void shouldRefuseToStartWhenAPageInTheMiddleIsZeroed(final int fromEnd) throws Exception
    {
        final long[] clock = { 0 };
        try (JournaledEngine engine = open(false, clock))
        {
            run(engine, new Workload(17), 1, 1_000, clock);
        }
        final List<long[]> excerpts = excerptPositions();
        // A third of the way in, or the last page before the one holding the last excerpt (after the queue's last
        // index entry, where Chronicle finds the end by scanning): something readable must follow the hole.
        long[] hit = excerpts.get(excerpts.size() / 3);
        if (fromEnd > 0)
        {
            final long lastHeader = excerpts.get(excerpts.size() - 1)[0] - 4;
            int i = excerpts.size() - fromEnd;
            while (excerpts.get(i)[0] / 4096 * 4096 + 4096 > lastHeader)
            {
                i--;
            }
            hit = excerpts.get(i);
        }
        zero(hit[0] / 4096 * 4096, 4096);
        final JournalCorruptedException refused = assertThrows(JournalCorruptedException.class,
            () -> open(false, clock).close());
        assertTrue(refused.getMessage().contains("corrupt in the middle"), refused.getMessage());
        assertTrue(refused.getMessage().contains(Long.toHexString(excerpts.get(excerpts.size() - 1)[2])),
            "names the last excerpt the queue holds: " + refused.getMessage());
    }

    /**
     * The header of the last excerpt read as zeroes (its page lost in a power cut under {@code process} durability).
     * Chronicle's appender then wrote four bytes further on, inside the lost excerpt, where no reader looked: before
     * the repair every event acknowledged after such a start was lost, silently, and the next start refused the
     * journal. With the header alone lost the excerpt is restored; with its bytes lost too, it is a torn tail.
     */
    @ParameterizedTest(name = "bytes zeroed: {0}")
    @ValueSource(strings = { "header", "half", "all" })
    void shouldAppendWhereReadersLookAfterTheLastHeaderWasZeroed(final String zeroed) throws Exception
    {
        final Workload workload = new Workload(19);
        final long[] clock = { 0 };
        try (JournaledEngine engine = open(false, clock))
        {
            run(engine, workload, 1, 1_000, clock);
        }
        asAfterACrash();
        final List<long[]> excerpts = excerptPositions();
        final long[] last = excerpts.get(excerpts.size() - 1);
        final int length = "header".equals(zeroed) ? 4 : 4 + (int)("half".equals(zeroed) ? last[1] / 2 : last[1]);
        zero(last[0] - 4, length);

        final long resumedAfter;
        try (JournaledEngine engine = open(false, clock))
        {
            final String warning = log.stream().filter(line -> line.contains("header of the last excerpt"))
                .findFirst().orElseThrow(() -> new AssertionError("no warning: " + String.join("\n", log)));
            resumedAfter = engine.pipeline().engine().state().lastCorrelationId();
            if ("header".equals(zeroed))
            {
                assertTrue(warning.contains("only the header was lost"), warning);
                assertTrue(!engine.recovery().tornTail(), engine.recovery().toString());
                assertEquals(1_000, resumedAfter, "every command is back");
            }
            else
            {
                assertTrue(warning.contains("the excerpt is lost"), warning);
                assertTrue(engine.recovery().tornTail(), engine.recovery().toString());
                assertTrue(resumedAfter < 1_000, "the lost excerpt's commands are not applied");
            }
            assertEquals(expectedHash(workload, resumedAfter), hashOf(engine));
            run(engine, workload, resumedAfter + 1, 1_200, clock);
        }
        assertTrue(excerptPositions().size() > excerpts.size(), "a tailer reads what was appended after the start");
        try (JournaledEngine engine = open(false, clock))
        {
            assertTrue(!engine.recovery().tornTail(), engine.recovery().toString());
            assertEquals(expectedHash(workload, 1_200), hashOf(engine), "nothing acknowledged after the start is lost");
        }
    }

    /**
     * A clean stop snapshots at the last excerpt: if that excerpt's header and records are then lost, its events were
     * acknowledged and are in the snapshot but gone from the journal. Refused, and the file is left as it was found.
     */
    @Test
    void shouldRefuseALostLastExcerptThatASnapshotCoversAndLeaveTheFileAlone() throws Exception
    {
        final long[] clock = { 0 };
        try (JournaledEngine engine = open(true, clock))
        {
            run(engine, new Workload(23), 1, 500, clock);
        }
        final List<long[]> excerpts = excerptPositions();
        final long[] last = excerpts.get(excerpts.size() - 1);
        zero(last[0] - 4, 4 + (int)last[1]);
        final JournalCorruptedException refused = assertThrows(JournalCorruptedException.class,
            () -> open(true, clock).close());
        assertTrue(refused.getMessage().contains("was taken at or after that excerpt"), refused.getMessage());
        assertTrue(refused.getMessage().contains(Long.toHexString(last[2])), refused.getMessage());
        try (RandomAccessFile file = new RandomAccessFile(journalFile().toFile(), "r"))
        {
            file.seek(last[0] - 4);
            assertEquals(0, file.readInt(), "the header is not written before the refusal");
        }
    }

    /**
     * A cycle file cut short outside the engine (truncated, copied in part) lost whatever it held past its new end.
     * Opened for writing, Chronicle would grow it back with zeros that look like pages a power cut lost, and the
     * recovery would act on them: refused before anything maps the file, which is left exactly as found.
     */
    @ParameterizedTest(name = "cut to {0}")
    @ValueSource(strings = { "the middle of an excerpt", "a page boundary" })
    void shouldRefuseAJournalFileCutShortAndLeaveItAlone(final String cut) throws Exception
    {
        final long[] clock = { 0 };
        try (JournaledEngine engine = open(true, clock))
        {
            run(engine, new Workload(29), 1, 500, clock);
        }
        final List<long[]> excerpts = excerptPositions();
        final long[] middle = excerpts.get(excerpts.size() / 2);
        final long length = cut.startsWith("a page") ? (middle[0] & ~4095L) : middle[0] + middle[1] / 2;
        assertCutRefusedAndLeftAlone(length, true, String.format("%,d bytes", length));
    }

    /** Cuts the journal file to {@code length}; the engine refuses it as cut short, naming {@code said}, unwritten. */
    private void assertCutRefusedAndLeftAlone(final long length, final boolean snapshots, final String said)
        throws IOException
    {
        try (RandomAccessFile file = new RandomAccessFile(journalFile().toFile(), "rw"))
        {
            file.setLength(length);
        }
        final byte[] before = Files.readAllBytes(journalFile());
        final long[] clock = { 0 };
        final JournalCorruptedException refused = assertThrows(JournalCorruptedException.class,
            () -> open(snapshots, clock).close());
        assertTrue(refused.getMessage().contains(said) && refused.getMessage().contains("cut short"),
            refused.getMessage());
        assertArrayEquals(before, Files.readAllBytes(journalFile()), "the file is left as it was found");
    }

    /**
     * Cut at a size Chronicle could have given the file (16 MiB + one 64 MiB chunk), the file still lost its end:
     * the replay would stop at the last excerpt it can read, take it for a crash's torn write and void it, and start
     * without every acknowledged event after it. The store's header says where the last excerpt was: refused.
     */
    @Test
    void shouldRefuseAJournalFileCutAtAChunkBoundaryBeforeItsLastExcerpt() throws Exception
    {
        final long cut = (64L << 20) + (16L << 20);
        final JournalConfig config = TestJournal.config(dir);
        TestJournal.run(config, session ->
        {
            for (int sku = 0; sku < 50; sku++)
            {
                final String name = "CUT-" + sku;
                session.submit(Workload.BASE_TIME, c ->
                {
                    c.type = io.stockengine.engine.CommandType.RECEIVE;
                    c.key = "r-" + name;
                    c.sku = name;
                    c.location = "WH1";
                    c.quantity = 1_000_000_000L;
                    c.amount = 1;
                });
            }
            // Orders of 50 lines fill the file past its first chunk in a few tens of thousands of commands.
            for (int order = 0; order < 45_000; order++)
            {
                final String id = "order-" + order + "-" + "x".repeat(40);
                session.submit(Workload.BASE_TIME, c ->
                {
                    c.type = io.stockengine.engine.CommandType.RESERVE;
                    c.orderId = id;
                    c.channel = "web";
                    for (int line = 0; line < 50; line++)
                    {
                        c.line("CUT-" + line, "WH1", 1);
                    }
                });
            }
        });
        assertTrue(Files.size(journalFile()) > cut, "the journal grew past its first chunk");
        assertCutRefusedAndLeftAlone(cut, false, "its last excerpt was at byte");
    }

    /** Two engines on one data directory would number their events over each other: the second is refused. */
    @Test
    void shouldRefuseASecondEngineOnTheSameDataDirectory() throws Exception
    {
        final long[] clock = { 0 };
        try (JournaledEngine engine = open(false, clock))
        {
            run(engine, new Workload(18), 1, 100, clock);
            final DataDirLock.DataDirInUseException refused = assertThrows(DataDirLock.DataDirInUseException.class,
                () -> open(false, clock).close());
            assertTrue(refused.getMessage().contains("is in use by another engine (pid " +
                ProcessHandle.current().pid()), refused.getMessage());
            run(engine, new Workload(18), 101, 200, clock);
        }
        try (JournaledEngine engine = open(false, clock))
        {
            assertEquals(expectedHash(new Workload(18), 200), hashOf(engine), "the first engine's journal is whole");
        }
    }

    /**
     * A journal directory where no file can be made is refused at the start, before replay: out of inodes, it said
     * ready and failed its first write. Here the probe's name is taken by a directory that cannot be deleted; the
     * inode case itself was checked by hand on a tmpfs mounted with nr_inodes (it adds that df -i shows them).
     */
    @Test
    void shouldRefuseAJournalDirectoryWhereNoFileCanBeMade() throws Exception
    {
        final long[] clock = { 0 };
        try (JournaledEngine engine = open(false, clock))
        {
            run(engine, new Workload(19), 1, 50, clock);
        }
        final Path probe = Files.createDirectories(config(false).journalDir().resolve(".write-probe"));
        Files.writeString(probe.resolve("kept"), "x");
        log.clear();
        final java.io.UncheckedIOException refused = assertThrows(java.io.UncheckedIOException.class,
            () -> open(false, clock).close());
        assertTrue(refused.getMessage().startsWith("cannot make a file in " + config(false).journalDir() + " ("),
            refused.getMessage());
        assertTrue(log.stream().noneMatch(line -> line.contains("replayed")), String.join("\n", log));
        Files.delete(probe.resolve("kept"));
        Files.delete(probe);
        try (JournaledEngine engine = open(false, clock))
        {
            assertEquals(expectedHash(new Workload(19), 50), hashOf(engine));
        }
    }

    @Test
    void shouldReadTheSameStateIntoAFreshFoldAsTheLiveEngineHas() throws Exception
    {
        final Workload workload = new Workload(15);
        final long[] clock = { 0 };
        final long live;
        try (JournaledEngine engine = open(false, clock))
        {
            run(engine, workload, 1, 2_000, clock);
            engine.pipeline().close();
            live = hashOf(engine);
        }
        // Into the engine's state the replay reads ahead over each excerpt, with the excerpts read and checked on a
        // second thread; into any other sink it does neither. Both must fold to the live state.
        final InventoryState replayed = new InventoryState(new EngineConfig());
        final InventoryState plain = new InventoryState(new EngineConfig());
        try (SingleChronicleQueue queue = Queues.open(config(false).journalDir(), config(false), true))
        {
            final JournalRecovery.Outcome outcome = JournalRecovery.replay(queue, replayed, 0, -1, null);
            assertTrue(outcome.eventsReplayed > 0);
            final JournalRecovery.Outcome again = JournalRecovery.replay(queue, (EventSink)plain, 0, -1, null);
            assertEquals(outcome.eventsReplayed, again.eventsReplayed);
        }
        assertEquals(live, replayed.stateHash());
        assertEquals(live, plain.stateHash());
    }

    /**
     * Recovery from a snapshot positions the journal on the reader thread; what it finds wrong there must reach the
     * caller as the refusal it is, not end the replay early as if the journal were short.
     */
    @Test
    void shouldRefuseASnapshotPositionTheJournalDoesNotHave() throws Exception
    {
        final long[] clock = { 0 };
        try (JournaledEngine engine = open(false, clock))
        {
            run(engine, new Workload(16), 1, 500, clock);
        }
        final List<long[]> excerpts = excerptPositions();
        final long first = excerpts.get(0)[2];
        final long last = excerpts.get(excerpts.size() - 1)[2];
        try (SingleChronicleQueue queue = Queues.open(config(false).journalDir(), config(false), true))
        {
            final JournalCorruptedException missing = assertThrows(JournalCorruptedException.class,
                () -> JournalRecovery.replay(queue, new InventoryState(new EngineConfig()), 10, last + 1_000, null));
            assertTrue(missing.getMessage().contains("which the journal does not have"), missing.getMessage());

            final JournalCorruptedException disagrees = assertThrows(JournalCorruptedException.class,
                () -> JournalRecovery.replay(queue, new InventoryState(new EngineConfig()), 999_999, first, null));
            assertTrue(disagrees.getMessage().contains("the journal disagrees"), disagrees.getMessage());
        }
    }
}
