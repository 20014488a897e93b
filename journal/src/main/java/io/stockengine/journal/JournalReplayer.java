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
    /** The seq the next whole excerpt read must start at: the one after the last whole excerpt read. */
    private long readExpected;
    private long lastSeq;
    private long lastIndex = -1;
    /** Index of the last excerpt read of any kind (applied, unreadable, a repair marker, skipped to), or -1. */
    private long lastRead = -1;
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
        this.readExpected = afterSeq + 1;
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
        if (!readAndCheck(tailer, scanner))
        {
            return false;
        }
        accept(scanner);
        return true;
    }

    /**
     * The first half of {@link #step}, which touches nothing but the tailer, the given scanner and the sequence it
     * expects next, so it can run on another thread ahead of {@link #accept} (see {@link JournalRecovery}): reads
     * the next excerpt into {@code into} and checks it against the sequence that follows the last whole excerpt
     * read.
     *
     * @return false when there is no further complete excerpt for now.
     */
    boolean readAndCheck(final ExcerptTailer tailer, final ExcerptScanner into)
    {
        if (!into.next(tailer))
        {
            return false;
        }
        if (into.check(readExpected) && !into.isRepairMarker())
        {
            readExpected = into.lastSeq() + 1;
        }
        return true;
    }

    /**
     * The second half of {@link #step}: given an excerpt read and checked by {@link #readAndCheck}, in journal
     * order, holds it as a possible torn tail, lets a repair marker void one, refuses corruption in the middle, or
     * applies it.
     *
     * @throws JournalCorruptedException on corruption in the middle or a sequence gap.
     */
    void accept(final ExcerptScanner checked)
    {
        lastRead = checked.index();
        final boolean whole = checked.problem() == null;
        if (whole && checked.isRepairMarker())
        {
            if (tornFrom >= 0 && checked.repairedFrom() <= tornFrom && checked.repairedTo() >= tornTo)
            {
                tornFrom = -1;
                tornTo = -1;
                tornReason = null;
            }
            return;
        }
        if (!whole && !checked.sequenceGap())
        {
            if (tornFrom < 0)
            {
                tornFrom = checked.index();
                tornReason = checked.problem();
            }
            tornTo = checked.index();
            return;
        }
        if (tornFrom >= 0)
        {
            throw new JournalCorruptedException(String.format(
                "journal %s is corrupt in the middle: excerpt %s is unreadable (%s) but readable excerpts follow " +
                "it (from %s); refusing to go on. Restore the journal from a copy.", journalName,
                "0x" + Long.toHexString(tornFrom), tornReason, "0x" + Long.toHexString(checked.index())));
        }
        if (!whole && lastSeq == 0)
        {
            throw new JournalCorruptedException(String.format("journal %s starts at excerpt %s (%s) and no usable " +
                "snapshot covers the seqs before it: its oldest files were pruned or deleted. Restore a snapshot " +
                "that covers them, or the deleted files, from a copy", journalName,
                "0x" + Long.toHexString(checked.index()), checked.problem()));
        }
        if (!whole)
        {
            throw new JournalCorruptedException(String.format("journal %s has a gap at excerpt %s (%s): events " +
                "are missing between two excerpts, as when a journal file in the middle was deleted. Restore it " +
                "from a copy", journalName, "0x" + Long.toHexString(checked.index()), checked.problem()));
        }
        if (readAhead != null)
        {
            checked.apply(sink, readAhead);
        }
        else
        {
            checked.apply(sink);
        }
        lastSeq = checked.lastSeq();
        lastIndex = checked.index();
        events += checked.records();
        excerpts++;
    }

    /** Moves to the excerpt a snapshot was taken at and steps over it, checking it ends at the snapshot's seq. */
    public void skipTo(final ExcerptTailer tailer, final long index)
    {
        skipTo(tailer, index, -1);
    }

    /**
     * As {@link #skipTo(ExcerptTailer, long)}, and when {@code fingerprint} is not -1 (a snapshot older than the
     * fingerprint has none) the excerpt must be the very one the snapshot was taken after: a snapshot copied from
     * another data directory whose journal has the same shape would otherwise be taken for this journal's state.
     */
    public void skipTo(final ExcerptTailer tailer, final long index, final long fingerprint)
    {
        if (!tailer.moveToIndex(index) || !scanner.next(tailer))
        {
            throw new JournalCorruptedException("the snapshot was taken at excerpt " + "0x" + Long.toHexString(index) +
                ", which the journal does not have: were journal files deleted too early, or is the journal's end " +
                "damaged? Restore the journal from a copy. A copy of a running engine whose journal/ was copied " +
                "before its snapshots/ ends short of them: copy snapshots/ first (journal-format.md, \"Backing up " +
                "or moving a data directory\"), or move this snapshot aside.");
        }
        if (!scanner.check(0) || scanner.lastSeq() != lastSeq)
        {
            throw new JournalCorruptedException("the snapshot says excerpt " + "0x" + Long.toHexString(index) +
                " ends at seq " + lastSeq + " but the journal disagrees (" +
                (scanner.problem() != null ? scanner.problem() : "it ends at " + scanner.lastSeq()) + "). The " +
                "excerpt was acknowledged before the snapshot was taken, so this is damage, not a crash's torn " +
                "write, and it is not voided: restore the journal from a copy.");
        }
        if (fingerprint != -1 && scanner.fingerprint() != fingerprint)
        {
            throw new JournalCorruptedException("the snapshot was taken after excerpt " + "0x" + Long.toHexString(index) +
                " of another journal: this journal's excerpt there holds other events (seqs " + scanner.firstSeq() +
                ".." + scanner.lastSeq() + " all the same). Was a snapshot copied from another data directory? Move " +
                "the snapshots that do not belong to this journal out of the snapshots directory and start again.");
        }
        lastIndex = index;
        lastRead = index;
    }

    /** Index of the last excerpt read, whatever it held, -1 before any. */
    public long lastRead()
    {
        return lastRead;
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
