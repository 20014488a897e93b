package io.stockengine.loadtest;

import java.io.PrintStream;
import java.util.List;

/** The outcome of a reconciliation: the differences (none when it passed) and what was compared. */
final class Reconciliation
{
    private static final int PRINTED = 50;

    final List<String> differences;
    /** SKU x locations that sold, shipped or committed more than they received, and sales after a sell-out. */
    final int oversold;
    final int cells;
    final int ordersQueried;
    final int ordersExpired;
    final int unknownResolved;
    final long unitsReceived;
    final long unitsSold;
    final long unitsReserved;
    final long unitsShipped;
    final long unitsCancelled;
    final long unitsExpired;
    final long ordersReserved;
    final long ordersRefused;

    Reconciliation(final List<String> differences, final int oversold, final int cells, final int ordersQueried,
        final int ordersExpired, final int unknownResolved, final Ledger ledger)
    {
        this.differences = List.copyOf(differences);
        this.oversold = oversold;
        this.cells = cells;
        this.ordersQueried = ordersQueried;
        this.ordersExpired = ordersExpired;
        this.unknownResolved = unknownResolved;
        this.unitsReceived = ledger.unitsReceived.sum();
        this.unitsSold = ledger.unitsSold.sum();
        this.unitsReserved = ledger.unitsReserved.sum();
        this.unitsShipped = ledger.unitsShipped.sum();
        this.unitsCancelled = ledger.unitsCancelled.sum();
        this.unitsExpired = ledger.unitsExpired.sum();
        this.ordersReserved = ledger.ordersReserved.sum();
        this.ordersRefused = ledger.ordersRefused.sum();
    }

    boolean passed()
    {
        return differences.isEmpty();
    }

    void print(final PrintStream out)
    {
        out.printf("reconciliation: %,d SKU x locations compared, %,d open orders queried (%,d expired by TTL), " +
            "%,d unknown outcomes settled%n", cells, ordersQueried, ordersExpired, unknownResolved);
        out.printf("  acknowledged units: received %,d  sold %,d  reserved %,d (%,d orders, %,d refused)  " +
            "shipped %,d  cancelled %,d  expired %,d%n", unitsReceived, unitsSold, unitsReserved, ordersReserved,
            ordersRefused, unitsShipped, unitsCancelled, unitsExpired);
        if (passed())
        {
            out.println("  PASSED: the engine's balances match every acknowledged result; nothing oversold");
            return;
        }
        out.printf("  FAILED: %,d differences%s%n", differences.size(),
            oversold > 0 ? String.format(", %,d of them OVERSOLD", oversold) : "");
        for (int i = 0; i < Math.min(PRINTED, differences.size()); i++)
        {
            out.println("    " + differences.get(i));
        }
        if (differences.size() > PRINTED)
        {
            out.printf("    ... and %,d more (all in reconciliation.txt)%n", differences.size() - PRINTED);
        }
    }
}
