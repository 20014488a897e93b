package io.stockengine.accounting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.stockengine.engine.Command;
import io.stockengine.engine.InventoryState;
import io.stockengine.journal.ReaderPosition;

/**
 * Random command streams through the real engine, its events straight into a ledger: at checkpoints the trial
 * balance balances, the inventory accounts equal the cost layers (per SKU x location and in total) and the layers'
 * units equal the engine's on_hand + in_transit everywhere. The same stream is then run again into a second ledger
 * that is closed and reopened after random commits (its state read back from the database each time): both ledgers
 * must end with identical postings and identical valuation state.
 * <p>
 * The seed is printed; rerun one with {@code -Dstock.accounting.seed=N}. {@code -Psoak} runs 200,000 commands per
 * costing instead of 8,000, hence the generous timeout.
 */
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class RandomizedLedgerTest
{
    private static final int COMMANDS = Integer.getInteger("stock.accounting.commands", 8_000);
    private static final int CHECKPOINTS = 4;

    /** The costing of a run. */
    enum Costing
    {
        FIFO, AVERAGE, STANDARD, MIXED
    }

    static CostingConfig costing(final Costing costing)
    {
        switch (costing)
        {
            case AVERAGE:
                return CostingConfig.of(CostMethod.AVERAGE);
            case STANDARD:
                return CostingConfig.of(CostMethod.STANDARD);
            case MIXED:
            {
                final Properties properties = new Properties();
                properties.setProperty("method.S0", "average");
                properties.setProperty("method.S1", "standard");
                properties.setProperty("standard.S1", "1.10");
                properties.setProperty("method.S2", "standard");
                properties.setProperty("method.S30", "average");
                properties.setProperty("method.S31", "standard");
                return CostingConfig.parse(properties, "mixed");
            }
            default:
                return CostingConfig.defaults();
        }
    }

    @ParameterizedTest
    @EnumSource(Costing.class)
    void shouldBalanceAndReconcileAndSurviveReopening(final Costing costing) throws Exception
    {
        final long seed = Long.getLong("stock.accounting.seed", System.nanoTime());
        System.out.println("RandomizedLedgerTest " + costing + " seed=" + seed + " commands=" + COMMANDS);
        final String context = costing + " seed=" + seed + " (rerun with -Dstock.accounting.seed=" + seed + ")";

        final LedgerConfig straight = TestLedgers.h2().costing(costing(costing));
        final SplittableRandom commits = new SplittableRandom(seed);
        try (Ledger ledger = Ledger.open(straight))
        {
            final EngineDriver driver = new EngineDriver(ledger);
            final AccountingWorkload workload = new AccountingWorkload(seed);
            for (long i = 1; i <= COMMANDS; i++)
            {
                final Command c = new Command().reset();
                workload.fill(i, c);
                driver.process(c);
                if (commits.nextInt(400) == 0)
                {
                    driver.commit();
                }
                if (i % (COMMANDS / CHECKPOINTS) == 0)
                {
                    driver.commit();
                    check(straight, driver.engine.state(), context + " at command " + i);
                }
            }
        }
        checkCoverage(straight, costing, context);

        final LedgerConfig reopened = TestLedgers.h2().costing(costing(costing));
        final SplittableRandom restarts = new SplittableRandom(seed + 1);
        final SwitchableSink events = new SwitchableSink();
        Ledger ledger = Ledger.open(reopened);
        int reopenings = 0;
        try
        {
            events.target = ledger.sink();
            final EngineDriver driver = new EngineDriver(ledger, events);
            final AccountingWorkload workload = new AccountingWorkload(seed);
            for (long i = 1; i <= COMMANDS; i++)
            {
                final Command c = new Command().reset();
                workload.fill(i, c);
                driver.process(c);
                if (restarts.nextInt(COMMANDS / 10) == 0 || i % (COMMANDS / 5) == 0)
                {
                    ledger.store(new ReaderPosition(driver.engine.lastSeq(),
                        driver.engine.lastSeq()));
                    ledger.close();
                    ledger = Ledger.open(reopened);
                    events.target = ledger.sink();
                    reopenings++;
                }
            }
            ledger.store(new ReaderPosition(driver.engine.lastSeq(), driver.engine.lastSeq()));
            check(reopened, driver.engine.state(), context + " reopened " + reopenings + " times");
        }
        finally
        {
            ledger.close();
        }
        assertTrue(reopenings >= 5, "the ledger was reopened several times: " + context);
        final List<String> expected = TestLedgers.postings(straight);
        assertEquals(expected.size(), TestLedgers.postings(reopened).size(), "as many postings: " + context);
        assertEquals(expected, TestLedgers.postings(reopened), "the same postings: " + context);
        assertEquals(TestLedgers.state(straight), TestLedgers.state(reopened), "the same valuation: " + context);
    }

    /** Balanced, inventory accounts equal to the layers, layers' units equal to the engine's. */
    static void check(final LedgerConfig config, final InventoryState state, final String context)
    {
        try (LedgerReports reports = LedgerReports.open(config))
        {
            final Reconciler.Result result = Reconciler.reconcile(reports, state);
            assertTrue(result.clean(), () -> "reconciles: " + context + ": " + result.differences());
            assertTrue(result.units() > 0, "some stock is valued: " + context);
            final LedgerReports.TrialBalance trial = reports.trialBalance();
            assertTrue(trial.balanced(), "balanced: " + context);
            assertEquals(result.layerValue(), trial.inventory(), "inventory accounts = layers: " + context);
        }
    }

    /** Every kind of posting the costing can make was made, so the stream exercised them all. */
    static void checkCoverage(final LedgerConfig config, final Costing costing, final String context)
        throws Exception
    {
        final Set<PostingKind> made = EnumSet.noneOf(PostingKind.class);
        for (final String code : TestLedgers.lines(config, "SELECT DISTINCT kind FROM posting"))
        {
            made.add(PostingKind.ofCode(Integer.parseInt(code)));
        }
        final Set<PostingKind> expected = EnumSet.allOf(PostingKind.class);
        if (costing == Costing.FIFO || costing == Costing.AVERAGE)
        {
            expected.remove(PostingKind.PPV);
        }
        assertEquals(expected, made, "every kind of posting happened: " + context);
    }
}
