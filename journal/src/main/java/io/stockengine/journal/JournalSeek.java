package io.stockengine.journal;

import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

/**
 * Finds positions in the journal without delivering anything: its first and last event, the excerpt holding a seq,
 * and whether a stored position (a consumer's or a snapshot's) still names a whole excerpt holding its seq. Only
 * whole engine excerpts count; unreadable ones and tail-repair markers are stepped over, and {@link JournalReader}
 * judges them when it reads them.
 * <p>
 * Threading: any thread; each call uses its own tailer.
 */
public final class JournalSeek
{
    private JournalSeek()
    {
    }

    /** @return the seq of the first event the journal holds, 0 when it holds none. */
    public static long firstSeq(final SingleChronicleQueue queue)
    {
        final ExcerptScanner scanner = new ExcerptScanner();
        try (ExcerptTailer tailer = queue.createTailer())
        {
            tailer.toStart();
            while (scanner.next(tailer))
            {
                if (scanner.check(0) && !scanner.isRepairMarker())
                {
                    return scanner.firstSeq();
                }
            }
        }
        return 0;
    }

    /** @return the position after the last event the journal holds, {@link ReaderPosition#BEGINNING} for none. */
    static ReaderPosition end(final SingleChronicleQueue queue)
    {
        final ExcerptScanner scanner = new ExcerptScanner();
        try (ExcerptTailer tailer = queue.createTailer())
        {
            tailer.direction(TailerDirection.BACKWARD).toEnd();
            while (scanner.next(tailer))
            {
                if (scanner.check(0) && !scanner.isRepairMarker())
                {
                    return new ReaderPosition(scanner.lastSeq(), scanner.index());
                }
            }
        }
        return ReaderPosition.BEGINNING;
    }

    /**
     * @return the position from which the next event delivered is {@code seq}: seq - 1 in the excerpt holding seq,
     *         or the end of the journal when seq is the next one to be written.
     * @throws IllegalArgumentException when seq is before the first event the journal still holds, or past the end.
     */
    static ReaderPosition before(final SingleChronicleQueue queue, final long seq)
    {
        if (seq < 1)
        {
            throw new IllegalArgumentException("seq " + seq + " does not exist: seqs start at 1");
        }
        final ExcerptScanner scanner = new ExcerptScanner();
        ReaderPosition last = ReaderPosition.BEGINNING;
        long first = 0;
        try (ExcerptTailer tailer = queue.createTailer())
        {
            tailer.toStart();
            while (scanner.next(tailer))
            {
                if (!scanner.check(0) || scanner.isRepairMarker())
                {
                    continue;
                }
                if (first == 0)
                {
                    first = scanner.firstSeq();
                }
                if (scanner.lastSeq() >= seq)
                {
                    if (scanner.firstSeq() <= seq)
                    {
                        return new ReaderPosition(seq - 1, scanner.index());
                    }
                    throw new IllegalArgumentException("seq " + seq + " is no longer in the journal: it starts at seq " +
                        first + " (older files were pruned)");
                }
                last = new ReaderPosition(scanner.lastSeq(), scanner.index());
            }
        }
        if (last.seq() == seq - 1)
        {
            return last;
        }
        throw new IllegalArgumentException("seq " + seq + " is past the end of the journal (its last seq is " +
            last.seq() + ")");
    }

    /**
     * The seq of the first event stamped at or after {@code millis} of engine time, or the seq after the last event
     * when none is. Engine time never goes back, so every event from that seq on is at or after it. Only whole
     * excerpts are read; the reader that later delivers the events judges the others.
     */
    static long firstAtOrAfter(final SingleChronicleQueue queue, final long millis)
    {
        final ExcerptScanner scanner = new ExcerptScanner();
        final long[] found = { 0 };
        long next = 1;
        try (ExcerptTailer tailer = queue.createTailer())
        {
            tailer.toStart();
            while (scanner.next(tailer))
            {
                if (!scanner.check(0) || scanner.isRepairMarker())
                {
                    continue;
                }
                scanner.forEach((header, buffer, offset, length) ->
                {
                    if (found[0] == 0 && header.timestamp() >= millis)
                    {
                        found[0] = header.seq();
                    }
                });
                if (found[0] != 0)
                {
                    return found[0];
                }
                next = scanner.lastSeq() + 1;
            }
        }
        return next;
    }

    /** The {@link ExcerptScanner#fingerprint} of the excerpt at {@code index}, or -1 when the journal has none there. */
    static long fingerprint(final SingleChronicleQueue queue, final long index)
    {
        final ExcerptScanner scanner = new ExcerptScanner();
        try (ExcerptTailer tailer = queue.createTailer())
        {
            return tailer.moveToIndex(index) && scanner.next(tailer) ? scanner.fingerprint() : -1;
        }
    }

    /**
     * @param exact true for a snapshot's position, whose excerpt must end at its seq; false for a consumer's, whose
     *              seq may be anywhere in its excerpt (or just before it).
     * @return null when the journal has the excerpt the position names and it holds the position's seq; otherwise
     *         what is wrong.
     */
    static String check(final SingleChronicleQueue queue, final ReaderPosition position, final boolean exact)
    {
        return check(queue, position, exact, -1);
    }

    /**
     * As {@link #check(SingleChronicleQueue, ReaderPosition, boolean)}, and when {@code fingerprint} is not -1 the
     * excerpt must also be the one a snapshot recorded (see {@link ExcerptScanner#fingerprint}).
     */
    static String check(final SingleChronicleQueue queue, final ReaderPosition position, final boolean exact,
        final long fingerprint)
    {
        if (position.isBeginning())
        {
            return null;
        }
        final String excerpt = "excerpt 0x" + Long.toHexString(position.index());
        final ExcerptScanner scanner = new ExcerptScanner();
        try (ExcerptTailer tailer = queue.createTailer())
        {
            if (!tailer.moveToIndex(position.index()) || !scanner.next(tailer))
            {
                return excerpt + " is not in the journal: were its files deleted (pruned) too early, or is the " +
                    "journal's end damaged?";
            }
        }
        if (!scanner.check(0))
        {
            return excerpt + " is unreadable: " + scanner.problem();
        }
        if (scanner.isRepairMarker())
        {
            return excerpt + " is a tail-repair marker, not events";
        }
        final boolean holds = exact ? scanner.lastSeq() == position.seq() :
            scanner.firstSeq() - 1 <= position.seq() && position.seq() <= scanner.lastSeq();
        if (!holds)
        {
            return excerpt + " holds seqs " + scanner.firstSeq() + ".." + scanner.lastSeq() + ", which does not " +
                (exact ? "end at" : "match") + " seq " + position.seq();
        }
        if (fingerprint != -1 && scanner.fingerprint() != fingerprint)
        {
            return excerpt + " holds other events than the snapshot was taken after: it comes from another journal";
        }
        return null;
    }
}
