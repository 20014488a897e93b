package io.stockengine.accounting;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code valuation}: units and value on hand and in transit, by SKU and location, as of the last commit, or as they
 * stood at a seq or at the end of a day (rebuilt from the postings, {@link LedgerReports#valuationAtSeq}).
 */
@Command(name = "valuation", mixinStandardHelpOptions = true,
    description = "Stock value by SKU and location (on hand, and in transit towards the location), now, after seq " +
        "N, or at the end of a day.")
final class ValuationCommand implements Callable<Integer>
{
    @Mixin
    LedgerOptions ledger;

    @Option(names = "--sku", paramLabel = "SKU", description = "Only this SKU.")
    String sku;

    @Option(names = "--all", description = "Also SKU x locations that hold nothing now (or then).")
    boolean all;

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
            final long seq;
            final String title;
            final List<LedgerReports.StockValue> rows;
            LedgerReports.DayEnd dayEnd = null;
            if (asOf == null)
            {
                seq = reports.ledgerSeq();
                title = String.format("Stock valuation at seq %,d", seq);
                rows = reports.valuation(sku, all);
            }
            else if (asOf.seq != null)
            {
                seq = asOf.seq;
                title = String.format("Stock valuation as of seq %,d (the ledger has committed up to seq %,d)", seq,
                    reports.ledgerSeq());
                rows = reports.valuationAtSeq(seq, sku, all);
            }
            else
            {
                dayEnd = reports.dayEnd(asOf.date, zone.zone);
                seq = dayEnd.lastSeqBefore();
                title = String.format("Stock valuation as of %s (the ledger has committed up to seq %,d)",
                    AsOf.dayEndTitle(dayEnd), reports.ledgerSeq());
                rows = reports.valuationAtSeq(seq, sku, all);
            }
            final PrintWriter out = spec.commandLine().getOut();
            out.printf("%s%n%n", title);
            final TextTable table = new TextTable("SKU", "LOCATION", "METHOD", ">UNITS", ">VALUE", ">UNIT_COST",
                ">IN_TRANSIT", ">TRANSIT_VALUE", ">TOTAL_VALUE");
            long units = 0;
            long value = 0;
            long transitUnits = 0;
            long transitValue = 0;
            for (final LedgerReports.StockValue row : rows)
            {
                table.row(row.skuName(), row.locationName(), row.method().label(), row.units(),
                    Money.format(row.value()), row.units() > 0 ?
                        Money.format(Money.unitCost(row.value(), row.units(), 0)) : "-",
                    row.transitUnits(), Money.format(row.transitValue()), Money.format(row.totalValue()));
                units = Math.addExact(units, row.units());
                value = Math.addExact(value, row.value());
                transitUnits = Math.addExact(transitUnits, row.transitUnits());
                transitValue = Math.addExact(transitValue, row.transitValue());
            }
            table.rule().row("TOTAL", rows.size() + (rows.size() == 1 ? " row" : " rows"), "", units, Money.format(value), "", transitUnits,
                Money.format(transitValue), Money.format(Math.addExact(value, transitValue)));
            table.print(out);
            out.println();
            if (sku != null && rows.isEmpty())
            {
                // An empty table for a mistyped SKU read as "none in stock"; the ledger knows every SKU it valued.
                out.print(asOf == null ? String.format("SKU %s has never been valued in this ledger (up to seq " +
                    "%,d): check its spelling, or whether it has moved yet.%n", sku, seq) : String.format("SKU %s " +
                    "had not been valued in this ledger by %s: check its spelling, or whether it had moved by then.%n",
                    sku, asOf.seq != null ? String.format("seq %,d", seq) : "the end of " + asOf.date + " (" + zone.zone.getId() + ")"));
            }
            out.print(AsOf.dayNotPostedNote(dayEnd, reports.ledgerSeq()));
            out.println("Unit cost: value / units, rounded half-even to the millionth (the value itself is exact).");
            out.print(accounted);
            out.flush();
            return AccountingTool.OK;
        }
    }
}
