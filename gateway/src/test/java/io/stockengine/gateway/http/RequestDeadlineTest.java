package io.stockengine.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.stockengine.gateway.GatewayConfig;

/**
 * A request must arrive whole within the request timeout of its first bytes: a client that trickles a byte at a
 * time is never idle, so only this deadline ends it. A request that arrives whole in time, however slowly the
 * client goes between requests, is unaffected.
 */
@Timeout(60)
class RequestDeadlineTest
{
    @TempDir
    static Path dataDir;
    static TestServer server;

    @BeforeAll
    static void start()
    {
        final GatewayConfig config = TestServer.config(dataDir);
        config.requestTimeoutSeconds = 1;
        config.idleTimeoutSeconds = 60;
        server = TestServer.start(config);
    }

    @AfterAll
    static void stop()
    {
        server.close();
    }

    @Test
    void shouldCloseAConnectionWhoseRequestTricklesPastTheDeadline() throws InterruptedException
    {
        final String request = RawHttp.request("POST", "/v1/receipts", Json.q("{'sku':'RD-1','location':'RD-A'," +
            "'quantity':5,'unit_cost':'1'}"), "Idempotency-Key", "rd-1");
        try (RawHttp raw = server.raw())
        {
            // A request first, on the same connection: the deadline is the trickling one's own.
            raw.write(RawHttp.request("GET", "/health", null));
            assertEquals(200, raw.read().status());
            final long start = System.nanoTime();
            int sent = 0;
            // A byte every 100 ms: never silent for the idle timeout, and the request would take seconds.
            while (sent < request.length() && System.nanoTime() - start < 10_000_000_000L && !raw.readable(100))
            {
                try
                {
                    raw.write(request.substring(sent, sent + 1));
                }
                catch (final java.io.UncheckedIOException closedMeanwhile)
                {
                    break;
                }
                sent++;
            }
            assertTrue(sent < request.length(), "answered before the request was whole");
            final Reply timedOut = raw.read();
            final Map<String, Object> problem = timedOut.assertProblem(408, "REQUEST_TIMEOUT", null);
            assertEquals("close", timedOut.header("connection"));
            assertTrue(String.valueOf(problem.get("detail")).contains("within 1 s of its first bytes"), problem.toString());
            assertTrue(raw.closedByServer(5_000), "and the connection closes");
            assertTrue(System.nanoTime() - start < 5_000_000_000L, "closed by the 1-s request deadline, not later");
        }
        assertEquals(Json.parse("[]"), server.get("/v1/stock/RD-1").json().get("locations"), "nothing applied");
        assertTrue(server.get("/metrics").body().contains("stock_http_request_timeouts_total 1.0"));
    }

    @Test
    void shouldKeepAConnectionThatSendsWholeRequestsSlowly() throws InterruptedException
    {
        try (RawHttp raw = server.raw())
        {
            for (int i = 0; i < 3; i++)
            {
                raw.write(RawHttp.request("GET", "/health", null));
                assertEquals(200, raw.read().status());
                // Empty lines between requests are ignored, and start no request's clock.
                raw.write("\r\n");
                // Longer than the deadline between requests: the clock runs only while a request is arriving.
                Thread.sleep(1_500);
            }
            assertFalse(raw.closedByServer(100));
        }
    }
}
