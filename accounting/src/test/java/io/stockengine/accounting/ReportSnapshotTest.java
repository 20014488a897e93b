package io.stockengine.accounting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.stockengine.engine.NoOpEventSink;

/**
 * A report reads several statements while a following consumer commits: each report must read one state of the
 * ledger, the one at the seq it names. At READ COMMITTED every statement saw the newest commit, so a live trial
 * balance could read its debits before a commit and its credits after it (a reviewer counted 19 unbalanced of 512),
 * a report "as of seq N" held later postings, and reconcile compared the engine at seq N with tables past it.
 */
@Timeout(120)
class ReportSnapshotTest
{
    private Ledger ledger;
    private LedgerConfig config;

    @AfterEach
    void close()
    {
        if (ledger != null)
        {
            ledger.close();
        }
    }

    private EngineDriver open(final TestLedgers.Database database)
    {
        config = TestLedgers.of(database).costing(CostingConfig.defaults());
        ledger = Ledger.open(config);
        return new EngineDriver(ledger);
    }

    @ParameterizedTest
    @EnumSource(TestLedgers.Database.class)
    void shouldReportTheSeqItNamesWhileTheConsumerCommitsMore(final TestLedgers.Database database)
    {
        final EngineDriver engine = open(database);
        engine.receive("A", "L1", 10, "1.00");
        engine.commit();
        try (LedgerReports reports = LedgerReports.open(config))
        {
            final long seq = reports.ledgerSeq();
            engine.receive("A", "L1", 10, "1.00");
            engine.transferOut("t-1", "A", "L1", "L2", 4);
            engine.commit();
            final LedgerReports.TrialBalance trial = reports.trialBalance();
            assertEquals(seq, trial.ledgerSeq());
            assertEquals(Money.parse("10.00"), trial.inventory(), "only what was posted up to seq " + seq);
            assertEquals(trial.accounts(), reports.trialBalanceAtSeq(seq).accounts());
            final LedgerReports.StockValue stock = reports.valuation("A", false).get(0);
            assertEquals(10, stock.units());
            assertEquals(0, stock.transitUnits(), "the transfer committed after the report's seq");
        }
        try (LedgerReports reports = LedgerReports.open(config))
        {
            assertEquals(Money.parse("20.00"), reports.trialBalance().inventory(), "a new report reads the new seq");
        }
    }

    @ParameterizedTest
    @EnumSource(TestLedgers.Database.class)
    void shouldReconcileCleanlyWhileTheConsumerCommitsMore(final TestLedgers.Database database)
    {
        final EngineDriver engine = open(database);
        // The same first command into an engine of its own: the state reconcile replays the journal to.
        final EngineDriver replay = new EngineDriver(ledger, NoOpEventSink.INSTANCE);
        engine.receive("A", "L1", 10, "1.00");
        replay.receive("A", "L1", 10, "1.00");
        engine.commit();
        try (LedgerReports reports = LedgerReports.open(config))
        {
            engine.transferOut("t-1", "A", "L1", "L2", 4);
            engine.commit();
            final Reconciler.Result result = Reconciler.reconcile(reports, replay.engine.state());
            assertTrue(result.clean(), () -> "clean at seq " + reports.ledgerSeq() + ": " + result.differences());
        }
    }

    @ParameterizedTest
    @EnumSource(TestLedgers.Database.class)
    void shouldBalanceEveryTrialBalanceReadWhileTheConsumerCommits(final TestLedgers.Database database) throws Exception
    {
        final EngineDriver engine = open(database);
        engine.receive("A", "L1", 10, "1.00");
        engine.commit();
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicReference<Throwable> failed = new AtomicReference<>();
        final Thread consumer = new Thread(() ->
        {
            try
            {
                while (!stop.get())
                {
                    engine.receive("A", "L1", 1, "1.00");
                    engine.sell("A", "L1", 1);
                    engine.commit();
                }
            }
            catch (final Throwable ex)
            {
                failed.set(ex);
            }
        }, "consumer");
        consumer.start();
        int reads = 0;
        int unbalanced = 0;
        final long end = System.nanoTime() + 3_000_000_000L;
        try
        {
            while (System.nanoTime() < end)
            {
                try (LedgerReports reports = LedgerReports.open(config))
                {
                    for (int i = 0; i < 20; i++)
                    {
                        reads++;
                        final LedgerReports.TrialBalance trial = reports.trialBalance();
                        unbalanced += trial.balanced() ? 0 : 1;
                        assertEquals(trial.accounts(), reports.trialBalanceAtSeq(reports.ledgerSeq()).accounts());
                    }
                }
            }
        }
        finally
        {
            stop.set(true);
            consumer.join();
        }
        assertEquals(null, failed.get());
        assertTrue(engine.engine.lastSeq() > 100, "the consumer committed while the reports read");
        assertEquals(0, unbalanced, "unbalanced trial balances of " + reads + " read");
    }
}
