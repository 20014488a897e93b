package io.stockengine.journal;

import org.agrona.ExpandableArrayBuffer;

import io.stockengine.engine.EventSink;
import io.stockengine.engine.InventoryState;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Replays the journal into a state. Every excerpt is checked whole before it is applied. An unreadable excerpt with
 * nothing readable after it is a torn tail (a process killed mid-write; none of it was acknowledged): replay stops
 * before it, says so, and {@link #repairTail} writes a marker that voids it so later appends follow cleanly. An
 * unreadable excerpt followed by readable ones, or a gap in the sequence, is corruption in the middle: replay
 * refuses with {@link JournalCorruptedException} and never skips it silently.
 */
public final class JournalRecovery
{
    /** What a replay found. */
    public static final class Outcome
    {
        public long lastSeq;
        /** Index of the last excerpt applied, -1 for none. */
        public long lastIndex = -1;
        public long eventsReplayed;
        public long excerptsReplayed;
        public long nanos;
        /** First and last excerpt index of an unreadable tail, or -1. */
        public long tornFrom = -1;
        public long tornTo = -1;
        public String tornReason;

        public boolean tornTail()
        {
            return tornFrom >= 0;
        }

        public double eventsPerSecond()
        {
            return nanos == 0 ? 0 : eventsReplayed * 1e9 / nanos;
        }

        @Override
        public String toString()
        {
            final String torn = tornTail() ? String.format(
                "; torn tail at excerpts %s..%s (%s) was never acknowledged and is ignored",
                "0x" + Long.toHexString(tornFrom), "0x" + Long.toHexString(tornTo), tornReason) : "";
            return String.format("replayed %,d events in %,d excerpts up to seq %,d in %.3f s (%,.0f events/s)%s",
                eventsReplayed, excerptsReplayed, lastSeq, nanos / 1e9, eventsPerSecond(), torn);
        }
    }

    /** Progress of a long replay, called about every million events. */
    @FunctionalInterface
    public interface Progress
    {
        void onProgress(long eventsReplayed, long lastSeq, long nanos);
    }

    private JournalRecovery()
    {
    }

    /**
     * @param afterSeq  events up to this seq are already in the state (a snapshot's), 0 for none.
     * @param fromIndex excerpt index to start at (a snapshot's), or -1 for the start of the journal.
     */
    public static Outcome replay(final SingleChronicleQueue queue, final EventSink state, final long afterSeq,
        final long fromIndex, final Progress progress)
    {
        return replay(queue, new JournalReplayer(state, afterSeq, queue.file().toString()), fromIndex, progress);
    }

    /**
     * {@link #replay(SingleChronicleQueue, EventSink, long, long, Progress)} into the engine's state, reading ahead,
     * with the reading and checking of excerpts on a second thread (see {@link ExcerptPipe}).
     */
    public static Outcome replay(final SingleChronicleQueue queue, final InventoryState state, final long afterSeq,
        final long fromIndex, final Progress progress)
    {
        return replay(queue, state, afterSeq, fromIndex, -1, progress);
    }

    /**
     * As {@link #replay(SingleChronicleQueue, InventoryState, long, long, Progress)} after a snapshot that recorded
     * the fingerprint of its excerpt ({@link SnapshotStore.Loaded#fingerprint}): one from another journal is refused.
     */
    public static Outcome replay(final SingleChronicleQueue queue, final InventoryState state, final long afterSeq,
        final long fromIndex, final long fromFingerprint, final Progress progress)
    {
        final JournalReplayer replayer = new JournalReplayer(state, afterSeq, queue.file().toString());
        final Reporter reporter = new Reporter(replayer, progress);
        try (ExcerptPipe pipe = new ExcerptPipe(queue, replayer, fromIndex, fromFingerprint).start())
        {
            for (ExcerptScanner checked = pipe.take(); checked != null; checked = pipe.take())
            {
                replayer.accept(checked);
                pipe.release();
                reporter.afterExcerpt();
            }
        }
        requireReadToTheEnd(queue, replayer.lastRead());
        return reporter.outcome();
    }

    /**
     * A tailer reads a header of zeroes as the end of the journal: a page in the middle that never reached the disk
     * (dirty pages written out of order before a power cut) or was zeroed would end the replay there, and what
     * follows it, acknowledged, would be lost, and each later append hidden behind it. Chronicle's index still knows
     * the excerpts after the hole; a replay that stops short of them is corruption in the middle. A torn last excerpt
     * (its header never completed) is not in the index, so it does not count.
     *
     * @throws JournalCorruptedException when the queue holds an excerpt after the last one read.
     */
    static void requireReadToTheEnd(final SingleChronicleQueue queue, final long lastRead)
    {
        final long last = queue.lastIndex();
        if (last > lastRead)
        {
            throw JournalCorruptedException.hole(queue.file(), "after excerpt " +
                (lastRead < 0 ? "none (at the start)" : "0x" + Long.toHexString(lastRead)), last);
        }
    }

    private static Outcome replay(final SingleChronicleQueue queue, final JournalReplayer replayer,
        final long fromIndex, final Progress progress)
    {
        final Reporter reporter = new Reporter(replayer, progress);
        try (ExcerptTailer tailer = queue.createTailer())
        {
            if (fromIndex >= 0)
            {
                replayer.skipTo(tailer, fromIndex);
            }
            while (replayer.step(tailer))
            {
                reporter.afterExcerpt();
            }
        }
        requireReadToTheEnd(queue, replayer.lastRead());
        return reporter.outcome();
    }

    /**
     * Times a replay (the clock only measures how long it took; the state takes its time from the records) and
     * reports progress every million events, or every two seconds when the replay is slower than that (a machine
     * busy with other work), so a long replay is never silent.
     */
    private static final class Reporter
    {
        private static final long REPORT_EVERY_NANOS = 2_000_000_000L;

        private final JournalReplayer replayer;
        private final Progress progress;
        private final long start = System.nanoTime();
        private long nextReport = 1_000_000;
        private long lastReport = start;

        Reporter(final JournalReplayer replayer, final Progress progress)
        {
            this.replayer = replayer;
            this.progress = progress;
        }

        void afterExcerpt()
        {
            if (progress == null)
            {
                return;
            }
            final long now = System.nanoTime();
            if (replayer.events() >= nextReport || now - lastReport >= REPORT_EVERY_NANOS)
            {
                progress.onProgress(replayer.events(), replayer.lastSeq(), now - start);
                nextReport = replayer.events() + 1_000_000;
                lastReport = now;
            }
        }

        Outcome outcome()
        {
            final Outcome outcome = new Outcome();
            outcome.lastSeq = replayer.lastSeq();
            outcome.lastIndex = replayer.lastIndex();
            outcome.eventsReplayed = replayer.events();
            outcome.excerptsReplayed = replayer.excerpts();
            outcome.tornFrom = replayer.tornFrom();
            outcome.tornTo = replayer.tornTo();
            outcome.tornReason = replayer.tornReason();
            outcome.nanos = System.nanoTime() - start;
            return outcome;
        }
    }

    /** Voids a torn tail found by {@link #replay}, so the excerpts appended next are not read as following it. */
    public static void repairTail(final SingleChronicleQueue queue, final Outcome outcome)
    {
        if (!outcome.tornTail())
        {
            return;
        }
        final ExpandableArrayBuffer record = new ExpandableArrayBuffer(128);
        final int length = EventEncoder.tailRepaired(record, outcome.tornFrom, outcome.tornTo, outcome.lastSeq);
        try (ExcerptAppender appender = queue.createAppender())
        {
            try (DocumentContext dc = appender.writingDocument())
            {
                final Bytes<?> bytes = dc.wire().bytes();
                bytes.write(record.byteArray(), 0, length);
            }
            appender.sync();
        }
    }
}
