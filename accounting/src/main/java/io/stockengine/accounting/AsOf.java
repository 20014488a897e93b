package io.stockengine.accounting;

import java.time.LocalDate;

import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code --as-of-seq N | --as-of-date YYYY-MM-DD}, at most one of the two (an exclusive {@code @ArgGroup}), for the
 * reports that can look back: {@code trial-balance} and {@code valuation}. One class, so both take the same values
 * and refuse the same ones in the same words.
 */
final class AsOf
{
    @Option(names = "--as-of-seq", paramLabel = "N", description = "Postings of events up to seq N.")
    Long seq;

    @Option(names = "--as-of-date", paramLabel = "YYYY-MM-DD",
        description = "Postings up to the end of that day (UTC, engine time).")
    LocalDate date;

    /** Refuses a negative seq, before anything is opened. {@code asOf} is null when neither option was given. */
    static void checkSeq(final AsOf asOf, final CommandLine commandLine)
    {
        if (asOf != null && asOf.seq != null && asOf.seq < 0)
        {
            throw new ParameterException(commandLine, "--as-of-seq must not be negative");
        }
    }

    /** Refuses a seq past the ledger's last commit. */
    static void checkReached(final AsOf asOf, final CommandLine commandLine, final long ledgerSeq)
    {
        if (asOf != null && asOf.seq != null && asOf.seq > ledgerSeq)
        {
            // Figures "as of" a seq the ledger has not reached would read as that seq's figures.
            throw new ParameterException(commandLine, String.format("--as-of-seq %,d: the ledger only reaches seq " +
                "%,d (its last commit); ask for seq %,d or earlier, or run 'accounting-tool run' to post further",
                asOf.seq, ledgerSeq, ledgerSeq));
        }
    }
}
