package io.stockengine.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.stockengine.engine.Command;
import io.stockengine.engine.CommandCallback;
import io.stockengine.engine.CommandFiller;
import io.stockengine.engine.CommandType;
import io.stockengine.engine.EnginePipeline;
import io.stockengine.gateway.GatewayConfig;

/**
 * A full ring answers 503 OVERLOADED with Retry-After at once and applies nothing. The ring (two slots) is made
 * full deterministically by parking the reply thread in a command's callback; a burst then checks the invariant
 * under real contention: every 201 applied, every 503 not.
 */
@Timeout(60)
class OverloadTest
{
    @TempDir
    static Path dataDir;
    static TestServer server;
    static final CountDownLatch RELEASE = new CountDownLatch(1);

    @BeforeAll
    static void start()
    {
        LeakWatch.install();
        final GatewayConfig config = TestServer.config(dataDir);
        config.ringSize = 2;
        server = TestServer.start(config);
    }

    @AfterAll
    static void stop()
    {
        RELEASE.countDown();
        server.close();
        LeakWatch.assertNoLeaks();
    }

    /** Parks the reply thread, so nothing leaves the ring, until released. */
    private static final CommandCallback PARK = slot ->
    {
        ((CountDownLatch)slot.attachment).countDown();
        try
        {
            RELEASE.await(30, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    };

    /** Fills a slot with a clock tick whose answer parks the reply thread until {@link #RELEASE}. */
    private static final CommandFiller<CountDownLatch> PARKING_TICK = (slot, parked) ->
    {
        slot.type = CommandType.TICK;
        slot.attachment = parked;
        slot.callback = PARK;
    };

    private static final CommandFiller<Object> TICK = (slot, ignored) -> slot.type = CommandType.TICK;

    /**
     * Sends until the answer is not 503: the clock ticker shares the two slots, so a request may meet a full ring
     * for a moment even when the test holds none.
     */
    private static Reply unlessOverloaded(final Supplier<Reply> request)
    {
        Reply reply;
        while ((reply = request.get()).status() == 503)
        {
            Thread.onSpinWait();
        }
        return reply;
    }

    @SuppressWarnings("unchecked")
    private static long onHand(final String sku)
    {
        final List<Object> locations = (List<Object>)unlessOverloaded(() -> server.get("/v1/stock/" + sku)).json()
            .get("locations");
        return locations.isEmpty() ? 0 : (Long)((Map<String, Object>)locations.get(0)).get("on_hand");
    }

    private static String receipt(final String sku, final long quantity)
    {
        return "{'sku':'" + sku + "','location':'OV-A','quantity':" + quantity + ",'unit_cost':'1'}";
    }

    @Test
    void shouldAnswerOverloadedAndApplyNothingWhileTheRingIsFull() throws InterruptedException
    {
        unlessOverloaded(() -> server.post("/v1/receipts", receipt("OV-1", 5), "ov-setup")).assertOk(201);
        final long seq = server.journaledSeq();
        final EnginePipeline pipeline = server.server.engine().pipeline();
        final CountDownLatch parked = new CountDownLatch(1);
        // The ticker may hold a slot for a moment; publishing succeeds as soon as it is through.
        while (!pipeline.tryPublish(PARKING_TICK, parked))
        {
            Thread.onSpinWait();
        }
        assertTrue(parked.await(10, TimeUnit.SECONDS), "the reply thread is parked");
        while (pipeline.tryPublish(TICK, null))
        {
            Thread.onSpinWait();
        }
        assertEquals(pipeline.ringSize(), pipeline.inFlight(), "the ring is full");
        try
        {
            for (int i = 0; i < 10; i++)
            {
                server.post("/v1/receipts", receipt("OV-1", 1), "ov-k" + i).assertProblem(503, "OVERLOADED", null);
                server.put("/v1/orders/ov-o" + i, "{'channel':'web','lines':[{'sku':'OV-1','quantity':1}]}")
                    .assertProblem(503, "OVERLOADED", null);
                final Reply query = server.get("/v1/stock/OV-1");
                query.assertProblem(503, "OVERLOADED", null);
                assertEquals("1", query.header("Retry-After"));
            }
            final Reply health = server.get("/health");
            assertEquals(200, health.status(), "operations do not go through the ring");
        }
        finally
        {
            RELEASE.countDown();
        }
        assertEquals(5L, onHand("OV-1"), "nothing applied");
        assertEquals(seq, server.journaledSeq(), "nothing journaled");
        unlessOverloaded(() -> server.get("/v1/orders/ov-o0")).assertProblem(404, "NOT_FOUND", null);
        // Neither the keys nor the order ids were bound.
        unlessOverloaded(() -> server.post("/v1/receipts", receipt("OV-1", 1), "ov-k0")).assertOk(201);
        unlessOverloaded(() -> server.put("/v1/orders/ov-o0", "{'channel':'web','lines':[{'sku':'OV-1'," +
            "'quantity':1}]}")).assertOk(201);
        assertTrue(sample("stock_overloaded_total") >= 30, "counted");
    }

    @Test
    void shouldApplyExactlyTheAcknowledgedRequestsOfABurst() throws Exception
    {
        final int connections = 16;
        final int perConnection = 16;
        final ExecutorService pool = Executors.newFixedThreadPool(connections);
        final CountDownLatch start = new CountDownLatch(1);
        final List<Future<List<Reply>>> results = new ArrayList<>();
        for (int c = 0; c < connections; c++)
        {
            final int connection = c;
            results.add(pool.submit(() ->
            {
                final StringBuilder burst = new StringBuilder();
                for (int i = 0; i < perConnection; i++)
                {
                    burst.append(RawHttp.request("POST", "/v1/receipts", Json.q(receipt("OB-1", 1)),
                        "Idempotency-Key", "ob-" + connection + "-" + i));
                }
                final List<Reply> replies = new ArrayList<>();
                try (RawHttp raw = server.raw())
                {
                    start.await();
                    raw.write(burst.toString());
                    for (int i = 0; i < perConnection; i++)
                    {
                        replies.add(raw.read());
                    }
                }
                return replies;
            }));
        }
        start.countDown();
        int applied = 0;
        int overloaded = 0;
        final List<String> refusedKeys = new ArrayList<>();
        for (int c = 0; c < connections; c++)
        {
            final List<Reply> replies = results.get(c).get(30, TimeUnit.SECONDS);
            for (int i = 0; i < perConnection; i++)
            {
                final Reply reply = replies.get(i);
                if (reply.status() == 201)
                {
                    applied++;
                }
                else
                {
                    reply.assertProblem(503, "OVERLOADED", null);
                    overloaded++;
                    refusedKeys.add("ob-" + c + "-" + i);
                }
            }
        }
        pool.shutdown();
        assertEquals(connections * perConnection, applied + overloaded);
        assertTrue(overloaded > 0, "256 requests at once into a ring of two slots met a full ring");
        assertEquals(applied, onHand("OB-1"), "every 201 applied, no 503 applied");
        // A key refused with 503 was never bound: its retry is a first application, not a replay.
        for (final String key : refusedKeys)
        {
            unlessOverloaded(() -> server.post("/v1/receipts", receipt("OB-1", 1), key)).assertOk(201);
        }
        assertEquals(connections * perConnection, onHand("OB-1"));
    }

    private static long sample(final String name)
    {
        for (final String line : server.get("/metrics").body().split("\n"))
        {
            if (line.startsWith(name + " "))
            {
                return (long)Double.parseDouble(line.substring(name.length() + 1));
            }
        }
        throw new AssertionError("no sample " + name);
    }
}
