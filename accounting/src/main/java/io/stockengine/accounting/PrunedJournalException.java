package io.stockengine.accounting;

/**
 * The journal no longer holds the events a replay needs: its oldest files were pruned. Nothing was compared, so the
 * tool answers it with exit code 2, like a missing journal, and not with the 1 of a reconciliation that found
 * differences.
 */
public final class PrunedJournalException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public PrunedJournalException(final String message)
    {
        super(message);
    }
}
