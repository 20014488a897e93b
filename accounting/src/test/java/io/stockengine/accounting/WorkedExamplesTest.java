package io.stockengine.accounting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.stockengine.engine.Bucket;
import io.stockengine.engine.Reason;

/**
 * Each cost method on a small story whose every number is worked out by hand in the comments, checked posting by
 * posting, account by account and layer by layer. The events come from the real engine.
 */
class WorkedExamplesTest
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

    private EngineDriver open(final CostingConfig costing)
    {
        config = TestLedgers.h2().costing(costing);
        ledger = Ledger.open(config);
        return new EngineDriver(ledger);
    }

    /** "kind amount quantity" of each posting, in order. */
    private List<String> postings() throws Exception
    {
        return TestLedgers.lines(config, "SELECT kind, debit_account, credit_account, amount, quantity FROM posting " +
            "ORDER BY id").stream().map(line ->
            {
                final String[] f = line.split(" ");
                return PostingKind.ofCode(Integer.parseInt(f[0])).key() + " " + f[1] + "/" + f[2] + " " +
                    Money.format(Long.parseLong(f[3])) + " x" + f[4];
            }).toList();
    }

    /** The postings of one kind ("count_gain"), as {@link #postings()} writes them. */
    private List<String> postings(final String kind) throws Exception
    {
        return postings().stream().filter(posting -> posting.startsWith(kind + " ")).toList();
    }

    /** Account code to balance (debit - credit). */
    private Map<String, String> balances()
    {
        final Map<String, String> balances = new TreeMap<>();
        try (LedgerReports reports = LedgerReports.open(config))
        {
            final LedgerReports.TrialBalance trial = reports.trialBalance();
            assertTrue(trial.balanced(), "debits equal credits");
            for (final LedgerReports.AccountTotal account : trial.accounts())
            {
                balances.put(account.code(), Money.format(account.balance()));
            }
        }
        return balances;
    }

    /** Every FIFO layer as "units@value", by SKU and location, oldest first. */
    private List<String> layers() throws Exception
    {
        final List<String> layers = new ArrayList<>();
        try (Connection connection = TestLedgers.connect(config); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT layers FROM stock_position ORDER BY sku, location"))
        {
            while (rows.next())
            {
                for (final long[] layer : StockCost.decodeLayers(rows.getBytes(1)))
                {
                    layers.add(layer[0] + "@" + Money.format(layer[1]));
                }
            }
        }
        return layers;
    }

    private LedgerReports.StockValue stock(final String sku, final String location)
    {
        try (LedgerReports reports = LedgerReports.open(config))
        {
            return reports.valuation(sku, true).stream().filter(s -> s.locationName().equals(location)).findFirst()
                .orElseThrow();
        }
    }

    @Test
    void shouldValueFifoAcrossSeveralLayers() throws Exception
    {
        final EngineDriver engine = open(CostingConfig.defaults());
        engine.receive("A", "L1", 10, "2.00");      // layer 10 @ 2.00 = 20.00
        engine.receive("A", "L1", 5, "3.00");       // layer  5 @ 3.00 = 15.00
        engine.receive("A", "L1", 8, "2.50");       // layer  8 @ 2.50 = 20.00
        engine.sell("A", "L1", 12);                 // 10 @ 2.00 + 2 @ 3.00 = 26.00
        engine.ship("o-1", "A", "L1", 6);           // 3 @ 3.00 + 3 @ 2.50 = 16.50
        engine.returnLine("o-1", "A", 2);           // 2/6 of 16.50 = 5.50, a new layer 2 @ 2.75
        engine.move("A", "L1", Bucket.SELLABLE, Bucket.DAMAGED, 1);            // no value moves
        engine.adjust("A", "L1", Bucket.DAMAGED, -1, Reason.WRITE_OFF);        // oldest: 1 @ 2.50 = 2.50
        engine.commit();

        assertEquals(List.of(
            "receipt 1300/2100 20.000000 x10",
            "receipt 1300/2100 15.000000 x5",
            "receipt 1300/2100 20.000000 x8",
            "sale 5000/1300 26.000000 x12",
            "shipment 5000/1300 16.500000 x6",
            "return 1300/5000 5.500000 x2",
            "write_off 5200/1300 2.500000 x1"), postings());
        // Inventory: 55.00 + 5.50 - 26.00 - 16.50 - 2.50 = 15.50; COGS: 26.00 + 16.50 - 5.50 = 37.00.
        assertEquals(Map.of("1300", "15.500000", "2100", "-55.000000", "5000", "37.000000", "5200", "2.500000"),
            balances());
        assertEquals(List.of("4@10.000000", "2@5.500000"), layers());
        final LedgerReports.StockValue a = stock("A", "L1");
        assertEquals(6, a.units());
        assertEquals(Money.parse("15.50"), a.value());
    }

    @Test
    void shouldValueMovingAverageAfterMixedReceiptsAndKeepTheResidue() throws Exception
    {
        final EngineDriver engine = open(CostingConfig.of(CostMethod.AVERAGE));
        engine.receive("B", "L1", 10, "1.00");      // pool 10 units, 10.00
        engine.receive("B", "L1", 20, "1.30");      // pool 30 units, 36.00: average 1.20
        engine.sell("B", "L1", 7);                  // 36.00 * 7 / 30 = 8.40; pool 23 units, 27.60
        engine.receive("B", "L1", 4, "1.111111");   // + 4.444444: pool 27 units, 32.044444
        engine.sell("B", "L1", 10);                 // 32.044444 * 10 / 27 = 11.86831259.. -> 11.868313 (half-even)
        engine.commit();
        LedgerReports.StockValue b = stock("B", "L1");
        assertEquals(17, b.units());
        assertEquals(Money.parse("20.176131"), b.value(), "32.044444 - 11.868313: the residue stays in the pool");
        engine.sell("B", "L1", 17);                 // the last units take exactly what is left: 20.176131
        engine.count("B", "L1", 3);                 // a gain with an empty pool: the last cost here, 3 @ 1.111111
        engine.commit();

        assertEquals(List.of(
            "receipt 1300/2100 10.000000 x10",
            "receipt 1300/2100 26.000000 x20",
            "sale 5000/1300 8.400000 x7",
            "receipt 1300/2100 4.444444 x4",
            "sale 5000/1300 11.868313 x10",
            "sale 5000/1300 20.176131 x17",
            "count_gain 1300/5310 3.333333 x3"), postings());
        // COGS = 8.400000 + 11.868313 + 20.176131 = 40.444444 = every receipt: nothing created or lost by rounding.
        assertEquals(Map.of("1300", "3.333333", "2100", "-40.444444", "5000", "40.444444", "5310", "-3.333333"),
            balances());
        b = stock("B", "L1");
        assertEquals(3, b.units());
        assertEquals(Money.parse("3.333333"), b.value());
    }

    /**
     * A gain takes the value of the pool or layer it joins in proportion, rounded once: the rounded unit cost times
     * the units drifted with the quantity (3 units found in a pool of 3 worth 10.00 entered at 9.999999, and a
     * billion at 333.33 less than their share).
     */
    @Test
    void shouldValueAGainAsAShareOfTheAveragePoolNotAtARoundedUnitCost() throws Exception
    {
        final EngineDriver engine = open(CostingConfig.of(CostMethod.AVERAGE));
        engine.receive("G", "L1", 1, "10.00");
        engine.receive("G", "L1", 2, "0");             // pool 3 units worth 10.00
        engine.adjust("G", "L1", Bucket.SELLABLE, 3, Reason.FOUND);              // 10.00 x 3 / 3
        engine.adjust("G", "L1", Bucket.SELLABLE, 1_000_000_000, Reason.FOUND);  // 20.00 x 1e9 / 6
        engine.commit();
        assertEquals(List.of("adjustment_gain 1300/5300 10.000000 x3",
            "adjustment_gain 1300/5300 3333333333.333333 x1000000000"), postings("adjustment_gain"));
        assertEquals(Money.parse("3333333353.333333"), stock("G", "L1").value());
    }

    /** The same for FIFO's newest layer: here a return's, 3 units at the 10.00 their shipment cost. */
    @Test
    void shouldValueAGainAsAShareOfTheNewestFifoLayer() throws Exception
    {
        final EngineDriver engine = open(CostingConfig.of(CostMethod.FIFO));
        engine.receive("F", "L1", 1, "10.00");
        engine.receive("F", "L1", 2, "0");
        engine.ship("o-f", "F", "L1", 3);              // both layers: 10.00
        engine.returnLine("o-f", "F", 3);              // a new layer: 3 units worth 10.00
        engine.count("F", "L1", 6);                    // 3 found: 10.00 x 3 / 3
        engine.commit();
        assertEquals(List.of("count_gain 1300/5310 10.000000 x3"), postings("count_gain"));
        assertEquals(Money.parse("20.00"), stock("F", "L1").value());
    }

    @Test
    void shouldPostPurchasePriceVarianceAtStandardCost() throws Exception
    {
        final Properties costing = new Properties();
        costing.setProperty("method", "standard");
        costing.setProperty("standard.C", "5.00");
        final EngineDriver engine = open(CostingConfig.parse(costing, "test"));
        engine.receive("C", "L1", 10, "5.20");      // Inventory 50.00 at standard, GRNI 52.00, PPV 2.00 unfavourable
        engine.receive("C", "L1", 10, "4.90");      // Inventory 50.00, GRNI 49.00, PPV 1.00 favourable
        engine.ship("o-1", "C", "L1", 15);          // 15 @ 5.00 = 75.00
        engine.receive("D", "L1", 4, "3.00");       // no standard configured: the first receipt sets it, 3.00
        engine.receive("D", "L1", 2, "3.50");       // Inventory 6.00, GRNI 7.00, PPV 1.00
        engine.commit();

        assertEquals(List.of(
            "receipt 1300/2100 50.000000 x10",
            "ppv 5100/2100 2.000000 x10",
            "receipt 1300/2100 50.000000 x10",
            "ppv 2100/5100 1.000000 x10",
            "shipment 5000/1300 75.000000 x15",
            "receipt 1300/2100 12.000000 x4",
            "receipt 1300/2100 6.000000 x2",
            "ppv 5100/2100 1.000000 x2"), postings());
        // Inventory 100.00 + 18.00 - 75.00 = 43.00 = 5 C @ 5.00 + 6 D @ 3.00; GRNI = what was paid: 52 + 49 + 12 + 7.
        assertEquals(Map.of("1300", "43.000000", "2100", "-120.000000", "5000", "75.000000", "5100", "2.000000"),
            balances());
        assertEquals(Money.parse("25.00"), stock("C", "L1").value());
        assertEquals(Money.parse("18.00"), stock("D", "L1").value());
    }

    /**
     * Units a standard SKU gains before its first receipt has set its standard have no cost to enter at: they enter
     * the pool at 0, and the pool is one, so once the receipt has come in, an issue takes its share of everything in
     * it, the units at 0 included (the documentation once said they would keep 0 and leave at 0).
     */
    @Test
    void shouldPoolUnitsAStandardSkuGainedBeforeItsFirstReceipt() throws Exception
    {
        final Properties costing = new Properties();
        costing.setProperty("method", "standard");
        final EngineDriver engine = open(CostingConfig.parse(costing, "test"));
        engine.adjust("G", "L1", Bucket.SELLABLE, 5, Reason.FOUND);  // no standard yet: 5 units at 0
        engine.receive("G", "L1", 20, "1.20");      // sets the standard, 1.20: the pool is 25 units worth 24.00
        engine.sell("G", "L1", 12);                 // 24.00 x 12 / 25 = 11.52, 0.96 a unit, not 12 @ 1.20 = 14.40
        engine.sell("G", "L1", 13);                 // the last units take what is left: 12.48
        engine.commit();

        assertEquals(List.of(
            "adjustment_gain 1300/5300 0.000000 x5",
            "receipt 1300/2100 24.000000 x20",
            "sale 5000/1300 11.520000 x12",
            "sale 5000/1300 12.480000 x13"), postings());
        assertEquals(0, stock("G", "L1").value());
    }

    /**
     * Free stock received before a standard SKU's first priced receipt: it once set the standard at 0, for good, so
     * every later receipt was booked at 0 and its whole price went to variance (a reviewer's finding).
     */
    @Test
    void shouldTakeAStandardFromTheFirstPricedReceiptNotFromFreeStock() throws Exception
    {
        final EngineDriver engine = open(CostingConfig.defaults().withDefaultMethod(CostMethod.STANDARD));
        engine.receive("A", "L1", 2, "0");          // samples, free: no standard yet, 2 units at 0
        engine.receive("A", "L1", 100, "3.00");     // the standard is 3.00
        engine.receive("A", "L1", 10, "3.30");      // 0.30 a unit over standard
        engine.commit();

        assertEquals(List.of(
            "receipt 1300/2100 0.000000 x2",
            "receipt 1300/2100 300.000000 x100",
            "receipt 1300/2100 30.000000 x10",
            "ppv 5100/2100 3.000000 x10"), postings());
        assertEquals(List.of("A 3000000"), TestLedgers.lines(config, "SELECT s.name, c.standard_cost FROM " +
            "sku_costing c JOIN symbol s ON s.kind = " + io.stockengine.engine.EventSink.SYMBOL_SKU + " AND s.id = c.sku"));
    }

    /**
     * A count is one product of units and cost that the engine cannot check: a count of 1,000,000,000 units of a SKU
     * at 10,000.00 is worth 1e19 millionths, past a long. It stopped the ledger at that event for good; its units
     * now enter at 0 and the ledger goes on, and the count that corrects it takes them out again.
     */
    @Test
    void shouldEnterACountWhoseValueWouldNotFitAtZeroAndGoOn() throws Exception
    {
        final EngineDriver engine = open(CostingConfig.defaults());
        engine.receive("A", "L1", 1, "10000.00");
        engine.count("A", "L1", 1_000_000_000L);    // a barcode typed into the quantity
        engine.count("A", "L1", 1);                 // the correction
        engine.receive("A", "L1", 1, "10000.00");
        engine.commit();

        assertEquals(List.of(
            "receipt 1300/2100 10000.000000 x1",
            "count_gain 1300/5310 0.000000 x999999999",
            "count_loss 5310/1300 10000.000000 x999999999",
            "receipt 1300/2100 10000.000000 x1"), postings());
        assertEquals(engine.engine.lastSeq(), ledger.lastSeq(), "the ledger went past the count");
        assertEquals(2, stock("A", "L1").units());
        assertEquals(Money.parse("10000.00"), stock("A", "L1").value());
    }

    /**
     * A day is a date in a zone. New York's October ends at 04:00 UTC on November 1st (EDT), and November 1st 2026
     * is 25 hours long there (the clocks go back): a sale at 02:00 UTC is October's in New York and November's in
     * UTC, and a sale at 04:30 UTC on November 2nd is still November 1st in New York.
     */
    @Test
    void shouldCutDaysInTheZoneAsked()
    {
        final ZoneId newYork = ZoneId.of("America/New_York");
        final ZoneId utc = ZoneId.of("UTC");
        final EngineDriver engine = open(CostingConfig.defaults());
        engine.at(Instant.parse("2026-10-31T12:00:00Z").toEpochMilli());
        engine.receive("A", "L1", 100, "1.00");
        engine.at(Instant.parse("2026-11-01T02:00:00Z").toEpochMilli());    // 22:00 on October 31st in New York
        engine.sell("A", "L1", 3);
        final long octoberSale = engine.engine.lastSeq();
        engine.at(Instant.parse("2026-11-02T04:30:00Z").toEpochMilli());    // 23:30 on November 1st (EST)
        engine.sell("A", "L1", 5);
        engine.commit();

        try (LedgerReports reports = LedgerReports.open(config))
        {
            assertEquals(List.of(
                new LedgerReports.CogsDay(LocalDate.parse("2026-10-31"), 0, 0, 3, Money.parse("3.00"), 0, 0),
                new LedgerReports.CogsDay(LocalDate.parse("2026-11-01"), 0, 0, 5, Money.parse("5.00"), 0, 0)),
                reports.cogs(null, null, newYork));
            assertEquals(List.of(
                new LedgerReports.CogsDay(LocalDate.parse("2026-11-01"), 0, 0, 3, Money.parse("3.00"), 0, 0),
                new LedgerReports.CogsDay(LocalDate.parse("2026-11-02"), 0, 0, 5, Money.parse("5.00"), 0, 0)),
                reports.cogs(null, null, utc));
            assertEquals(List.of(reports.cogs(null, null, newYork).get(1)),
                reports.cogs(LocalDate.parse("2026-11-01"), LocalDate.parse("2026-11-01"), newYork));

            final LedgerReports.DayEnd october = reports.dayEnd(LocalDate.parse("2026-10-31"), newYork);
            assertEquals(octoberSale - 1, october.lastSeqBefore(), "the sale's posting (its key comes after it)");
            assertEquals(Money.parse("97.00"), reports.trialBalanceAtSeq(october.lastSeqBefore()).inventory());
            final LedgerReports.DayEnd octoberUtc = reports.dayEnd(LocalDate.parse("2026-10-31"), utc);
            assertEquals(Money.parse("100.00"), reports.trialBalanceAtSeq(octoberUtc.lastSeqBefore()).inventory(),
                "in UTC October ends before the first sale");
            assertEquals(octoberSale - 1, octoberUtc.firstSeqAfter());
        }
    }

    @Test
    void shouldCarryEachLayersCostThroughTransit() throws Exception
    {
        final EngineDriver engine = open(CostingConfig.defaults());
        engine.receive("E", "L1", 4, "1.00");
        engine.receive("E", "L1", 4, "2.00");
        engine.transferOut("t-1", "E", "L1", "L2", 6);  // 4 @ 1.00 + 2 @ 2.00 = 8.00 into transit towards L2
        engine.commit();
        LedgerReports.StockValue atL2 = stock("E", "L2");
        assertEquals(6, atL2.transitUnits());
        assertEquals(Money.parse("8.00"), atL2.transitValue());
        engine.transferIn("t-1", 3);                    // oldest piece first: 3 @ 1.00 = 3.00
        engine.transferIn("t-1", 0);                    // the rest: 1 @ 1.00 + 2 @ 2.00 = 5.00
        engine.adjust("E", "L2", Bucket.SELLABLE, 2, Reason.FOUND);  // a gain at the newest layer's cost, 2 @ 2.00
        engine.count("E", "L1", 1);                     // L1 held 2 @ 2.00: a count loss of 1 @ 2.00
        engine.commit();

        assertEquals(List.of(
            "receipt 1300/2100 4.000000 x4",
            "receipt 1300/2100 8.000000 x4",
            "transfer_out 1310/1300 8.000000 x6",
            "transfer_in 1300/1310 3.000000 x3",
            "transfer_in 1300/1310 5.000000 x3",
            "adjustment_gain 1300/5300 4.000000 x2",
            "count_loss 5310/1300 2.000000 x1"), postings());
        assertEquals(Map.of("1300", "14.000000", "1310", "0.000000", "2100", "-12.000000", "5300", "-4.000000",
            "5310", "2.000000"), balances());
        assertEquals(List.of("1@2.000000", "3@3.000000", "1@1.000000", "2@4.000000", "2@4.000000"), layers());
        atL2 = stock("E", "L2");
        assertEquals(8, atL2.units());
        assertEquals(0, atL2.transitUnits());
        assertEquals(Money.parse("12.00"), atL2.value());
    }
}
