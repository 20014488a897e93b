package io.stockengine.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.stockengine.gateway.GatewayConfig;

/**
 * Every way a request is refused before the engine, over a raw socket so the exact bytes go out: the problem+json
 * body (type, title, status, code, detail, field), that nothing changed, and that the connection still serves the
 * next request unless the refusal had to close it (an unread body or an unparseable head).
 */
@Timeout(120)
class ProblemResponseTest
{
    /** The field member may be there or not: HTTP-level refusals have no JSON field to name. */
    private static final String ANY_FIELD = "<any>";
    private static final String SKU = "PR-1";
    private static final String LONG_64 = "a".repeat(64);
    private static final String LONG_65 = "a".repeat(65);
    /** Large enough for the largest valid order (1,000 lines of 64-character SKUs). */
    private static final int BODY_LIMIT = 256 * 1024;

    @TempDir
    static Path dataDir;
    static TestServer server;

    @BeforeAll
    static void start()
    {
        LeakWatch.install();
        final GatewayConfig config = TestServer.config(dataDir);
        config.maxBodyBytes = BODY_LIMIT;
        server = TestServer.start(config);
        server.receive(SKU, "PR-A", 10);
        server.put("/v1/orders/pr-o1", "{'channel':'web','lines':[{'sku':'PR-1','quantity':1}]}").assertOk(201);
        server.post("/v1/transfers", "{'transfer_id':'pr-t1','sku':'PR-1','from':'PR-A','to':'PR-B','quantity':1}",
            "pr-t1").assertOk(201);
    }

    @AfterAll
    static void stop()
    {
        server.close();
        LeakWatch.assertNoLeaks();
    }

    private static Arguments bad(final String name, final String request, final String field)
    {
        return Arguments.of(name, request, 400, "INVALID_REQUEST", field, false);
    }

    private static String post(final String path, final String body)
    {
        return RawHttp.request("POST", path, body, "Idempotency-Key", "pr-key-" + Math.abs(body.hashCode()));
    }

    private static String receipt(final String singleQuotedMembers)
    {
        return post("/v1/receipts", Json.q("{" + singleQuotedMembers + "}"));
    }

    private static String receiptWith(final String quantityJson)
    {
        return post("/v1/receipts", Json.q("{'sku':'PR-1','location':'PR-A','quantity':" + quantityJson +
            ",'unit_cost':'1'}"));
    }

    private static String reserve(final String orderId, final String singleQuotedBody)
    {
        return RawHttp.request("PUT", "/v1/orders/" + orderId, Json.q(singleQuotedBody));
    }

    private static String lines(final int count)
    {
        final StringBuilder lines = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            lines.append(i == 0 ? "" : ",").append("{'sku':'PR-1','quantity':1}");
        }
        return lines.toString();
    }

    private static String components(final int count)
    {
        final StringBuilder components = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            components.append(i == 0 ? "" : ",").append("{'sku':'PR-C").append(i).append("','quantity':1}");
        }
        return components.toString();
    }

    static Stream<Arguments> refusals()
    {
        final List<Arguments> cases = new ArrayList<>();
        final String valid = "'sku':'PR-1','location':'PR-A','quantity':1,'unit_cost':'1'";
        // Malformed JSON.
        cases.add(bad("truncated JSON", post("/v1/receipts", "{\"sku\":"), "body"));
        cases.add(bad("not JSON", post("/v1/receipts", "sku=PR-1&quantity=1"), "body"));
        cases.add(bad("single-quoted JSON", post("/v1/receipts", "{'sku':'PR-1'}"), "body"));
        cases.add(bad("a comment", post("/v1/receipts", "/* c */" + Json.q("{" + valid + "}")), "body"));
        cases.add(bad("an array", post("/v1/receipts", "[]"), "body"));
        cases.add(bad("a string", post("/v1/receipts", "\"PR-1\""), "body"));
        cases.add(bad("an empty body", post("/v1/receipts", ""), "body"));
        cases.add(bad("content after the object", post("/v1/receipts", Json.q("{" + valid + "} {}")), "body"));
        cases.add(bad("a trailing comma", post("/v1/receipts", Json.q("{" + valid + ",}")), "body"));
        cases.add(bad("a member name without quotes", post("/v1/receipts", Json.q("{" + valid + ",inspect:true}")),
            "body"));
        cases.add(bad("a value that is no JSON", post("/v1/receipts", Json.q("{" + valid + ",'inspect':yes}")),
            "inspect"));
        cases.add(bad("a trailing comma in a line", post("/v1/sales", Json.q("{'channel':'pos','location':'PR-A'," +
            "'lines':[{'sku':'PR-1','quantity':1,}]}")), "lines[0]"));
        cases.add(bad("NaN", receiptWith("NaN"), "quantity"));
        cases.add(bad("a 51-digit number", receiptWith("1" + "0".repeat(50)), "quantity"));
        // Wrong types.
        cases.add(bad("quantity as a string", receiptWith("'1'"), "quantity"));
        cases.add(bad("quantity with a fraction", receiptWith("1.0"), "quantity"));
        cases.add(bad("quantity in exponent form", receiptWith("1e3"), "quantity"));
        cases.add(bad("quantity true", receiptWith("true"), "quantity"));
        cases.add(bad("quantity null", receiptWith("null"), "quantity"));
        cases.add(bad("quantity an object", receiptWith("{'n':1}"), "quantity"));
        cases.add(bad("sku a number", receipt("'sku':5,'location':'PR-A','quantity':1,'unit_cost':'1'"), "sku"));
        cases.add(bad("unit_cost a number", receipt("'sku':'PR-1','location':'PR-A','quantity':1,'unit_cost':1.5"),
            "unit_cost"));
        cases.add(bad("inspect a string", receipt(valid + ",'inspect':'true'"), "inspect"));
        cases.add(bad("lines an object", reserve("pr-o2", "{'channel':'web','lines':{'sku':'PR-1','quantity':1}}"),
            "lines"));
        cases.add(bad("a line not an object", reserve("pr-o2", "{'channel':'web','lines':['PR-1']}"), "lines[0]"));
        // Ranges.
        cases.add(bad("quantity -1", receiptWith("-1"), "quantity"));
        cases.add(bad("quantity 0", receiptWith("0"), "quantity"));
        cases.add(bad("quantity 1e9+1", receiptWith("1000000001"), "quantity"));
        cases.add(bad("quantity 2^63", receiptWith("9223372036854775808"), "quantity"));
        cases.add(bad("quantity -2^63-1", receiptWith("-9223372036854775809"), "quantity"));
        cases.add(bad("quantity 2^64", receiptWith("18446744073709551616"), "quantity"));
        cases.add(bad("line quantity 1e9+1", reserve("pr-o2",
            "{'channel':'web','lines':[{'sku':'PR-1','quantity':1000000001}]}"), "lines[0].quantity"));
        cases.add(bad("second line quantity 0", reserve("pr-o2",
            "{'channel':'web','lines':[{'sku':'PR-1','quantity':1},{'sku':'PR-1','quantity':0}]}"),
            "lines[1].quantity"));
        cases.add(bad("ttl_seconds 0", reserve("pr-o2",
            "{'channel':'web','ttl_seconds':0,'lines':[{'sku':'PR-1','quantity':1}]}"), "ttl_seconds"));
        cases.add(bad("ttl_seconds over a year", reserve("pr-o2",
            "{'channel':'web','ttl_seconds':31536001,'lines':[{'sku':'PR-1','quantity':1}]}"), "ttl_seconds"));
        cases.add(bad("no lines", reserve("pr-o2", "{'channel':'web','lines':[]}"), "lines"));
        cases.add(bad("1001 lines", reserve("pr-o2", "{'channel':'web','lines':[" + lines(1001) + "]}"),
            "lines"));
        cases.add(bad("delta 0", post("/v1/adjustments",
            Json.q("{'sku':'PR-1','location':'PR-A','delta':0,'reason':'lost'}")), "delta"));
        cases.add(bad("delta -1e9-1", post("/v1/adjustments",
            Json.q("{'sku':'PR-1','location':'PR-A','delta':-1000000001,'reason':'lost'}")), "delta"));
        cases.add(bad("nothing inspected", post("/v1/inspections",
            Json.q("{'sku':'PR-1','location':'PR-A','passed':0,'failed':0}")), "passed"));
        cases.add(bad("counted -1", post("/v1/counts", Json.q("{'sku':'PR-1','location':'PR-A','counted':-1}")),
            "counted"));
        cases.add(bad("safety stock 1e9+1", RawHttp.request("PUT", "/v1/stock/PR-1/PR-A/safety-stock",
            Json.q("{'quantity':1000000001}")), "quantity"));
        cases.add(bad("buffer -1", RawHttp.request("PUT", "/v1/channels/web", Json.q("{'buffer':-1}")), "buffer"));
        cases.add(bad("component quantity 0", RawHttp.request("PUT", "/v1/kits/PR-K",
            Json.q("{'components':[{'sku':'PR-C','quantity':0}]}")), "components[0].quantity"));
        cases.add(bad("33 components", RawHttp.request("PUT", "/v1/kits/PR-K",
            Json.q("{'components':[" + components(33) + "]}")), "components"));
        cases.add(bad("receive quantity 0", post("/v1/transfers/pr-t1/receive", Json.q("{'quantity':0}")),
            "quantity"));
        // Identifiers.
        cases.add(bad("sku of 65 characters", receipt("'sku':'" + LONG_65 +
            "','location':'PR-A','quantity':1,'unit_cost':'1'"), "sku"));
        cases.add(bad("location of 33 characters", receipt("'sku':'PR-1','location':'" + "L".repeat(33) +
            "','quantity':1,'unit_cost':'1'"), "location"));
        cases.add(bad("channel of 33 characters", reserve("pr-o2", "{'channel':'" + "c".repeat(33) +
            "','lines':[{'sku':'PR-1','quantity':1}]}"), "channel"));
        cases.add(bad("order id of 65 characters", reserve(LONG_65,
            "{'channel':'web','lines':[{'sku':'PR-1','quantity':1}]}"), "order_id"));
        cases.add(bad("transfer id of 65 characters", post("/v1/transfers", Json.q("{'transfer_id':'" + LONG_65 +
            "','sku':'PR-1','from':'PR-A','to':'PR-B','quantity':1}")), "transfer_id"));
        cases.add(bad("an empty sku", receipt("'sku':'','location':'PR-A','quantity':1,'unit_cost':'1'"), "sku"));
        cases.add(bad("a space in a sku", receipt("'sku':'PR 1','location':'PR-A','quantity':1,'unit_cost':'1'"),
            "sku"));
        cases.add(bad("a slash in a sku", receipt("'sku':'PR/1','location':'PR-A','quantity':1,'unit_cost':'1'"),
            "sku"));
        cases.add(bad("a non-ASCII sku", receipt("'sku':'PR\u00e91','location':'PR-A','quantity':1," +
            "'unit_cost':'1'"), "sku"));
        cases.add(bad("an escaped NUL in a sku", receipt("'sku':'PR\\u00001','location':'PR-A','quantity':1," +
            "'unit_cost':'1'"), "sku"));
        cases.add(bad("invalid UTF-8 in a sku", RawHttp.bytes("POST", "/v1/receipts", "{\"sku\":\"PR\u00ff1\"}",
            "Idempotency-Key", "pr-utf8"), "sku"));
        cases.add(bad("sku '.'", receipt("'sku':'.','location':'PR-A','quantity':1,'unit_cost':'1'"), "sku"));
        cases.add(bad("sku '..'", receipt("'sku':'..','location':'PR-A','quantity':1,'unit_cost':'1'"), "sku"));
        cases.add(bad("order id '..' in the path", reserve("..",
            "{'channel':'web','lines':[{'sku':'PR-1','quantity':1}]}"), "order_id"));
        cases.add(bad("order id '.' in the path", RawHttp.request("GET", "/v1/orders/.", null), "order_id"));
        cases.add(bad("transfer id '..' in the path", post("/v1/transfers/../receive", "{}"), "transfer_id"));
        cases.add(bad("percent-encoding in the path", RawHttp.request("GET", "/v1/stock/PR%2F1", null), "sku"));
        cases.add(bad("a sku of 65 characters in the path", RawHttp.request("GET", "/v1/stock/" + LONG_65, null),
            "sku"));
        cases.add(bad("location '..' in the path", RawHttp.request("PUT", "/v1/stock/PR-1/../safety-stock",
            Json.q("{'quantity':1}")), "location"));
        // Unknown fields and duplicate keys.
        cases.add(bad("an unknown field", receipt(valid + ",'colour':'red'"), "colour"));
        cases.add(bad("a misspelt field", receipt("'sku':'PR-1','location':'PR-A','qty':1,'unit_cost':'1'"), "qty"));
        cases.add(bad("an unknown line field", reserve("pr-o2",
            "{'channel':'web','lines':[{'sku':'PR-1','quantity':1,'colour':'red'}]}"), "lines[0].colour"));
        cases.add(bad("a location on a sale line", post("/v1/sales", Json.q("{'channel':'pos','location':'PR-A'," +
            "'lines':[{'sku':'PR-1','quantity':1,'location':'PR-A'}]}")), "lines[0].location"));
        cases.add(bad("a duplicate key", receipt(valid + ",'sku':'PR-2'"), "sku"));
        cases.add(bad("a duplicate quantity", receipt(valid + ",'quantity':2"), "quantity"));
        // Missing or unacceptable values.
        cases.add(bad("no unit_cost", receipt("'sku':'PR-1','location':'PR-A','quantity':1"), "unit_cost"));
        cases.add(bad("no sku", receipt("'location':'PR-A','quantity':1,'unit_cost':'1'"), "sku"));
        cases.add(bad("no channel", reserve("pr-o2", "{'lines':[{'sku':'PR-1','quantity':1}]}"), "channel"));
        cases.add(bad("no lines member", reserve("pr-o2", "{'channel':'web'}"), "lines"));
        cases.add(bad("no return lines", post("/v1/orders/pr-o1/returns", Json.q("{'inspect':true}")), "lines"));
        cases.add(bad("seven decimals", receipt("'sku':'PR-1','location':'PR-A','quantity':1," +
            "'unit_cost':'1.1234567'"), "unit_cost"));
        cases.add(bad("money over the limit", receipt("'sku':'PR-1','location':'PR-A','quantity':1," +
            "'unit_cost':'9223372036.854776'"), "unit_cost"));
        cases.add(bad("negative money", receipt("'sku':'PR-1','location':'PR-A','quantity':1,'unit_cost':'-1'"),
            "unit_cost"));
        cases.add(bad("move to the same bucket", post("/v1/moves", Json.q("{'sku':'PR-1','location':'PR-A'," +
            "'quantity':1,'from':'sellable','to':'sellable'}")), "to"));
        cases.add(bad("move into reserved", post("/v1/moves", Json.q("{'sku':'PR-1','location':'PR-A'," +
            "'quantity':1,'from':'sellable','to':'reserved'}")), "to"));
        cases.add(bad("an unknown reason", post("/v1/adjustments",
            Json.q("{'sku':'PR-1','location':'PR-A','delta':1,'reason':'stolen'}")), "reason"));
        cases.add(bad("a move reason on an adjustment", post("/v1/adjustments",
            Json.q("{'sku':'PR-1','location':'PR-A','delta':1,'reason':'damage'}")), "reason"));
        cases.add(bad("a transfer to its source", post("/v1/transfers", Json.q("{'transfer_id':'pr-t2'," +
            "'sku':'PR-1','from':'PR-A','to':'PR-A','quantity':1}")), "to"));
        cases.add(bad("a date that is not one", post("/v1/incoming", Json.q("{'purchase_order':'pr-po'," +
            "'sku':'PR-1','location':'PR-A','quantity':1,'expected_at':'2026-02-30','unit_cost':'1'}")),
            "expected_at"));
        cases.add(bad("a time that is not one", post("/v1/incoming", Json.q("{'purchase_order':'pr-po'," +
            "'sku':'PR-1','location':'PR-A','quantity':1,'expected_at':'tomorrow','unit_cost':'1'}")),
            "expected_at"));
        cases.add(bad("hour 24", post("/v1/incoming", Json.q("{'purchase_order':'pr-po'," +
            "'sku':'PR-1','location':'PR-A','quantity':1,'expected_at':'2026-12-01T24:00:00Z','unit_cost':'1'}")),
            "expected_at"));
        cases.add(bad("a fraction without digits", post("/v1/incoming", Json.q("{'purchase_order':'pr-po'," +
            "'sku':'PR-1','location':'PR-A','quantity':1,'expected_at':'2026-12-01T10:00:00.Z','unit_cost':'1'}")),
            "expected_at"));
        cases.add(bad("a leap second", RawHttp.request("GET",
            "/v1/availability?sku=PR-1&channel=web&at=2026-12-31T23:59:60Z", null), "at"));
        cases.add(bad("hour 24 in a query", RawHttp.request("GET",
            "/v1/availability?sku=PR-1&channel=web&at=2026-12-01T24:00:00Z", null), "at"));
        cases.add(bad("a time before 1970", post("/v1/incoming", Json.q("{'purchase_order':'pr-po'," +
            "'sku':'PR-1','location':'PR-A','quantity':1,'expected_at':'1969-12-31T23:59:59Z','unit_cost':'1'}")),
            "expected_at"));
        cases.add(bad("a time after the year 9999", post("/v1/incoming", Json.q("{'purchase_order':'pr-po'," +
            "'sku':'PR-1','location':'PR-A','quantity':1,'expected_at':'+10000-01-01T00:00:00Z','unit_cost':'1'}")),
            "expected_at"));
        cases.add(bad("a location that is not a string", RawHttp.request("PUT", "/v1/channels/web",
            Json.q("{'locations':['PR-A',['PR-B']]}")), "locations[1]"));
        cases.add(bad("a location listed twice", RawHttp.request("PUT", "/v1/channels/web",
            Json.q("{'locations':['PR-A','PR-A']}")), "locations[1]"));
        cases.add(bad("one sku and location allocated twice", RawHttp.request("PUT", "/v1/channels/web",
            Json.q("{'allocations':[{'sku':'PR-1','location':'PR-A','quantity':2},{'sku':'PR-1','location':'PR-B'," +
            "'quantity':1},{'sku':'PR-1','location':'PR-A','quantity':3}]}")), "allocations[2]"));
        // Refused at the first one too many, as it arrives: a body of a megabyte of locations used to be read whole
        // and checked pairwise, holding the IO thread for two minutes.
        final StringBuilder locations = new StringBuilder("{\"locations\":[");
        for (int i = 0; i < 20_000; i++)
        {
            locations.append(i == 0 ? "" : ",").append("\"L").append(i).append('"');
        }
        cases.add(bad("more locations than a channel may have", RawHttp.request("PUT", "/v1/channels/web",
            locations.append("]}").toString()), "locations"));
        final StringBuilder mixed = new StringBuilder("{\"locations\":[");
        for (int i = 0; i < 600; i++)
        {
            mixed.append(i == 0 ? "" : ",").append("\"L").append(i).append('"');
        }
        mixed.append("],\"allocations\":[");
        for (int i = 0; i < 401; i++)
        {
            mixed.append(i == 0 ? "" : ",").append("{\"sku\":\"S").append(i).append("\",\"location\":\"L1\",\"quantity\":1}");
        }
        cases.add(bad("more locations and allocations together than a channel may have", RawHttp.request("PUT",
            "/v1/channels/web", mixed.append("]}").toString()), "allocations"));
        cases.add(bad("a channel body naming another channel", RawHttp.request("PUT", "/v1/channels/web",
            Json.q("{'channel':'pos','buffer':1}")), "channel"));
        cases.add(bad("a negative unused", RawHttp.request("PUT", "/v1/channels/web",
            Json.q("{'allocations':[{'sku':'PR-1','location':'PR-A','quantity':2,'unused':-1}]}")),
            "allocations[0].unused"));
        cases.add(bad("a kit body naming another sku", RawHttp.request("PUT", "/v1/kits/PR-KIT",
            Json.q("{'sku':'PR-OTHER','components':[{'sku':'PR-1','quantity':1}]}")), "sku"));
        cases.add(bad("availability without a channel", RawHttp.request("GET", "/v1/availability?sku=PR-1", null),
            "channel"));
        cases.add(bad("availability with two channels",
            RawHttp.request("GET", "/v1/availability?sku=PR-1&channel=a&channel=b", null), "channel"));
        cases.add(bad("availability without a sku", RawHttp.request("GET", "/v1/availability?channel=web", null),
            "sku"));
        cases.add(bad("availability with an unknown parameter",
            RawHttp.request("GET", "/v1/availability?sku=PR-1&channel=web&colour=red", null), "colour"));
        cases.add(bad("availability at no date",
            RawHttp.request("GET", "/v1/availability?sku=PR-1&channel=web&at=soon", null), "at"));
        cases.add(bad("a GET with a body", RawHttp.request("GET", "/v1/stock/PR-1", "{}"), "body"));
        // A query parameter the route does not take was ignored: ?location= answered every location, and a
        // receipt sent with ?dry_run=true was received.
        cases.add(bad("a stock query with a parameter", RawHttp.request("GET", "/v1/stock/PR-1?location=PR-A", null),
            "location"));
        cases.add(bad("a receipt with a parameter", RawHttp.request("POST", "/v1/receipts?dry_run=true",
            Json.q("{'sku':'PR-1','location':'PR-A','quantity':1,'unit_cost':'1'}"), "Idempotency-Key", "pr-dry"),
            "dry_run"));
        cases.add(bad("an order action with a parameter", RawHttp.request("POST", "/v1/orders/pr-o1/cancel?force=1",
            null), "force"));
        // Idempotency-Key.
        for (final String path : List.of("/v1/receipts", "/v1/sales", "/v1/inspections", "/v1/moves",
            "/v1/adjustments", "/v1/counts", "/v1/incoming", "/v1/transfers", "/v1/transfers/pr-t1/receive",
            "/v1/orders/pr-o1/returns"))
        {
            cases.add(bad("no Idempotency-Key on " + path, RawHttp.request("POST", path, "{}"), "Idempotency-Key"));
        }
        cases.add(bad("no Idempotency-Key on a partial pick", RawHttp.request("POST", "/v1/orders/pr-o1/pick",
            Json.q("{'lines':[{'sku':'PR-1','quantity':1}]}")), "Idempotency-Key"));
        cases.add(bad("an Idempotency-Key of 65 characters", RawHttp.request("POST", "/v1/receipts",
            Json.q("{" + valid + "}"), "Idempotency-Key", LONG_65), "Idempotency-Key"));
        cases.add(bad("an Idempotency-Key with a space", RawHttp.request("POST", "/v1/receipts",
            Json.q("{" + valid + "}"), "Idempotency-Key", "pr key"), "Idempotency-Key"));
        cases.add(bad("an Idempotency-Key '..'", RawHttp.request("POST", "/v1/receipts",
            Json.q("{" + valid + "}"), "Idempotency-Key", ".."), "Idempotency-Key"));
        // Routing.
        cases.add(Arguments.of("an unknown route", RawHttp.request("GET", "/v1/nothing", null), 404, "NOT_FOUND",
            null, false));
        cases.add(Arguments.of("the root", RawHttp.request("GET", "/", null), 404, "NOT_FOUND", null, false));
        cases.add(Arguments.of("an unknown version", RawHttp.request("GET", "/v2/stock/PR-1", null), 404,
            "NOT_FOUND", null, false));
        cases.add(Arguments.of("one segment too many", RawHttp.request("GET", "/v1/stock/PR-1/PR-A/more", null), 404,
            "NOT_FOUND", null, false));
        cases.add(Arguments.of("DELETE on stock", RawHttp.request("DELETE", "/v1/stock/PR-1", null), 405,
            "METHOD_NOT_ALLOWED", null, false));
        cases.add(Arguments.of("POST on stock", post("/v1/stock/PR-1", "{}"), 405, "METHOD_NOT_ALLOWED", null,
            false));
        cases.add(Arguments.of("GET on receipts", RawHttp.request("GET", "/v1/receipts", null), 405,
            "METHOD_NOT_ALLOWED", null, false));
        cases.add(Arguments.of("PUT on ship", RawHttp.request("PUT", "/v1/orders/pr-o1/ship", "{}"), 405,
            "METHOD_NOT_ALLOWED", null, false));
        // The HTTP layer: these close the connection.
        cases.add(Arguments.of("a body over the limit", post("/v1/receipts",
            Json.q("{'sku':'" + "a".repeat(BODY_LIMIT) + "'}")), 413, "PAYLOAD_TOO_LARGE", "body", true));
        cases.add(Arguments.of("a chunk-size line over the limit", "POST /v1/receipts HTTP/1.1\r\nHost: x\r\n" +
            "Idempotency-Key: pr-chunk-line\r\nTransfer-Encoding: chunked\r\n\r\n1;" + "e".repeat(9 * 1024) +
            "\r\n{\r\n0\r\n\r\n", 400, "INVALID_REQUEST", "body", true));
        cases.add(Arguments.of("a chunked body over the limit", "POST /v1/receipts HTTP/1.1\r\nHost: x\r\n" +
            "Idempotency-Key: pr-chunked\r\nTransfer-Encoding: chunked\r\n\r\n" + "40000\r\n" +
            " ".repeat(BODY_LIMIT) + "\r\n" + "10\r\n" + " ".repeat(16) + "\r\n0\r\n\r\n", 413, "PAYLOAD_TOO_LARGE",
            "body", true));
        cases.add(Arguments.of("headers over the limit", RawHttp.request("GET", "/v1/stock/PR-1", null,
            "X-Padding", "p".repeat(17 * 1024)), 431, "HEADERS_TOO_LARGE", null, true));
        cases.add(Arguments.of("a request line over the limit", RawHttp.request("GET", "/v1/stock/" +
            "a".repeat(9 * 1024), null), 414, "URI_TOO_LONG", "uri", true));
        cases.add(Arguments.of("HTTP/2.0 in a request line", "GET /v1/stock/PR-1 HTTP/2.0\r\nHost: x\r\n\r\n", 505,
            "HTTP_VERSION_NOT_SUPPORTED", "version", true));
        // RFC 9112 3.2: exactly one valid Host on HTTP/1.1; a refusal the connection survives.
        cases.add(Arguments.of("HTTP/1.1 without Host", "GET /v1/stock/PR-1 HTTP/1.1\r\n\r\n", 400,
            "INVALID_REQUEST", "Host", false));
        cases.add(Arguments.of("two Host headers", "POST /v1/receipts HTTP/1.1\r\nHost: a\r\nHost: b\r\n" +
            "Idempotency-Key: pr-hosts\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}", 400,
            "INVALID_REQUEST", "Host", false));
        cases.add(Arguments.of("a Host with a path", "GET /v1/stock/PR-1 HTTP/1.1\r\nHost: a/b\r\n\r\n", 400,
            "INVALID_REQUEST", "Host", false));
        // Broken percent-encoding in the path or the query names the parameter, and keeps the connection.
        cases.add(bad("a bad escape in the path's sku", RawHttp.request("GET", "/v1/stock/PR%ZZ", null), "sku"));
        cases.add(bad("a cut escape in an order id", RawHttp.request("POST", "/v1/orders/pr-o1%4/cancel", null),
            "order_id"));
        cases.add(bad("a bad escape in a location", RawHttp.request("PUT", "/v1/stock/PR-1/PR%G1/safety-stock",
            "{\"quantity\":1}"), "location"));
        cases.add(bad("a bad escape in a sku parameter", RawHttp.request("GET",
            "/v1/availability?channel=web&sku=PR-1&sku=%", null), "sku"));
        cases.add(bad("a bad escape in the stream's channel", RawHttp.request("GET",
            "/v1/availability/stream?channel=%zz", null), "channel"));
        cases.add(Arguments.of("not HTTP", "GARBAGE\r\n\r\n", 400, "INVALID_REQUEST", ANY_FIELD, true));
        cases.add(Arguments.of("an invalid Content-Length", "POST /v1/receipts HTTP/1.1\r\nHost: x\r\n" +
            "Content-Length: lots\r\n\r\n", 400, "INVALID_REQUEST", ANY_FIELD, true));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void shouldRefuseWithAProblemAndChangeNothing(final String name, final String request, final int status,
        final String code, final String field, final boolean closes)
    {
        final String stockBefore = server.get("/v1/stock/" + SKU).body();
        final String orderBefore = server.get("/v1/orders/pr-o1").body();
        final long seqBefore = server.journaledSeq();
        try (RawHttp raw = server.raw())
        {
            final Reply reply = raw.write(request).read();
            final String[] line = request.substring(0, Math.max(0, request.indexOf("\r\n"))).split(" ");
            if (line.length == 3 && line[1].startsWith("/"))
            {
                Contract.check(line[0], line[1], reply);
            }
            if (ANY_FIELD.equals(field))
            {
                final Reply withoutField = new Reply(reply.status(), reply.headers(),
                    Json.write(withoutMember(reply.json(), "field")));
                withoutField.assertProblem(status, code, null);
            }
            else
            {
                reply.assertProblem(status, code, field);
            }
            if (closes)
            {
                assertEquals("close", reply.header("connection"), "the answer says the connection closes");
                assertTrue(raw.closedByServer(5_000), "the server closes the connection");
            }
            else
            {
                assertNull(reply.header("connection"), "keep-alive is the default and stays");
                final Reply next = raw.exchange(RawHttp.request("GET", "/v1/stock/" + SKU, null));
                assertEquals(200, next.status(), "the same connection serves the next request");
                assertEquals(stockBefore, next.body(), "nothing changed");
            }
        }
        assertEquals(stockBefore, server.get("/v1/stock/" + SKU).body(), "nothing changed");
        assertEquals(orderBefore, server.get("/v1/orders/pr-o1").body(), "nothing changed");
        assertEquals(seqBefore, server.journaledSeq(), "nothing journaled");
    }

    private static java.util.Map<String, Object> withoutMember(final java.util.Map<String, Object> object,
        final String name)
    {
        object.remove(name);
        return object;
    }

    @Test
    void shouldSayWhereMalformedJsonBreaksInTermsOfTheBody()
    {
        // The array opened at column 26 is never closed: the body ends first.
        final Reply reply = server.put("/v1/orders/pr-json", "{'channel':'web','lines':[{'sku':'PR-1','quantity':1}");
        reply.assertProblem(400, "INVALID_REQUEST", "lines");
        final String detail = (String)reply.json().get("detail");
        assertTrue(detail.startsWith("malformed JSON at line 1, column 54: "), detail);
        assertTrue(detail.contains("(opened at line 1, column 26)"), detail);
        assertFalse(detail.contains("Source"), "no parser internals: " + detail);
        assertEquals(404, server.get("/v1/orders/pr-json").status(), "nothing reserved");
    }

    /** The engine's own refusals of kits say which rule refused them, not only the field. */
    @Test
    void shouldSayWhyTheEngineRefusedAKitRequest()
    {
        server.put("/v1/kits/PR-KIT", "{'components':[{'sku':'PR-KC','quantity':2}]}").assertOk(200);
        assertDetail(server.post("/v1/receipts", "{'sku':'PR-KIT','location':'PR-A','quantity':1,'unit_cost':'1'}",
            "pr-kit-1"), "sku", "this SKU is a kit, which has no stock of its own (its components do)");
        assertDetail(server.put("/v1/kits/PR-KIT2", "{'components':[{'sku':'PR-KIT','quantity':1}]}"), "components",
            "a component may not be the kit itself, another kit, or listed twice");
        server.post("/v1/receipts", "{'sku':'PR-KS','location':'PR-A','quantity':1,'unit_cost':'1'}", "pr-kit-2")
            .assertOk(201);
        assertDetail(server.put("/v1/kits/PR-KS", "{'components':[{'sku':'PR-KC','quantity':1}]}"), "sku",
            "this SKU cannot become a kit: it holds, expects or has in transit stock, has a safety stock or a " +
            "ring-fence, or is a component of a kit");
        assertDetail(server.put("/v1/channels/pr-kc", "{'allocations':[{'sku':'PR-KIT','location':'PR-A'," +
            "'quantity':1}]}"), "allocations", "an allocation names a kit, which has no stock to fence");
    }

    /** A receipt worth more than the books can hold is refused by the engine, naming unit_cost and why. */
    @Test
    void shouldRefuseAReceiptWorthMoreThanTheBooksCanHold()
    {
        final long seq = server.journaledSeq();
        assertDetail(server.post("/v1/receipts", "{'sku':'PR-BIG','location':'PR-A','quantity':1000000000," +
            "'unit_cost':'99999999.999999'}", "pr-big-1"), "unit_cost", "the receipt is worth more (quantity x " +
            "unit_cost) than 9223372036854.775807, the largest value the journal's consumers can book");
        assertEquals(seq, server.journaledSeq(), "nothing journaled");
        server.post("/v1/receipts", "{'sku':'PR-BIG','location':'PR-A','quantity':1000000000,'unit_cost':'9000'}",
            "pr-big-2").assertOk(201);
    }

    private static void assertDetail(final Reply reply, final String field, final String detail)
    {
        reply.assertProblem(400, "INVALID_REQUEST", field);
        assertEquals(detail, reply.json().get("detail"));
    }

    @Test
    void shouldAcceptTheLargestValuesAtTheirLimits()
    {
        // The largest quantity at the largest unit cost the books can value it at, and one unit at the largest cost.
        server.post("/v1/receipts", "{'sku':'" + LONG_64 + "','location':'" + "L".repeat(32) +
            "','quantity':1000000000,'unit_cost':'9223.372036','purchase_order':'" + LONG_64 + "'}", LONG_64)
            .assertOk(201);
        server.post("/v1/receipts", "{'sku':'" + LONG_64 + "','location':'" + "L".repeat(32) +
            "','quantity':1,'unit_cost':'9223372036.854775'}", "pr-limit-cost").assertOk(201);
        assertEquals(1_000_000_001L, server.stockAt(LONG_64, "L".repeat(32)).get("sellable"));
        server.put("/v1/orders/" + LONG_64, "{'channel':'" + "c".repeat(32) + "','ttl_seconds':31536000," +
            "'lines':[" + lines(1000).replace("PR-1", LONG_64) + "]}").assertOk(201);
        assertEquals(1000L, server.stockAt(LONG_64, "L".repeat(32)).get("reserved"));
        server.post("/v1/adjustments", "{'sku':'" + LONG_64 + "','location':'" + "L".repeat(32) +
            "','delta':-1000000000,'reason':'correction'}", "pr-limit-adj").assertProblem(409, "INSUFFICIENT_STOCK",
            null);
    }
}
