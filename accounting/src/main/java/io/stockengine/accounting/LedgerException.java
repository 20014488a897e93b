package io.stockengine.accounting;

/**
 * The ledger's database failed (could not connect, a write or a commit failed). After a failed commit the ledger's
 * memory is ahead of its database: close it and open it again, which resumes from the last commit.
 */
public final class LedgerException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public LedgerException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
