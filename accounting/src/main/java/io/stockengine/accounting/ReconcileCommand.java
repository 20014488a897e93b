package io.stockengine.accounting;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import io.stockengine.engine.EngineConfig;
import io.stockengine.engine.InventoryState;
import io.stockengine.journal.JournalConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code reconcile}: replays the journal into an engine state up to the ledger's seq and compares units and value
 * (see {@link Reconciler}); lists every difference. Exit code 0 clean, 1 differences, 2 when the journal no longer
 * starts at seq 1 (pruned) or cannot be read, so there is nothing to replay from.
 */
@Command(name = "reconcile", mixinStandardHelpOptions = true,
    description = "Compare the ledger's units and value with the engine's state (the journal replayed to the " +
        "ledger's seq) and with its own accounts; exit code 0 clean, 1 differences, 2 a journal pruned of its first " +
        "events.")
final class ReconcileCommand implements Callable<Integer>
{
    @Mixin
    LedgerOptions ledger;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call()
    {
        final JournalConfig journal = ledger.journal();
        // A damaged journal is refused before the ledger is opened (and perhaps upgraded), as by every command.
        ledger.journalEnd();
        try (LedgerReports reports = LedgerReports.open(ledger.ledger(true)))
        {
            final long seq = reports.ledgerSeq();
            final InventoryState state = Reconciler.replay(journal, new InventoryState(new EngineConfig()), seq);
            final Reconciler.Result result = Reconciler.reconcile(reports, state);
            final PrintWriter out = spec.commandLine().getOut();
            out.printf("Reconciliation at seq %,d: %,d SKU x locations, %,d units valued at %s%n", result.seq(),
                result.stocksChecked(), result.units(), Money.format(result.layerValue()));
            out.printf("inventory accounts %s: %s; debits %s, credits %s%n", reports.stockAccounts(),
                Money.format(result.inventoryAccounts()), Money.format(result.debits()),
                Money.format(result.credits()));
            for (final Reconciler.Difference difference : result.differences())
            {
                out.println("DIFFERENCE " + difference);
            }
            out.println(result.clean() ? "clean: units and value reconcile" :
                result.differences().size() + " differences");
            out.flush();
            return result.clean() ? AccountingTool.OK : AccountingTool.PROBLEM;
        }
    }
}
