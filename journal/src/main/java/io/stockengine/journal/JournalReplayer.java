package io.stockengine.journal;

import io.stockengine.engine.EventReadAhead;
import io.stockengine.engine.EventSink;
import io.stockengine.engine.InventoryState;
import net.openhft.chronicle.queue.ExcerptTailer;

/**
 * Applies the journal to a sink one excerpt at a time, checking each whole first. Used by recovery (to the end,
 * once) and by followers that keep tailing (snapshot writer, consumers).
 * <p>
 * An unreadable excerpt is held as a possible torn tail: if a tail-repair marker later voids it, it is skipped; if
 * a readable excerpt follows it instead, the journal is corrupt in the middle and {@link #step} throws.
 */
public final class JournalReplayer
{
    private final ExcerptScanner scanner = new ExcerptScanner();
    private final EventSink sink;
    private final EventReadAhead readAhead;
    private final String journalName;
    private long expected;
    private long lastSeq;
    private long lastIndex = -1;
    private long events;
    private long excerpts;
    private long tornFrom = -1;
    private long tornTo = -1;
    private String tornReason;

    /**
     * @param afterSeq events up to this seq are already applied; the next excerpt must start right after it.
     */
    public JournalReplayer(final EventSink sink, final long afterSeq, final String journalName)
    {
        this(sink, null, afterSeq, journalName);
    }

    /**
     * A replayer into the engine's own state, reading ahead over each excerpt's records (see {@link EventReadAhead}):
     * recovery and the snapshot follower.
     */
    public JournalReplayer(final InventoryState state, final long afterSeq, final String journalName)
    {
        this(state, new EventReadAhead(state), afterSeq, journalName);
    }

    private JournalReplayer(final EventSink sink, final EventReadAhead readAhead, final long afterSeq,
        final String journalName)
    {
        this.sink = sink;
        this.readAhead = readAhead;
        this.expected = afterSeq + 1;
        this.lastSeq = afterSeq;
        this.journalName = journalName;
    }

    /**
     * Reads and applies the next excerpt, if any.
     *
     * @return false when there is no further complete excerpt for now.
     * @throws JournalCorruptedException on corruption in the middle or a sequence gap.
     */
    public boolean step(final ExcerptTailer tailer)
    {
        if (!scanner.next(tailer))
        {
            return false;
        }
        final boolean whole = scanner.check(expected);
        if (whole && scanner.isRepairMarker())
        {
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
                "it (from %s); refusing to go on. Restore the journal from a copy.", journalName,
                Long.toHexString(tornFrom), tornReason, Long.toHexString(scanner.index())));
        }
        if (!whole)
        {
            throw new JournalCorruptedException(String.format("journal %s has a gap at excerpt %s: %s",
                journalName, Long.toHexString(scanner.index()), scanner.problem()));
        }
        if (readAhead != null)
        {
            scanner.apply(sink, readAhead);
        }
        else
        {
            scanner.apply(sink);
        }
        expected = scanner.lastSeq() + 1;
        lastSeq = scanner.lastSeq();
        lastIndex = scanner.index();
        events += scanner.records();
        excerpts++;
        return true;
    }

    /** Moves to the excerpt a snapshot was taken at and steps over it, checking it ends at the snapshot's seq. */
    public void skipTo(final ExcerptTailer tailer, final long index)
    {
        if (!tailer.moveToIndex(index) || !scanner.next(tailer))
        {
            throw new JournalCorruptedException("the snapshot was taken at excerpt " + Long.toHexString(index) +
                ", which the journal does not have: were journal files deleted too early?");
        }
        if (!scanner.check(0) || scanner.lastSeq() != lastSeq)
        {
            throw new JournalCorruptedException("the snapshot says excerpt " + Long.toHexString(index) +
                " ends at seq " + lastSeq + " but the journal disagrees (" +
                (scanner.problem() != null ? scanner.problem() : "it ends at " + scanner.lastSeq()) + ")");
        }
        lastIndex = index;
    }

    public long lastSeq()
    {
        return lastSeq;
    }

    /** Index of the last excerpt applied (or skipped to), -1 before any. */
    public long lastIndex()
    {
        return lastIndex;
    }

    public long events()
    {
        return events;
    }

    public long excerpts()
    {
        return excerpts;
    }

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
}
