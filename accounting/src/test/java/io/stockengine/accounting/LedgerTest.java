package io.stockengine.accounting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.stockengine.engine.EventSink;
import io.stockengine.journal.ReaderPosition;

/** The ledger's own guards: it must see every event in order, and its configuration may not rewrite history. */
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
