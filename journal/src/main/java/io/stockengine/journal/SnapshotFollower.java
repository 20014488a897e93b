package io.stockengine.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import io.stockengine.engine.EngineConfig;
import io.stockengine.engine.InventoryState;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

/**
 * Takes snapshots without touching the logic thread: a replica of the state follows the journal on its own thread
 * and is written out every so many events or so much time, and on request. The logic thread never pauses for a
 * snapshot; the price is a second copy of the state in memory.
 */
public final class SnapshotFollower implements AutoCloseable
{
    private final SnapshotStore store;
    private final SingleChronicleQueue queue;
    private final JournalConfig config;
    private final EngineConfig engineConfig;
    private final Consumer<String> log;
    private final List<Request> requests = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long appliedSeq;
    private volatile long lastSnapshotSeq;
    private volatile long lastWriteNanos;
    private volatile Throwable failure;
    /** Snapshots the disk refused to take; the follower went on after each. */
    private volatile long writeFailures;
    private static final long RETENTION_LOG_NANOS = 3_600_000_000_000L;
    private volatile long keysForgottenEarly;
    private volatile long keysKeptMillis;
    private volatile long ordersForgottenEarly;
    private volatile long ordersKeptMillis;
    private final long[] retentionLoggedAt = new long[2];
    /** Set, under the lock of {@link #requests}, once the thread has ended: no request can be served after it. */
    private boolean stopped;

    private final LongSupplier committedSeq;

    private record Request(long seq, CompletableFuture<Path> done)
    {
    }

    /** Over a journal no one writes any more (tests, tools): every excerpt in it is as durable as it gets. */
    public SnapshotFollower(final SingleChronicleQueue queue, final JournalConfig config,
        final EngineConfig engineConfig, final Consumer<String> log)
    {
        this(queue, config, engineConfig, () -> Long.MAX_VALUE, log);
    }

    /**
     * @param committedSeq the journal's last committed seq ({@link ChronicleJournal#lastSeq}, published once a group
     *                     commit is as durable as the setting promises): a snapshot never covers more. Chronicle
     *                     hands the follower an excerpt when it is closed, before its {@code sync} flush; a snapshot
     *                     of it, flushed itself, could outlive it in a power cut, and recovery would then refuse a
     *                     journal that lacks what the newest snapshot covers.
     */
    public SnapshotFollower(final SingleChronicleQueue queue, final JournalConfig config,
        final EngineConfig engineConfig, final LongSupplier committedSeq, final Consumer<String> log)
    {
        this.committedSeq = committedSeq;
        this.queue = queue;
        this.config = config;
        this.engineConfig = engineConfig;
        this.log = log;
        this.store = new SnapshotStore(config.snapshotDir(), config.snapshotsKept());
        this.thread = new Thread(this::run, "snapshot-follower");
        thread.setDaemon(true);
    }

    public SnapshotFollower start()
    {
        thread.start();
        return this;
    }

    /**
     * Writes a snapshot once the replica holds every event up to {@code seq}. If the follower has already stopped
     * (closed, or failed), the future fails at once, so a caller waiting on it at shutdown does not wait out its
     * timeout for a thread that is gone.
     */
    public CompletableFuture<Path> requestSnapshot(final long seq)
    {
        final CompletableFuture<Path> done = new CompletableFuture<>();
        synchronized (requests)
        {
            if (stopped)
            {
                done.completeExceptionally(stoppedException());
            }
            else
            {
                requests.add(new Request(seq, done));
            }
        }
        return done;
    }

    public long appliedSeq()
    {
        return appliedSeq;
    }

    public long lastSnapshotSeq()
    {
        return lastSnapshotSeq;
    }

    /** How long writing the last snapshot took on the follower's thread (the logic thread is not involved). */
    public long lastWriteNanos()
    {
        return lastWriteNanos;
    }

    public Throwable failure()
    {
        return failure;
    }

    /** Snapshots that could not be written (the follower went on after each, and tried again at the next). */
    public long writeFailures()
    {
        return writeFailures;
    }

    /** Idempotency keys forgotten inside the dedup window because its capacity was reached, as the replica saw. */
    public long keysForgottenEarly()
    {
        return keysForgottenEarly;
    }

    /** How long the last key forgotten early had been kept, in ms of engine time (0 before any). */
    public long keysKeptMillis()
    {
        return keysKeptMillis;
    }

    /** Finished orders forgotten inside the window because their capacity was reached, as the replica saw. */
    public long ordersForgottenEarly()
    {
        return ordersForgottenEarly;
    }

    /** How long after finishing the last order forgotten early had been kept, in ms of engine time (0 before any). */
    public long ordersKeptMillis()
    {
        return ordersKeptMillis;
    }

    /**
     * Publishes what the replica forgot early and says so in the log, at the first time and then at most once an
     * hour while it goes on: the engine's own thread may not log, and the replica applies the same events, so it
     * forgets the same keys and orders as the engine does.
     */
    private void watchRetention(final InventoryState replica)
    {
        final long keys = replica.keysForgottenEarly();
        if (keys != keysForgottenEarly)
        {
            keysForgottenEarly = keys;
            keysKeptMillis = replica.keysForgottenEarlyAge();
            if (dueToLog(0))
            {
                log.accept(String.format("retention: %,d idempotency keys forgotten before the %s dedup window " +
                    "ended, the last after %s: %,d are kept at most, so a retry later than that is applied again; " +
                    "raise --dedup-capacity (and the heap) if clients may retry that late", keys,
                    duration(replica.dedupWindowMillis()), duration(keysKeptMillis), replica.dedupCapacity()));
            }
        }
        final long orders = replica.ordersForgottenEarly();
        if (orders != ordersForgottenEarly)
        {
            ordersForgottenEarly = orders;
            ordersKeptMillis = replica.ordersForgottenEarlyAge();
            if (dueToLog(1))
            {
                log.accept(String.format("retention: %,d finished orders forgotten before the %s window ended, the " +
                    "last %s after it finished: %,d are kept at most, so a return, GET or retried reservation of an " +
                    "order finished longer ago is answered as for an unknown order; raise --finished-order-capacity " +
                    "(and the heap) to keep them longer", orders, duration(replica.dedupWindowMillis()),
                    duration(ordersKeptMillis), replica.finishedOrderCapacity()));
            }
        }
    }

    /** The first time, then at most once an hour, for each kind of retention message. */
    private boolean dueToLog(final int kind)
    {
        final long now = System.nanoTime();
        if (retentionLoggedAt[kind] != 0 && now - retentionLoggedAt[kind] < RETENTION_LOG_NANOS)
        {
            return false;
        }
        retentionLoggedAt[kind] = now;
        return true;
    }

    /** A span of engine time in the unit an operator would say it in. */
    static String duration(final long millis)
    {
        if (millis >= 2 * 86_400_000L)
        {
            return String.format("%.1f days", millis / 86_400_000.0);
        }
        if (millis >= 2 * 3_600_000L)
        {
            return String.format("%.1f hours", millis / 3_600_000.0);
        }
        if (millis >= 2 * 60_000L)
        {
            return String.format("%.1f minutes", millis / 60_000.0);
        }
        return String.format("%.1f seconds", millis / 1_000.0);
    }

    private void run()
    {
        try
        {
            final SnapshotStore.Loaded loaded = store.loadNewest(engineConfig, log);
            final InventoryState replica = loaded != null ? loaded.state() : new InventoryState(engineConfig);
            final JournalReplayer replayer = new JournalReplayer(replica, replica.lastSeq(), queue.file().toString());
            long snapshotSeq = replica.lastSeq();
            lastSnapshotSeq = snapshotSeq;
            // The newest snapshot file and the seq it holds: a request it already answers is given it, unwritten.
            Path newestFile = loaded != null ? loaded.file() : null;
            long snapshotAt = System.nanoTime();
            final LongSupplier everyNanos = () -> config.snapshotEveryMillis() * 1_000_000L;
            try (ExcerptTailer tailer = queue.createTailer())
            {
                if (loaded != null)
                {
                    replayer.skipTo(tailer, loaded.nextIndex(), loaded.fingerprint());
                }
                long committedBefore = committedSeq.getAsLong();
                long committedMovedAt = System.nanoTime();
                long aheadSince = -1;
                while (running)
                {
                    int stepped = 0;
                    while (stepped < 1024 && replayer.lastSeq() <= committedSeq.getAsLong() && replayer.step(tailer))
                    {
                        stepped++;
                    }
                    appliedSeq = replayer.lastSeq();
                    watchRetention(replica);
                    final long committed = committedSeq.getAsLong();
                    final long now = System.nanoTime();
                    if (committed != committedBefore)
                    {
                        committedBefore = committed;
                        committedMovedAt = now;
                    }
                    if (replayer.lastSeq() > committed)
                    {
                        // Read before its commit: a snapshot waits for it (a flush takes about 0.2 ms here). The
                        // second counts from when the follower first read ahead, not from the last commit: after an
                        // idle spell that was long ago, and the first excerpt read would count as a stall.
                        if (aheadSince < 0)
                        {
                            aheadSince = now;
                        }
                        final boolean stalled = now - Math.max(committedMovedAt, aheadSince) > 1_000_000_000L;
                        if (stalled)
                        {
                            // No commit for a second (the journal failed, or a disk stalls): no snapshot may cover
                            // what was read, and no one should wait for one meanwhile.
                            failRequests(replayer.lastSeq());
                            Thread.sleep(1);
                        }
                        else
                        {
                            LockSupport.parkNanos(50_000);
                        }
                        continue;
                    }
                    aheadSince = -1;
                    final boolean dueByEvents = replayer.lastSeq() - snapshotSeq >= config.snapshotEveryEvents();
                    final boolean dueByTime = replayer.lastSeq() > snapshotSeq &&
                        System.nanoTime() - snapshotAt >= everyNanos.getAsLong();
                    final List<Request> due = dueRequests(replayer.lastSeq());
                    if (!dueByEvents && !dueByTime && !due.isEmpty() && newestFile != null &&
                        replayer.lastSeq() == lastSnapshotSeq && Files.isRegularFile(newestFile))
                    {
                        // Nothing happened since the newest snapshot (a stop right after a start, or after a
                        // periodic one at the end): writing the same state again would take seconds at ten million
                        // balances and give the next start nothing new.
                        log.accept(String.format("snapshot at seq %,d asked for: %s already holds it, none written",
                            replayer.lastSeq(), newestFile));
                        for (final Request request : due)
                        {
                            request.done().complete(newestFile);
                        }
                    }
                    else if (dueByEvents || dueByTime || !due.isEmpty())
                    {
                        Path file = null;
                        IOException writeFailure = null;
                        if (replayer.lastIndex() >= 0 && replayer.lastSeq() > 0)
                        {
                            final long start = System.nanoTime();
                            try
                            {
                                file = store.write(replica, replayer.lastIndex(),
                                    JournalSeek.fingerprint(queue, replayer.lastIndex()));
                                lastWriteNanos = System.nanoTime() - start;
                                lastSnapshotSeq = replayer.lastSeq();
                                newestFile = file;
                                log.accept(String.format("snapshot at seq %,d written to %s in %.1f ms (follower " +
                                    "thread)", replayer.lastSeq(), file, lastWriteNanos / 1e6));
                                final IOException pruned = store.pruneFailure();
                                if (pruned != null)
                                {
                                    log.accept("older snapshots not deleted: " + FileErrors.describe(pruned));
                                }
                            }
                            catch (final IOException ex)
                            {
                                // The disk refused (full, read-only, permissions): the replica is intact, so the
                                // follower goes on and tries again at the next snapshot due; until one is written,
                                // a restart replays from the last one that was.
                                writeFailure = ex;
                                writeFailures++;
                                log.accept(String.format("snapshot at seq %,d not written: %s; the follower " +
                                    "tries again at the next one", replayer.lastSeq(), FileErrors.describe(ex)));
                            }
                        }
                        else
                        {
                            lastSnapshotSeq = replayer.lastSeq();
                        }
                        // Also after a failure: the next attempt waits for the next period or count of events
                        // instead of retrying at once, over and over, against a disk that just refused.
                        snapshotSeq = replayer.lastSeq();
                        snapshotAt = System.nanoTime();
                        for (final Request request : due)
                        {
                            if (writeFailure != null)
                            {
                                request.done().completeExceptionally(writeFailure);
                            }
                            else
                            {
                                request.done().complete(file);
                            }
                        }
                    }
                    if (stepped == 0)
                    {
                        Thread.sleep(1);
                    }
                }
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        catch (final Throwable ex)
        {
            failure = ex;
            log.accept("snapshot follower stopped: " + ex);
        }
        finally
        {
            failPending();
        }
    }

    private List<Request> dueRequests(final long applied)
    {
        synchronized (requests)
        {
            final List<Request> due = new ArrayList<>();
            requests.removeIf(r ->
            {
                if (r.seq() <= applied)
                {
                    due.add(r);
                    return true;
                }
                return false;
            });
            return due;
        }
    }

    /** Fails the requests the follower read far enough for, but could not snapshot: the journal never committed it. */
    private void failRequests(final long applied)
    {
        synchronized (requests)
        {
            if (requests.isEmpty())
            {
                return;
            }
        }
        final List<Request> due = dueRequests(applied);
        if (due.isEmpty())
        {
            return;
        }
        final IllegalStateException uncommitted = new IllegalStateException("the journal has committed nothing " +
            "for a second, at seq " + committedSeq.getAsLong() + ", short of what the snapshot follower read (seq " +
            applied + "): no snapshot covers it yet");
        for (final Request request : due)
        {
            request.done().completeExceptionally(uncommitted);
        }
    }

    private void failPending()
    {
        synchronized (requests)
        {
            stopped = true;
            for (final Request request : requests)
            {
                request.done().completeExceptionally(stoppedException());
            }
            requests.clear();
        }
    }

    private IllegalStateException stoppedException()
    {
        return new IllegalStateException("snapshot follower stopped" + (failure != null ? ": " + failure : ""));
    }

    @Override
    public void close()
    {
        running = false;
        try
        {
            thread.join(60_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
