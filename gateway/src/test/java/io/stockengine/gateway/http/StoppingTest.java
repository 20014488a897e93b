package io.stockengine.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.stockengine.client.CommandResult;
import io.stockengine.client.StockClient;
import io.stockengine.engine.ResultCode;

/**
 * A server that has stopped taking commands for a graceful stop says so: 503 UNAVAILABLE ("the server is stopping")
 * over HTTP, closing the connection, and UNAVAILABLE over the binary protocol. It said OVERLOADED ("the ring is
 * full"), which a client retries at once against the same server and a capacity alert counts as an overload.
 */
@Timeout(60)
class StoppingTest
{
    @TempDir
    Path dataDir;

    @Test
    void shouldAnswerThatTheServerIsStoppingAndApplyNothing() throws Exception
    {
        try (TestServer server = TestServer.start(dataDir);
            StockClient client = StockClient.builder().port(server.server.tcpPort()).connect())
        {
            server.receive("ST-1", "WH1", 5);
            final long overloadsBefore = server.server.metrics().overloaded.get();
            server.server.engine().pipeline().stopAccepting();

            final Reply refused = server.post("/v1/receipts", "{'sku':'ST-1','location':'WH1','quantity':1," +
                "'unit_cost':'1.00'}", "st-k1");
            final Map<String, Object> problem = refused.assertProblem(503, "UNAVAILABLE", null);
            assertEquals(Responses.STOPPING, problem.get("detail"));
            assertEquals("close", refused.header("Connection"), "the server is going: the connection goes with it");
            assertEquals("1", refused.header("Retry-After"));

            final CommandResult binary = client.receive("st-k2", "ST-1", "WH1", 1, 1_000_000, null, false)
                .get(30, TimeUnit.SECONDS);
            assertEquals(ResultCode.UNAVAILABLE, binary.code());
            assertEquals(overloadsBefore, server.server.metrics().overloaded.get(), "no overload was counted");
            assertEquals(2, server.server.metrics().commands(io.stockengine.engine.CommandType.RECEIVE,
                ResultCode.UNAVAILABLE), "the refusals are counted under their own result");
        }
    }
    /**
     * A graceful stop closes each binary connection once it has answered what it read, before the final snapshot:
     * the client resends what the server never read, with its keys, to the restarted server, and a client busy
     * through a graceful restart sees every command applied once. Kept open until the end, a connection answered
     * everything sent meanwhile with UNAVAILABLE (a client tester: 42,000 of 88,000 reservations over a stop of a
     * few seconds); StockClientEndToEndTest holds that step still to show it, which this run is too quick to.
     */
    @Test
    void shouldLetABinaryClientCarryOnAcrossAGracefulRestart() throws Exception
    {
        // With snapshots on, as shipped: the stop ends with a final snapshot.
        final io.stockengine.gateway.GatewayConfig withSnapshots = TestServer.config(dataDir);
        withSnapshots.snapshots = true;
        final TestServer first = TestServer.start(withSnapshots);
        final io.stockengine.gateway.GatewayConfig again = TestServer.config(dataDir);
        again.httpPort = first.port();
        again.tcpPort = first.server.tcpPort();
        final java.util.List<java.util.concurrent.CompletableFuture<CommandResult>> sent =
            java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        final java.util.concurrent.atomic.AtomicBoolean sending = new java.util.concurrent.atomic.AtomicBoolean(true);
        try (StockClient client = StockClient.builder().port(again.tcpPort)
            .requestTimeout(java.time.Duration.ofSeconds(60))
            .reconnectDelay(java.time.Duration.ofMillis(20), java.time.Duration.ofMillis(200)).connect())
        {
            // As fast as 256 outstanding allow, so that the connection is busy through the whole stop.
            final java.util.concurrent.Semaphore outstanding = new java.util.concurrent.Semaphore(256);
            final Thread sender = new Thread(() ->
            {
                for (int i = 0; sending.get(); i++)
                {
                    outstanding.acquireUninterruptibly();
                    final java.util.concurrent.CompletableFuture<CommandResult> answer =
                        client.receive("sg-" + i, "SG-1", "WH1", 1, 1_000_000, null, false);
                    answer.whenComplete((result, failure) -> outstanding.release());
                    sent.add(answer);
                }
            }, "sender");
            sender.start();
            Thread.sleep(300);
            first.close();
            try (TestServer second = TestServer.start(again))
            {
                Thread.sleep(300);
                sending.set(false);
                sender.join();
                final java.util.Map<Integer, Integer> codes = new java.util.TreeMap<>();
                for (final java.util.concurrent.CompletableFuture<CommandResult> answer : sent)
                {
                    codes.merge(answer.get(60, TimeUnit.SECONDS).code(), 1, Integer::sum);
                }
                assertEquals(java.util.Map.of(ResultCode.OK, sent.size()), codes,
                    "every command OK, none UNAVAILABLE: the client resent what the stopping server did not read");
                assertEquals(sent.size(), ((Number)second.stockAt("SG-1", "WH1").get("sellable")).longValue(),
                    "each receipt applied once");
            }
        }
    }
}
