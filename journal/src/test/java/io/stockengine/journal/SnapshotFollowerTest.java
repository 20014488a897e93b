package io.stockengine.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.stockengine.engine.EngineConfig;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

class SnapshotFollowerTest
{
    @TempDir
    Path dir;

    /**
     * A follower that has died (here: the journal it follows is corrupt in the middle, so its replay refuses to go
     * on) must refuse a snapshot request at once. Shutdown asks for a final snapshot and waits for it; a request
     * parked for a dead thread kept a stopping server hanging for the whole wait.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldFailASnapshotRequestAtOnceWhenTheFollowerHasStopped() throws Exception
    {
        final JournalConfig config = TestJournal.config(dir).conclude();
        TestJournal.runWorkload(config, new Workload(3), 1, 1_000);
        final List<long[]> excerpts = TestJournal.excerpts(config);
        final long[] middle = excerpts.get(excerpts.size() / 2);
        TestJournal.scribble(config, middle[0] + middle[1] / 2, 4);
        final List<String> log = new CopyOnWriteArrayList<>();
        try (SingleChronicleQueue queue = Queues.open(config.journalDir(), config, false))
        {
            final SnapshotFollower follower = new SnapshotFollower(queue, config, new EngineConfig(),
                line -> log.add(line));
            final CompletableFuture<Path> before = follower.requestSnapshot(Long.MAX_VALUE);
            follower.start();
            final ExecutionException pending = assertThrows(ExecutionException.class,
                () -> before.get(20, TimeUnit.SECONDS), "a request made before the failure fails with it");
            assertInstanceOf(IllegalStateException.class, pending.getCause());
            assertInstanceOf(JournalCorruptedException.class, follower.failure(), "the follower records why it stopped");

            final CompletableFuture<Path> after = follower.requestSnapshot(Long.MAX_VALUE);
            assertTrue(after.isCompletedExceptionally(), "a request after the follower stopped fails at once");
            final ExecutionException refused = assertThrows(ExecutionException.class, after::get);
            assertTrue(refused.getCause().getMessage().startsWith("snapshot follower stopped"),
                refused.getCause().getMessage());
            assertTrue(log.stream().anyMatch(line -> line.startsWith("snapshot follower stopped")), log.toString());
            follower.close();
        }
    }

    /**
     * A snapshot the disk refuses (full, read-only; here the snapshot directory's name is taken by a file) fails the
     * request that asked for it, with the reason, and the follower goes on: once the cause is gone the next request
     * is written. A request whose write failed was left unanswered for ever, and the follower died.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldAnswerARequestWhoseSnapshotTheDiskRefusedAndGoOn() throws Exception
    {
        final JournalConfig config = TestJournal.config(dir).conclude();
        final long lastSeq = TestJournal.runWorkload(config, new Workload(5), 1, 300);
        java.nio.file.Files.writeString(config.snapshotDir(), "not a directory");
        final List<String> log = new CopyOnWriteArrayList<>();
        try (SingleChronicleQueue queue = Queues.open(config.journalDir(), config, false))
        {
            final SnapshotFollower follower = new SnapshotFollower(queue, config, new EngineConfig(), log::add).start();
            final ExecutionException refused = assertThrows(ExecutionException.class,
                () -> follower.requestSnapshot(lastSeq).get(20, TimeUnit.SECONDS));
            assertInstanceOf(java.io.IOException.class, refused.getCause());
            assertTrue(log.stream().anyMatch(line -> line.contains("not written") &&
                line.contains(config.snapshotDir().toString())), log.toString());
            assertEquals(1, follower.writeFailures());
            org.junit.jupiter.api.Assertions.assertNull(follower.failure(), "the follower did not stop");

            java.nio.file.Files.delete(config.snapshotDir());
            final Path written = follower.requestSnapshot(lastSeq).get(20, TimeUnit.SECONDS);
            assertTrue(java.nio.file.Files.isRegularFile(written), String.valueOf(written));
            assertEquals(lastSeq, follower.lastSnapshotSeq());
            follower.close();
        }
    }

    /**
     * Chronicle hands the follower an excerpt once it is closed, before the journal's flush commits it: a snapshot of
     * it could outlive it in a power cut (a reviewer's catch). The follower snapshots only what the journal has
     * committed, fails a request it cannot meet once the journal stays behind for a second, and writes it once the
     * commit comes.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldSnapshotOnlyWhatTheJournalHasCommitted() throws Exception
    {
        final JournalConfig config = TestJournal.config(dir).conclude();
        final long lastSeq = TestJournal.runWorkload(config, new Workload(7), 1, 300);
        final java.util.concurrent.atomic.AtomicLong committed = new java.util.concurrent.atomic.AtomicLong(1);
        try (SingleChronicleQueue queue = Queues.open(config.journalDir(), config, false))
        {
            final SnapshotFollower follower = new SnapshotFollower(queue, config, new EngineConfig(), committed::get,
                line -> { }).start();
            final ExecutionException refused = assertThrows(ExecutionException.class,
                () -> follower.requestSnapshot(1).get(20, TimeUnit.SECONDS));
            assertTrue(refused.getCause().getMessage().startsWith("the journal has committed nothing for a second, " +
                "at seq 1, short of what the snapshot follower read"), refused.getCause().getMessage());
            assertTrue(new SnapshotStore(config.snapshotDir(), 2).list().isEmpty(), "nothing uncommitted written");

            committed.set(lastSeq);
            final Path written = follower.requestSnapshot(lastSeq).get(20, TimeUnit.SECONDS);
            assertEquals(lastSeq, SnapshotStore.seqOf(written));
            follower.close();
        }
    }

    /**
     * After an idle spell the journal's last commit is long past; the first excerpt of the next batch can be read
     * before that batch's commit is published. A request the follower will soon meet was failed at once as "committed
     * nothing for a second" (a reviewer's catch): the second now counts from when the follower read ahead.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldNotTakeAnIdleSpellForAStalledCommit() throws Exception
    {
        final JournalConfig config = TestJournal.config(dir).conclude();
        final Workload workload = new Workload(11);
        final long idleSeq = TestJournal.runWorkload(config, workload, 1, 100);
        final java.util.concurrent.atomic.AtomicLong committed = new java.util.concurrent.atomic.AtomicLong(idleSeq);
        try (SingleChronicleQueue queue = Queues.open(config.journalDir(), config, false))
        {
            final SnapshotFollower follower = new SnapshotFollower(queue, config, new EngineConfig(), committed::get,
                line -> { }).start();
            Thread.sleep(1_300);
            final CompletableFuture<Path> pending = follower.requestSnapshot(idleSeq + 1);
            final long lastSeq = TestJournal.runWorkload(config, workload, 101, 101);
            // Waited for, not slept on: a busy machine may take longer than any fixed pause to read one command.
            final long readBy = System.nanoTime() + 20_000_000_000L;
            while (follower.appliedSeq() <= idleSeq && System.nanoTime() < readBy)
            {
                Thread.sleep(5);
            }
            assertTrue(follower.appliedSeq() > idleSeq, "the follower read past the commit it knows of");
            org.junit.jupiter.api.Assertions.assertFalse(pending.isDone(), "a request it will meet is not failed");
            committed.set(lastSeq);
            assertEquals(lastSeq, SnapshotStore.seqOf(pending.get(20, TimeUnit.SECONDS)));
            follower.close();
        }
    }

    /**
     * Keys and finished orders forgotten for room before the dedup window ends make a retry apply again and a return
     * unknown; the engine's thread may not log, so the follower, whose replica forgets the same ones, counts them and
     * says so once.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void shouldReportKeysAndOrdersForgottenInsideTheWindow() throws Exception
    {
        final JournalConfig config = TestJournal.config(dir).snapshots(true).conclude();
        final List<String> log = new CopyOnWriteArrayList<>();
        final long[] clock = { Workload.BASE_TIME };
        final Workload workload = new Workload(11);
        try (JournaledEngine engine = JournaledEngine.open(config,
            new EngineConfig().dedupCapacity(20).finishedOrderCapacity(5),
            new io.stockengine.engine.PipelineConfig().ringSize(1024).tickIntervalMillis(0).clock(() -> clock[0]),
            log::add))
        {
            for (long n = 1; n <= 600; n++)
            {
                final long i = n;
                clock[0] = Workload.time(i);
                engine.pipeline().submit(c -> workload.fill(i, c)).get(10, TimeUnit.SECONDS);
            }
            final SnapshotFollower follower = engine.snapshots();
            final long last = engine.journal().lastSeq();
            while (follower.appliedSeq() < last)
            {
                Thread.sleep(5);
            }
            assertTrue(follower.keysForgottenEarly() > 0, "keys went for room within the 7-day window");
            assertTrue(follower.keysKeptMillis() > 0 && follower.keysKeptMillis() < 600 * 50,
                "a key lasted less than the run: " + follower.keysKeptMillis());
            assertTrue(follower.ordersForgottenEarly() > 0, "finished orders went for room");
            final List<String> said = log.stream().filter(line -> line.startsWith("retention: ") &&
                line.contains(" forgotten ")).toList();
            assertEquals(2, said.size(), "said once for keys, once for orders, not at every one: " + said);
            // Which comes first depends on the workload and the follower's batches: each is looked for on its own.
            assertTrue(said.stream().anyMatch(line ->
                line.contains("idempotency keys forgotten before the 7.0 days dedup window ended") &&
                line.contains("20 are kept at most") && line.contains("--dedup-capacity")), said.toString());
            assertTrue(said.stream().anyMatch(line -> line.contains("finished orders forgotten") &&
                line.contains("5 are kept at most") && line.contains("--finished-order-capacity")), said.toString());
        }
    }

    /**
     * A snapshot written and renamed into place is a success even when the older ones past those kept cannot be
     * deleted (here one is a directory with a file in it): the follower reported such a snapshot as failed.
     */
    @Test
    void shouldKeepASnapshotWhoseOlderOnesCannotBeDeleted() throws Exception
    {
        final Path snapshots = java.nio.file.Files.createDirectories(dir.resolve("snapshots"));
        java.nio.file.Files.createDirectories(snapshots.resolve("snapshot-00000000000000000001.bin"))
            .resolve("x").toFile().createNewFile();
        final SnapshotStore store = new SnapshotStore(snapshots, 1);
        final io.stockengine.engine.InventoryState state = new io.stockengine.engine.InventoryState(new EngineConfig());
        state.symbol(2, io.stockengine.engine.EventSink.SYMBOL_SKU, 0, "A");
        final Path written = store.write(state, 0);
        assertEquals(snapshots.resolve("snapshot-00000000000000000002.bin"), written);
        assertTrue(java.nio.file.Files.isRegularFile(written), String.valueOf(written));
        assertInstanceOf(java.nio.file.DirectoryNotEmptyException.class, store.pruneFailure());
    }
}
