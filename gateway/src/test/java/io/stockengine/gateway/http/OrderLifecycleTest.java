package io.stockengine.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Orders end to end over real sockets: the answers' exact fields and status codes as API.md shows them, sourcing,
 * refusals with their shortfall lines, unknown orders and transfers, and the transitions an order's state forbids.
 */
@Timeout(60)
class OrderLifecycleTest
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

    private static String line(final String sku, final String location, final long quantity, final long reserved,
        final long picked, final long shipped, final long returned, final long cancelled)
    {
        return "{'sku':'" + sku + "','location':'" + location + "','quantity':" + quantity + ",'reserved':" +
            reserved + ",'picked':" + picked + ",'shipped':" + shipped + ",'returned':" + returned +
            ",'cancelled':" + cancelled + "}";
    }

    private static String stock(final String location, final long sellable, final long reserved, final long picked,
        final long qc, final long damaged, final long safety, final long incoming, final long inTransit)
    {
        final long onHand = sellable + reserved + picked + qc + damaged;
        return "{'location':'" + location + "','on_hand':" + onHand + ",'available':" + Math.max(0, sellable - safety) +
            ",'sellable':" + sellable + ",'reserved':" + reserved + ",'picked':" + picked + ",'committed':" +
            (reserved + picked) + ",'quality_control':" + qc + ",'damaged':" + damaged + ",'safety_stock':" + safety +
            ",'incoming':" + incoming + ",'in_transit':" + inTransit + "}";
    }

    private static void assertStockAt(final String sku, final String expectedSingleQuoted)
    {
        final Map<String, Object> expected = Json.object(Json.q(expectedSingleQuoted));
        assertEquals(expected, server.stockAt(sku, (String)expected.get("location")), sku);
    }

    @Test
    void shouldRunAnOrderFromReceiptToInspectedReturn()
    {
        long seq = server.receive("LC-1", "LC-A", 10).seq();
        seq = assertAfter(seq, server.receive("LC-2", "LC-A", 1));
        seq = assertAfter(seq, server.receive("LC-1", "LC-B", 5));
        seq = assertAfter(seq, server.receive("LC-2", "LC-B", 5));

        // No location fills LC-1 x4 and LC-2 x2 together but LC-B, so both lines come from there.
        final Reply reserved = server.put("/v1/orders/lc-o1",
            "{'channel':'lc-web','lines':[{'sku':'LC-1','quantity':4},{'sku':'LC-2','quantity':2}]}");
        reserved.assertOk(201).assertBodyIgnoringSeq("{'order_id':'lc-o1','status':'RESERVED','channel':'lc-web'," +
            "'expires_at':null,'lines':[" + line("LC-1", "LC-B", 4, 4, 0, 0, 0, 0) + "," +
            line("LC-2", "LC-B", 2, 2, 0, 0, 0, 0) + "]}");
        seq = assertAfter(seq, reserved);

        // Nothing fills both now: each line from the first location that fills it whole, never split.
        final Reply split = server.put("/v1/orders/lc-o2",
            "{'channel':'lc-web','lines':[{'sku':'LC-1','quantity':6},{'sku':'LC-2','quantity':3}]}");
        split.assertOk(201).assertBodyIgnoringSeq("{'order_id':'lc-o2','status':'RESERVED','channel':'lc-web'," +
            "'expires_at':null,'lines':[" + line("LC-1", "LC-A", 6, 6, 0, 0, 0, 0) + "," +
            line("LC-2", "LC-B", 3, 3, 0, 0, 0, 0) + "]}");
        seq = assertAfter(seq, split);

        final Reply read = server.get("/v1/orders/lc-o1");
        read.assertOk(200);
        assertEquals(reserved.json(), read.json(), "GET shows the order as the reservation answered it");

        final Reply picked = server.post("/v1/orders/lc-o1/pick", null, null);
        picked.assertOk(200).assertBodyIgnoringSeq("{'order_id':'lc-o1','status':'PICKED','channel':'lc-web'," +
            "'expires_at':null,'lines':[" + line("LC-1", "LC-B", 4, 0, 4, 0, 0, 0) + "," +
            line("LC-2", "LC-B", 2, 0, 2, 0, 0, 0) + "]}");
        seq = assertAfter(seq, picked);
        assertStockAt("LC-1", stock("LC-B", 1, 0, 4, 0, 0, 0, 0, 0));

        final Reply partial = server.post("/v1/orders/lc-o1/ship",
            "{'lines':[{'sku':'LC-1','location':'LC-B','quantity':1}]}", "lc-ship-1");
        partial.assertOk(200).assertBodyIgnoringSeq("{'order_id':'lc-o1','status':'PARTIALLY_SHIPPED'," +
            "'channel':'lc-web','expires_at':null,'lines':[" + line("LC-1", "LC-B", 4, 0, 3, 1, 0, 0) + "," +
            line("LC-2", "LC-B", 2, 0, 2, 0, 0, 0) + "]}");
        seq = assertAfter(seq, partial);

        final Reply shipped = server.post("/v1/orders/lc-o1/ship", null, null);
        shipped.assertOk(200).assertBodyIgnoringSeq("{'order_id':'lc-o1','status':'SHIPPED','channel':'lc-web'," +
            "'expires_at':null,'lines':[" + line("LC-1", "LC-B", 4, 0, 0, 4, 0, 0) + "," +
            line("LC-2", "LC-B", 2, 0, 0, 2, 0, 0) + "]}");
        seq = assertAfter(seq, shipped);

        final Reply returned = server.post("/v1/orders/lc-o1/returns",
            "{'lines':[{'sku':'LC-1','location':'LC-B','quantity':2}],'inspect':true}", "lc-return-1");
        returned.assertOk(200).assertBodyIgnoringSeq("{'order_id':'lc-o1','status':'SHIPPED','channel':'lc-web'," +
            "'expires_at':null,'lines':[" + line("LC-1", "LC-B", 4, 0, 0, 4, 2, 0) + "," +
            line("LC-2", "LC-B", 2, 0, 0, 2, 0, 0) + "]}");
        assertAfter(seq, returned);

        assertStockAt("LC-1", stock("LC-B", 1, 0, 0, 2, 0, 0, 0, 0));
        assertStockAt("LC-1", stock("LC-A", 4, 6, 0, 0, 0, 0, 0, 0));
        assertStockAt("LC-2", stock("LC-B", 0, 3, 0, 0, 0, 0, 0, 0));
        final Reply all = server.get("/v1/stock/LC-1");
        assertEquals(Json.object(Json.q(stock("LC-A", 4, 6, 0, 0, 0, 0, 0, 0))), all.at("locations[0]"));
        final Map<String, Object> totals = Json.object(Json.q(stock("LC-A", 5, 6, 0, 2, 0, 0, 0, 0)));
        totals.remove("location");
        assertEquals(totals, all.at("totals"), "totals sum every location");

        // One location: the same body with that location alone, its row as the totals.
        final Reply one = server.get("/v1/stock/LC-1/LC-B");
        one.assertOk(200);
        final Map<String, Object> row = Json.object(Json.q(stock("LC-B", 1, 0, 0, 2, 0, 0, 0, 0)));
        assertEquals(List.of(row), one.json().get("locations"));
        row.remove("location");
        assertEquals(row, one.at("totals"));
        final Reply none = server.get("/v1/stock/LC-1/LC-NOWHERE");
        none.assertOk(200);
        assertEquals(List.of(), none.json().get("locations"), "no stock record there: no locations, as for a SKU");
    }

    @Test
    void shouldReturnStraightToSellableWithoutInspection()
    {
        server.receive("LS-1", "LS-A", 3);
        server.put("/v1/orders/ls-o1", "{'channel':'web','lines':[{'sku':'LS-1','quantity':3}]}").assertOk(201);
        server.post("/v1/orders/ls-o1/ship", null, null).assertOk(200);
        server.post("/v1/orders/ls-o1/returns", "{'lines':[{'sku':'LS-1','quantity':1}],'inspect':false}", "ls-r1")
            .assertOk(200);
        assertStockAt("LS-1", stock("LS-A", 1, 0, 0, 0, 0, 0, 0, 0));
        // inspect defaults to true.
        server.post("/v1/orders/ls-o1/returns", "{'lines':[{'sku':'LS-1','quantity':1}]}", "ls-r2").assertOk(200);
        assertStockAt("LS-1", stock("LS-A", 1, 0, 0, 1, 0, 0, 0, 0));
    }

    /** A newcomer's two mistakes get a sentence that says what to send (they read "is required", "a string"). */
    @Test
    void shouldSayWhatAnEmptyLineListOrAnUnquotedPriceNeeds()
    {
        final Map<String, Object> empty = server.put("/v1/orders/nl-o1", "{'channel':'web','lines':[]}")
            .assertProblem(400, "INVALID_REQUEST", "lines");
        assertEquals("lines must hold at least one line", empty.get("detail"));
        final Map<String, Object> missing = server.put("/v1/orders/nl-o2", "{'channel':'web'}")
            .assertProblem(400, "INVALID_REQUEST", "lines");
        assertEquals("lines is required", missing.get("detail"));
        final Map<String, Object> number = server.post("/v1/receipts", "{'sku':'NL-1','location':'NL-A'," +
            "'quantity':1,'unit_cost':12.50}", "nl-r1").assertProblem(400, "INVALID_REQUEST", "unit_cost");
        assertEquals("unit_cost must be a decimal string, in quotes (\"12.50\"), not a JSON number: money is never " +
            "rounded through a binary fraction", number.get("detail"));
        // Nothing applied and the key left free: the corrected receipt is the first.
        server.post("/v1/receipts", "{'sku':'NL-1','location':'NL-A','quantity':1,'unit_cost':'12.50'}", "nl-r1")
            .assertOk(201);
        assertStockAt("NL-1", stock("NL-A", 1, 0, 0, 0, 0, 0, 0, 0));
    }

    /** Answers write "none" as null (expires_at, a shortfall's location): a client may send it back so. */
    @Test
    void shouldTakeNullAsTheDefaultOfAnOptionalChoice()
    {
        server.receive("LN-1", "LN-A", 10);
        final Reply reserved = server.put("/v1/orders/ln-o1", "{'channel':'web','ttl_seconds':null," +
            "'lines':[{'sku':'LN-1','quantity':2,'location':null}]}");
        reserved.assertOk(201);
        assertTrue(reserved.json().containsKey("expires_at") && reserved.json().get("expires_at") == null,
            reserved.body());
        server.put("/v1/orders/ln-o2", "{'channel':'web','lines':[{'sku':'LN-1','quantity':1}]}").assertOk(201);
        final Reply picked = server.post("/v1/orders/ln-o2/pick", "{'lines':null}", null);
        picked.assertOk(200);
        assertEquals("PICKED", picked.json().get("status"), "null lines pick the whole order: " + picked.body());
        server.post("/v1/orders/ln-o2/cancel", null, null).assertOk(200);
        server.post("/v1/orders/ln-o1/ship", null, null).assertOk(200);
        server.post("/v1/orders/ln-o1/returns", "{'lines':[{'sku':'LN-1','quantity':1}],'inspect':null}", "ln-r1")
            .assertOk(200);
        assertStockAt("LN-1", stock("LN-A", 8, 0, 0, 1, 0, 0, 0, 0));
        server.post("/v1/receipts", "{'sku':'LN-1','location':'LN-A','quantity':1,'unit_cost':'1','inspect':null}",
            "ln-rc1").assertOk(201);
        assertStockAt("LN-1", stock("LN-A", 9, 0, 0, 1, 0, 0, 0, 0));
        server.post("/v1/counts", "{'sku':'LN-1','location':'LN-A','counted':5,'expected':null}", "ln-c1")
            .assertOk(201);
        assertStockAt("LN-1", stock("LN-A", 5, 0, 0, 1, 0, 0, 0, 0));
        server.post("/v1/moves", "{'sku':'LN-1','location':'LN-A','quantity':1,'from':'sellable','to':'damaged'," +
            "'reason':null}", "ln-m1").assertOk(201);
        server.post("/v1/adjustments", "{'sku':'LN-1','location':'LN-A','delta':1,'bucket':null,'reason':'found'}",
            "ln-a1").assertOk(201);
        assertStockAt("LN-1", stock("LN-A", 5, 0, 0, 1, 1, 0, 0, 0));
        server.post("/v1/transfers", "{'transfer_id':'ln-t1','sku':'LN-1','from':'LN-A','to':'LN-B','quantity':2}",
            "ln-t1").assertOk(201);
        server.post("/v1/transfers/ln-t1/receive", "{'quantity':null}", "ln-r2").assertOk(201)
            .assertBodyIgnoringSeq("{'transfer_id':'ln-t1','sku':'LN-1','from':'LN-A','to':'LN-B','quantity':2," +
                "'in_transit':0,'received':2}");
    }

    @Test
    void shouldSetExpiresAtFromTheTtlAndExpireWithoutTraffic() throws InterruptedException
    {
        server.receive("LT-1", "LT-A", 5);
        final long before = System.currentTimeMillis();
        final Reply reserved = server.put("/v1/orders/lt-o1",
            "{'channel':'web','ttl_seconds':1,'lines':[{'sku':'LT-1','quantity':2}]}");
        reserved.assertOk(201);
        final long reservedSeq = reserved.seq();
        final long expiresAt = Instant.parse((String)reserved.json().get("expires_at")).toEpochMilli();
        assertTrue(expiresAt >= before + 1000 && expiresAt <= System.currentTimeMillis() + 1000, reserved.body());
        assertStockAt("LT-1", stock("LT-A", 3, 2, 0, 0, 0, 0, 0, 0));

        // API.md: EXPIRED, and the stock back, within one second of expires_at, with no other traffic: the expiry's
        // events are journaled (/health does not go through the engine) before any request asks.
        Thread.sleep(Math.max(0, expiresAt + 1000 - System.currentTimeMillis()));
        assertTrue(server.journaledSeq() > reservedSeq, "a clock tick expired the order");
        final Reply expired = server.get("/v1/orders/lt-o1");
        // An expired order keeps the time it expired, so a client can tell when.
        expired.assertOk(200).assertBodyIgnoringSeq("{'order_id':'lt-o1','status':'EXPIRED','channel':'web'," +
            "'expires_at':'" + reserved.json().get("expires_at") + "','lines':[" +
            line("LT-1", "LT-A", 2, 0, 0, 0, 0, 2) + "]}");
        assertStockAt("LT-1", stock("LT-A", 5, 0, 0, 0, 0, 0, 0, 0));
        assertRefusedAs(server.post("/v1/orders/lt-o1/ship", null, null), "EXPIRED",
            "order lt-o1 is EXPIRED and can no longer be shipped");
        server.post("/v1/orders/lt-o1/cancel", null, null).assertOk(200);
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldListEachShortfallLineWithNullLocationWhenUnsourced()
    {
        server.receive("LI-1", "LI-A", 3);
        server.receive("LI-2", "LI-A", 1);
        final Reply refused = server.put("/v1/orders/li-o1", "{'channel':'web','lines':[" +
            "{'sku':'LI-1','quantity':5},{'sku':'LI-2','quantity':1,'location':'LI-A'}," +
            "{'sku':'LI-2','quantity':1,'location':'LI-A'},{'sku':'LI-9','quantity':1,'location':'LI-A'}]}");
        final Map<String, Object> problem = refused.assertProblem(409, "INSUFFICIENT_STOCK", null);
        assertEquals(Json.parse(Json.q("[{'sku':'LI-1','location':null,'requested':5,'available':3}," +
            "{'sku':'LI-2','location':'LI-A','requested':1,'available':0}," +
            "{'sku':'LI-9','location':'LI-A','requested':1,'available':0}]")), problem.get("lines"), refused.body());
        for (final Object row : (List<Object>)problem.get("lines"))
        {
            assertEquals(List.of("sku", "location", "requested", "available"),
                List.copyOf(((Map<String, Object>)row).keySet()), "exactly the documented members");
        }
        assertStockAt("LI-1", stock("LI-A", 3, 0, 0, 0, 0, 0, 0, 0));

        // A refused reservation leaves no order behind and its id free.
        final Reply unknown = server.get("/v1/orders/li-o1");
        unknown.assertProblem(404, "NOT_FOUND", null);
        assertEquals("no order li-o1 (never reserved here, or finished before the engine's dedup window, or beyond " +
            "the finished orders it keeps, and forgotten)", unknown.json().get("detail"));
        server.put("/v1/orders/li-o1", "{'channel':'web','lines':[{'sku':'LI-1','quantity':3}]}").assertOk(201);

        final Reply sale = server.post("/v1/sales",
            "{'channel':'pos','location':'LI-A','lines':[{'sku':'LI-2','quantity':2}]}", "li-sale-1");
        assertEquals(Json.parse(Json.q("[{'sku':'LI-2','location':'LI-A','requested':2,'available':1}]")),
            sale.assertProblem(409, "INSUFFICIENT_STOCK", null).get("lines"));
        final Reply transfer = server.post("/v1/transfers",
            "{'transfer_id':'li-t1','sku':'LI-2','from':'LI-A','to':'LI-B','quantity':2}", "li-t1");
        transfer.assertProblem(409, "INSUFFICIENT_STOCK", null);
        server.post("/v1/moves", "{'sku':'LI-2','location':'LI-A','quantity':1,'from':'damaged','to':'sellable'}",
            "li-move-1").assertProblem(409, "INSUFFICIENT_STOCK", null);
        server.post("/v1/adjustments", "{'sku':'LI-2','location':'LI-A','delta':-2,'reason':'lost'}", "li-adj-1")
            .assertProblem(409, "INSUFFICIENT_STOCK", null);
        server.post("/v1/inspections", "{'sku':'LI-2','location':'LI-A','passed':1,'failed':0}", "li-insp-1")
            .assertProblem(409, "INSUFFICIENT_STOCK", null);
        assertStockAt("LI-2", stock("LI-A", 1, 0, 0, 0, 0, 0, 0, 0));
        // The keys of refused requests stay free.
        server.post("/v1/sales", "{'channel':'pos','location':'LI-A','lines':[{'sku':'LI-2','quantity':1}]}",
            "li-sale-1").assertOk(201);
        assertStockAt("LI-2", stock("LI-A", 0, 0, 0, 0, 0, 0, 0, 0));
    }

    @Test
    void shouldAnswerNotFoundForUnknownOrdersAndTransfers()
    {
        final long seq = server.journaledSeq();
        server.get("/v1/orders/lx-none").assertProblem(404, "NOT_FOUND", null);
        server.post("/v1/orders/lx-none/pick", null, null).assertProblem(404, "NOT_FOUND", null);
        server.post("/v1/orders/lx-none/ship", null, null).assertProblem(404, "NOT_FOUND", null);
        server.post("/v1/orders/lx-none/cancel", null, null).assertProblem(404, "NOT_FOUND", null);
        server.post("/v1/orders/lx-none/ship", "{'lines':[{'sku':'X','quantity':1}]}", "lx-k1")
            .assertProblem(404, "NOT_FOUND", null);
        server.post("/v1/orders/lx-none/returns", "{'lines':[{'sku':'X','quantity':1}]}", "lx-k2")
            .assertProblem(404, "NOT_FOUND", null);
        server.get("/v1/transfers/lx-none").assertProblem(404, "NOT_FOUND", null);
        server.post("/v1/transfers/lx-none/receive", null, "lx-k3").assertProblem(404, "NOT_FOUND", null);
        server.post("/v1/transfers/lx-none/receive", "{'quantity':1}", "lx-k4").assertProblem(404, "NOT_FOUND", null);
        assertEquals(seq, server.journaledSeq(), "nothing journaled");
    }

    /** A refused order action names the order's status in its detail and as {@code order_status}. */
    private static void assertRefusedAs(final Reply reply, final String status, final String detail)
    {
        assertRefusedAs(reply, status, detail, null);
    }

    private static void assertRefusedAs(final Reply reply, final String status, final String detail,
        final String field)
    {
        reply.assertProblem(409, "INVALID_TRANSITION", field);
        assertEquals(status, reply.json().get("order_status"), reply.toString());
        assertEquals(detail, reply.json().get("detail"), reply.toString());
    }

    /**
     * A seller reads a channel's configuration, changes its buffer and sends the body back whole: accepted (the
     * channel named in it is the path's; each fence's unused units are the engine's to decide and are left), and the
     * fence the channel sold from stays as it stands.
     */
    @Test
    void shouldTakeAChannelsConfigurationBackAsItsGetShowsIt()
    {
        server.receive("LC-A", "LC-W", 10);
        server.put("/v1/channels/lc-mkt", "{'buffer':0,'locations':['LC-W'],'allocations':[{'sku':'LC-A'," +
            "'location':'LC-W','quantity':4}]}").assertOk(200);
        server.post("/v1/sales", "{'channel':'lc-mkt','location':'LC-W','lines':[{'sku':'LC-A','quantity':1}]}",
            "lc-sale-1").assertOk(201);
        final Reply read = server.get("/v1/channels/lc-mkt");
        read.assertOk(200);
        assertEquals(Json.parse(Json.q("{'channel':'lc-mkt','buffer':0,'locations':['LC-W'],'allocations':[" +
            "{'sku':'LC-A','location':'LC-W','quantity':4,'unused':3}]}")), read.json());

        server.put("/v1/channels/lc-mkt", read.body().replace("\"buffer\":0", "\"buffer\":2")).assertOk(200);
        assertEquals(Json.parse(Json.q("{'channel':'lc-mkt','buffer':2,'locations':['LC-W'],'allocations':[" +
            "{'sku':'LC-A','location':'LC-W','quantity':4,'unused':3}]}")), server.get("/v1/channels/lc-mkt").json(),
            "the buffer changed; the fence stays as it stands, the unused units sent ignored");
        server.put("/v1/channels/lc-mkt", read.body().replace("\"unused\":3", "\"unused\":4")).assertOk(200);
        assertEquals(3L, ((Map<?, ?>)((List<?>)server.get("/v1/channels/lc-mkt").json().get("allocations")).get(0))
            .get("unused"), "unused is the engine's: sending 4 fences nothing more");
        server.put("/v1/channels/lc-mkt", read.body().replace("\"channel\":\"lc-mkt\"", "\"channel\":\"lc-web\""))
            .assertProblem(400, "INVALID_REQUEST", "channel");
    }

    /** A kit reads back as its last PUT stored it; a SKU that is no kit, or only a component, is not found. */
    @Test
    void shouldReadAKitBackAsLastDefined()
    {
        server.put("/v1/kits/LK-KIT", "{'components':[{'sku':'LK-A','quantity':2}]}").assertOk(200);
        server.put("/v1/kits/LK-KIT", "{'components':[{'sku':'LK-B','quantity':3},{'sku':'LK-A','quantity':1}]}")
            .assertOk(200);
        final Reply kit = server.get("/v1/kits/LK-KIT");
        kit.assertOk(200);
        assertEquals(Json.parse(Json.q("{'sku':'LK-KIT','components':[{'sku':'LK-B','quantity':3}," +
            "{'sku':'LK-A','quantity':1}]}")), kit.json());
        server.put("/v1/kits/LK-KIT", kit.body()).assertOk(200);
        assertEquals(kit.json(), server.get("/v1/kits/LK-KIT").json(), "its GET's body sent back changes nothing");
        final Reply component = server.get("/v1/kits/LK-A");
        component.assertProblem(404, "NOT_FOUND", null);
        assertEquals("LK-A is not a kit (PUT /v1/kits/LK-A defines one)", component.json().get("detail"));
        server.get("/v1/kits/lk-nobody").assertProblem(404, "NOT_FOUND", null);
        server.get("/v1/kits/" + "K".repeat(200)).assertProblem(400, "INVALID_REQUEST", "sku");
    }

    @Test
    void shouldRefuseTransitionsTheOrderStateForbids()
    {
        server.receive("LF-1", "LF-A", 20);
        final String body = "{'channel':'web','lines':[{'sku':'LF-1','quantity':2}]}";

        server.put("/v1/orders/lf-cancelled", body).assertOk(201);
        final Reply cancelled = server.post("/v1/orders/lf-cancelled/cancel", null, null);
        cancelled.assertOk(200).assertBodyIgnoringSeq("{'order_id':'lf-cancelled','status':'CANCELLED'," +
            "'channel':'web','expires_at':null,'lines':[" + line("LF-1", "LF-A", 2, 0, 0, 0, 0, 2) + "]}");
        assertRefusedAs(server.post("/v1/orders/lf-cancelled/ship", null, null), "CANCELLED",
            "order lf-cancelled is CANCELLED and can no longer be shipped");
        assertRefusedAs(server.post("/v1/orders/lf-cancelled/pick", null, null), "CANCELLED",
            "order lf-cancelled is CANCELLED and can no longer be picked");
        final Reply again = server.post("/v1/orders/lf-cancelled/cancel", null, null);
        assertEquals(200, again.status(), "cancelling a CANCELLED order is done already");
        assertEquals(cancelled.json(), again.json(), "the order as it is, with its seq");

        server.put("/v1/orders/lf-shipped", body).assertOk(201);
        final Reply shipped = server.post("/v1/orders/lf-shipped/ship", null, null);
        shipped.assertOk(200);
        assertRefusedAs(server.post("/v1/orders/lf-shipped/cancel", null, null), "SHIPPED",
            "order lf-shipped is SHIPPED and can no longer be cancelled");
        // A pick retried after the ship (its answer lost): a ship picks what it ships, so the pick is done.
        final Reply pickAfter = server.post("/v1/orders/lf-shipped/pick", null, null);
        assertEquals(200, pickAfter.status());
        assertEquals(shipped.json(), pickAfter.json(), "picking a shipped order answers it as it is");
        final Reply shipAgain = server.post("/v1/orders/lf-shipped/ship", null, null);
        assertEquals(200, shipAgain.status());
        assertEquals(shipped.json(), shipAgain.json(), "shipping a SHIPPED order answers it as it is");
        server.post("/v1/orders/lf-shipped/ship", "{'lines':[{'sku':'LF-1','quantity':1}]}", "lf-k1")
            .assertProblem(409, "INVALID_TRANSITION", null);
        final Reply overReturn =
            server.post("/v1/orders/lf-shipped/returns", "{'lines':[{'sku':'LF-1','quantity':3}]}", "lf-k2");
        assertRefusedAs(overReturn, "SHIPPED", "order lf-shipped is SHIPPED: lines[0] returns more than was shipped " +
            "and not yet returned, or names no line of the order", "lines[0]");
        server.post("/v1/orders/lf-shipped/returns", "{'lines':[{'sku':'LF-1','quantity':1},{'sku':'LF-9'," +
            "'quantity':1}]}", "lf-k3").assertProblem(409, "INVALID_TRANSITION", "lines[1]");

        server.put("/v1/orders/lf-partial", "{'channel':'web','lines':[{'sku':'LF-1','quantity':3}]}").assertOk(201);
        assertRefusedAs(server.post("/v1/orders/lf-partial/pick", "{'lines':[{'sku':'LF-1','quantity':4}]}", "lf-k4"),
            "RESERVED", "order lf-partial is RESERVED: lines[0] asks for more than the order holds to be picked, or " +
            "names no line of the order", "lines[0]");
        server.post("/v1/orders/lf-partial/pick", "{'lines':[{'sku':'LF-2','quantity':1}]}", "lf-k5")
            .assertProblem(409, "INVALID_TRANSITION", "lines[0]");
        // Two asked lines on the order's one line: the second is the one that asks too much.
        server.post("/v1/orders/lf-partial/pick", "{'lines':[{'sku':'LF-1','quantity':2},{'sku':'LF-1'," +
            "'quantity':2}]}", "lf-k5b").assertProblem(409, "INVALID_TRANSITION", "lines[1]");
        server.post("/v1/orders/lf-partial/pick", "{'lines':[{'sku':'LF-1','quantity':1}]}", "lf-k6").assertOk(200)
            .assertBodyIgnoringSeq("{'order_id':'lf-partial','status':'PARTIALLY_PICKED','channel':'web'," +
                "'expires_at':null,'lines':[" + line("LF-1", "LF-A", 3, 2, 1, 0, 0, 0) + "]}");
        server.post("/v1/orders/lf-partial/ship", "{'lines':[{'sku':'LF-1','quantity':2}]}", "lf-k7").assertOk(200);
        // Cancelling a PARTIALLY_SHIPPED order cancels the rest and leaves it SHIPPED.
        server.post("/v1/orders/lf-partial/cancel", null, null).assertOk(200)
            .assertBodyIgnoringSeq("{'order_id':'lf-partial','status':'SHIPPED','channel':'web'," +
                "'expires_at':null,'lines':[" + line("LF-1", "LF-A", 3, 0, 0, 2, 0, 1) + "]}");
        assertStockAt("LF-1", stock("LF-A", 16, 0, 0, 0, 0, 0, 0, 0));
    }

    @Test
    void shouldRefuseStaleCountsReusedTransfersAndOverReceipts()
    {
        server.receive("LG-1", "LG-A", 10);
        final Map<String, Object> stale = server.post("/v1/counts",
            "{'sku':'LG-1','location':'LG-A','counted':8,'expected':9}", "lg-c1").assertProblem(409,
            "INVALID_TRANSITION", null);
        assertEquals(10L, stale.get("sellable"));
        assertEquals("sellable of LG-1 at LG-A is 10, not the expected 9: nothing was changed", stale.get("detail"));
        server.post("/v1/counts", "{'sku':'LG-1','location':'LG-A','counted':8,'expected':10}", "lg-c2").assertOk(201)
            .assertBodyIgnoringSeq("{'sku':'LG-1','location':'LG-A','counted':8,'expected':10,'previous':10," +
                "'variance':-2}");
        server.receive("LG-1", "LG-A", 2);
        final Reply retry = server.post("/v1/counts", "{'sku':'LG-1','location':'LG-A','counted':8,'expected':10}",
            "lg-c2");
        assertEquals("true", retry.header("Idempotent-Replayed"));
        retry.assertBodyIgnoringSeq("{'sku':'LG-1','location':'LG-A','counted':8,'expected':10,'previous':10," +
            "'variance':-2}");
        server.post("/v1/counts", "{'sku':'LG-1','location':'LG-A','counted':8}", "lg-c3").assertOk(201)
            .assertBodyIgnoringSeq("{'sku':'LG-1','location':'LG-A','counted':8,'previous':10,'variance':-2}");

        server.post("/v1/transfers", "{'transfer_id':'lg-t1','sku':'LG-1','from':'LG-A','to':'LG-B','quantity':3}",
            "lg-t1").assertOk(201).assertBodyIgnoringSeq("{'transfer_id':'lg-t1','sku':'LG-1','from':'LG-A'," +
            "'to':'LG-B','quantity':3,'in_transit':3,'received':0}");
        server.post("/v1/transfers", "{'transfer_id':'lg-t1','sku':'LG-1','from':'LG-A','to':'LG-B','quantity':1}",
            "lg-t1-again").assertProblem(409, "INVALID_TRANSITION", "transfer_id");
        // The clerk is told the numbers to put the receipt right.
        final Reply over = server.post("/v1/transfers/lg-t1/receive", "{'quantity':4}", "lg-r1");
        over.assertProblem(409, "INVALID_TRANSITION", "quantity");
        assertEquals("transfer lg-t1 has 3 in transit (3 sent, 0 received): receiving 4 is more than that",
            over.json().get("detail"));
        assertEquals(3, ((Number)over.json().get("in_transit")).longValue());
        server.post("/v1/transfers/lg-t1/receive", "{'quantity':1,'inspect':true}", "lg-r2").assertOk(201)
            .assertBodyIgnoringSeq("{'transfer_id':'lg-t1','sku':'LG-1','from':'LG-A','to':'LG-B','quantity':3," +
                "'in_transit':2,'received':1}");
        server.post("/v1/transfers/lg-t1/receive", null, "lg-r3").assertOk(201);
        final Reply nothingLeft = server.post("/v1/transfers/lg-t1/receive", null, "lg-r4");
        nothingLeft.assertProblem(409, "INVALID_TRANSITION", null);
        assertEquals("transfer lg-t1 has nothing left in transit (3 sent, 3 received)", nothingLeft.json().get("detail"));
        server.get("/v1/transfers/lg-t1").assertOk(200).assertBodyIgnoringSeq("{'transfer_id':'lg-t1','sku':'LG-1'," +
            "'from':'LG-A','to':'LG-B','quantity':3,'in_transit':0,'received':3}");
        assertStockAt("LG-1", stock("LG-A", 5, 0, 0, 0, 0, 0, 0, 0));
        assertStockAt("LG-1", stock("LG-B", 2, 0, 0, 1, 0, 0, 0, 0));
    }

    private static long assertAfter(final long previous, final Reply reply)
    {
        final long seq = reply.seq();
        assertTrue(seq > previous, () -> "seq " + seq + " must follow " + previous + ": " + reply.body());
        return seq;
    }
}
