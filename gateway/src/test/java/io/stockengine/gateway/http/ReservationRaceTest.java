package io.stockengine.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.stockengine.gateway.GatewayConfig;

/**
 * Many connections race for the last units of one SKU: exactly as many reservations succeed as there are units,
 * every other one is refused with its shortfall, and the stock adds up. It runs once per arrangement of the
 * pipeline's threads, since each hands answers to the connections from a different thread.
 */
@Timeout(120)
class ReservationRaceTest
{
    private static final int UNITS = 50;
    private static final int CONNECTIONS = 40;
    private static final int ATTEMPTS_PER_CONNECTION = 10;

    @TempDir
    Path dataDir;
    TestServer server;

    @BeforeAll
    static void install()
    {
        LeakWatch.install();
    }

    @AfterEach
    void stop()
    {
        if (server != null)
        {
            server.close();
        }
        LeakWatch.assertNoLeaks();
    }

    /** journal thread, reply thread: logic + shared is the default, own + shared and own + own the others. */
    @ParameterizedTest(name = "journal thread {0}, reply thread {1}")
    @CsvSource({ "logic, shared", "own, shared", "own, own" })
    void shouldReserveExactlyTheLastUnitsOnce(final String journalThread, final String replyThread) throws Exception
    {
        final GatewayConfig config = TestServer.config(dataDir);
        config.journalThread = journalThread;
        config.replyThread = replyThread;
        server = TestServer.start(config);
        server.receive("RR-1", "RR-A", UNITS);
        final ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
        final CyclicBarrier barrier = new CyclicBarrier(CONNECTIONS);
        final List<Future<Map<String, Reply>>> results = new ArrayList<>();
        for (int c = 0; c < CONNECTIONS; c++)
        {
            final int connection = c;
            results.add(pool.submit(() ->
            {
                final Map<String, Reply> replies = new java.util.LinkedHashMap<>();
                try (RawHttp raw = server.raw())
                {
                    // Every connection is open before any of them asks.
                    barrier.await(10, TimeUnit.SECONDS);
                    for (int i = 0; i < ATTEMPTS_PER_CONNECTION; i++)
                    {
                        final String orderId = "rr-" + connection + "-" + i;
                        replies.put(orderId, raw.exchange(RawHttp.request("PUT", "/v1/orders/" + orderId,
                            Json.q("{'channel':'web','lines':[{'sku':'RR-1','quantity':1}]}"))));
                    }
                }
                return replies;
            }));
        }
        final List<String> reserved = new ArrayList<>();
        final List<String> refused = new ArrayList<>();
        for (final Future<Map<String, Reply>> result : results)
        {
            for (final Map.Entry<String, Reply> entry : result.get(60, TimeUnit.SECONDS).entrySet())
            {
                final Reply reply = entry.getValue();
                if (reply.status() == 201)
                {
                    reply.assertOk(201);
                    assertEquals("RESERVED", reply.json().get("status"));
                    reserved.add(entry.getKey());
                }
                else
                {
                    final Map<String, Object> problem = reply.assertProblem(409, "INSUFFICIENT_STOCK", null);
                    assertEquals(Json.parse(Json.q("[{'sku':'RR-1','location':null,'requested':1,'available':0}]")),
                        problem.get("lines"), reply.body());
                    refused.add(entry.getKey());
                }
            }
        }
        pool.shutdown();
        assertEquals(UNITS, reserved.size(), "exactly the units there were");
        assertEquals(CONNECTIONS * ATTEMPTS_PER_CONNECTION - UNITS, refused.size());

        final Map<String, Object> stock = server.stockAt("RR-1", "RR-A");
        assertEquals((long)UNITS, stock.get("reserved"));
        assertEquals(0L, stock.get("sellable"));
        assertEquals(0L, stock.get("available"));
        assertEquals((long)UNITS, stock.get("on_hand"));
        for (final String orderId : reserved)
        {
            final Reply order = server.get("/v1/orders/" + orderId);
            order.assertOk(200);
            assertEquals(1L, order.at("lines[0].reserved"));
        }
        for (final String orderId : refused)
        {
            server.get("/v1/orders/" + orderId).assertProblem(404, "NOT_FOUND", null);
        }
    }
}
