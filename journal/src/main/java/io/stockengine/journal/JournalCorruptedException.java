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
}
