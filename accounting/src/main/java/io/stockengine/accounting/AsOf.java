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
        description = "Postings up to the end of that day (engine time; UTC unless --zone says).")
    LocalDate date;

    /** Refuses a negative seq, before anything is opened. {@code asOf} is null when neither option was given. */
    static void checkSeq(final AsOf asOf, final CommandLine commandLine)
    {
        if (asOf != null && asOf.seq != null && asOf.seq < 0)
        {
            throw new ParameterException(commandLine, "--as-of-seq must not be negative");
        }
    }

    /** "the end of D (ZONE): seq N, the last posting before it", for a report's title. */
    static String dayEndTitle(final LedgerReports.DayEnd dayEnd)
    {
        return "the end of " + dayEnd.day() + " (" + dayEnd.zone().getId() + "): " + (dayEnd.lastSeqBefore() == 0 ? "no posting before it" :
            String.format("seq %,d, the last posting before it", dayEnd.lastSeqBefore()));
    }

    /**
     * Below the table of a report as of the end of a day: when the ledger holds no posting after that day's end, it
     * may not have posted the whole day yet (a month-end trial balance run before midnight looked final); "" else.
     */
    static String dayNotPostedNote(final LedgerReports.DayEnd dayEnd, final long ledgerSeq)
    {
        return dayEnd == null || dayEnd.firstSeqAfter() != 0 ? "" : String.format("The ledger holds no posting " +
            "after the end of %s: these are its figures at its last commit (seq %,d), which leave out any event of " +
            "that day it has not posted yet.%n", dayEnd.day(), ledgerSeq);
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
