package io.stockengine.loadtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.stockengine.client.CommandResult;
import io.stockengine.client.StockClient;
import io.stockengine.engine.Bucket;
import io.stockengine.engine.Command;
import io.stockengine.engine.Reason;
import io.stockengine.engine.ResultCode;

/**
 * Every scenario over both protocols against a real server: a short run at a low rate must reconcile exactly and
 * oversell nothing. Each run has its own run id, so its SKUs are new to the shared server.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ScenarioRunTest
{
    private static TestServer server;
    private static int runs;

    @BeforeAll
    static void startServer() throws Exception
    {
        server = new TestServer();
    }

    @AfterAll
    static void stopServer() throws Exception
    {
        server.close();
    }

    private static LoadConfig config(final String scenario, final String protocol, final Path out)
    {
        final LoadConfig config = server.config(scenario, protocol, out);
        config.runId = "t" + (++runs) + Long.toString(System.nanoTime() & 0xFFFFFF, 36);
        return config;
    }

    private static LoadTest.Result runAll(final LoadTest test) throws Exception
    {
        test.connect();
        test.setup();
        test.load();
        return test.report(test.reconcile());
    }

    private static PrintStream output(final ByteArrayOutputStream buffer)
    {
        return new PrintStream(buffer, true, StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "{0} over {1}")
    @CsvSource({
        "marketplace, binary", "marketplace, http", "flash-sale, binary", "flash-sale, http",
        "multichannel, binary", "multichannel, http", "pos, binary", "pos, http" })
    void shouldReconcileEveryScenario(final String scenario, final String protocol, @TempDir final Path out)
        throws Exception
    {
        final ByteArrayOutputStream log = new ByteArrayOutputStream();
        final LoadConfig config = config(scenario, protocol, out);
        // Plots over binary only: without its own, a run must not leave an earlier run's plot beside its results.
        config.charts = "binary".equals(protocol);
        // An earlier run's files in the same directory must not pass for this run's.
        Files.writeString(out.resolve("latency-earlier.hgrm"), "earlier run");
        Files.writeString(out.resolve("step-09-99999.hgrm"), "earlier run");
        Files.writeString(out.resolve("timeline.png"), "earlier run");
        try (LoadTest test = new LoadTest(config, output(log)))
        {
            final LoadTest.Result result = runAll(test);
            final String report = log.toString(StandardCharsets.UTF_8);
            assertFalse(Files.exists(out.resolve("latency-earlier.hgrm")) ||
                Files.exists(out.resolve("step-09-99999.hgrm")), "an earlier run's files were left");
            assertEquals(config.charts, Files.exists(out.resolve("timeline.png")),
                "an earlier run's plot stays only if this run drew its own");
            final Reconciliation reconciliation = result.reconciliation();
            assertTrue(result.passed(), report);
            assertEquals(0, reconciliation.oversold, report);
            assertTrue(result.measured().count(ResultCode.OK) > 0.5 * config.rate * config.durationSeconds, report);
            assertEquals(0, result.measured().capacityErrors(), report);
            assertTrue(Files.exists(out.resolve("latency.hgrm")), report);
            assertTrue(Files.readString(out.resolve("summary.txt")).contains("PASSED"), report);
            switch (scenario)
            {
                case "marketplace" ->
                {
                    assertTrue(reconciliation.ordersExpired > 0, "some reservations expire by TTL\n" + report);
                    assertTrue(reconciliation.unitsShipped > 0 && reconciliation.unitsCancelled > 0, report);
                }
                case "flash-sale" -> assertHotSkusSoldOut(test, config, report);
                case "multichannel" -> assertTrue(result.measured().count(OpKind.AVAILABILITY, ResultCode.OK) >
                    5 * result.measured().count(OpKind.RESERVE, ResultCode.OK), report);
                default -> assertTrue(reconciliation.unitsSold > 0, report);
            }
        }
    }

    /** Demand far above the hot stock: each hot SKU ends with nothing sellable and later orders refused. */
    private static void assertHotSkusSoldOut(final LoadTest test, final LoadConfig config, final String report)
    {
        final Catalogue catalogue = test.scenario().catalogue;
        try (StockClient client = StockClient.builder().port(server.server.tcpPort()).connect())
        {
            for (int sku = 0; sku < config.hotSkus; sku++)
            {
                assertTrue(test.scenario().ledger.soldOut(sku), catalogue.skus[sku] + " saw a sold-out refusal\n" +
                    report);
                final CommandResult stock = client.queryStock(catalogue.skus[sku]).join();
                assertEquals(0, stock.stockTotal(Command.STOCK_SELLABLE), catalogue.skus[sku] + "\n" + report);
                assertEquals(config.hotStock, stock.stockTotal(Command.STOCK_ON_HAND) +
                    test.scenario().ledger.shipped.get(catalogue.cell(sku, 0)), catalogue.skus[sku] + "\n" + report);
            }
        }
    }

    @Test
    void shouldFailLoudlyWhenTheEngineDisagreesWithTheAcknowledgements(@TempDir final Path out) throws Exception
    {
        final ByteArrayOutputStream log = new ByteArrayOutputStream();
        final LoadConfig config = config("marketplace", "binary", out);
        config.durationSeconds = 1;
        config.ttlFraction = 0;
        try (LoadTest test = new LoadTest(config, output(log)))
        {
            test.connect();
            test.setup();
            test.load();
            final Catalogue catalogue = test.scenario().catalogue;
            // A unit found on the shelf behind the load test's back: the engine is right, but the load test was
            // never told, and that must not pass silently.
            try (StockClient client = StockClient.builder().port(server.server.tcpPort()).connect())
            {
                assertTrue(client.adjust(catalogue.runId + "-tamper", catalogue.skus[7], catalogue.locations[1], 1,
                    Bucket.SELLABLE, Reason.FOUND).join().isOk());
            }
            final Reconciliation reconciliation = test.reconcile();
            final String where = catalogue.skus[7] + "@" + catalogue.locations[1] + ":";
            assertFalse(reconciliation.passed(), log.toString(StandardCharsets.UTF_8));
            assertEquals(1, reconciliation.differences.size(), reconciliation.differences.toString());
            assertTrue(reconciliation.differences.get(0).startsWith(where) &&
                reconciliation.differences.get(0).contains("on_hand expected"), reconciliation.differences.toString());
        }
    }

    @Test
    void shouldFindTheHighestRateThatHeldInStepMode(@TempDir final Path out) throws Exception
    {
        final ByteArrayOutputStream log = new ByteArrayOutputStream();
        final LoadConfig config = config("marketplace", "binary", out);
        config.step = true;
        config.stepStart = 100;
        config.stepFactor = 2;
        config.stepSeconds = 1;
        config.stepMax = 200;
        // Generous: this checks the mechanics, not the machine (which is shared and noisy while tests run).
        config.p99BoundMillis = 2_000;
        config.ttlFraction = 0;
        config.charts = true;
        try (LoadTest test = new LoadTest(config, output(log)))
        {
            final LoadTest.Result result = runAll(test);
            final String report = log.toString(StandardCharsets.UTF_8);
            assertTrue(result.passed(), report);
            assertEquals(2, result.steps().size(), report);
            assertEquals(200, result.sustainableRate(), report);
            assertTrue(report.contains("sustainable throughput: 200 requests/s"), report);
            assertTrue(report.contains("it held at --step-max, so the server may sustain more"), report);
            assertTrue(Files.exists(out.resolve("step-01-100.hgrm")), report);
            assertTrue(Files.exists(out.resolve("step-02-200.hgrm")), report);
            assertTrue(Files.size(out.resolve("latency-by-percentile.png")) > 1_000, report);
            assertTrue(Files.size(out.resolve("timeline.png")) > 1_000, report);
        }
    }
}
