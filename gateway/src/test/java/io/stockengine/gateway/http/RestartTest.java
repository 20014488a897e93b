package io.stockengine.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.stockengine.gateway.GatewayConfig;

/**
 * What a server acknowledged is there after a restart on the same data directory: every order with its status,
 * lines and seq, the stock, transfers, channels, and the idempotency keys (a retry is still a replay).
 */
@Timeout(120)
class RestartTest
{
    private static final List<String> SKUS = List.of("RS-1", "RS-2", "RS-3");

    @BeforeAll
    static void install()
    {
        LeakWatch.install();
    }

    @AfterAll
    static void leaks()
    {
        LeakWatch.assertNoLeaks();
    }

    /**
     * What the first server acknowledged, as its GET answers showed it, plus keyed answers to replay: a receipt, and
     * an order action and a transfer receipt whose order and transfer changed after them (a retry must still get
     * the original answer, API.md).
     */
    private record Acknowledged(Map<String, String> resources, Reply keyedReceipt, Reply keyedPick,
        Reply keyedTransferReceipt, Reply keyedNoOp, long lastSeq)
    {
    }

    private static Acknowledged workload(final TestServer server)
    {
        final Map<String, String> resources = new LinkedHashMap<>();
        for (final String sku : SKUS)
        {
            server.receive(sku, "RS-A", 100);
            server.receive(sku, "RS-B", 50);
        }
        server.put("/v1/channels/rs-web", "{'buffer':1,'locations':['RS-B','RS-A'],'allocations':" +
            "[{'sku':'RS-1','location':'RS-A','quantity':5}]}").assertOk(200);
        server.put("/v1/stock/RS-2/RS-A/safety-stock", "{'quantity':3}").assertOk(200);
        final Reply keyed = server.post("/v1/receipts", "{'sku':'RS-3','location':'RS-A','quantity':9," +
            "'unit_cost':'4.75','purchase_order':'rs-po-1','inspect':true}", "rs-keyed");
        keyed.assertOk(201);
        server.post("/v1/transfers", "{'transfer_id':'rs-t1','sku':'RS-2','from':'RS-A','to':'RS-B','quantity':4}",
            "rs-t1").assertOk(201);
        final Reply transferReceipt = server.post("/v1/transfers/rs-t1/receive", "{'quantity':1}", "rs-t1-r1");
        transferReceipt.assertOk(201);
        server.post("/v1/transfers/rs-t1/receive", "{'quantity':1}", "rs-t1-r2").assertOk(201);
        server.put("/v1/orders/rs-moved", "{'channel':'rs-pos','lines':[{'sku':'RS-3','quantity':2}]}")
            .assertOk(201);
        final Reply pick = server.post("/v1/orders/rs-moved/pick", "{'lines':[{'sku':'RS-3','quantity':1}]}",
            "rs-moved-pick");
        pick.assertOk(200);
        server.post("/v1/orders/rs-moved/ship", null, null).assertOk(200);
        // A keyed cancel of an order cancelled already changes nothing, right after another order's cancel.
        server.put("/v1/orders/rs-done", "{'channel':'rs-web','lines':[{'sku':'RS-1','quantity':1}]}").assertOk(201);
        server.post("/v1/orders/rs-done/cancel", null, null).assertOk(200);
        server.put("/v1/orders/rs-other", "{'channel':'rs-pos','lines':[{'sku':'RS-3','quantity':1}]}")
            .assertOk(201);
        server.post("/v1/orders/rs-other/cancel", null, null).assertOk(200);
        final Reply noOp = server.post("/v1/orders/rs-done/cancel", null, "rs-done-again");
        noOp.assertOk(200);
        assertEquals("rs-done", noOp.json().get("order_id"));
        for (int i = 0; i < 30; i++)
        {
            final String id = "rs-o" + i;
            final String channel = i % 2 == 0 ? "rs-web" : "rs-pos";
            server.put("/v1/orders/" + id, "{'channel':'" + channel + "','ttl_seconds':3600,'lines':[" +
                "{'sku':'RS-1','quantity':" + (1 + i % 3) + "},{'sku':'RS-2','quantity':2,'location':'RS-A'}]}")
                .assertOk(201);
            switch (i % 6)
            {
                case 1 -> server.post("/v1/orders/" + id + "/pick", null, null).assertOk(200);
                case 2 -> server.post("/v1/orders/" + id + "/ship", "{'lines':[{'sku':'RS-2','quantity':1}]}",
                    id + "-ship").assertOk(200);
                case 3 ->
                {
                    server.post("/v1/orders/" + id + "/ship", null, null).assertOk(200);
                    server.post("/v1/orders/" + id + "/returns", "{'lines':[{'sku':'RS-2','quantity':1}]}",
                        id + "-return").assertOk(200);
                }
                case 4 -> server.post("/v1/orders/" + id + "/cancel", null, null).assertOk(200);
                case 5 -> server.post("/v1/orders/" + id + "/pick", "{'lines':[{'sku':'RS-1','quantity':1}]}",
                    id + "-pick").assertOk(200);
                default ->
                {
                    // Stays RESERVED, with its expiry.
                }
            }
            resources.put("/v1/orders/" + id, server.get("/v1/orders/" + id).body());
        }
        for (final String sku : SKUS)
        {
            resources.put("/v1/stock/" + sku, server.get("/v1/stock/" + sku).body());
        }
        resources.put("/v1/transfers/rs-t1", server.get("/v1/transfers/rs-t1").body());
        resources.put("/v1/channels/rs-web", server.get("/v1/channels/rs-web").body());
        resources.put("/v1/availability?sku=RS-1&sku=RS-2&channel=rs-web",
            server.get("/v1/availability?sku=RS-1&sku=RS-2&channel=rs-web").body());
        return new Acknowledged(resources, keyed, pick, transferReceipt, noOp, server.journaledSeq());
    }

    private static void assertRecovered(final TestServer server, final Acknowledged acknowledged)
    {
        for (final Map.Entry<String, String> resource : acknowledged.resources().entrySet())
        {
            final Reply now = server.get(resource.getKey());
            assertEquals(200, now.status(), resource.getKey());
            assertEquals(Json.parse(resource.getValue()), now.json(), resource.getKey());
        }
        assertEquals(acknowledged.lastSeq(), server.journaledSeq(), "the journal ends where it ended");
        final Reply replay = server.post("/v1/receipts", "{'sku':'RS-3','location':'RS-A','quantity':9," +
            "'unit_cost':'4.75','purchase_order':'rs-po-1','inspect':true}", "rs-keyed");
        assertEquals(201, replay.status());
        assertEquals("true", replay.header("Idempotent-Replayed"), "keys survive the restart");
        assertEquals(acknowledged.keyedReceipt().json(), replay.json());
        final Reply pick = server.post("/v1/orders/rs-moved/pick", "{'lines':[{'sku':'RS-3','quantity':1}]}",
            "rs-moved-pick");
        assertEquals("true", pick.header("Idempotent-Replayed"));
        assertEquals(acknowledged.keyedPick().json(), pick.json(), "the order as the pick left it, not as shipped");
        final Reply transferReceipt = server.post("/v1/transfers/rs-t1/receive", "{'quantity':1}", "rs-t1-r1");
        assertEquals("true", transferReceipt.header("Idempotent-Replayed"));
        assertEquals(acknowledged.keyedTransferReceipt().json(), transferReceipt.json(),
            "the transfer as the first receipt left it");
        final Reply noOp = server.post("/v1/orders/rs-done/cancel", null, "rs-done-again");
        assertEquals("true", noOp.header("Idempotent-Replayed"));
        assertEquals(acknowledged.keyedNoOp().json(), noOp.json(), "its own order's answer");
        server.put("/v1/orders/rs-o0", "{'channel':'rs-web','lines':[{'sku':'RS-1','quantity':9}]}")
            .assertProblem(422, "IDEMPOTENCY_CONFLICT", "order_id");
        final Reply next = server.put("/v1/orders/rs-after", "{'channel':'rs-web','lines':[{'sku':'RS-3'," +
            "'quantity':1}]}");
        next.assertOk(201);
        assertTrue(next.seq() > acknowledged.lastSeq(), "numbering goes on after the journal");
    }

    @Test
    void shouldRecoverEveryAcknowledgedOrderAfterAGracefulStop(@TempDir final Path dataDir)
    {
        final Acknowledged acknowledged;
        try (TestServer first = TestServer.start(dataDir))
        {
            acknowledged = workload(first);
        }
        try (TestServer second = TestServer.start(dataDir))
        {
            assertRecovered(second, acknowledged);
        }
    }

    @Test
    void shouldRecoverFromTheFinalSnapshot(@TempDir final Path dataDir)
    {
        final GatewayConfig config = TestServer.config(dataDir);
        config.snapshots = true;
        final Acknowledged acknowledged;
        try (TestServer first = TestServer.start(config))
        {
            assertTrue(first.log.stream().anyMatch(line -> line.startsWith("data: ") &&
                line.contains("does not exist: it is created and the engine starts empty")),
                () -> "a first start says it starts with no journal (a mistyped --data-dir does too): " + first.log);
            acknowledged = workload(first);
        }
        final GatewayConfig again = TestServer.config(dataDir);
        again.snapshots = true;
        try (TestServer second = TestServer.start(again))
        {
            assertTrue(second.log.stream().noneMatch(line -> line.startsWith("data: ")),
                () -> "a start on a journal says nothing of starting empty: " + second.log);
            assertTrue(second.log.stream().anyMatch(line -> line.startsWith("recovery: snapshot at seq")),
                () -> "recovered from the snapshot: " + second.log);
            assertRecovered(second, acknowledged);
        }
    }

    /**
     * The first server stops without its graceful close: the ring drains (its threads must stop before another
     * engine may write the journal) but the journal is neither flushed nor closed and no snapshot is written, as
     * after a killed process; the next server replays the journal as it lies. Killing a real process is the journal
     * module's crash test.
     */
    @Test
    void shouldRecoverWhenTheFirstServerWasNotClosed(@TempDir final Path dataDir)
    {
        final TestServer first = TestServer.start(dataDir);
        try
        {
            final Acknowledged acknowledged = workload(first);
            first.server.engine().abandon();
            try (TestServer second = TestServer.start(dataDir))
            {
                assertRecovered(second, acknowledged);
            }
        }
        finally
        {
            first.close();
        }
    }

    /**
     * POST /snapshot writes one of everything journaled so far; a server that then stops uncleanly (no final
     * snapshot) restarts from it and replays only what came after.
     */
    @Test
    void shouldRecoverFromASnapshotTakenOnDemand(@TempDir final Path dataDir) throws java.io.IOException
    {
        final GatewayConfig config = TestServer.config(dataDir);
        config.snapshots = true;
        final TestServer first = TestServer.start(config);
        try
        {
            // A new journal holds one event already, the retention the server runs with: a snapshot of it.
            final Reply empty = first.post("/snapshot", null, null);
            empty.assertOk(200);
            assertEquals(1L, empty.json().get("seq"), empty.body());
            final Acknowledged acknowledged = workload(first);
            final long seq = first.journaledSeq();
            final Reply written = first.post("/snapshot", null, null);
            written.assertOk(200);
            assertEquals(seq, written.json().get("seq"), written.body());
            final String file = (String)written.json().get("snapshot");
            try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(dataDir))
            {
                assertTrue(files.anyMatch(p -> p.getFileName().toString().equals(file)), file + " is on disk");
            }
            first.post("/snapshot", "{}", null).assertProblem(400, "INVALID_REQUEST", "body");
            first.server.engine().abandon();
            final GatewayConfig again = TestServer.config(dataDir);
            again.snapshots = true;
            try (TestServer second = TestServer.start(again))
            {
                assertTrue(second.log.stream().anyMatch(line -> line.startsWith(String.format(
                    "recovery: snapshot at seq %,d loaded in ", seq)) && line.endsWith(", replaying the journal " +
                    "after it")), () -> "recovered from the snapshot taken on demand: " + second.log);
                assertRecovered(second, acknowledged);
            }
        }
        finally
        {
            first.close();
        }
    }

    @Test
    void shouldRefuseASnapshotWhenTheServerKeepsNone(@TempDir final Path dataDir)
    {
        try (TestServer server = TestServer.start(dataDir))
        {
            server.post("/snapshot", null, null).assertProblem(409, "SNAPSHOTS_OFF", null);
        }
    }

    /**
     * Whether a cancel or a ship closed an order is state (a cancel's retry is done, cancelling a shipped order is
     * not): a restart, by replaying the journal or from the final snapshot, must keep it.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "snapshots: {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = { false, true })
    void shouldKeepWhatClosedAnOrderAcrossARestart(final boolean snapshots, @TempDir final Path dataDir)
    {
        final GatewayConfig config = TestServer.config(dataDir);
        config.snapshots = snapshots;
        try (TestServer first = TestServer.start(config))
        {
            first.receive("RC-1", "RC-A", 4);
            first.put("/v1/orders/rc-1", "{'channel':'web','lines':[{'sku':'RC-1','quantity':2}]}").assertOk(201);
            first.post("/v1/orders/rc-1/ship", "{'lines':[{'sku':'RC-1','quantity':1}]}", "rc-s1").assertOk(200);
            assertEquals("SHIPPED", first.post("/v1/orders/rc-1/cancel", null, null).assertOk(200).json()
                .get("status"));
            first.put("/v1/orders/rc-2", "{'channel':'web','lines':[{'sku':'RC-1','quantity':1}]}").assertOk(201);
            first.post("/v1/orders/rc-2/ship", null, null).assertOk(200);
        }
        final GatewayConfig again = TestServer.config(dataDir);
        again.snapshots = snapshots;
        try (TestServer second = TestServer.start(again))
        {
            second.post("/v1/orders/rc-1/cancel", null, null).assertOk(200);
            second.post("/v1/orders/rc-2/cancel", null, null).assertProblem(409, "INVALID_TRANSITION", null);
        }
    }
}
