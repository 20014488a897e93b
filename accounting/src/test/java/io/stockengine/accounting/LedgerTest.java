package io.stockengine.accounting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.stockengine.engine.EventSink;
import io.stockengine.journal.ReaderPosition;

/**
 * The ledger's own guards: it must see every event in order, an amount never wraps, and its configuration may not
 * rewrite history.
 */
class LedgerTest
{
    @TempDir
    Path dir;

    private static CostingConfig standard(final String sku, final String cost)
    {
        final Properties properties = new Properties();
        properties.setProperty("method", "standard");
        if (cost != null)
        {
            properties.setProperty("standard." + sku, cost);
        }
        return CostingConfig.parse(properties, "test");
    }

    @Test
    void shouldRefuseAGapAndStayRefusingUntilReopened()
    {
        final LedgerConfig config = TestLedgers.h2();
        try (Ledger ledger = Ledger.open(config))
        {
            final EventSink sink = ledger.sink();
            sink.beginCommand(1, 1_000);
            sink.symbol(1, EventSink.SYMBOL_SKU, 0, "A");
            final IllegalStateException gap = assertThrows(IllegalStateException.class,
                () -> sink.symbol(3, EventSink.SYMBOL_LOCATION, 0, "L"));
            assertTrue(gap.getMessage().contains("at seq 1 but was handed seq 3"), gap.getMessage());
            assertThrows(IllegalStateException.class, () -> sink.symbol(2, EventSink.SYMBOL_LOCATION, 0, "L"));
            assertThrows(IllegalStateException.class, () -> ledger.store(new ReaderPosition(1, 0)));
        }
        try (Ledger ledger = Ledger.open(config))
        {
            assertEquals(0, ledger.lastSeq(), "nothing was committed");
        }
    }

    @Test
    void shouldRefuseToTakeStockItNeverSawArrive()
    {
        try (Ledger ledger = Ledger.open(TestLedgers.h2()))
        {
            final EngineDriver engine = new EngineDriver(ledger);
            final EventSink sink = ledger.sink();
            engine.receive("A", "L1", 2, "1.00");
            sink.beginCommand(99, 2_000);
            final IllegalStateException missing = assertThrows(IllegalStateException.class,
                () -> sink.sold(engine.engine.lastSeq() + 1, 0, 0, 0, 3, 0));
            assertTrue(missing.getMessage().contains("takes 3 units") &&
                missing.getMessage().contains("values only 2"), missing.getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(CostMethod.class)
    void shouldRefuseAnEventThatOverflowsAValueAndCommitNothingOfIt(final CostMethod method) throws Exception
    {
        final LedgerConfig config = TestLedgers.h2().costing(CostingConfig.of(method));
        final long committed;
        try (Ledger ledger = Ledger.open(config))
        {
            final EngineDriver engine = new EngineDriver(ledger);
            // 1,000,000 units at 5,000,000.00 book 5e18 millionths, which a long holds; a second such receipt would
            // take the pool to 1e19, past Long.MAX_VALUE (about 9.2e18).
            engine.receive("A", "L1", 1_000_000, "5000000");
            engine.commit();
            committed = engine.engine.lastSeq();
            final ArithmeticException overflow = assertThrows(ArithmeticException.class,
                () -> engine.receive("A", "L1", 1_000_000, "5000000"));
            assertTrue(overflow.getMessage().contains("event seq " + (committed + 1)), overflow.getMessage());
            assertThrows(IllegalStateException.class, engine::commit, "the refused event is never committed");
        }
        assertEquals(List.of("1000000 5000000000000000000"),
            TestLedgers.lines(config, "SELECT units, cost FROM stock_position"));
        assertEquals(List.of(PostingKind.RECEIPT.code() + " 5000000000000000000"),
            TestLedgers.lines(config, "SELECT kind, amount FROM posting"));
        try (Ledger ledger = Ledger.open(config))
        {
            assertEquals(committed, ledger.lastSeq(), "reopened at the last commit, before the refused event");
        }
    }

    @Test
    void shouldRefuseAReportTotalPastTheLargestAmountRatherThanWrap()
    {
        final long half = 5_000_000_000_000_000_000L;
        final LedgerReports.TrialBalance trial = new LedgerReports.TrialBalance(2, "seq 2", List.of(
            new LedgerReports.AccountTotal("1300", "Inventory", true, half, 0),
            new LedgerReports.AccountTotal("1310", "Inventory in transit", true, half, 0),
            new LedgerReports.AccountTotal("2100", "GRNI", false, 0, half),
            new LedgerReports.AccountTotal("5100", "PPV", false, 0, half)));
        assertThrows(ArithmeticException.class, trial::debits);
        assertThrows(ArithmeticException.class, trial::credits);
        assertThrows(ArithmeticException.class, trial::inventory);
        final LedgerReports.StockValue stock = new LedgerReports.StockValue(0, "A", 1, "L2", CostMethod.FIFO, 1, half,
            1, half);
        assertThrows(ArithmeticException.class, stock::totalValue);
    }

    @Test
    void shouldKeepTheMethodAndStandardASkuWasFirstValuedWith()
    {
        final LedgerConfig config = TestLedgers.h2().costing(standard("A", null));
        try (Ledger ledger = Ledger.open(config))
        {
            final EngineDriver engine = new EngineDriver(ledger);
            engine.receive("A", "L1", 2, "1.00");
            engine.commit();
        }
        final AccountingConfigException method = assertThrows(AccountingConfigException.class,
            () -> Ledger.open(config.costing(CostingConfig.defaults())));
        assertTrue(method.getMessage().contains("A is valued by standard in the ledger but the configuration says " +
            "fifo"), method.getMessage());
        final AccountingConfigException cost = assertThrows(AccountingConfigException.class,
            () -> Ledger.open(config.costing(standard("A", "1.50"))));
        assertTrue(cost.getMessage().contains("standard cost 1.000000 in the ledger but the configuration says " +
            "1.500000"), cost.getMessage());
        Ledger.open(config.costing(standard("A", "1.00"))).close();
    }

    @Test
    void shouldRefuseAnotherConsumersLedger()
    {
        final LedgerConfig config = TestLedgers.h2().consumerName("first");
        try (Ledger ledger = Ledger.open(config))
        {
            ledger.store(ReaderPosition.BEGINNING);
        }
        final AccountingConfigException other = assertThrows(AccountingConfigException.class,
            () -> Ledger.open(config.consumerName("second")));
        assertTrue(other.getMessage().contains("kept by consumer [first]"), other.getMessage());
    }

    @Test
    void shouldRefuseToTurnAnAccountIntoAnInventoryAccount() throws Exception
    {
        final LedgerConfig config = TestLedgers.h2();
        Ledger.open(config).close();
        final Path file = dir.resolve("chart.properties");
        Files.writeString(file, "adjustment_gain = 1300 / 5310\nadjustment_loss = 5310 / 1300\nreturn = 5300 / 5000\n");
        final AccountingConfigException role = assertThrows(AccountingConfigException.class,
            () -> Ledger.open(config.chart(ChartOfAccounts.load(file))));
        assertTrue(role.getMessage().contains("account 5300 is not an inventory account in the ledger"),
            role.getMessage());
    }
}
