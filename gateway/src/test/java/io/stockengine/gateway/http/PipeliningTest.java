package io.stockengine.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.stockengine.gateway.GatewayConfig;

/**
 * HTTP/1.1 pipelining over one raw connection: answers leave in request order even though refusals and operations
 * are answered on the IO thread at once while engine commands come back later from the reply thread; a small
 * in-flight limit per connection only slows the reading down.
 */
@Timeout(60)
class PipeliningTest
{
    @TempDir
    static Path dataDir;
    static TestServer server;

    @BeforeAll
    static void start()
    {
        LeakWatch.install();
        final GatewayConfig config = TestServer.config(dataDir);
        // Fewer than the pipelined requests: the connection must stop reading and resume, losing nothing.
        config.maxHttpInFlightPerConnection = 4;
        server = TestServer.start(config);
    }

    @AfterAll
    static void stop()
    {
        server.close();
        LeakWatch.assertNoLeaks();
    }

    @Test
    void shouldAnswerFiftyPipelinedRequestsInOrder()
    {
        final StringBuilder requests = new StringBuilder();
        final List<Consumer<Reply>> checks = new ArrayList<>();
        for (int i = 0; i < 50; i++)
        {
            final int n = i;
            switch (i % 5)
            {
                case 0 ->
                {
                    requests.append(RawHttp.request("POST", "/v1/receipts", Json.q("{'sku':'PP-" + n +
                        "','location':'PP-A','quantity':" + (n + 1) + ",'unit_cost':'1'}"), "Idempotency-Key",
                        "pp-" + n));
                    checks.add(reply -> reply.assertOk(201).assertBodyIgnoringSeq("{'sku':'PP-" + n +
                        "','location':'PP-A','quantity':" + (n + 1) + ",'unit_cost':'1','purchase_order':null," +
                        "'inspect':false}"));
                }
                case 1 ->
                {
                    // Commands enter the ring in request order, so this sees the receipt just before it.
                    requests.append(RawHttp.request("GET", "/v1/stock/PP-" + (n - 1), null));
                    checks.add(reply ->
                    {
                        reply.assertOk(200);
                        assertEquals("PP-" + (n - 1), reply.json().get("sku"));
                        assertEquals((long)n, reply.at("totals.sellable"));
                    });
                }
                case 2 ->
                {
                    requests.append(RawHttp.request("POST", "/v1/receipts", Json.q("{'sku':'PP-" + n +
                        "','location':'PP-A','quantity':1,'unit_cost':'1','x" + n + "':1}"), "Idempotency-Key",
                        "pp-" + n));
                    checks.add(reply -> reply.assertProblem(400, "INVALID_REQUEST", "x" + n));
                }
                case 3 ->
                {
                    requests.append(RawHttp.request("GET", "/health", null));
                    checks.add(reply ->
                    {
                        reply.assertOk(200);
                        assertEquals("UP", reply.json().get("status"));
                    });
                }
                default ->
                {
                    requests.append(RawHttp.request("GET", "/v1/nothing/" + n, null));
                    checks.add(reply -> assertTrue(((String)reply.assertProblem(404, "NOT_FOUND", null)
                        .get("detail")).contains("/v1/nothing/" + n), reply.body()));
                }
            }
        }
        try (RawHttp raw = server.raw())
        {
            raw.write(requests.toString());
            for (int i = 0; i < checks.size(); i++)
            {
                final Reply reply = raw.read();
                assertNotNull(reply, "answer " + i);
                assertNull(reply.header("connection"), "keep-alive throughout");
                checks.get(i).accept(reply);
            }
            final Reply after = raw.exchange(RawHttp.request("GET", "/v1/stock/PP-0", null));
            assertEquals(200, after.status(), "the connection lives on after the burst");
            assertEquals(1L, after.at("totals.sellable"));
            assertTrue(!raw.closedByServer(200), "still open");
        }
    }

    @Test
    void shouldKeepOrderWhenEveryRequestGoesToTheEngine()
    {
        // Netty's HttpServerCodec refuses more than 128 requests awaiting their answers on one connection.
        final int count = 120;
        final StringBuilder requests = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            requests.append(RawHttp.request("POST", "/v1/adjustments", Json.q("{'sku':'PQ-1','location':'PQ-A'," +
                "'delta':" + (i + 1) + ",'reason':'found'}"), "Idempotency-Key", "pq-" + i));
        }
        try (RawHttp raw = server.raw())
        {
            raw.write(requests.toString());
            long previousSeq = 0;
            for (int i = 0; i < count; i++)
            {
                final Reply reply = raw.read();
                reply.assertOk(201);
                assertEquals((long)(i + 1), reply.json().get("delta"), "answer " + i + " in order");
                final long seq = reply.seq();
                assertTrue(seq > previousSeq, "journal order is request order");
                previousSeq = seq;
            }
        }
        assertEquals((long)count * (count + 1) / 2, server.stockAt("PQ-1", "PQ-A").get("sellable"));
    }

    /**
     * A refusal found while routing (a broken escape in the path) is answered in its turn among the engine's
     * answers, and the connection goes on.
     */
    @Test
    void shouldAnswerABrokenPathInItsTurnAndKeepTheConnection()
    {
        try (RawHttp raw = server.raw())
        {
            raw.write(RawHttp.request("POST", "/v1/receipts", Json.q("{'sku':'PE-1','location':'PE-A','quantity':3," +
                "'unit_cost':'1'}"), "Idempotency-Key", "pe-1") +
                RawHttp.request("GET", "/v1/stock/PE%ZZ", null) +
                RawHttp.request("GET", "/v1/stock/PE-1", null));
            raw.read().assertOk(201);
            raw.read().assertProblem(400, "INVALID_REQUEST", "sku");
            final Reply last = raw.read();
            last.assertOk(200);
            assertEquals(3L, last.at("totals.sellable"));
        }
    }

    @Test
    void shouldCloseAfterAnsweringARequestThatAsksForIt()
    {
        try (RawHttp raw = server.raw())
        {
            raw.write(RawHttp.request("POST", "/v1/receipts", Json.q("{'sku':'PC-1','location':'PC-A','quantity':2," +
                "'unit_cost':'1'}"), "Idempotency-Key", "pc-1") +
                RawHttp.request("GET", "/v1/stock/PC-1", null, "Connection", "close"));
            raw.read().assertOk(201);
            final Reply last = raw.read();
            last.assertOk(200);
            assertEquals(2L, last.at("totals.sellable"));
            assertEquals("close", last.header("connection"));
            assertTrue(raw.closedByServer(5_000));
        }
        try (RawHttp raw = server.raw())
        {
            final Reply old = raw.exchange("GET /health HTTP/1.0\r\n\r\n");
            assertEquals(200, old.status());
            assertEquals("close", old.header("connection"), "HTTP/1.0 without keep-alive closes");
            assertTrue(raw.closedByServer(5_000));
        }
    }

    /**
     * A client that pipelines past a request that closes the connection, and reads slowly: every answer owed comes,
     * then the end of the stream. The server used to close with the client's later requests unread, and the kernel's
     * reset threw away the answers still in its send buffer (RFC 9112 9.6 asks for this staged close).
     */
    @Test
    void shouldDeliverEveryAnswerBeforeClosingWhileTheClientStillSends() throws Exception
    {
        final int answered = 200;
        final StringBuilder owed = new StringBuilder();
        for (int i = 0; i < answered; i++)
        {
            owed.append(RawHttp.request("GET", "/v1/stock/PL-LINGER-" + i, null,
                i == answered - 1 ? new String[] { "Connection", "close" } : new String[0]));
        }
        final byte[] first = owed.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        final byte[] after = RawHttp.request("GET", "/v1/stock/PL-NEVER", null)
            .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        try (java.net.Socket socket = new java.net.Socket())
        {
            // A small window: the answers wait in the server's send buffer, where a reset would throw them away.
            socket.setReceiveBufferSize(4096);
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", server.port()));
            final Thread sender = new Thread(() ->
            {
                try
                {
                    socket.getOutputStream().write(first);
                    // More than the codec's queue of requests owed an answer holds (a reviewer: past it the codec
                    // failed the lingering connection, which closed with input unread after all).
                    for (int i = 0; i < 20_000; i++)
                    {
                        socket.getOutputStream().write(after);
                    }
                }
                catch (final java.io.IOException closed)
                {
                    // The server ended the connection: the rest was never to be answered.
                }
            });
            sender.start();
            Thread.sleep(500);
            // A slow reader: the last answers are still in the server's send buffer when it is done with them.
            final java.io.ByteArrayOutputStream read = new java.io.ByteArrayOutputStream();
            final byte[] chunk = new byte[1024];
            for (int n = socket.getInputStream().read(chunk); n >= 0; n = socket.getInputStream().read(chunk))
            {
                read.write(chunk, 0, n);
                Thread.sleep(10);
            }
            final byte[] all = read.toByteArray();
            sender.join(10_000);
            final String text = new String(all, java.nio.charset.StandardCharsets.ISO_8859_1);
            assertEquals(answered, text.split("HTTP/1.1 200 OK", -1).length - 1, "every answer owed, then the end");
            assertTrue(text.endsWith("}"), "the last answer whole");
            assertEquals(0, server.server.metrics().httpHandlerErrors.get(), "a client's sending is no defect");
        }
    }
}
