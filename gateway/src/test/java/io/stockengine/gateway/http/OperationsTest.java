package io.stockengine.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /health} and {@code /metrics} as operators and scrapers read them.
 */
@Timeout(60)
class OperationsTest
{
    @TempDir
    static Path dataDir;
    static TestServer server;

    @BeforeAll
    static void start()
    {
        LeakWatch.install();
        server = TestServer.start(dataDir);
    }

    @AfterAll
    static void stop()
    {
        server.close();
        LeakWatch.assertNoLeaks();
    }

    @Test
    void shouldReportUpWithTheLastJournaledSeq()
    {
        final long seq = server.receive("OP-1", "OP-A", 3).seq();
        final Reply health = server.get("/health");
        health.assertOk(200);
        assertEquals(Map.of("status", "UP", "seq", seq), health.json(), "exactly status and seq");
        final long later = server.post("/v1/adjustments", "{'sku':'OP-1','location':'OP-A','delta':1," +
            "'reason':'found'}", "op-adj-1").seq();
        assertEquals(later, server.journaledSeq(), "moves on with each journaled command");
    }

    @Test
    void shouldExposePrometheusTextWithCommandCounts()
    {
        server.receive("OP-2", "OP-A", 1);
        server.get("/v1/orders/op-missing").assertProblem(404, "NOT_FOUND", null);
        server.get("/v1/nothing").assertProblem(404, "NOT_FOUND", null);
        final Reply metrics = server.get("/metrics");
        assertEquals(200, metrics.status());
        assertEquals("text/plain; version=0.0.4", metrics.header("content-type"));
        final String text = metrics.body();
        assertTrue(text.contains("# TYPE stock_commands_total counter\n"), text);
        assertTrue(sample(text, "stock_commands_total{result=\"OK\",type=\"receive\"}") >= 1, text);
        assertTrue(sample(text, "stock_commands_total{result=\"NOT_FOUND\",type=\"query_order\"}") >= 1, text);
        assertTrue(sample(text, "stock_http_bad_requests_total") >= 1, "refusals before the engine: " + text);
        assertTrue(sample(text, "stock_http_requests_total") >= 4, text);
        assertEquals(65_536, sample(text, "stock_ring_size"), text);
        assertEquals(1, sample(text, "stock_ready"), text);
        assertEquals(server.journaledSeq(), sample(text, "stock_journal_seq"), text);
        assertEquals(0, sample(text, "stock_journal_failed"), text);
        assertTrue(!text.contains("\nstock_snapshot_lag_events "), "this server runs without snapshots: " + text);
        assertTrue(sample(text, "stock_journal_bytes_total") > 0, text);
        assertTrue(sample(text, "stock_connections") >= 1, text);
        for (final String name : List.of("stock_ring_in_flight", "stock_overloaded_total",
            "stock_snapshot_write_failures_total", "stock_command_latency_seconds_count",
            "stock_stream_subscribers", "stock_connections_rejected_total",
            "stock_stream_events_total", "stock_stream_dropped_changes_total",
            "stock_command_latency_seconds{quantile=\"0.99\"}"))
        {
            assertTrue(sample(text, name) >= 0, name);
        }
        for (final String line : text.split("\n"))
        {
            assertTrue(line.startsWith("#") || line.matches("[a-z_]+(\\{[^}]*})? [0-9.eE+-]+"),
                () -> "not a Prometheus text sample: " + line);
        }
    }

    /**
     * A registered consumer's lag behind the journal (the "journal lag" of API.md's metrics), by consumer, from the
     * position it registers; none is shown when no consumer is registered.
     */
    @Test
    void shouldShowHowFarEachRegisteredConsumerIsBehindTheJournal()
    {
        assertTrue(!server.get("/metrics").body().contains("stock_consumer_lag_events{"), "no consumer yet");
        final long seq = server.receive("OP-3", "OP-A", 2).seq();
        final io.stockengine.journal.JournalConfig journal = new io.stockengine.journal.JournalConfig()
            .dataDir(dataDir);
        io.stockengine.journal.FilePositionStore.of(journal, "ledger")
            .store(new io.stockengine.journal.ReaderPosition(seq - 3, 0));
        final String text = server.get("/metrics").body();
        assertEquals(server.journaledSeq() - (seq - 3), sample(text, "stock_consumer_lag_events{consumer=\"ledger\"}"),
            text);
    }

    /**
     * While the engine recovers, the ring and the journal's seq have no sample (a 0 read as a new empty server, and
     * a seq that fell to 0 at each restart tripped alerts): stock_ready says why, and /health is 503.
     */
    @Test
    void shouldSayInTheMetricsThatTheEngineIsStillRecovering()
    {
        final Operations recovering = new Operations(new EngineAccess()
        {
            @Override
            public io.stockengine.engine.EnginePipeline pipeline()
            {
                return null;
            }

            @Override
            public long journaledSeq()
            {
                return 0;
            }

            @Override
            public String recoveryProgress()
            {
                return "replaying";
            }
        }, new io.stockengine.gateway.GatewayMetrics(), new ZeroJournalStats());
        final Responses.Rendered metrics = recovering.metrics(io.netty.buffer.UnpooledByteBufAllocator.DEFAULT);
        final String text = metrics.body().toString(java.nio.charset.StandardCharsets.UTF_8);
        metrics.body().release();
        assertEquals(0, sample(text, "stock_ready"), text);
        for (final String engineNumber : List.of("stock_journal_seq ", "stock_ring_size ", "stock_ring_in_flight ",
            "stock_snapshot_lag_events "))
        {
            assertTrue(!text.contains("\n" + engineNumber), "no sample while recovering, not a 0: " + engineNumber);
        }
        final Responses.Rendered health = recovering.health(io.netty.buffer.UnpooledByteBufAllocator.DEFAULT);
        health.body().release();
        assertEquals(503, health.status());
    }

    /**
     * Without snapshots the follower's figures have no sample: its lag read 0 as caught up, and what it counts
     * (keys and finished orders forgotten early) 0 as nothing forgotten.
     */
    @Test
    void shouldLeaveTheSnapshotLagOutWhenSnapshotsAreOff()
    {
        final EngineAccess ready = new EngineAccess()
        {
            @Override
            public io.stockengine.engine.EnginePipeline pipeline()
            {
                return server.server.engine().pipeline();
            }

            @Override
            public long journaledSeq()
            {
                return 0;
            }

            @Override
            public String recoveryProgress()
            {
                return "";
            }
        };
        for (final boolean on : new boolean[] { true, false })
        {
            final Operations operations = new Operations(ready, new io.stockengine.gateway.GatewayMetrics(),
                new ZeroJournalStats()
                {
                    @Override
                    public boolean snapshotsOn()
                    {
                        return on;
                    }
                });
            final Responses.Rendered metrics = operations.metrics(io.netty.buffer.UnpooledByteBufAllocator.DEFAULT);
            final String text = metrics.body().toString(java.nio.charset.StandardCharsets.UTF_8);
            metrics.body().release();
            for (final String followers : List.of("stock_snapshot_lag_events ",
                "stock_dedup_keys_forgotten_early_total ", "stock_dedup_keys_kept_seconds ",
                "stock_finished_orders_forgotten_early_total ", "stock_finished_orders_kept_seconds "))
            {
                assertEquals(on, text.contains("\n" + followers), followers + text);
            }
            assertEquals(1, sample(text, "stock_ready"), text);
        }
    }

    /** The value of the sample with exactly this name and labels; fails when it is missing. */
    private static long sample(final String text, final String nameAndLabels)
    {
        for (final String line : text.split("\n"))
        {
            if (line.startsWith(nameAndLabels + " "))
            {
                return (long)Double.parseDouble(line.substring(nameAndLabels.length() + 1));
            }
        }
        throw new AssertionError("no sample " + nameAndLabels + " in:\n" + text);
    }
}
