package io.stockengine.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.netty.util.ResourceLeakDetector;
import io.stockengine.client.CommandResult;
import io.stockengine.client.Line;
import io.stockengine.client.StockClient;
import io.stockengine.gateway.GatewayConfig;

/**
 * With the journal on the logic thread, that one thread also journals and answers: it must still allocate nothing
 * in steady state, whatever the gateway asks of it. A warmed-up mix of HTTP requests (reserve, pick, ship, cancel,
 * receipts, queries, a refused reservation), binary commands and an availability stream with a subscriber runs
 * through a real server, and the logic thread's allocated bytes are read before and after.
 */
class LogicThreadAllocationTest
{
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
    private static final int SKUS = 20;
    private static final int WARM_ROUNDS = 1_500;
    private static final int MEASURED_ROUNDS = 400;
    /**
     * Allowance for the odd allocation that is not per command (a class initialised late, the journal mapping its
     * next chunk): the measured rounds send about 5,000 commands, so even 8 bytes each would be over it.
     */
    private static final long ALLOWANCE_BYTES = 16 * 1024;

    @TempDir
    Path dataDir;

    private static Set<Thread> logicThreads()
    {
        final Set<Thread> threads = new HashSet<>();
        for (final Thread thread : Thread.getAllStackTraces().keySet())
        {
            if (thread.getName().equals("engine-logic") && thread.isAlive())
            {
                threads.add(thread);
            }
        }
        return threads;
    }

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void shouldNotAllocateOnTheLogicThreadWhileItJournalsAndAnswers() throws Exception
    {
        // The suite runs with paranoid leak detection, which records a stack trace at every access to a buffer:
        // that is the detector's allocation, not the server's, so it is off while this test runs.
        final ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        try
        {
            measure();
        }
        finally
        {
            ResourceLeakDetector.setLevel(level);
        }
    }

    private void measure() throws Exception
    {
        final Set<Thread> before = logicThreads();
        final GatewayConfig config = TestServer.config(dataDir);
        config.journalThread = "logic";
        config.replyThread = "shared";
        // The idempotency window grows by doubling until it is full, and the rounds bind five keys each: a window
        // full before the measured rounds is the steady state the test is about (each new key evicts the oldest).
        config.dedupCapacity = 4_096;
        try (TestServer server = TestServer.start(config);
             RawHttp http = server.raw();
             RawHttp stream = server.raw();
             StockClient binary = StockClient.builder().port(server.server.tcpPort())
                 .requestTimeout(Duration.ofSeconds(20)).connect())
        {
            final Set<Thread> after = logicThreads();
            after.removeAll(before);
            assertEquals(1, after.size(), "one new logic thread: " + after);
            final long logic = after.iterator().next().getId();

            server.put("/v1/channels/alloc-web", "{'buffer':0,'locations':['AL-A','AL-B']}").assertOk(200);
            for (int s = 0; s < SKUS; s++)
            {
                server.receive("AL-" + s, "AL-A", 1_000_000);
                server.receive("AL-" + s, "AL-B", 1_000_000);
            }
            stream.write(RawHttp.request("GET", "/v1/availability/stream?channel=alloc-web", null));
            assertEquals(200, stream.readHead().status());

            final Thread reader = new Thread(() -> drainStream(stream), "test-stream-reader");
            reader.setDaemon(true);
            reader.start();

            runRounds(http, binary, 0, WARM_ROUNDS);
            final long start = THREADS.getThreadAllocatedBytes(logic);
            runRounds(http, binary, WARM_ROUNDS, MEASURED_ROUNDS);
            final long allocated = THREADS.getThreadAllocatedBytes(logic) - start;
            assertTrue(start > 0, "the logic thread's allocation must be measurable");
            assertTrue(allocated <= ALLOWANCE_BYTES, "the logic thread allocated " + allocated + " bytes over " +
                MEASURED_ROUNDS + " rounds of HTTP, binary and streamed answers");
            assertTrue(server.server.availability().subscriberCount() == 1, "the stream stayed subscribed");
        }
    }

    /** Keeps the availability stream's socket drained, so the server keeps sending (and rendering) its events. */
    private static void drainStream(final RawHttp stream)
    {
        try
        {
            while (stream.readChunk() != null)
            {
                Thread.onSpinWait();
            }
        }
        catch (final java.io.UncheckedIOException closed)
        {
            // The test closed the stream's socket: reading is over.
        }
    }

    /**
     * Each round: over HTTP, pipelined on one connection, reserve two orders, pick and ship one, cancel the other,
     * a receipt, a refused reservation, availability and stock queries; over the binary protocol, a reserve, a ship
     * and a query. Every answer is checked, so a round that went wrong cannot pass as quiet.
     */
    private static void runRounds(final RawHttp http, final StockClient binary, final int first, final int rounds)
        throws Exception
    {
        for (int r = first; r < first + rounds; r++)
        {
            final String sku = "AL-" + (r % SKUS);
            final String a = "al-a-" + r;
            final String b = "al-b-" + r;
            final String requests =
                RawHttp.request("PUT", "/v1/orders/" + a, Json.q("{'channel':'alloc-web','lines':[{'sku':'" + sku +
                    "','quantity':1}]}")) +
                RawHttp.request("PUT", "/v1/orders/" + b, Json.q("{'channel':'alloc-web','lines':[{'sku':'" + sku +
                    "','location':'AL-B','quantity':2}],'ttl_seconds':600}")) +
                RawHttp.request("POST", "/v1/orders/" + a + "/pick", null, "Idempotency-Key", "al-p-" + r) +
                RawHttp.request("POST", "/v1/orders/" + a + "/ship", null, "Idempotency-Key", "al-s-" + r) +
                RawHttp.request("POST", "/v1/orders/" + b + "/cancel", null, "Idempotency-Key", "al-c-" + r) +
                RawHttp.request("POST", "/v1/receipts", Json.q("{'sku':'" + sku + "','location':'AL-A'," +
                    "'quantity':3,'unit_cost':'1.00'}"), "Idempotency-Key", "al-r-" + r) +
                RawHttp.request("PUT", "/v1/orders/al-x-" + r, Json.q("{'channel':'alloc-web','lines':[{'sku':'" +
                    sku + "','quantity':999999999}]}")) +
                RawHttp.request("GET", "/v1/availability?channel=alloc-web&sku=" + sku + "&sku=AL-0", null) +
                RawHttp.request("GET", "/v1/stock/" + sku, null) +
                RawHttp.request("GET", "/v1/orders/" + a, null);
            http.write(requests);
            final int[] expected = { 201, 201, 200, 200, 200, 201, 409, 200, 200, 200 };
            for (final int status : expected)
            {
                final Reply reply = http.read();
                assertNotNull(reply, "the connection closed in round " + r);
                assertEquals(status, reply.status(), "round " + r + ": " + reply.body());
            }
            final String order = "al-bin-" + r;
            final List<CompletableFuture<CommandResult>> answers = List.of(
                binary.reserve(order, "alloc-web", 0, Line.of(sku, "AL-A", 1)),
                binary.ship(order),
                binary.queryStockAt(sku, "AL-A"));
            for (final CompletableFuture<CommandResult> answer : answers)
            {
                final CommandResult result = answer.get(20, TimeUnit.SECONDS);
                assertTrue(result.isOk(), "round " + r + ": " + result.codeName());
            }
        }
    }
}
