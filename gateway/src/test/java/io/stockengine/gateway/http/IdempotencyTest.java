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
 * Retries over HTTP: a key (or an order id) replays its first answer for the same request, conflicts for another,
 * and is bound only by a success.
 */
@Timeout(60)
class IdempotencyTest
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

    private static void assertReplay(final Reply first, final Reply retry)
    {
        assertEquals(first.status(), retry.status(), retry.body());
        assertEquals(first.json(), retry.json(), "the original body, seq included");
        assertEquals("true", retry.header("Idempotent-Replayed"));
        assertEquals("application/json", retry.header("content-type"));
    }

    @Test
    void shouldReplayTheFirstAnswerForTheSameKeyAndBody()
    {
        final String body = "{'sku':'ID-1','location':'ID-A','quantity':7,'unit_cost':'12.50','purchase_order':null}";
        final Reply first = server.post("/v1/receipts", body, "id-r1");
        first.assertOk(201).assertBodyIgnoringSeq("{'sku':'ID-1','location':'ID-A','quantity':7," +
            "'unit_cost':'12.5','purchase_order':null,'inspect':false}");
        final Reply retry = server.post("/v1/receipts", body, "id-r1");
        assertReplay(first, retry);
        assertEquals(7L, server.stockAt("ID-1", "ID-A").get("sellable"), "applied once");
    }

    @Test
    void shouldTreatReorderedMembersAndWhitespaceAsTheSameRequest()
    {
        final Reply first = server.post("/v1/adjustments",
            "{'sku':'ID-2','location':'ID-A','delta':5,'reason':'found'}", "id-a1");
        first.assertOk(201);
        final Reply reordered = server.send("POST", "/v1/adjustments",
            Json.q(" {\n 'reason' : 'found' , 'delta':5,\t'location':'ID-A','sku':'ID-2'} \n"),
            "Idempotency-Key", "id-a1");
        assertReplay(first, reordered);
        assertEquals(5L, server.stockAt("ID-2", "ID-A").get("sellable"));
    }

    @Test
    void shouldConflictForTheSameKeyWithAnotherBodyOrRoute()
    {
        final Reply first = server.post("/v1/receipts", "{'sku':'ID-3','location':'ID-A','quantity':2," +
            "'unit_cost':'1'}", "id-c1");
        first.assertOk(201);
        final long seq = server.journaledSeq();
        server.post("/v1/receipts", "{'sku':'ID-3','location':'ID-A','quantity':3,'unit_cost':'1'}", "id-c1")
            .assertProblem(422, "IDEMPOTENCY_CONFLICT", "Idempotency-Key");
        server.post("/v1/adjustments", "{'sku':'ID-3','location':'ID-A','delta':2,'reason':'found'}", "id-c1")
            .assertProblem(422, "IDEMPOTENCY_CONFLICT", "Idempotency-Key");
        assertEquals(seq, server.journaledSeq(), "a conflict changes nothing");
        assertEquals(2L, server.stockAt("ID-3", "ID-A").get("sellable"));
        assertReplay(first, server.post("/v1/receipts", "{'sku':'ID-3','location':'ID-A','quantity':2," +
            "'unit_cost':'1'}", "id-c1"));
    }

    /**
     * API.md compares bodies "as parsed JSON": the same meaning written differently is another body. A retry sends
     * the body it sent before, so this only refuses a key reused for a request written anew; escapes and number
     * spelling that parse to the same value are the same body.
     */
    @Test
    void shouldConflictForABodyThatMeansTheSameButParsesToOtherJson()
    {
        final Reply first = server.post("/v1/receipts", "{'sku':'ID-15','location':'ID-A','quantity':2," +
            "'unit_cost':'1.50'}", "id-q15");
        first.assertOk(201);
        final long seq = server.journaledSeq();
        server.post("/v1/receipts", "{'sku':'ID-15','location':'ID-A','quantity':2,'unit_cost':'1.5'}", "id-q15")
            .assertProblem(422, "IDEMPOTENCY_CONFLICT", "Idempotency-Key");
        server.post("/v1/receipts", "{'sku':'ID-15','location':'ID-A','quantity':2,'unit_cost':'1.50'," +
            "'inspect':false}", "id-q15").assertProblem(422, "IDEMPOTENCY_CONFLICT", "Idempotency-Key");
        server.post("/v1/receipts", "{'sku':'ID-15','location':'ID-A','quantity':2,'unit_cost':'1.50'," +
            "'purchase_order':null}", "id-q15").assertProblem(422, "IDEMPOTENCY_CONFLICT", "Idempotency-Key");
        assertEquals(seq, server.journaledSeq(), "a conflict changes nothing");
        assertReplay(first, server.send("POST", "/v1/receipts",
            "{\"unit_cost\":\"1.\\u00350\",\"quantity\":2,\"location\":\"ID-A\",\"sku\":\"ID-15\"}",
            "Idempotency-Key", "id-q15"));
        assertEquals(2L, server.stockAt("ID-15", "ID-A").get("sellable"), "applied once");

        server.receive("ID-15", "ID-B", 10);
        final Reply reserved = server.put("/v1/orders/id-o15", "{'channel':'web','lines':[{'sku':'ID-15'," +
            "'quantity':3,'location':'ID-B'}]}");
        reserved.assertOk(201);
        server.put("/v1/orders/id-o15", "{'channel':'web','ttl_seconds':null,'lines':[{'sku':'ID-15','quantity':3," +
            "'location':'ID-B'}]}").assertProblem(422, "IDEMPOTENCY_CONFLICT", "order_id");
        assertEquals(3L, server.stockAt("ID-15", "ID-B").get("reserved"), "reserved once");
    }

    /**
     * No body is a body of its own: a key bound with none conflicts with a retry that writes one out, in either
     * order. Bound with none, a retry with {"inspect":false} or {} was replayed, while the other order conflicted.
     */
    @Test
    void shouldConflictForABodyLeftOutThenWrittenOutAndTheOtherWayRound()
    {
        server.receive("ID-NB", "ID-A", 10);
        server.post("/v1/transfers", "{'transfer_id':'id-nb-1','sku':'ID-NB','from':'ID-A','to':'ID-B','quantity':2}",
            "id-nb-t1").assertOk(201);
        final Reply none = server.post("/v1/transfers/id-nb-1/receive", null, "id-nb-r1");
        none.assertOk(201);
        assertReplay(none, server.post("/v1/transfers/id-nb-1/receive", null, "id-nb-r1"));
        for (final String body : new String[] { "{}", "{'inspect':false}", "{'quantity':null}" })
        {
            server.post("/v1/transfers/id-nb-1/receive", body, "id-nb-r1")
                .assertProblem(422, "IDEMPOTENCY_CONFLICT", "Idempotency-Key");
        }

        server.post("/v1/transfers", "{'transfer_id':'id-nb-2','sku':'ID-NB','from':'ID-A','to':'ID-B','quantity':2}",
            "id-nb-t2").assertOk(201);
        final Reply empty = server.post("/v1/transfers/id-nb-2/receive", "{}", "id-nb-r2");
        empty.assertOk(201);
        assertReplay(empty, server.post("/v1/transfers/id-nb-2/receive", "{ }", "id-nb-r2"));
        server.post("/v1/transfers/id-nb-2/receive", null, "id-nb-r2")
            .assertProblem(422, "IDEMPOTENCY_CONFLICT", "Idempotency-Key");

        server.put("/v1/orders/id-nb-o", "{'channel':'web','lines':[{'sku':'ID-NB','quantity':1}]}").assertOk(201);
        final Reply picked = server.post("/v1/orders/id-nb-o/pick", null, "id-nb-p");
        picked.assertOk(200);
        server.post("/v1/orders/id-nb-o/pick", "{'lines':null}", "id-nb-p")
            .assertProblem(422, "IDEMPOTENCY_CONFLICT", "Idempotency-Key");
        assertReplay(picked, server.post("/v1/orders/id-nb-o/pick", null, "id-nb-p"));
    }

    @Test
    void shouldKeyAReservationByItsOrderId()
    {
        server.receive("ID-4", "ID-A", 10);
        final String body = "{'channel':'web','lines':[{'sku':'ID-4','quantity':3}]}";
        final Reply first = server.put("/v1/orders/id-o1", body);
        first.assertOk(201);
        assertReplay(first, server.put("/v1/orders/id-o1", "{'lines':[{'quantity':3,'sku':'ID-4'}],'channel':'web'}"));
        server.put("/v1/orders/id-o1", "{'channel':'web','lines':[{'sku':'ID-4','quantity':4}]}")
            .assertProblem(422, "IDEMPOTENCY_CONFLICT", "order_id");
        assertEquals(3L, server.stockAt("ID-4", "ID-A").get("reserved"));
    }

    /** API.md: a retry returns the original status and body, also after the order moved on. */
    @Test
    void shouldReplayTheReservationsOriginalAnswerAfterTheOrderMovedOn()
    {
        server.receive("ID-9", "ID-A", 10);
        final String body = "{'channel':'web','ttl_seconds':600,'lines':[{'sku':'ID-9','quantity':2}]}";
        final Reply first = server.put("/v1/orders/id-o9", body);
        first.assertOk(201);
        server.send("POST", "/v1/orders/id-o9/pick", null).assertOk(200);
        assertReplay(first, server.put("/v1/orders/id-o9", body));
        assertEquals("PICKED", server.get("/v1/orders/id-o9").json().get("status"), "the order itself moved on");
    }

    /** The same for an order action: the order as the action left it, not as later actions left it. */
    @Test
    void shouldReplayAnOrderActionsOriginalAnswerAfterTheOrderMovedOn()
    {
        server.receive("ID-10", "ID-A", 10);
        server.put("/v1/orders/id-o10", "{'channel':'web','lines':[{'sku':'ID-10','quantity':3}]}").assertOk(201);
        final String lines = "{'lines':[{'sku':'ID-10','quantity':1}]}";
        final Reply pick = server.post("/v1/orders/id-o10/pick", lines, "id-p10");
        pick.assertOk(200);
        final Reply ship = server.post("/v1/orders/id-o10/ship", lines, "id-s10");
        ship.assertOk(200);
        server.post("/v1/orders/id-o10/returns", lines, "id-r10").assertOk(200);
        server.post("/v1/orders/id-o10/cancel", null, null).assertOk(200);

        assertReplay(pick, server.post("/v1/orders/id-o10/pick", lines, "id-p10"));
        assertEquals("PARTIALLY_PICKED", pick.json().get("status"));
        assertReplay(ship, server.post("/v1/orders/id-o10/ship", lines, "id-s10"));
        assertEquals("PARTIALLY_SHIPPED", ship.json().get("status"));
        assertEquals("SHIPPED", server.get("/v1/orders/id-o10").json().get("status"), "the order itself moved on");
    }

    @Test
    void shouldReplayPartialOrderActionsBoundToTheirOrder()
    {
        server.receive("ID-5", "ID-A", 10);
        server.put("/v1/orders/id-o2", "{'channel':'web','lines':[{'sku':'ID-5','quantity':3}]}").assertOk(201);
        server.put("/v1/orders/id-o3", "{'channel':'web','lines':[{'sku':'ID-5','quantity':3}]}").assertOk(201);
        final String lines = "{'lines':[{'sku':'ID-5','quantity':1}]}";
        final Reply first = server.post("/v1/orders/id-o2/pick", lines, "id-p1");
        first.assertOk(200);
        assertEquals("PARTIALLY_PICKED", first.json().get("status"));
        assertReplay(first, server.post("/v1/orders/id-o2/pick", lines, "id-p1"));
        server.post("/v1/orders/id-o3/pick", lines, "id-p1").assertProblem(422, "IDEMPOTENCY_CONFLICT",
            "Idempotency-Key");
        assertEquals(1L, server.stockAt("ID-5", "ID-A").get("picked"), "picked once, on one order");

        // A whole-order action may carry a key; then it binds like any other.
        final Reply whole = server.post("/v1/orders/id-o3/cancel", null, "id-w1");
        whole.assertOk(200);
        assertReplay(whole, server.post("/v1/orders/id-o3/cancel", null, "id-w1"));
        server.post("/v1/orders/id-o2/cancel", null, "id-w1").assertProblem(422, "IDEMPOTENCY_CONFLICT",
            "Idempotency-Key");
    }

    @Test
    void shouldReplayPolicies()
    {
        final Reply first = server.put("/v1/stock/ID-6/ID-A/safety-stock", "{'quantity':4}");
        first.assertOk(200).assertBodyIgnoringSeq("{'sku':'ID-6','location':'ID-A','quantity':4}");
        final Reply keyed = server.send("PUT", "/v1/stock/ID-6/ID-A/safety-stock", Json.q("{'quantity':5}"),
            "Idempotency-Key", "id-s1");
        keyed.assertOk(200);
        assertReplay(keyed, server.send("PUT", "/v1/stock/ID-6/ID-A/safety-stock", Json.q("{'quantity':5}"),
            "Idempotency-Key", "id-s1"));
        server.send("PUT", "/v1/stock/ID-6/ID-A/safety-stock", Json.q("{'quantity':6}"), "Idempotency-Key", "id-s1")
            .assertProblem(422, "IDEMPOTENCY_CONFLICT", "Idempotency-Key");
        assertEquals(5L, server.stockAt("ID-6", "ID-A").get("safety_stock"));
    }

    /**
     * A channel PUT sent again without a key (a client retrying a timeout) must not refill the ring-fence the
     * channel's orders have used: that would hold two more units back from every other channel.
     */
    @Test
    void shouldChangeNothingForAChannelPutSentAgain()
    {
        server.post("/v1/receipts", "{'sku':'ID-CH','location':'ID-A','quantity':10,'unit_cost':'1'}", "id-ch1")
            .assertOk(201);
        final String policy = "{'buffer':0,'allocations':[{'sku':'ID-CH','location':'ID-A','quantity':3}]}";
        final Reply first = server.put("/v1/channels/id-fch", policy);
        first.assertOk(200);
        server.put("/v1/orders/id-ch9", "{'channel':'id-fch','lines':[{'sku':'ID-CH','quantity':2,'location':'ID-A'}]}")
            .assertOk(201);
        assertEquals(7L, available("ID-CH", "id-web"));

        final Reply again = server.put("/v1/channels/id-fch", policy);
        again.assertOk(200);
        assertEquals(first.body(), again.body(), "the same answer, with the seq of the configuration in force");
        assertEquals(7L, available("ID-CH", "id-web"), "the used part of the fence stays used");
        assertTrue(server.get("/v1/channels/id-fch").body().contains("\"quantity\":3,\"unused\":1"),
            "the fence as configured, and what the channel's orders have not taken of it");
    }

    private long available(final String sku, final String channel)
    {
        final Object items = server.get("/v1/availability?sku=" + sku + "&channel=" + channel).json().get("items");
        return ((Number)((Map<?, ?>)((List<?>)items).get(0)).get("available")).longValue();
    }

    @Test
    void shouldLeaveTheKeyOfARefusedRequestFree()
    {
        server.post("/v1/sales", "{'channel':'pos','location':'ID-A','lines':[{'sku':'ID-7','quantity':1}]}", "id-f1")
            .assertProblem(409, "INSUFFICIENT_STOCK", null);
        server.post("/v1/receipts", "{'sku':'ID-7','location':'ID-A','quantity':0,'unit_cost':'1'}", "id-f1")
            .assertProblem(400, "INVALID_REQUEST", "quantity");
        final Reply receipt = server.post("/v1/receipts", "{'sku':'ID-7','location':'ID-A','quantity':4," +
            "'unit_cost':'1'}", "id-f1");
        receipt.assertOk(201);
        assertReplay(receipt, server.post("/v1/receipts", "{'sku':'ID-7','location':'ID-A','quantity':4," +
            "'unit_cost':'1'}", "id-f1"));
        assertEquals(4L, server.stockAt("ID-7", "ID-A").get("sellable"));
    }
}
