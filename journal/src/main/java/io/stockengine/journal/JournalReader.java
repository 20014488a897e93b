package io.stockengine.journal;

import static io.stockengine.journal.RecordDescriptor.LENGTH_OFFSET;
import static io.stockengine.journal.RecordDescriptor.SEQ_OFFSET;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.IdleStrategy;

import io.stockengine.engine.EventSink;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Reads the journal for a downstream consumer (accounting, a search index, a marketplace feed): events reach the
 * consumer's {@link EventSink} in seq order, one typed callback each with its seq, after
 * {@link EventSink#beginCommand} has named the record's correlation id and engine time.
 * <p>
 * <b>Checking.</b> The rules are {@link JournalReplayer}'s: an excerpt (one group commit of whole commands) is checked
 * whole, every record's checksum and the seq continuity, before any of its events is delivered. An unreadable excerpt
 * is held as a possible torn tail and nothing after it is delivered until a tail-repair marker voids it; a readable
 * excerpt after it means the journal is corrupt in the middle, and this call and every later one throw
 * {@link JournalCorruptedException}. The replayer applies an excerpt whole; a consumer must be able to stop and commit
 * between any two events, so this reader keeps the checked excerpt and hands it out event by event.
 * <p>
 * <b>Position.</b> {@link #position()} is the last event delivered and the excerpt holding it; {@link #commit()}
 * hands it to the consumer's {@link PositionStore}. It moves to an event just before that event's callback runs, so a
 * commit made inside the callback, after the consumer's work for the event, counts the event as done; a callback that
 * throws leaves the position where it was, and the next poll delivers the event again. On open the reader resumes
 * after the stored position, exactly: events of the stored excerpt up to its seq are skipped, the rest delivered.
 * With no stored position it starts where the {@link Context} says: the first event the journal holds, a given
 * seq, or the end.
 * <p>
 * <b>Registration.</b> A named reader keeps {@code <dataDir>/consumers/<name>.position} no later than its committed
 * position: that file is its {@link FilePositionStore}, or, when the consumer keeps its position elsewhere, a copy
 * written after each commit (at most every {@link Context#registryIntervalMillis}, and on close) that may lag but
 * never leads. {@code JournalTool prune} never deletes a file a registered consumer still needs.
 * <p>
 * Threading: one thread at a time. The Chronicle tailer is created by the first poll, on the polling thread.
 */
public final class JournalReader implements AutoCloseable
{
    /** Events per poll of {@link #catchUp} and the default of {@link #follow}. */
    public static final int DEFAULT_BATCH = 4096;
    private static final long START_BEGINNING = 0;
    private static final long START_END = -1;

    /** What to read, for whom, and where to start. {@link #conclude()} validates it once. */
    public static final class Context
    {
        private JournalConfig config;
        private SingleChronicleQueue queue;
        private String consumerName;
        private PositionStore positionStore;
        private long startSeq = START_BEGINNING;
        private long registryIntervalMillis = 1_000;

        /** The journal's data directory; required. A reader takes the roll cycle from the journal's own metadata. */
        public Context config(final JournalConfig config)
        {
            this.config = config;
            return this;
        }

        /** A queue already open on the journal (the engine's own, in process); else the reader opens it read-only. */
        public Context queue(final SingleChronicleQueue queue)
        {
            this.queue = queue;
            return this;
        }

        /** The consumer's name; without one the reader is anonymous: nothing is persisted or registered (tools). */
        public Context consumerName(final String name)
        {
            this.consumerName = name;
            return this;
        }

        /** Where the position is kept; by default the consumer's {@link FilePositionStore}. */
        public Context positionStore(final PositionStore store)
        {
            this.positionStore = store;
            return this;
        }

        /** With no stored position, start at the first event the journal holds (the default). */
        public Context startFromBeginning()
        {
            this.startSeq = START_BEGINNING;
            return this;
        }

        /**
         * With no stored position, start at event {@code seq}; opening fails when the journal no longer holds it
         * (a consumer that needs every event since seq 1 says so with {@code startFromSeq(1)}).
         */
        public Context startFromSeq(final long seq)
        {
            if (seq < 1)
            {
                throw new IllegalArgumentException("seqs start at 1: " + seq);
            }
            this.startSeq = seq;
            return this;
        }

        /**
         * With no stored position, start after the last event in the journal when the reader is opened. A named
         * consumer's start is registered on open, so with the default store a restart before the first commit
         * resumes there rather than at the new end.
         */
        public Context startFromEnd()
        {
            this.startSeq = START_END;
            return this;
        }

        /** How often at most a consumer with its own store copies its position to the registry file. */
        public Context registryIntervalMillis(final long millis)
        {
            this.registryIntervalMillis = millis;
            return this;
        }

        public Context conclude()
        {
            if (config == null)
            {
                throw new IllegalArgumentException("a JournalReader needs the JournalConfig of the journal to read");
            }
            if (consumerName != null)
            {
                FilePositionStore.checkName(consumerName);
            }
            if (registryIntervalMillis < 0)
            {
                throw new IllegalArgumentException("registryIntervalMillis must not be negative");
            }
            return this;
        }
    }

    private final SingleChronicleQueue queue;
    private final boolean ownsQueue;
    private final String name;
    private final PositionStore store;
    /** The consumer's registry file; null for an anonymous reader. */
    private final FilePositionStore registry;
    /** The consumer keeps its position elsewhere and the registry file is a copy of it. */
    private final boolean mirrored;
    private final long registryIntervalNanos;
    private final ExcerptScanner scanner = new ExcerptScanner();
    private final EventDecoder decoder = new EventDecoder();
    private final ExpandableArrayBuffer excerpt = new ExpandableArrayBuffer(1 << 16);
    private ExcerptTailer tailer;

    private long seq;
    private long index;
    private long excerptIndex = -1;
    private int excerptLength;
    private int cursor;
    private long expected;

    private ReaderPosition committed;
    private ReaderPosition registered;
    private long registeredAt;

    private long tornFrom = -1;
    private long tornTo = -1;
    private String tornReason;
    private long events;
    private long excerpts;
    private long repairMarkers;
    private JournalCorruptedException failure;

    private JournalReader(final Context context)
    {
        final JournalConfig config = context.config;
        this.name = context.consumerName;
        this.ownsQueue = context.queue == null;
        this.queue = ownsQueue ? openReadOnly(config) : context.queue;
        try
        {
            this.registry = name != null ? FilePositionStore.of(config, name) : null;
            this.store = context.positionStore != null ? context.positionStore :
                registry != null ? registry : PositionStore.inMemory();
            this.mirrored = registry != null && !(store instanceof FilePositionStore files &&
                files.file().toAbsolutePath().equals(registry.file().toAbsolutePath()));
            this.registryIntervalNanos = context.registryIntervalMillis * 1_000_000L;
            final String stale = JournalFiles.staleListing(queue);
            if (stale != null)
            {
                throw new JournalCorruptedException(describe() + " cannot read " + queue.file() + ": " + stale);
            }
            final ReaderPosition stored = store.load();
            // A consumer that commits elsewhere and stopped before its first commit registered its start only. Asked
            // to start from the end again, it starts at that end, not at today's, or it would skip what came
            // between (a tester's consumer from the end, stopped before any event came, could never start again:
            // its own start read as another store's position). Asked for a seq or the beginning, it starts there:
            // nothing was committed, so reading from an earlier point loses nothing, and a later one is asked for.
            final boolean notYet = mirrored && stored == null &&
                FilePositionStore.KEPT_ELSEWHERE_NOT_YET.equals(registry.kept());
            final ReaderPosition registeredStart = notYet && context.startSeq == START_END ? registry.load() : null;
            if (mirrored && !notYet)
            {
                refuseALeadingRegistry(stored);
            }
            if (!mirrored && registry != null)
            {
                refuseACopy();
            }
            final ReaderPosition start;
            final ReaderPosition resumed = stored != null ? stored : registeredStart;
            if (resumed != null)
            {
                final String problem = JournalSeek.check(queue, resumed, false);
                if (problem != null)
                {
                    throw new JournalCorruptedException(describe() + " cannot resume after " + resumed + ": " +
                        problem);
                }
                start = resumed;
            }
            else if (context.startSeq == START_END)
            {
                start = JournalSeek.end(queue);
            }
            else if (context.startSeq == START_BEGINNING)
            {
                start = ReaderPosition.BEGINNING;
            }
            else
            {
                start = JournalSeek.before(queue, context.startSeq);
            }
            seq = start.seq();
            index = start.index();
            committed = stored;
            if (registry != null && !start.equals(registry.load()))
            {
                registry.store(start, !mirrored ? FilePositionStore.KEPT_HERE : stored == null ?
                    FilePositionStore.KEPT_ELSEWHERE_NOT_YET : FilePositionStore.KEPT_ELSEWHERE);
            }
            registered = start;
            registeredAt = System.nanoTime();
        }
        catch (final RuntimeException ex)
        {
            if (ownsQueue)
            {
                queue.close();
            }
            throw ex;
        }
    }

    /**
     * The seq of the last event the journal of {@code config} holds, 0 for none: what a report compares its ledger's
     * position with, so it can say the period it shows is not complete yet.
     */
    public static long lastSeq(final JournalConfig config)
    {
        try (SingleChronicleQueue queue = Queues.openForReading(config))
        {
            return JournalSeek.end(queue).seq();
        }
    }

    /**
     * Opens a reader: loads the consumer's stored position (checking the journal still has it) or works out the
     * start, and registers a named consumer.
     *
     * @throws JournalCorruptedException when the stored position names an excerpt the journal does not have, or a
     *         journal file is damaged at its start or cut short ({@link Queues#openForReading}).
     * @throws IllegalArgumentException   when a start seq is not in the journal.
     */
    public static JournalReader open(final Context context)
    {
        return new JournalReader(context.conclude());
    }

    private static SingleChronicleQueue openReadOnly(final JournalConfig config)
    {
        final Path dir = config.journalDir();
        if (!Files.isDirectory(dir))
        {
            throw new IllegalStateException("there is no journal at " + dir.toAbsolutePath() + ": start the engine " +
                "once to create it, or point the data directory at the engine's");
        }
        return Queues.openForReading(config);
    }

    private String describe()
    {
        return name != null ? "consumer '" + name + "'" : "the reader";
    }

    /**
     * The registry copy of a consumer that keeps its position elsewhere is written after each commit, so it never
     * leads the position it copies. Ahead of it, it was written for another store under the same name (two ledgers
     * left on the default consumer name, a finance tester), or the store was restored from an older backup: either
     * way {@code prune} would take it as this consumer's and could delete journal files it still needs.
     */
    private void refuseALeadingRegistry(final ReaderPosition stored)
    {
        final ReaderPosition listed = registry.load();
        final long own = stored == null ? 0 : stored.seq();
        if (listed != null && listed.seq() > own)
        {
            throw new IllegalStateException(describe() + " is registered at seq " + listed.seq() + " in " +
                registry.file() + ", past " + (stored == null ? "this store, which has no position yet" :
                "this store's seq " + own) + ": another store (another ledger) uses the same consumer name, and " +
                "prune would keep only what that one needs. Give each its own consumer name; if this store was " +
                "restored from a backup instead, delete that file and run again");
        }
    }

    /**
     * A consumer with the default store takes the file as its position. Written as the copy of a consumer that
     * commits elsewhere, it is that one's: taken over, the new consumer would skip everything before it, and its
     * commits would move the copy that one relies on (a tester's default-store consumer took a database consumer's
     * name and started 730,990 events in, without a word).
     */
    private void refuseACopy()
    {
        final String kept = registry.kept();
        if (FilePositionStore.KEPT_ELSEWHERE.equals(kept) || FilePositionStore.KEPT_ELSEWHERE_NOT_YET.equals(kept))
        {
            throw new IllegalStateException(describe() + " is registered in " + registry.file() + " by a consumer " +
                "that commits its position in a store of its own (the file is its copy, kept=" + kept + "): with the " +
                "default store this reader would take that position as its own. Give it another consumer name, or " +
                "open it with that consumer's position store");
        }
    }

    /** Copies a committed position to the registry file of a consumer that keeps its position elsewhere. */
    private void mirror(final ReaderPosition position)
    {
        if (!position.equals(registered))
        {
            registry.store(position, FilePositionStore.KEPT_ELSEWHERE);
            registered = position;
        }
        registeredAt = System.nanoTime();
    }

    /** The last event delivered and the excerpt holding it (where the reader started, before any delivery). */
    public ReaderPosition position()
    {
        return index < 0 ? ReaderPosition.BEGINNING : new ReaderPosition(seq, index);
    }

    /** The last seq delivered, 0 for none. */
    public long lastSeq()
    {
        return seq;
    }

    /** The position last committed in this run, or loaded on open; null when there is none. */
    public ReaderPosition committed()
    {
        return committed;
    }

    /**
     * Stores {@link #position()} in the consumer's {@link PositionStore}: the consumer declares every event delivered
     * so far done. A named consumer with its own store also gets its registry file updated afterwards (throttled).
     */
    public void commit()
    {
        final ReaderPosition position = position();
        store.store(position);
        committed = position;
        if (mirrored && System.nanoTime() - registeredAt >= registryIntervalNanos)
        {
            mirror(position);
        }
    }

    /**
     * Delivers up to {@code maxEvents} events, in seq order.
     *
     * @return the number delivered; 0 when the journal has no further complete excerpt for now.
     * @throws JournalCorruptedException on corruption in the middle of the journal or a gap in the seqs.
     */
    public int poll(final EventSink sink, final int maxEvents)
    {
        return poll(sink, maxEvents, Long.MAX_VALUE);
    }

    /**
     * Delivers up to {@code maxEvents} events, none past seq {@code lastSeq}: with seqs gap-free, a consumer can
     * stop exactly where it wants (a tool reading up to a start point, a replay up to a seq).
     *
     * @return the number delivered; 0 when nothing up to {@code lastSeq} is available now.
     */
    public int poll(final EventSink sink, final int maxEvents, final long lastSeq)
    {
        if (failure != null)
        {
            throw failure;
        }
        int delivered = 0;
        try
        {
            if (tailer == null)
            {
                positionTailer();
            }
            while (delivered < maxEvents)
            {
                if (cursor < excerptLength)
                {
                    final long recordSeq = excerpt.getLong(cursor + SEQ_OFFSET);
                    if (recordSeq > lastSeq)
                    {
                        break;
                    }
                    final int length = excerpt.getInt(cursor + LENGTH_OFFSET);
                    if (recordSeq > seq)
                    {
                        deliver(sink, recordSeq);
                        delivered++;
                    }
                    cursor += length;
                }
                else if (!nextExcerpt())
                {
                    break;
                }
            }
        }
        catch (final JournalCorruptedException ex)
        {
            failure = ex;
            throw ex;
        }
        return delivered;
    }

    private void deliver(final EventSink sink, final long recordSeq)
    {
        final long previousSeq = seq;
        final long previousIndex = index;
        seq = recordSeq;
        index = excerptIndex;
        try
        {
            if (decoder.decode(excerpt, cursor, excerptLength, sink) < 0)
            {
                throw new IllegalStateException("unreachable: the excerpt was checked whole before delivery");
            }
        }
        catch (final RuntimeException | Error ex)
        {
            seq = previousSeq;
            index = previousIndex;
            throw ex;
        }
        events++;
    }

    /** Delivers every event available now, in batches. @return the number delivered. */
    public long catchUp(final EventSink sink)
    {
        long total = 0;
        while (true)
        {
            int delivered;
            while ((delivered = poll(sink, DEFAULT_BATCH)) > 0)
            {
                total += delivered;
            }
            // What the queue held before the last look: an excerpt appended since is found by it, so one still
            // unread lies beyond a stretch the tailer cannot read (see JournalRecovery.requireReadToTheEnd).
            final long last = queue.lastIndex();
            if ((delivered = poll(sink, DEFAULT_BATCH)) > 0)
            {
                total += delivered;
                continue;
            }
            if (tailer != null && last >= tailer.index())
            {
                failure = JournalCorruptedException.hole(queue.file(), "before excerpt " +
                    "0x" + Long.toHexString(tailer.index()), last);
                throw failure;
            }
            return total;
        }
    }

    /**
     * Tails the journal until {@code keepRunning} says stop or the thread is interrupted (the interrupt is left set):
     * delivers batches of up to {@code maxEvents}, calls {@code afterBatch} after each (where a consumer commits, or
     * a tool flushes its output), and idles while there is nothing new.
     *
     * @return the number of events delivered.
     */
    public long follow(final EventSink sink, final int maxEvents, final IdleStrategy idle,
        final BooleanSupplier keepRunning, final Runnable afterBatch)
    {
        long total = 0;
        while (keepRunning.getAsBoolean() && !Thread.currentThread().isInterrupted())
        {
            final int delivered = poll(sink, maxEvents);
            if (delivered > 0)
            {
                total += delivered;
                afterBatch.run();
            }
            else if (mirrored && committed != null && !committed.equals(registered) &&
                System.nanoTime() - registeredAt >= registryIntervalNanos)
            {
                // Caught up: the commits of the last burst were not copied (at most one copy a second), and with
                // no more traffic they would not be until the close, while /metrics showed a lag that was not there.
                mirror(committed);
            }
            idle.idle(delivered);
        }
        return total;
    }

    private void positionTailer()
    {
        tailer = queue.createTailer();
        if (index < 0)
        {
            tailer.toStart();
            expected = 0;
            return;
        }
        if (!tailer.moveToIndex(index) || !readExcerpt())
        {
            throw new JournalCorruptedException(describe() + " cannot resume: excerpt 0x" + Long.toHexString(index) +
                " is no longer in the journal; were its files deleted (pruned) too early?");
        }
        if (!scanner.check(0) || scanner.isRepairMarker() || scanner.firstSeq() - 1 > seq || scanner.lastSeq() < seq)
        {
            throw new JournalCorruptedException(describe() + " cannot resume after " + position() + ": the journal " +
                "disagrees (" + JournalSeek.check(queue, position(), false) + ")");
        }
        accept();
    }

    private boolean readExcerpt()
    {
        try (DocumentContext dc = tailer.readingDocument())
        {
            if (!dc.isPresent())
            {
                return false;
            }
            excerptIndex = dc.index();
            final Bytes<?> bytes = dc.wire().bytes();
            excerptLength = (int)bytes.readRemaining();
            excerpt.checkLimit(excerptLength);
            bytes.read(excerpt.byteArray(), 0, excerptLength);
        }
        cursor = excerptLength;
        scanner.load(excerpt.byteArray(), excerptLength, excerptIndex);
        excerpts++;
        return true;
    }

    /** Makes the checked excerpt the one events are delivered from. */
    private void accept()
    {
        cursor = 0;
        expected = scanner.lastSeq() + 1;
    }

    /** Reads and judges the next excerpt, as {@link JournalReplayer#step} does. @return false when there is none. */
    private boolean nextExcerpt()
    {
        if (!readExcerpt())
        {
            return false;
        }
        final boolean whole = scanner.check(expected);
        if (whole && scanner.isRepairMarker())
        {
            repairMarkers++;
            if (tornFrom >= 0 && scanner.repairedFrom() <= tornFrom && scanner.repairedTo() >= tornTo)
            {
                tornFrom = -1;
                tornTo = -1;
                tornReason = null;
            }
            return true;
        }
        if (!whole && !scanner.sequenceGap())
        {
            if (tornFrom < 0)
            {
                tornFrom = scanner.index();
                tornReason = scanner.problem();
            }
            tornTo = scanner.index();
            return true;
        }
        if (tornFrom >= 0)
        {
            throw new JournalCorruptedException(String.format(
                "journal %s is corrupt in the middle: excerpt %s is unreadable (%s) but readable excerpts follow " +
                "it (from %s); refusing to go on. Restore the journal from a copy.", queue.file(),
                "0x" + Long.toHexString(tornFrom), tornReason, "0x" + Long.toHexString(scanner.index())));
        }
        if (!whole)
        {
            throw new JournalCorruptedException(String.format("journal %s has a gap at excerpt %s: %s",
                queue.file(), "0x" + Long.toHexString(scanner.index()), scanner.problem()));
        }
        accept();
        return true;
    }

    /** First excerpt index of an unreadable tail being held, or -1. */
    public long tornFrom()
    {
        return tornFrom;
    }

    public long tornTo()
    {
        return tornTo;
    }

    public String tornReason()
    {
        return tornReason;
    }

    /** Events delivered by this reader. */
    public long events()
    {
        return events;
    }

    /** Excerpts read by this reader, whatever they held. */
    public long excerpts()
    {
        return excerpts;
    }

    /** Tail-repair markers read. */
    public long repairMarkers()
    {
        return repairMarkers;
    }

    /**
     * Closes the tailer (and the queue when this reader opened it). Never commits: what was delivered after the last
     * commit is delivered again next time. A named consumer with its own store brings its registry file up to its
     * last commit.
     */
    @Override
    public void close()
    {
        try
        {
            if (mirrored && committed != null)
            {
                mirror(committed);
            }
        }
        finally
        {
            if (tailer != null)
            {
                tailer.close();
            }
            if (ownsQueue)
            {
                queue.close();
            }
        }
    }
}
