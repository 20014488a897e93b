package io.stockengine.accounting;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code trial-balance}: every account's debits, credits and balance, at a seq, at the end of a day, or now. */
@Command(name = "trial-balance", mixinStandardHelpOptions = true,
    description = "Debits, credits and balance of every account; exit code 1 if they do not balance.")
final class TrialBalanceCommand implements Callable<Integer>
{
    @Mixin
    LedgerOptions ledger;

    @ArgGroup(exclusive = true)
    AsOf asOf;

    @Mixin
    ZoneOption zone;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call()
    {
        AsOf.checkSeq(asOf, spec.commandLine());
        final long journalEnd = ledger.journalEnd();
        try (LedgerReports reports = LedgerReports.open(ledger.ledger(true)))
        {
            final String accounted = ledger.notYetAccounted(journalEnd, reports.ledgerSeq());
            AsOf.checkReached(asOf, spec.commandLine(), reports.ledgerSeq());
            // The end of a day is the seq of its last posting, as for valuation: the title names it, the figures
            // stop there even while a consumer commits, and a day the ledger may not have posted whole says so.
            final LedgerReports.DayEnd dayEnd = asOf != null && asOf.date != null ? reports.dayEnd(asOf.date, zone.zone) : null;
            final LedgerReports.TrialBalance trial = asOf == null ? reports.trialBalance() :
                reports.trialBalanceAtSeq(dayEnd != null ? dayEnd.lastSeqBefore() : asOf.seq);
            final PrintWriter out = spec.commandLine().getOut();
            out.printf("Trial balance as of %s (the ledger has committed up to seq %,d)%n%n",
                dayEnd != null ? AsOf.dayEndTitle(dayEnd) : trial.asOf(), trial.ledgerSeq());
            final TextTable table = new TextTable("ACCOUNT", "NAME", ">DEBIT", ">CREDIT", ">BALANCE");
            for (final LedgerReports.AccountTotal account : trial.accounts())
            {
                table.row(account.code(), account.name() + (account.stock() ? " *" : ""),
                    Money.format(account.debit()), Money.format(account.credit()), Money.format(account.balance()));
            }
            table.rule().row("TOTAL", "", Money.format(trial.debits()), Money.format(trial.credits()),
                Money.format(Math.subtractExact(trial.debits(), trial.credits())));
            table.print(out);
            out.printf("%n* inventory account; inventory value %s%n%s%n", Money.format(trial.inventory()),
                trial.balanced() ? "balanced: debits equal credits" : "NOT BALANCED: debits and credits differ");
            out.print(AsOf.dayNotPostedNote(dayEnd, trial.ledgerSeq()));
            out.print(accounted);
            out.flush();
            return trial.balanced() ? AccountingTool.OK : AccountingTool.PROBLEM;
        }
    }
}
