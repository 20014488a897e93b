package io.stockengine.journal;

/**
 * The journal cannot be trusted: a record in the middle is unreadable or the sequence has a gap. The engine refuses
 * to start rather than skip it; the message says where.
 */
public final class JournalCorruptedException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public JournalCorruptedException(final String message)
    {
        super(message);
    }

    /** As above, keeping what the library reading the file threw (for a debugger; the message says it all). */
    public JournalCorruptedException(final String message, final Throwable cause)
    {
        super(message, cause);
    }

    /**
     * Reading stopped short of excerpts the queue's index still holds: a stretch of zeroes (a page that never
     * reached the disk) reads to a tailer as the journal's end.
     */
    static JournalCorruptedException hole(final Object journal, final String stoppedAt, final long lastIndex)
    {
        return new JournalCorruptedException(String.format("journal %s is corrupt in the middle: reading stops %s, " +
            "but the queue holds excerpts up to %s beyond an unreadable stretch (zeroed bytes, as a page that never " +
            "reached the disk leaves); refusing to go on. Restore the journal from a copy.", journal, stoppedAt,
            "0x" + Long.toHexString(lastIndex)));
    }
}
