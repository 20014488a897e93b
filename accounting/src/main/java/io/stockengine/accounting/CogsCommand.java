package io.stockengine.accounting;

import java.io.PrintWriter;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code cogs}: cost of goods sold per day: shipments and sales, less customer returns. */
@Command(name = "cogs", mixinStandardHelpOptions = true,
    description = "Cost of goods sold by day (engine time; days in UTC unless --zone says): shipped + sold - " +
        "returned.")
final class CogsCommand implements Callable<Integer>
{
    @Mixin
    LedgerOptions ledger;

    @Option(names = "--from", paramLabel = "YYYY-MM-DD", description = "First day (default: the first there is).")
    LocalDate from;

    @Option(names = "--to", paramLabel = "YYYY-MM-DD", description = "Last day, inclusive (default: the last).")
    LocalDate to;

    @Mixin
    ZoneOption zone;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call()
    {
        if (from != null && to != null && to.isBefore(from))
        {
            throw new ParameterException(spec.commandLine(), "--to " + to + " is before --from " + from);
        }
        final long journalEnd = ledger.journalEnd();
        try (LedgerReports reports = LedgerReports.open(ledger.ledger(true)))
        {
            final String accounted = ledger.notYetAccounted(journalEnd, reports.ledgerSeq());
            final List<LedgerReports.CogsDay> days = reports.cogs(from, to, zone.zone);
            final PrintWriter out = spec.commandLine().getOut();
            out.printf("Cost of goods sold by day (%s) at seq %,d%n%n", zone.zone.getId(), reports.ledgerSeq());
            final TextTable table = new TextTable("DAY", ">SHIPPED_UNITS", ">SHIPPED", ">SOLD_UNITS", ">SOLD",
                ">RETURNED_UNITS", ">RETURNED", ">COGS");
            final long[] total = new long[7];
            for (final LedgerReports.CogsDay day : days)
            {
                table.row(day.day(), day.shippedUnits(), Money.format(day.shipped()), day.soldUnits(),
                    Money.format(day.sold()), day.returnedUnits(), Money.format(day.returned()),
                    Money.format(day.net()));
                total[0] = Math.addExact(total[0], day.shippedUnits());
                total[1] = Math.addExact(total[1], day.shipped());
                total[2] = Math.addExact(total[2], day.soldUnits());
                total[3] = Math.addExact(total[3], day.sold());
                total[4] = Math.addExact(total[4], day.returnedUnits());
                total[5] = Math.addExact(total[5], day.returned());
                total[6] = Math.addExact(total[6], day.net());
            }
            table.rule().row("TOTAL", total[0], Money.format(total[1]), total[2], Money.format(total[3]), total[4],
                Money.format(total[5]), Money.format(total[6]));
            table.print(out);
            out.print(accounted);
            out.flush();
            return AccountingTool.OK;
        }
    }
}
