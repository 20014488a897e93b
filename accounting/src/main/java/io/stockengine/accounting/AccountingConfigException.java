package io.stockengine.accounting;

/**
 * The configuration cannot be used: a bad chart of accounts or costing file, a database URL of an unknown kind, or a
 * configuration that disagrees with what the ledger already recorded. The tool answers it with exit code 2.
 */
public final class AccountingConfigException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public AccountingConfigException(final String message)
    {
        super(message);
    }
}
