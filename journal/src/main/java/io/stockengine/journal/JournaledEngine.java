package io.stockengine.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import io.stockengine.engine.Command;
import io.stockengine.engine.CommandType;
import io.stockengine.engine.EngineConfig;
import io.stockengine.engine.EnginePipeline;
import io.stockengine.engine.InventoryState;
import io.stockengine.engine.PageReserve;
import io.stockengine.engine.PipelineConfig;
import io.stockengine.engine.ResultCode;
import io.stockengine.engine.StockEngine;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

/**
 * The engine with its journal: recovers the state (newest snapshot, then the journal after it), repairs a torn
 * tail, then opens the pipeline for traffic with the Chronicle journal stage. What the gateway and the tools run.
 */
public final class JournaledEngine implements AutoCloseable
{
    private final JournalConfig journalConfig;
    private final SingleChronicleQueue queue;
    private final DataDirLock lock;
    private final ChronicleJournal journal;
    private final EnginePipeline pipeline;
    private final JournalRecovery.Outcome recovery;
    private final SnapshotStore.Loaded snapshot;
    private final SnapshotFollower follower;
    private final Consumer<String> log;
    /**
     * Fresh pages of state made on another thread: during recovery the other core is idle while this one replays,
     * and live it keeps the logic thread from zeroing a megabyte when the catalogue or the order book grows.
     */
    private final PageReserve pages = PageReserve.forState().start();

    private JournaledEngine(final JournalConfig journalConfig, final EngineConfig engineConfig,
        final PipelineConfig pipelineConfig, final Consumer<String> log)
    {
        SingleChronicleQueue opened = null;
        DataDirLock locked = null;
        try
        {
            this.journalConfig = journalConfig.conclude();
            this.log = log;
            // Before anything is made or replayed: a start on a disk without room was refused only after the whole
            // replay, and after making the lock and the journal's metadata (a tester); said ready and then failed
            // the first write before that.
            requireRoom(journalConfig.journalDir());
            locked = DataDirLock.acquire(journalConfig.dataDir());
            lock = locked;
            try
            {
                Files.createDirectories(journalConfig.journalDir());
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot create " + journalConfig.journalDir() + ": " +
                    FileErrors.describe(ex), ex);
            }
            requireWritable(journalConfig.journalDir(), "the journal", true);
            requireNewFiles(journalConfig.journalDir(), log);
            if (journalConfig.snapshots())
            {
                requireWritable(journalConfig.snapshotDir(), "the snapshots", false);
            }
            final SnapshotStore snapshots =
                new SnapshotStore(journalConfig.snapshotDir(), journalConfig.snapshotsKept());
            if (journalConfig.snapshots())
            {
                snapshots.deleteUnfinished(log);
            }
            final long cleanStop = CleanStop.read(journalConfig.dataDir(), log);
            final long loading = System.nanoTime();
            snapshot = snapshots.loadNewest(engineConfig, pages, log, journalConfig.snapshots());
            final long loadNanos = System.nanoTime() - loading;
            final InventoryState state = snapshot != null ? snapshot.state() : new InventoryState(engineConfig, pages);
            JournalFiles.requireReadableHeaders(journalConfig.journalDir(), true, false, log);
            opened = Queues.open(journalConfig.journalDir(), journalConfig, false);
            queue = opened;
            JournalFiles.requireWhole(queue, false);
            final LastHeader.Damage damage = LastHeader.inspect(queue, journalConfig.maxExcerptBytes());
            if (damage != null)
            {
                if (!damage.restorable && snapshot != null && snapshot.nextIndex() >= damage.index)
                {
                    throw new JournalCorruptedException("journal " + queue.file() + ": " + damage + ". The " +
                        "snapshot at seq " + snapshot.lastSeq() + " was taken at or after that excerpt, so its " +
                        "events were acknowledged and are lost from the journal: refusing to start rather than " +
                        "void them (consumers would miss them). Restore the journal from a copy.");
                }
                log.accept("recovery: WARNING " + damage + (damage.restorable ?
                    ": only the header was lost; it is written again and the excerpt replayed" :
                    ": the excerpt is lost (a page that never reached the disk before a power cut: under process " +
                    "durability it may have been acknowledged); it is given a length, so the replay voids it as a " +
                    "torn tail and new events are appended where readers find them"));
                LastHeader.repair(queue, damage);
            }
            log.accept(snapshot == null ? "recovery: no snapshot, replaying the journal from the start" :
                String.format("recovery: snapshot at seq %,d loaded in %.1f s (%s, %,d MB), replaying the journal " +
                "after it", snapshot.lastSeq(), loadNanos / 1e9, snapshot.file().getFileName(),
                sizeMb(snapshot.file())));
            recovery = JournalRecovery.replay(queue, state, snapshot == null ? 0 : snapshot.lastSeq(),
                snapshot == null ? -1 : snapshot.nextIndex(), snapshot == null ? -1 : snapshot.fingerprint(),
                (events, seq, nanos) -> log.accept(String.format(
                    "recovery: %,d events replayed (seq %,d), %,.0f events/s", events, seq, events * 1e9 / nanos)));
            requireNothingAcknowledgedPast(journalConfig, cleanStop, recovery);
            if (cleanStop >= 0)
            {
                // Recovered: from here on the engine appends, and a crash's torn write must read as one again.
                try
                {
                    CleanStop.clear(journalConfig.dataDir());
                }
                catch (final IOException ex)
                {
                    log.accept("recovery: WARNING cannot delete " + journalConfig.dataDir().resolve(CleanStop.FILE) +
                        " (" + FileErrors.describe(ex) + "); it names a seq the journal reaches, so it is ignored");
                }
            }
            if (recovery.tornTail())
            {
                log.accept("recovery: WARNING the journal ended with an unreadable excerpt (" + recovery.tornReason +
                    "), and no snapshot, consumer or recorded clean stop says it was acknowledged: taken for a write " +
                    "cut short by a crash, and voided");
                JournalRecovery.repairTail(queue, recovery);
            }
            log.accept("recovery: " + recovery);
            if (cleanStop < 0 && recovery.lastSeq > 0)
            {
                // An operator reading a restart's log should not have to infer a crash from what is missing.
                log.accept("recovery: the last stop was not a clean one (no " + CleanStop.FILE + " record: a crash, " +
                    "a kill, a power cut, or a server older than that record), so the journal's end was checked " +
                    "for a write cut short");
            }
            final long wall = pipelineConfig.clock().getAsLong();
            if (state.now() - wall > 1_000)
            {
                log.accept(String.format("recovery: WARNING the clock reads %s, %,d ms behind the journal's engine " +
                    "time %s: engine time stands still until the clock catches up, so TTLs, expiries and the " +
                    "dedup window count from the journal's time (check the host's clock)",
                    Instant.ofEpochMilli(wall), state.now() - wall, Instant.ofEpochMilli(state.now())));
            }
            journal = new ChronicleJournal(queue, journalConfig, recovery.lastSeq);
            pipeline = new EnginePipeline(pipelineConfig, new StockEngine(state, journal.recorder()), journal);
            follower = journalConfig.snapshots() ?
                new SnapshotFollower(queue, journalConfig, engineConfig, journal::lastSeq, log).start() : null;
        }
        catch (final RuntimeException | Error ex)
        {
            try
            {
                if (opened != null)
                {
                    // A refused recovery leaves nothing mapped behind for a finalizer to complain about.
                    opened.close();
                }
            }
            catch (final RuntimeException closing)
            {
                ex.addSuppressed(closing);
            }
            finally
            {
                pages.close();
                if (locked != null)
                {
                    locked.close();
                }
            }
            throw ex;
        }
    }

    private static long sizeMb(final java.nio.file.Path file)
    {
        try
        {
            return Files.size(file) >> 20;
        }
        catch (final IOException ex)
        {
            return 0;
        }
    }

    /**
     * What a registered consumer or a recorded clean stop past the readable journal's end means: events that were
     * acknowledged (and may be in consumers' books) are not in the journal. A torn tail would be voided as never
     * acknowledged, and a journal that simply ends early (a newest file lost, or restored from an older copy, or pages
     * a power cut took under process durability) would hand those seqs to new events: either way the engine refuses,
     * names what it found and says what to do.
     */
    private static void requireNothingAcknowledgedPast(final JournalConfig config, final long cleanStop,
        final JournalRecovery.Outcome recovery)
    {
        final String end = recovery.tornTail() ? String.format("the last excerpt (index 0x%x) is unreadable (%s)",
            recovery.tornFrom, recovery.tornReason) : String.format("the journal ends at seq %,d",
            recovery.lastSeq);
        final String gone = recovery.tornTail() ? "voiding the excerpt" : "starting (new events would take those " +
            "seqs)";
        if (cleanStop > recovery.lastSeq)
        {
            final java.nio.file.Path marker = config.dataDir().resolve(CleanStop.FILE);
            throw new JournalCorruptedException(String.format("journal %s: %s, but the engine stopped cleanly at seq " +
                "%,d (%s), past seq %,d where the readable journal ends: %s, so acknowledged events are gone from " +
                "it and consumers may have them. Restore the journal's newest files from a copy; if no copy has " +
                "them and those events are to be given up, delete %s and start again", config.journalDir(), end,
                cleanStop, marker, recovery.lastSeq, recovery.tornTail() ? "the excerpt was whole at that stop and " +
                "was damaged since" : "journal files are missing, or were restored from a copy older than that stop",
                marker));
        }
        final Map<String, ReaderPosition> consumers;
        try
        {
            consumers = FilePositionStore.list(config.consumerDir());
        }
        catch (final RuntimeException ex)
        {
            // An unreadable position file proves nothing either way; verify reports it.
            return;
        }
        for (final Map.Entry<String, ReaderPosition> consumer : consumers.entrySet())
        {
            final ReaderPosition position = consumer.getValue();
            if (position.seq() > recovery.lastSeq)
            {
                throw new JournalCorruptedException(String.format("journal %s: %s, but consumer %s has taken events " +
                    "up to seq %,d, past seq %,d where the readable journal ends: %s would leave it with events " +
                    "the journal no longer has. Restore the journal's newest files from a copy if one has them; " +
                    "otherwise rebuild the consumer's store from the journal, remove %s, and start again",
                    config.journalDir(), end, consumer.getKey(), position.seq(), recovery.lastSeq, gone,
                    config.consumerDir().resolve(consumer.getKey() + FilePositionStore.SUFFIX)));
            }
        }
    }

    /**
     * Refuses a directory the engine could not write, or with {@code queueFiles} a Chronicle file in it (a cycle
     * file, or the queue's metadata: Chronicle writes end-of-file marks into older cycles too), before anything is
     * read. Chronicle opens a queue it cannot write read-only, with a warning: the engine would start, answer that
     * it is up, and fail the first command that needs the disk. Other files (a snapshot kept read-only, a note) are
     * only read or deleted, which takes the directory's permission, not theirs.
     */
    private static void requireWritable(final java.nio.file.Path dir, final String what, final boolean queueFiles)
    {
        if (!Files.isDirectory(dir))
        {
            return;
        }
        java.nio.file.Path refused = Files.isWritable(dir) ? null : dir;
        if (refused == null && queueFiles)
        {
            try (java.util.stream.Stream<java.nio.file.Path> files = Files.list(dir))
            {
                refused = files.filter(f -> (f.toString().endsWith(".cq4") || f.toString().endsWith(".cq4t")) &&
                    Files.isRegularFile(f) && !Files.isWritable(f)).findFirst().orElse(null);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot list " + dir + ": " + FileErrors.describe(ex), ex);
            }
        }
        if (refused != null)
        {
            throw new IllegalStateException(what + " cannot be written: " + refused + " is not writable by this " +
                "user; fix its permissions (or run the engine as its owner)");
        }
    }

    /**
     * Refuses a journal directory where no file can be made: a file system out of inodes has bytes free, so the
     * room check passes, and the start said ready and then failed its first write into a new journal file (a tester).
     */
    private static void requireNewFiles(final java.nio.file.Path journalDir, final Consumer<String> log)
    {
        final java.nio.file.Path probe = journalDir.resolve(".write-probe");
        try
        {
            Files.deleteIfExists(probe);
            Files.createFile(probe);
            final String cannot = DiskReserve.cannotReserve(DiskReserve.DISK, probe);
            Files.delete(probe);
            if (cannot != null)
            {
                log.accept("journal: WARNING the file system of " + journalDir + " cannot allocate disk blocks " +
                    "ahead of the writes (" + cannot + "): on a full disk a write into the journal's mapping kills " +
                    "the process instead of failing first, and events already acknowledged in that batch can be " +
                    "lost. Put the journal on a file system with fallocate (ext4, xfs, tmpfs)");
            }
        }
        catch (final IOException ex)
        {
            final String why = FileErrors.describe(ex);
            throw new UncheckedIOException("cannot make a file in " + journalDir + " (" + why + ")" +
                (why.contains("No space left") ? ": the disk has bytes free but no inodes left for new files " +
                "(df -i shows them); free some, then restart the engine" : ""), ex);
        }
    }

    /** Refuses a disk without the room a journal needs to take writes (see {@link DiskReserve#NEW_FILE_ROOM}). */
    private static void requireRoom(final java.nio.file.Path journalDir)
    {
        try
        {
            DiskReserve.requireRoom(DiskReserve.DISK, journalDir, "the journal");
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex.getMessage(), ex);
        }
    }

    /**
     * Recovers and starts the engine on {@code journalConfig.dataDir()}.
     *
     * @param log receives recovery progress lines.
     */
    public static JournaledEngine open(final JournalConfig journalConfig, final EngineConfig engineConfig,
        final PipelineConfig pipelineConfig, final Consumer<String> log)
    {
        final JournaledEngine engine = new JournaledEngine(journalConfig, engineConfig, pipelineConfig, log);
        // Read before the logic thread owns the state.
        final boolean journalRetention = !engine.pipeline.engine().state().retentionJournaledAs(engineConfig);
        engine.pipeline.start();
        if (journalRetention)
        {
            engine.journalRetention(engineConfig, log);
        }
        return engine;
    }

    /**
     * Journals the retention of keys and finished orders this start runs with, before any traffic: from this event
     * on a replay keeps and forgets exactly what this engine does, whatever a later start's flags say.
     */
    private void journalRetention(final EngineConfig config, final Consumer<String> log)
    {
        final Command done;
        try
        {
            done = pipeline.submit(c ->
            {
                c.type = CommandType.TICK;
                c.flag = true;
            }).get(1, TimeUnit.MINUTES);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("interrupted while journaling the retention settings", ex);
        }
        catch (final ExecutionException | TimeoutException ex)
        {
            close();
            throw new IllegalStateException("could not journal the retention settings: " + ex, ex);
        }
        if (done.result != ResultCode.OK)
        {
            final Throwable cause = pipeline.journalError();
            close();
            throw new IllegalStateException("could not journal the retention settings (" +
                ResultCode.name(done.result) + ")" + (cause == null ? "" : ": " + cause), cause);
        }
        log.accept(String.format("retention: keys and finished orders kept %,d ms, at most %,d keys and %,d " +
            "finished orders (journaled at seq %,d)", config.dedupWindowMillis(), config.dedupCapacity(),
            config.finishedOrderCapacity(), done.seq));
    }

    public EnginePipeline pipeline()
    {
        return pipeline;
    }

    public ChronicleJournal journal()
    {
        return journal;
    }

    public JournalRecovery.Outcome recovery()
    {
        return recovery;
    }

    /** The roll cycle the journal is written with: its own, for a journal that existed before the start. */
    public String rollCycle()
    {
        return String.valueOf(queue.rollCycle());
    }

    public JournalConfig config()
    {
        return journalConfig;
    }

    /** The snapshot follower, or null when snapshots are off. */
    public SnapshotFollower snapshots()
    {
        return follower;
    }

    /**
     * Drains the ring (every published command is journaled and answered), closes the journal, and with snapshots
     * on waits for a snapshot of the final state so the next start replays nothing.
     */
    @Override
    public void close()
    {
        pipeline.close();
        journal.close();
        // Recorded before the final snapshot, which may take minutes on a large state: a supervisor that kills the
        // process meanwhile must not cost the record (the journal is final here; the follower only reads it).
        if (!journal.failed())
        {
            try
            {
                CleanStop.write(journalConfig.dataDir(), journalConfig.journalDir(), journal.lastSeq());
                log.accept("shutdown: journal flushed to the disk at seq " + journal.lastSeq() + ", the clean stop " +
                    "recorded in " + journalConfig.dataDir().resolve(CleanStop.FILE));
            }
            catch (final IOException ex)
            {
                log.accept("shutdown: WARNING cannot record the clean stop (" + FileErrors.describe(ex) + "); a " +
                    "damaged last excerpt would read as a crash's torn write at the next start");
            }
        }
        else
        {
            log.accept("shutdown: the journal failed earlier; no clean stop is recorded, so the next start checks " +
                "its tail as after a crash");
        }
        if (follower != null)
        {
            try
            {
                final java.nio.file.Path file = follower.requestSnapshot(journal.lastSeq())
                    .get(10, java.util.concurrent.TimeUnit.MINUTES);
                if (file != null)
                {
                    log.accept("shutdown: snapshot at seq " + journal.lastSeq() + " in " + file);
                }
            }
            catch (final Exception ex)
            {
                final Throwable why = ex instanceof java.util.concurrent.ExecutionException && ex.getCause() != null ?
                    ex.getCause() : ex;
                log.accept("shutdown: no final snapshot (" + (why instanceof IOException failed ? FileErrors.describe(failed) :
                    String.valueOf(why)) + "); the next start replays the journal from the newest snapshot there is");
            }
            follower.close();
        }
        queue.close();
        pages.close();
        lock.close();
    }

    /**
     * Stops the pipeline and lets go of the data directory, without flushing or closing the journal or writing a
     * snapshot: what a killed process leaves behind, for tests that recover from it within one JVM (where the
     * operating system would have dropped the lock with the process).
     */
    public void abandon()
    {
        pipeline.close();
        lock.close();
    }
}
