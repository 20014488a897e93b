package io.stockengine.accounting;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

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

    public AccountingConfigException(final String message, final Throwable cause)
    {
        super(message, cause);
    }

    /**
     * A configuration file that cannot be read: said in a sentence, since the exception's own message is often no more
     * than the path again.
     *
     * @param what "the costing configuration", "the chart of accounts"
     */
    static AccountingConfigException unreadable(final String what, final Path file, final Exception ex)
    {
        final String why;
        if (ex instanceof NoSuchFileException)
        {
            why = "no such file";
        }
        else if (ex instanceof AccessDeniedException)
        {
            why = "permission denied";
        }
        else if (ex instanceof CharacterCodingException)
        {
            why = "it is not UTF-8 text";
        }
        else if (ex instanceof IOException && Files.isDirectory(file))
        {
            why = "it is a directory";
        }
        else
        {
            why = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
        }
        return new AccountingConfigException("cannot read " + what + " " + file + ": " + why, ex);
    }
}
