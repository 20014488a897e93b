package io.stockengine.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

/**
 * A consumer that commits its work and its journal position in one transaction is killed again and again at random
 * events (in process: its reader is closed, which never commits, and its uncommitted work is dropped) and restarted
 * from its stored position;
 * in the end every event seq 1..last has been committed exactly once. Excerpts hold many events, so most deaths and
 * commits fall in the middle of one: resuming must be exact to the event, not to the excerpt.
 */
@Timeout(120)
class ConsumerRestartTest
{
    private static final int COMMANDS = 4_000;

    @TempDir
    static Path dir;

    private static JournalConfig config;
    private static long lastSeq;

    /** How the consumer commits between its deaths. */
    enum Commits
    {
        /** At random poll boundaries; dies after a random number of events with uncommitted work. */
        AT_RANDOM_POLLS,
        /** Every N events, polling exactly N at a time; dies between two commits. */
        EVERY_N_BETWEEN_POLLS,
        /** Every N events, from inside the callback of the Nth; dies between two commits. */
        EVERY_N_INSIDE_CALLBACK
    }

    /**
     * The consumer's own database, modelled as one object: the work committed (every seq it processed) and the
     * position it committed with it. {@link #store} applies both in one step, as a database transaction would; a
     * consumer that dies loses only {@link #pending}.
     */
    private static final class WorkStore implements PositionStore
    {
        final List<Long> committedWork = new ArrayList<>();
        final List<Long> pending = new ArrayList<>();
        ReaderPosition position;
        int commits;
        int midExcerptCommits;
        SingleChronicleQueue queue;

        @Override
        public ReaderPosition load()
        {
            return position;
        }

        @Override
        public void store(final ReaderPosition position)
        {
            committedWork.addAll(pending);
            pending.clear();
            this.position = position;
            commits++;
            if (JournalSeek.check(queue, position, true) != null)
            {
                midExcerptCommits++;
            }
        }
    }

    /** One incarnation of the consumer: records each event as work and checks they come gap-free. */
    private static final class Consumer extends AbstractEventSink
    {
        private final WorkStore store;
        private final int commitEvery;
        private final boolean commitInside;
        private JournalReader reader;
        private long previous = -1;
        private int sinceCommit;

        Consumer(final WorkStore store, final int commitEvery, final boolean commitInside)
        {
            this.store = store;
            this.commitEvery = commitEvery;
            this.commitInside = commitInside;
        }

        @Override
        protected void onEvent(final int type, final long seq)
        {
            assertTrue(previous < 0 || seq == previous + 1, "events must come gap-free: " + previous + " then " + seq);
            assertTrue(correlationId() > 0 && timestamp() >= Workload.BASE_TIME, "beginCommand names each record");
            previous = seq;
            store.pending.add(seq);
            sinceCommit++;
            if (commitInside && sinceCommit == commitEvery)
            {
                reader.commit();
                sinceCommit = 0;
            }
        }
    }

    @BeforeAll
    static void writeJournal() throws Exception
    {
        config = TestJournal.config(dir);
        lastSeq = TestJournal.runWorkload(config, new Workload(21), 1, COMMANDS);
    }

    @ParameterizedTest
    @EnumSource(Commits.class)
    void shouldCommitEveryEventExactlyOnceAcrossRandomKills(final Commits commits)
    {
        final long seed = Long.getLong("stock.consumer.seed", System.nanoTime());
        System.out.println("ConsumerRestartTest " + commits + " seed=" + seed + " lastSeq=" + lastSeq);
        final String context = commits + " seed=" + seed;
        final SplittableRandom random = new SplittableRandom(seed);
        final WorkStore store = new WorkStore();
        int incarnations = 0;
        try (SingleChronicleQueue queue = Queues.open(config.journalDir(), config, true))
        {
            store.queue = queue;
            while (store.position == null || store.position.seq() < lastSeq)
            {
                incarnations++;
                final int commitEvery = 1 + random.nextInt(300);
                final Consumer consumer = new Consumer(store, commitEvery, commits == Commits.EVERY_N_INSIDE_CALLBACK);
                final long lifetime = incarnations > 60 ? Long.MAX_VALUE : 1 + random.nextInt(1_500);
                try (JournalReader reader = JournalReader.open(new JournalReader.Context().config(config)
                    .queue(queue).consumerName("restart-" + commits).positionStore(store).registryIntervalMillis(0)))
                {
                    consumer.reader = reader;
                    if (store.position != null)
                    {
                        assertEquals(store.position, reader.position(), "resumes at the stored position: " + context);
                    }
                    live(reader, consumer, commits, lifetime, random, context);
                }
                store.pending.clear();
            }
        }
        final int[] seen = new int[(int)lastSeq + 1];
        for (final long seq : store.committedWork)
        {
            seen[(int)seq]++;
        }
        for (int seq = 1; seq <= lastSeq; seq++)
        {
            assertEquals(1, seen[seq], "seq " + seq + " committed once: " + context);
        }
        assertEquals(lastSeq, store.committedWork.size(), context);
        assertTrue(incarnations > 3, "the consumer died several times: " + context);
        assertTrue(store.midExcerptCommits > 0, "some commits fell inside an excerpt: " + context);
        System.out.println("ConsumerRestartTest " + commits + " incarnations=" + incarnations + " commits=" +
            store.commits + " inside an excerpt=" + store.midExcerptCommits);
    }

    /** Consumes until {@code lifetime} events have been delivered (then dies) or the journal is read to the end. */
    private static void live(final JournalReader reader, final Consumer consumer, final Commits commits,
        final long lifetime, final SplittableRandom random, final String context)
    {
        long delivered = 0;
        while (delivered < lifetime)
        {
            final int want = commits == Commits.EVERY_N_BETWEEN_POLLS ? consumer.commitEvery - consumer.sinceCommit :
                1 + random.nextInt(300);
            final int got = reader.poll(consumer, (int)Math.min(want, lifetime - delivered));
            delivered += got;
            if (got == 0)
            {
                reader.commit();
                assertEquals(lastSeq, reader.position().seq(), "read to the end: " + context);
                return;
            }
            if (commits == Commits.AT_RANDOM_POLLS && random.nextInt(3) == 0 ||
                commits == Commits.EVERY_N_BETWEEN_POLLS && consumer.sinceCommit == consumer.commitEvery)
            {
                reader.commit();
                consumer.sinceCommit = 0;
            }
        }
    }
}
