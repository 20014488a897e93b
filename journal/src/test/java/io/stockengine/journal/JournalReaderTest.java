package io.stockengine.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.stockengine.engine.EngineConfig;
import io.stockengine.engine.InventoryState;
import io.stockengine.engine.PipelineConfig;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

@Timeout(60)
class JournalReaderTest
{
    @TempDir
    Path dir;

    private JournalConfig config;
    private Workload workload;
    private long lastSeq;

    /** Collects seqs and checks they come gap-free. */
    private static final class Seqs extends AbstractEventSink
    {
        final List<Long> seqs = new ArrayList<>();

        @Override
        protected void onEvent(final int type, final long seq)
        {
            assertTrue(seqs.isEmpty() || seq == last() + 1, () -> "gap-free: " + last() + " then " + seq);
            seqs.add(seq);
        }

        long first()
        {
            return seqs.get(0);
        }

        long last()
        {
            return seqs.get(seqs.size() - 1);
        }
    }

    @BeforeEach
    void writeJournal() throws Exception
    {
        config = TestJournal.config(dir);
        workload = new Workload(31);
        lastSeq = TestJournal.runWorkload(config, workload, 1, 1_000);
    }

    private JournalReader.Context context()
    {
        return new JournalReader.Context().config(config);
    }

    @Test
    void shouldDeliverTheWholeJournalInOrderFromTheBeginning()
    {
        final Seqs seqs = new Seqs();
        try (JournalReader reader = JournalReader.open(context()))
        {
            assertEquals(lastSeq, reader.catchUp(seqs));
            assertEquals(0, reader.poll(seqs, 100), "nothing more for now");
            assertEquals(end(), reader.position());
        }
        assertEquals(1, seqs.first());
        assertEquals(lastSeq, seqs.last());
    }

    private ReaderPosition end()
    {
        try (SingleChronicleQueue queue = Queues.open(config.journalDir(), config, true))
        {
            return JournalSeek.end(queue);
        }
    }

    @Test
    void shouldResumeAFileStoreConsumerRightAfterItsCommittedSeqInsideAnExcerpt()
    {
        final long committed;
        try (JournalReader reader = JournalReader.open(context().consumerName("search-index")))
        {
            final Seqs seqs = new Seqs();
            assertEquals(777, reader.poll(seqs, 777));
            reader.commit();
            committed = reader.position().seq();
            assertEquals(777, committed);
            reader.poll(seqs, 50);
        }
        final FilePositionStore store = FilePositionStore.of(config, "search-index");
        assertEquals(777, store.load().seq());
        assertFalse(Files.exists(config.consumerDir().resolve("search-index.position.tmp")), "the rename leaves no temp");
        try (JournalReader reader = JournalReader.open(context().consumerName("search-index")))
        {
            final Seqs seqs = new Seqs();
            reader.poll(seqs, 1);
            assertEquals(committed + 1, seqs.first(), "exactly the event after the committed one");
        }
    }

    @Test
    void shouldStartFromASeqOrFromTheEnd() throws Exception
    {
        try (JournalReader reader = JournalReader.open(context().startFromSeq(500)))
        {
            final Seqs seqs = new Seqs();
            reader.catchUp(seqs);
            assertEquals(500, seqs.first());
            assertEquals(lastSeq, seqs.last());
        }
        assertThrows(IllegalArgumentException.class, () -> JournalReader.open(context().startFromSeq(lastSeq + 2)));
        final Seqs fromEnd = new Seqs();
        final Seqs fromNext = new Seqs();
        try (JournalReader end = JournalReader.open(context().startFromEnd().consumerName("feed"));
             JournalReader next = JournalReader.open(context().startFromSeq(lastSeq + 1)))
        {
            assertEquals(0, end.poll(fromEnd, 100));
            assertEquals(lastSeq, end.position().seq());
            final long newLast = TestJournal.runWorkload(config, workload, 1_001, 1_100);
            end.catchUp(fromEnd);
            next.catchUp(fromNext);
            assertEquals(lastSeq + 1, fromEnd.first());
            assertEquals(newLast, fromEnd.last());
            assertEquals(fromEnd.seqs, fromNext.seqs);
        }
        assertEquals(lastSeq, FilePositionStore.of(config, "feed").load().seq(),
            "an end start is registered, so a restart keeps it");
    }

    @Test
    void shouldStopAtTheLastSeqAsked()
    {
        try (JournalReader reader = JournalReader.open(context()))
        {
            final Seqs seqs = new Seqs();
            while (reader.poll(seqs, 64, 300) > 0)
            {
                assertTrue(reader.lastSeq() <= 300);
            }
            assertEquals(300, seqs.last());
            reader.poll(seqs, 1);
            assertEquals(301, seqs.last());
        }
    }

    @Test
    void shouldDeliverAgainAnEventWhoseCallbackThrew()
    {
        final AtomicBoolean thrown = new AtomicBoolean();
        final Seqs seqs = new Seqs();
        final AbstractEventSink failing = new AbstractEventSink()
        {
            @Override
            protected void onEvent(final int type, final long seq)
            {
                if (seq == 123 && thrown.compareAndSet(false, true))
                {
                    throw new IllegalStateException("the consumer's database is down");
                }
                seqs.onEvent(type, seq);
            }
        };
        try (JournalReader reader = JournalReader.open(context()))
        {
            assertThrows(IllegalStateException.class, () -> reader.catchUp(failing));
            assertEquals(122, reader.position().seq());
            reader.catchUp(failing);
        }
        assertEquals(1, seqs.first());
        assertEquals(lastSeq, seqs.last());
    }

    /** A store of its own for a consumer, as a ledger keeps its position: in {@code cell}[0]. */
    private static PositionStore storeIn(final ReaderPosition[] cell)
    {
        return new PositionStore()
        {
            @Override
            public ReaderPosition load()
            {
                return cell[0];
            }

            @Override
            public void store(final ReaderPosition position)
            {
                cell[0] = position;
            }
        };
    }

    @Test
    void shouldKeepTheRegistryOfAConsumerWithItsOwnStoreNoLaterThanItsCommits()
    {
        final ReaderPosition[] database = new ReaderPosition[1];
        final PositionStore own = storeIn(database);
        final FilePositionStore registry = FilePositionStore.of(config, "accounting");
        try (JournalReader reader = JournalReader.open(context().consumerName("accounting").positionStore(own)
            .registryIntervalMillis(TimeUnit.HOURS.toMillis(1))))
        {
            assertEquals(ReaderPosition.BEGINNING, registry.load(), "registered on open, holding the whole journal");
            reader.poll(new Seqs(), 400);
            reader.commit();
            assertEquals(400, database[0].seq());
            assertEquals(ReaderPosition.BEGINNING, registry.load(), "the copy may lag");
            reader.poll(new Seqs(), 100);
        }
        assertEquals(database[0], registry.load(), "and catches up with the last commit on close");
        try (JournalReader reader = JournalReader.open(context().consumerName("accounting").positionStore(own)
            .registryIntervalMillis(0)))
        {
            reader.poll(new Seqs(), 10);
            reader.commit();
            assertEquals(410, registry.load().seq());
        }
        // A second store under the same name (another ledger, left on the default consumer name): its position is
        // behind the registry, which prune would take for both. Refused, saying what to do, and nothing changed.
        final ReaderPosition[] other = new ReaderPosition[1];
        final PositionStore second = storeIn(other);
        final IllegalStateException shared = org.junit.jupiter.api.Assertions.assertThrows(
            IllegalStateException.class, () -> JournalReader.open(context().consumerName("accounting")
                .positionStore(second)));
        assertTrue(shared.getMessage().startsWith("consumer 'accounting' is registered at seq 410 in " +
            registry.file() + ", past this store, which has no position yet: another store (another ledger) uses " +
            "the same consumer name"), shared.getMessage());
        assertEquals(410, registry.load().seq(), "the registry is left as it was");
        assertEquals(null, other[0]);
        // Its own name, and it reads.
        try (JournalReader reader = JournalReader.open(context().consumerName("accounting-2").positionStore(second)))
        {
            reader.poll(new Seqs(), 5);
            reader.commit();
            assertEquals(5, other[0].seq());
        }
    }

    /**
     * A consumer with its own store that stopped before its first commit (started from the end, nothing came) starts
     * again where it was registered: its own start read as another store's position, and it could never start.
     */
    @Test
    void shouldStartAgainWhereAConsumerWithItsOwnStoreRegisteredBeforeItsFirstCommit() throws Exception
    {
        final ReaderPosition[] database = new ReaderPosition[1];
        final FilePositionStore registry = FilePositionStore.of(config, "mirror");
        try (JournalReader reader = JournalReader.open(context().consumerName("mirror")
            .positionStore(storeIn(database)).startFromEnd()))
        {
            assertEquals(0, reader.poll(new Seqs(), 10), "nothing after the end yet");
        }
        assertEquals(lastSeq, registry.load().seq());
        assertEquals(FilePositionStore.KEPT_ELSEWHERE_NOT_YET, registry.kept());
        assertEquals(null, database[0], "never committed");
        final long more = TestJournal.runWorkload(config, workload, 1_001, 1_050);
        final Seqs seqs = new Seqs();
        try (JournalReader reader = JournalReader.open(context().consumerName("mirror")
            .positionStore(storeIn(database)).startFromEnd()))
        {
            reader.catchUp(seqs);
            reader.commit();
        }
        assertEquals(lastSeq + 1, seqs.first(), "from the end it registered, not today's, which would skip 50");
        assertEquals(more, seqs.last());
        assertEquals(FilePositionStore.KEPT_ELSEWHERE, registry.kept(), "a copy of a commit from then on");

        // Asked for an earlier start, before a first commit, it starts there: re-reading loses nothing (a new ledger
        // under a name another left uncommitted would otherwise have skipped seqs 1 to N).
        final ReaderPosition[] fresh = new ReaderPosition[1];
        try (JournalReader reader = JournalReader.open(context().consumerName("mirror-2")
            .positionStore(storeIn(fresh)).startFromEnd()))
        {
            assertEquals(0, reader.poll(new Seqs(), 10));
        }
        final Seqs again = new Seqs();
        try (JournalReader reader = JournalReader.open(context().consumerName("mirror-2")
            .positionStore(storeIn(fresh)).startFromSeq(1)))
        {
            reader.catchUp(again);
        }
        assertEquals(1, again.first(), "asked for seq 1, given seq 1");
        // A second store under the name now: the registry holds a commit's copy, so it is refused as before.
        assertThrows(IllegalStateException.class, () -> JournalReader.open(context().consumerName("mirror")
            .positionStore(storeIn(new ReaderPosition[1]))));
    }

    /**
     * A reader with the default store takes the file as its position: a file that copies another store's position
     * is refused instead of taken over (a tester's reader skipped 730,990 events so, without a word).
     */
    @Test
    void shouldRefuseTheDefaultStoreUnderTheNameOfAConsumerWithItsOwnStore()
    {
        final ReaderPosition[] database = new ReaderPosition[1];
        try (JournalReader reader = JournalReader.open(context().consumerName("ledger")
            .positionStore(storeIn(database)).registryIntervalMillis(0)))
        {
            reader.poll(new Seqs(), 300);
            reader.commit();
        }
        final FilePositionStore registry = FilePositionStore.of(config, "ledger");
        final IllegalStateException refused = assertThrows(IllegalStateException.class,
            () -> JournalReader.open(context().consumerName("ledger")));
        assertTrue(refused.getMessage().startsWith("consumer 'ledger' is registered in " + registry.file() +
            " by a consumer that commits its position in a store of its own"), refused.getMessage());
        assertEquals(300, registry.load().seq(), "left as it was");
        // The default store's own file says so, and opens as before.
        try (JournalReader reader = JournalReader.open(context().consumerName("files")))
        {
            reader.poll(new Seqs(), 7);
            reader.commit();
        }
        assertEquals(FilePositionStore.KEPT_HERE, FilePositionStore.of(config, "files").kept());
        try (JournalReader reader = JournalReader.open(context().consumerName("files")))
        {
            assertEquals(7, reader.position().seq());
        }
    }

    /**
     * Caught up on a quiet journal, a consumer with its own store copies its last commit to the registry once the
     * interval has passed, not only at the next traffic or its close: /metrics showed a lag that was not there.
     */
    @Test
    void shouldCopyTheLastCommitToTheRegistryWhenCaughtUpOnAQuietJournal() throws Exception
    {
        final ReaderPosition[] database = new ReaderPosition[1];
        final FilePositionStore registry = FilePositionStore.of(config, "quiet");
        try (JournalReader reader = JournalReader.open(context().consumerName("quiet")
            .positionStore(storeIn(database)).registryIntervalMillis(200)))
        {
            final AtomicLong polls = new AtomicLong();
            reader.follow(new Seqs(), 100, new org.agrona.concurrent.SleepingMillisIdleStrategy(5),
                () -> polls.incrementAndGet() < 400 && !registry.load().equals(database[0]), reader::commit);
            assertEquals(lastSeq, database[0].seq());
            assertEquals(database[0], registry.load(), "copied while following, before the close");
        }
    }

    @Test
    void shouldFollowTheJournalWhileTheEngineWrites() throws Exception
    {
        final AtomicLong seen = new AtomicLong();
        final AtomicBoolean running = new AtomicBoolean(true);
        final List<Throwable> failures = new ArrayList<>();
        final long newLast;
        try (JournalReader reader = JournalReader.open(context().startFromEnd()))
        {
            final Seqs seqs = new Seqs();
            final Thread follower = new Thread(() ->
            {
                try
                {
                    reader.follow(seqs, 100, new SleepingMillisIdleStrategy(1), running::get,
                        () -> seen.set(reader.lastSeq()));
                }
                catch (final Throwable ex)
                {
                    failures.add(ex);
                }
            });
            follower.start();
            final long[] clock = { Workload.time(1_001) };
            try (JournaledEngine engine = JournaledEngine.open(config, new EngineConfig(),
                new PipelineConfig().ringSize(1024).tickIntervalMillis(0).clock(() -> clock[0]), line -> { }))
            {
                for (long i = 1_001; i <= 1_300; i++)
                {
                    final long n = i;
                    clock[0] = Workload.time(n);
                    engine.pipeline().submit(c -> workload.fill(n, c)).get(10, TimeUnit.SECONDS);
                }
                newLast = engine.journal().lastSeq();
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (seen.get() < newLast && System.nanoTime() < deadline)
                {
                    Thread.sleep(5);
                }
            }
            running.set(false);
            follower.join(10_000);
            assertEquals(List.of(), failures);
            assertEquals(lastSeq + 1, seqs.first());
            assertEquals(newLast, seqs.last());
        }
    }

    @Test
    void shouldHoldATornTailThenGoOnAfterTheEngineRepairsIt() throws Exception
    {
        final List<long[]> excerpts = TestJournal.excerpts(config);
        final long[] last = excerpts.get(excerpts.size() - 1);
        TestJournal.asAfterACrash(config);
        TestJournal.scribble(config, last[0] + last[1] - 6, 6);
        try (JournalReader reader = JournalReader.open(context()))
        {
            final Seqs seqs = new Seqs();
            reader.catchUp(seqs);
            assertEquals(last[2], reader.tornFrom(), "the torn excerpt is held");
            assertTrue(seqs.last() < lastSeq, "nothing of the torn excerpt is delivered");
            final long newLast = TestJournal.runWorkload(config, workload,
                recoveredCommands() + 1, 1_200);
            reader.catchUp(seqs);
            assertEquals(-1, reader.tornFrom(), "the repair marker voids it");
            assertEquals(1, reader.repairMarkers());
            assertEquals(newLast, seqs.last());
        }
    }

    /** The commands the journal holds whole (the last correlation id a replay sees). */
    private long recoveredCommands()
    {
        final InventoryState state = new InventoryState(new EngineConfig());
        try (SingleChronicleQueue queue = Queues.open(config.journalDir(), config, true))
        {
            JournalRecovery.replay(queue, state, 0, -1, null);
        }
        return state.lastCorrelationId();
    }

    @Test
    void shouldRefuseToGoPastCorruptionInTheMiddle() throws Exception
    {
        final List<long[]> excerpts = TestJournal.excerpts(config);
        final long[] middle = excerpts.get(excerpts.size() / 2);
        TestJournal.scribble(config, middle[0] + middle[1] / 2, 4);
        try (JournalReader reader = JournalReader.open(context()))
        {
            final Seqs seqs = new Seqs();
            final JournalCorruptedException refused =
                assertThrows(JournalCorruptedException.class, () -> reader.catchUp(seqs));
            assertTrue(refused.getMessage().contains("corrupt in the middle"), refused.getMessage());
            assertSame(refused, assertThrows(JournalCorruptedException.class, () -> reader.poll(seqs, 1)),
                "and keeps refusing");
            assertTrue(seqs.last() < lastSeq);
        }
    }

    /**
     * A consumer opens the journal with the checks the tools make: a file cut short faulted the JVM (an accounting
     * run died with an InternalError's stack trace), and one of random bytes read as an empty journal, so the
     * ledger reported everything posted up to seq 0.
     */
    @Test
    void shouldRefuseAJournalFileCutShortOrDamagedAtItsStart() throws Exception
    {
        final Path file;
        try (java.util.stream.Stream<Path> files = Files.list(config.journalDir()))
        {
            file = files.filter(p -> p.toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
        final byte[] whole = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(whole, 200_000));
        final JournalCorruptedException cut = assertThrows(JournalCorruptedException.class,
            () -> JournalReader.open(context()));
        assertTrue(cut.getMessage().contains("cut short"), cut.getMessage());
        assertThrows(JournalCorruptedException.class, () -> JournalReader.lastSeq(config));

        final byte[] noise = new byte[whole.length];
        new java.util.Random(5).nextBytes(noise);
        noise[3] = 0x1a; // a header word Chronicle cannot read: neither complete metadata nor data
        Files.write(file, noise);
        final JournalCorruptedException damaged = assertThrows(JournalCorruptedException.class,
            () -> JournalReader.open(context()));
        assertTrue(damaged.getMessage().contains("the first header is damaged"), damaged.getMessage());
        assertThrows(JournalCorruptedException.class, () -> JournalReader.lastSeq(config));

        // A header word that looks like a whole metadata header (one random file in four): Chronicle itself then
        // fails on its content, with an exception of its own that reached the tester as a stack trace.
        final byte[] lookalike = whole.clone();
        System.arraycopy(new byte[] { 0x11, 0x40, (byte)0xec, 0x4b }, 0, lookalike, 0, 4);
        Files.write(file, lookalike);
        final JournalCorruptedException content = assertThrows(JournalCorruptedException.class,
            () -> JournalReader.open(context()));
        assertTrue(content.getMessage().contains("the first header is damaged"), content.getMessage());
    }

    @Test
    void shouldRefuseToResumeAtAnExcerptTheJournalDoesNotHave()
    {
        final long missing = end().index() + 1_000;
        FilePositionStore.of(config, "late").store(new ReaderPosition(5, missing));
        final JournalCorruptedException refused = assertThrows(JournalCorruptedException.class,
            () -> JournalReader.open(context().consumerName("late")));
        assertTrue(refused.getMessage().contains("consumer 'late' cannot resume"), refused.getMessage());
        assertTrue(refused.getMessage().contains("not in the journal"), refused.getMessage());
    }

    @Test
    void shouldRefuseAnUnreadablePositionFileRatherThanGuess() throws Exception
    {
        Files.createDirectories(config.consumerDir());
        Files.writeString(config.consumerDir().resolve("broken.position"), "seq=12\nindex=banana\n");
        final IllegalStateException refused = assertThrows(IllegalStateException.class,
            () -> FilePositionStore.of(config, "broken").load());
        assertTrue(refused.getMessage().contains("unreadable"), refused.getMessage());
        assertNull(FilePositionStore.of(config, "absent").load());
        assertThrows(IllegalArgumentException.class, () -> FilePositionStore.of(config, "../escape"));
    }
}
