package io.stockengine.accounting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigurationTest
{
    @TempDir
    Path dir;

    private ChartOfAccounts chart(final String text) throws Exception
    {
        final Path file = dir.resolve("chart.properties");
        Files.writeString(file, text);
        return ChartOfAccounts.load(file);
    }

    /** H2 says a full disk as a lock file whose properties it could not save; the tool says it as a full disk. */
    @Test
    void shouldRefuseAnEmbeddedLedgerOnAFullDisk()
    {
        final Path ledger = dir.resolve("accounting").resolve("ledger.mv.db");
        final String said = assertThrows(IllegalStateException.class,
            () -> LedgerOptions.requireRoom(ledger, dir, 4096)).getMessage();
        assertTrue(said.contains("cannot open the ledger " + ledger + ": the disk holding " + dir + " has 4 KiB " +
            "free") && said.endsWith("free some space"), said);
        LedgerOptions.requireRoom(ledger, dir, LedgerOptions.MIN_FREE_BYTES);
    }

    @Test
    void shouldMapEveryKindByDefault()
    {
        final ChartOfAccounts chart = ChartOfAccounts.defaults();
        for (final PostingKind kind : PostingKind.values())
        {
            assertTrue(chart.accounts().containsKey(chart.debit(kind)), kind.key());
            assertTrue(chart.accounts().containsKey(chart.credit(kind)), kind.key());
        }
        assertEquals(Set.of("1300", "1310"), chart.stockAccounts());
        assertEquals("1300", chart.debit(PostingKind.RECEIPT));
        assertEquals("2100", chart.credit(PostingKind.RECEIPT));
        assertEquals("1310", chart.debit(PostingKind.TRANSFER_OUT));
    }

    @Test
    void shouldLetAFileReplaceWhatItNames() throws Exception
    {
        final ChartOfAccounts chart = chart("account.1320 = Returned goods\nreturn = 1320 / 5000\n" +
            "account.5010 = COGS web\nshipment = 5010 / 1300\n");
        assertEquals("1320", chart.debit(PostingKind.RETURN));
        assertEquals("5010", chart.debit(PostingKind.SHIPMENT));
        assertEquals(Set.of("1300", "1310", "1320"), chart.stockAccounts());
        assertEquals("Inventory", chart.accounts().get("1300"), "the defaults stay");
    }

    @Test
    void shouldRefuseAChartThatCouldNotReconcile()
    {
        assertTrue(assertThrows(AccountingConfigException.class, () -> chart("sale = 5000 / 2100\n")).getMessage()
            .contains("non-stock side"));
        assertTrue(assertThrows(AccountingConfigException.class, () -> chart("receipt = 9999 / 2100\n")).getMessage()
            .contains("not defined"));
        assertTrue(assertThrows(AccountingConfigException.class, () -> chart("receipt = 1300\n")).getMessage()
            .contains("<debit account> / <credit account>"));
        assertTrue(assertThrows(AccountingConfigException.class, () -> chart("recieve = 1300 / 2100\n")).getMessage()
            .contains("unknown key 'recieve'"));
        assertTrue(assertThrows(AccountingConfigException.class, () -> chart("transfer_out = 1300 / 1300\n"))
            .getMessage().contains("same account"));
    }

    /**
     * With 'sale = 1300 / 5000' in a chart, the error blamed the default 'shipment' line, which the user never
     * touched (a black-box tester). A conflict names both lines, the file's first, and says which are the defaults.
     */
    @Test
    void shouldNameTheChartLinesThatConflict()
    {
        final String swapped = assertThrows(AccountingConfigException.class, () -> chart("sale = 1300 / 5000\n"))
            .getMessage();
        assertTrue(swapped.contains("but 'sale = 1300 / 5000' uses it on its non-stock side"), swapped);
        assertTrue(swapped.contains("account 1300 is an inventory account, since 'receipt = 1300 / 2100' (default)"),
            swapped);
        final String made = assertThrows(AccountingConfigException.class, () -> chart("sale = 5000 / 2100\n"))
            .getMessage();
        assertTrue(made.contains("account 2100 is an inventory account, since 'sale = 5000 / 2100' has it on its " +
            "stock side, but 'receipt = 1300 / 2100' (default) uses it on its non-stock side"), made);
    }

    @Test
    void shouldReadCostMethodsAndStandards()
    {
        final Properties properties = new Properties();
        properties.setProperty("method", "average");
        properties.setProperty("method.A", "fifo");
        properties.setProperty("method.B", "standard");
        properties.setProperty("standard.B", "2.5");
        final CostingConfig costing = CostingConfig.parse(properties, "test");
        assertEquals(CostMethod.AVERAGE, costing.method("Z"));
        assertEquals(CostMethod.FIFO, costing.method("A"));
        assertEquals(CostMethod.STANDARD, costing.method("B"));
        assertEquals(2_500_000, costing.standard("B"));
        assertEquals(CostingConfig.NONE, costing.standard("A"));
        assertEquals(CostMethod.FIFO, costing.withDefaultMethod(CostMethod.FIFO).method("Z"));
    }

    @Test
    void shouldRefuseBadCosting()
    {
        final Properties unknown = new Properties();
        unknown.setProperty("mehtod", "fifo");
        assertThrows(AccountingConfigException.class, () -> CostingConfig.parse(unknown, "test"));
        final Properties lifo = new Properties();
        lifo.setProperty("method", "lifo");
        assertThrows(AccountingConfigException.class, () -> CostingConfig.parse(lifo, "test"));
        final Properties stray = new Properties();
        stray.setProperty("standard.A", "1.00");
        assertTrue(assertThrows(AccountingConfigException.class, () -> CostingConfig.parse(stray, "test"))
            .getMessage().contains("valued by fifo"));
    }
}
