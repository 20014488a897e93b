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
}
