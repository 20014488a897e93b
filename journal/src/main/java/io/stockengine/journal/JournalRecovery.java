package io.stockengine.journal;

import org.agrona.ExpandableArrayBuffer;

import io.stockengine.engine.EventSink;
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
                Long.toHexString(tornFrom), Long.toHexString(tornTo), tornReason) : "";
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
        final Outcome outcome = new Outcome();
        final long start = System.nanoTime();
        final ExcerptScanner scanner = new ExcerptScanner();
        long expected = afterSeq + 1;
        long nextReport = 1_000_000;
        try (ExcerptTailer tailer = queue.createTailer())
        {
            if (fromIndex >= 0 && !tailer.moveToIndex(fromIndex))
            {
                throw new JournalCorruptedException("snapshot points at excerpt " + Long.toHexString(fromIndex) +
                    ", which the journal does not have: was a journal file deleted?");
            }
            while (scanner.next(tailer))
            {
                final boolean whole = scanner.check(expected);
                if (whole && scanner.isRepairMarker())
                {
                    if (outcome.tornTail() && scanner.repairedFrom() <= outcome.tornFrom &&
                        scanner.repairedTo() >= outcome.tornTo)
                    {
                        outcome.tornFrom = -1;
                        outcome.tornTo = -1;
                        outcome.tornReason = null;
                    }
                    continue;
                }
                if (!whole && !scanner.sequenceGap())
                {
                    if (!outcome.tornTail())
                    {
                        outcome.tornFrom = scanner.index();
                        outcome.tornReason = scanner.problem();
                    }
                    outcome.tornTo = scanner.index();
                    continue;
                }
                if (outcome.tornTail())
                {
                    throw new JournalCorruptedException(String.format(
                        "journal %s is corrupt in the middle: excerpt %s is unreadable (%s) but readable excerpts " +
                        "follow it (from %s); refusing to start. Restore the journal from a copy, or cut it " +
                        "before the bad excerpt knowingly.", queue.file(), Long.toHexString(outcome.tornFrom),
                        outcome.tornReason, Long.toHexString(scanner.index())));
                }
                if (!whole)
                {
                    throw new JournalCorruptedException(String.format(
                        "journal %s has a gap at excerpt %s: %s; refusing to start", queue.file(),
                        Long.toHexString(scanner.index()), scanner.problem()));
                }
                scanner.apply(state);
                expected = scanner.lastSeq() + 1;
                outcome.lastSeq = scanner.lastSeq();
                outcome.eventsReplayed += scanner.records();
                outcome.excerptsReplayed++;
                if (progress != null && outcome.eventsReplayed >= nextReport)
                {
                    progress.onProgress(outcome.eventsReplayed, outcome.lastSeq, System.nanoTime() - start);
                    nextReport += 1_000_000;
                }
            }
        }
        if (outcome.lastSeq == 0)
        {
            outcome.lastSeq = afterSeq;
        }
        outcome.nanos = System.nanoTime() - start;
        return outcome;
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
