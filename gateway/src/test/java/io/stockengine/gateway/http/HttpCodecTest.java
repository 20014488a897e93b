package io.stockengine.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.stockengine.engine.AvailabilityWatch;
import io.stockengine.engine.Command;
import io.stockengine.gateway.ConnectionLimiter;
import io.stockengine.gateway.GatewayConfig;
import io.stockengine.gateway.GatewayMetrics;

/**
 * The server's real HTTP pipeline ({@link HttpServerInitializer}) on an embedded channel under paranoid leak
 * detection, with an engine whose answers come only when the test opens its gate: the body limit, decoder
 * failures, answer order when later requests finish first, the per-connection in-flight limit, and answers that
 * arrive after their connection closed; reading stops while the client does not take its answers, the idle timeout
 * spares a connection waiting for the engine, and a stream that is not writable is sent a resync instead of events.
 */
@Timeout(60)
class HttpCodecTest
{
    /** The most one read from a socket returns (Netty's adaptive receive buffer at its largest). */
    private static final int READ_BYTES = 64 * 1024;
    /** The shortest request the codec accepts: a one-letter method, the path "/", HTTP/1.1 and CRLFs. */
    private static final String MINIMAL = "A / HTTP/1.1\r\n\r\n";

    private GatedEngine engine;
    /** Makes the journal statistics behind /metrics throw, as a scrape during a shutdown might. */
    private boolean metricsFail;
    private EmbeddedSocketChannel channel;
    private AvailabilityHub hub;
    private GatewayMetrics metrics;

    @BeforeAll
    static void install()
    {
        LeakWatch.install();
    }

    @AfterAll
    static void leaks()
    {
        LeakWatch.assertNoLeaks();
    }

    private EmbeddedSocketChannel open(final GatewayConfig config)
    {
        engine = new GatedEngine(false);
        metrics = new GatewayMetrics();
        final Operations operations = new Operations(engine, metrics, new ZeroJournalStats()
        {
            @Override
            public long lastSeq()
            {
                if (metricsFail)
                {
                    throw new IllegalStateException("the journal's statistics are gone");
                }
                return 0;
            }
        });
        channel = new EmbeddedSocketChannel();
        hub = new AvailabilityHub(new AvailabilityWatch(), ImmediateEventExecutor.INSTANCE, metrics);
        channel.pipeline().addLast(new HttpServerInitializer(engine, config, metrics, operations,
            new ConnectionLimiter(100, metrics), hub));
        return channel;
    }

    private static GatewayConfig config()
    {
        final GatewayConfig config = new GatewayConfig();
        config.maxBodyBytes = 1024;
        return config.conclude();
    }

    @AfterEach
    void close()
    {
        if (channel != null)
        {
            answerAll();
            channel.finishAndReleaseAll();
        }
        if (engine != null)
        {
            engine.close();
        }
    }

    private void write(final String requests)
    {
        channel.writeInbound(Unpooled.copiedBuffer(requests, StandardCharsets.ISO_8859_1));
    }

    /**
     * Lets the engine answer what was published and runs the answers on the channel. The embedded channel runs
     * pending tasks inside every write, so a second queued answer would be written from within the first one's
     * write, which a real event loop never does; the tests here keep one engine command in flight at a time where
     * the channel stays open (pipelining with several is {@link PipeliningTest}'s, over a socket).
     */
    private void answerAll()
    {
        // Exactly as many passes as commands wait at the gate: a spare one would let the next request's answer
        // reach the channel during the test's own write, before it could see the connection stop reading.
        do
        {
            engine.open((int)engine.inFlight());
            engine.awaitIdle();
            channel.runPendingTasks();
        }
        while (engine.inFlight() > 0);
    }

    /**
     * Writes the bytes as a socket would deliver them: reads of at most {@link #READ_BYTES}, and none once the
     * connection stops reading. Returns what was left unread.
     */
    private String feed(final String bytes)
    {
        int at = 0;
        while (at < bytes.length() && channel.isOpen() && channel.config().isAutoRead())
        {
            final int end = Math.min(bytes.length(), at + READ_BYTES);
            write(bytes.substring(at, end));
            at = end;
        }
        return bytes.substring(at);
    }

    /** Everything the channel wrote so far, parsed. */
    private List<Reply> written()
    {
        return RawHttp.parseAll(writtenBytes());
    }

    private byte[] writtenBytes()
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Object message;
        while ((message = channel.readOutbound()) != null)
        {
            final ByteBuf buffer = (ByteBuf)message;
            final byte[] copy = new byte[buffer.readableBytes()];
            buffer.readBytes(copy);
            buffer.release();
            bytes.writeBytes(copy);
        }
        return bytes.toByteArray();
    }

    /** Makes the connection (not) writable, as a client that stops (resumes) taking its answers does. */
    private void writable(final boolean writable)
    {
        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, writable);
        // The change reaches the pipeline as a task on the channel's loop, which the embedded loop runs on demand.
        channel.runPendingTasks();
    }

    private static String receipt(final String sku, final String key)
    {
        return RawHttp.request("POST", "/v1/receipts", Json.q("{'sku':'" + sku + "','location':'HC-A','quantity':1," +
            "'unit_cost':'1'}"), "Idempotency-Key", key);
    }

    @Test
    void shouldAnswer413AndCloseForABodyOverTheLimit()
    {
        open(config());
        write(RawHttp.request("POST", "/v1/receipts", Json.q("{'sku':'" + "a".repeat(1100) + "'}"),
            "Idempotency-Key", "hc-1"));
        final List<Reply> replies = written();
        assertEquals(1, replies.size());
        replies.get(0).assertProblem(413, "PAYLOAD_TOO_LARGE", "body");
        assertEquals("close", replies.get(0).header("connection"));
        assertFalse(channel.isOpen(), "the rest of the body is never read as a request");
        assertEquals(0, engine.inFlight(), "nothing reached the engine");
    }

    @Test
    void shouldAnswer413ForAChunkedBodyThatGrowsOverTheLimit()
    {
        open(config());
        write("POST /v1/receipts HTTP/1.1\r\nHost: x\r\nIdempotency-Key: hc-2\r\nTransfer-Encoding: chunked\r\n\r\n" +
            "200\r\n" + " ".repeat(512) + "\r\n");
        assertTrue(written().isEmpty(), "under the limit so far");
        write("201\r\n" + " ".repeat(513) + "\r\n0\r\n\r\n");
        final List<Reply> replies = written();
        assertEquals(1, replies.size());
        replies.get(0).assertProblem(413, "PAYLOAD_TOO_LARGE", "body");
        assertFalse(channel.isOpen());
    }

    @Test
    void shouldAnswer400AndCloseWhenTheRequestIsNotHttp()
    {
        open(config());
        write("GARBAGE\r\n\r\n");
        final List<Reply> replies = written();
        assertEquals(1, replies.size());
        assertEquals(400, replies.get(0).status());
        assertEquals("INVALID_REQUEST", replies.get(0).json().get("code"));
        assertEquals("application/problem+json", replies.get(0).header("content-type"));
        assertEquals("close", replies.get(0).header("connection"));
        assertFalse(channel.isOpen());
    }

    @Test
    void shouldAnswer431AndCloseForHeadersOverTheLimit()
    {
        open(config());
        write(RawHttp.request("GET", "/health", null, "X-Padding", "p".repeat(20 * 1024)));
        final List<Reply> replies = written();
        assertEquals(1, replies.size());
        replies.get(0).assertProblem(431, "HEADERS_TOO_LARGE", null);
        assertFalse(channel.isOpen());
    }

    @Test
    void shouldWriteAnswersInRequestOrderWhenLaterOnesFinishFirst()
    {
        open(config());
        write(receipt("HC-1", "hc-3") +
            RawHttp.request("POST", "/v1/receipts", "{}", "Idempotency-Key", "hc-4") +
            RawHttp.request("GET", "/health", null) +
            RawHttp.request("GET", "/v1/nothing", null));
        assertTrue(written().isEmpty(), "the refusal and the operations wait behind the receipt");
        answerAll();
        final List<Reply> replies = written();
        assertEquals(4, replies.size());
        replies.get(0).assertOk(201);
        assertEquals("HC-1", replies.get(0).json().get("sku"));
        replies.get(1).assertProblem(400, "INVALID_REQUEST", "sku");
        assertEquals("UP", replies.get(2).json().get("status"));
        assertEquals(1L, replies.get(2).json().get("seq"), "health is read in its turn, after the receipt it follows");
        replies.get(3).assertProblem(404, "NOT_FOUND", null);
        assertTrue(channel.isOpen());
        write(RawHttp.request("GET", "/v1/stock/HC-1", null));
        answerAll();
        assertEquals(1L, written().get(0).at("totals.sellable"));
    }

    /**
     * An answer rendered in its turn that fails to render is answered 500 in its place: the answers behind it on the
     * connection still leave.
     */
    @Test
    void shouldAnswerAFailedRenderInItsTurnAndTheRequestsBehindIt()
    {
        open(config());
        metricsFail = true;
        write(receipt("HC-9", "hc-9") + RawHttp.request("GET", "/metrics", null) +
            RawHttp.request("GET", "/openapi.json", null));
        assertTrue(written().isEmpty(), "all wait behind the receipt");
        answerAll();
        final List<Reply> replies = written();
        assertEquals(3, replies.size(), replies.toString());
        replies.get(0).assertOk(201);
        replies.get(1).assertProblem(500, "INTERNAL_ERROR", null);
        assertEquals(200, replies.get(2).status());
        assertTrue(channel.isOpen());
    }

    /**
     * Once the journal has failed, the command it failed on is unknown (500), and everything after it, a read
     * included, is refused as not applied (503 UNAVAILABLE) with no Retry-After: it takes a restart, not a second.
     */
    @Test
    void shouldRefuseEverythingAsUnavailableWithoutRetryAfterOnceTheJournalHasStopped()
    {
        open(config());
        write(receipt("HC-10", "hc-10"));
        answerAll();
        written().get(0).assertOk(201);

        engine.failNextAppend();
        write(receipt("HC-10", "hc-11"));
        answerAll();
        written().get(0).assertProblem(500, "INTERNAL_ERROR", null);

        write(receipt("HC-10", "hc-12"));
        answerAll();
        write(RawHttp.request("GET", "/v1/stock/HC-10", null));
        answerAll();
        final List<Reply> refusedReplies = written();
        assertEquals(2, refusedReplies.size(), "the receipt and the read are each answered");
        for (final Reply refused : refusedReplies)
        {
            final Map<String, Object> problem = refused.assertProblem(503, "UNAVAILABLE", null);
            assertEquals(Responses.JOURNAL_STOPPED, problem.get("detail"));
            assertNull(refused.header("Retry-After"), refused.headers().toString());
        }
        write(RawHttp.request("GET", "/health", null));
        final Reply health = written().get(0);
        assertEquals(503, health.status());
        assertEquals("DOWN", health.at("status"));
        write(RawHttp.request("GET", "/v1/availability/stream?channel=web", null));
        written().get(0).assertProblem(503, "UNAVAILABLE", null);
        assertTrue(channel.isOpen());
        assertEquals(0, metrics.httpBadRequests.get(), "a refusal of the server's own is not a client's bad request");
    }

    /**
     * A failure of the gateway on a connection (not a request the router refused) is answered 500 and counted as the
     * defect it is: it was counted as a client's bad request, which left the defect counter short.
     */
    @Test
    void shouldCountAFailureOnTheConnectionAsAHandlerError()
    {
        open(config());
        channel.pipeline().fireExceptionCaught(new IllegalStateException("an encoder failed"));
        written().get(0).assertProblem(500, "INTERNAL_ERROR", null);
        assertEquals(1, metrics.httpHandlerErrors.get());
        assertEquals(0, metrics.httpBadRequests.get());
        assertFalse(channel.isOpen(), "what the connection was half-way through is unknown: it closes");
    }

    @Test
    void shouldStopReadingAtTheInFlightLimitAndResume()
    {
        final GatewayConfig config = config();
        config.maxHttpInFlightPerConnection = 1;
        open(config);
        assertTrue(channel.config().isAutoRead());
        for (int i = 0; i < 3; i++)
        {
            write(receipt("HC-2", "hc-5-" + i));
            assertFalse(channel.config().isAutoRead(), "at the limit: stop reading");
            answerAll();
            assertTrue(channel.config().isAutoRead(), "answered: read again");
            written().get(0).assertOk(201);
        }
    }

    /**
     * A request that does not arrive whole in time is answered 408 in its turn: after the request before it, which
     * the engine has not answered yet, and then the connection closes; the rest of it, arriving late, is not read.
     */
    @Test
    void shouldAnswerARequestThatTimedOutInItsTurnAndClose()
    {
        open(config());
        final String late = receipt("HC-12", "hc-12-late");
        write(receipt("HC-12", "hc-12") + late.substring(0, 20));
        channel.pipeline().context("deadline").fireUserEventTriggered(RequestDeadline.TIMED_OUT);
        assertTrue(written().isEmpty(), "not ahead of the answer it follows");
        write(late.substring(20));
        answerAll();
        final List<Reply> replies = written();
        assertEquals(2, replies.size(), replies.toString());
        replies.get(0).assertOk(201);
        replies.get(1).assertProblem(408, "REQUEST_TIMEOUT", null);
        assertEquals("close", replies.get(1).header("connection"));
        assertFalse(channel.isOpen());
        assertEquals(1, engine.journaledSeq(), "one command through the engine: the late request was not applied");
    }

    @Test
    void shouldCloseAfterAnsweringARequestThatAsksForIt()
    {
        open(config());
        write(receipt("HC-3", "hc-7") + RawHttp.request("GET", "/health", null, "Connection", "close"));
        assertTrue(written().isEmpty());
        answerAll();
        final List<Reply> replies = written();
        assertEquals(2, replies.size());
        replies.get(0).assertOk(201);
        assertNull(replies.get(0).header("connection"));
        assertEquals("close", replies.get(1).header("connection"));
        assertFalse(channel.isOpen());
    }

    @Test
    void shouldDropAnswersThatArriveAfterTheConnectionClosed()
    {
        open(config());
        write(receipt("HC-4", "hc-8") + receipt("HC-4", "hc-9"));
        channel.close();
        answerAll();
        assertTrue(written().isEmpty(), "nobody to answer; the buffers are released (see the leak check)");
    }

    @Test
    void shouldServeKeepAliveHttp10AndCloseHttp10WithoutIt()
    {
        open(config());
        write("GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        assertEquals(200, written().get(0).status());
        assertTrue(channel.isOpen(), "HTTP/1.0 with keep-alive stays open");
        write("GET /health HTTP/1.0\r\n\r\n");
        assertEquals(200, written().get(0).status());
        assertFalse(channel.isOpen(), "HTTP/1.0 without keep-alive closes");
    }

    @Test
    void shouldStopReadingWhileTheConnectionIsNotWritableAndResumeWhenItIs()
    {
        final GatewayConfig config = config();
        config.maxHttpInFlightPerConnection = 1;
        open(config);
        writable(false);
        assertFalse(channel.config().isAutoRead(), "the client takes no answers: stop reading");
        writable(true);
        assertTrue(channel.config().isAutoRead(), "it takes them again: read again");

        write(receipt("HC-5", "hc-10"));
        assertFalse(channel.config().isAutoRead(), "at the in-flight limit");
        writable(false);
        writable(true);
        assertFalse(channel.config().isAutoRead(), "writable again, but still at the in-flight limit");
        answerAll();
        assertTrue(channel.config().isAutoRead());
        written().get(0).assertOk(201);
    }

    @Test
    void shouldAnswerEveryRequestHeldBehindAnEngineAnswerInOrderWithoutOverflowingTheCodec()
    {
        open(config());
        final int healthChecks = 6_144;
        final String health = RawHttp.request("GET", "/health", null);
        final String rest = feed(receipt("HC-6", "hc-11") + health.repeat(healthChecks));
        assertFalse(channel.config().isAutoRead(), "health checks waiting behind the receipt count as outstanding");
        assertTrue(channel.isOpen());
        assertTrue(written().isEmpty(), "everything waits for the receipt");
        answerAll();
        assertEquals("", feed(rest), "reading resumed");
        final List<Reply> replies = written();
        assertEquals(1 + healthChecks, replies.size());
        replies.get(0).assertOk(201);
        for (int i = 1; i < replies.size(); i++)
        {
            assertEquals(200, replies.get(i).status(), replies.get(i).body());
            assertEquals("UP", replies.get(i).json().get("status"));
        }
        assertTrue(channel.isOpen());
    }

    @Test
    void shouldHoldTheRestOfAFullReadOfMinimalRequestsDecodedAfterReadingStopped()
    {
        final GatewayConfig config = config();
        open(config);
        final int limit = config.maxHttpInFlightPerConnection;
        // One outstanding short of the limit, then a full read of the shortest requests: the first reaches the limit
        // and the codec still decodes all the others of the read.
        write(receipt("HC-7", "hc-12"));
        write(MINIMAL.repeat(limit - 2));
        assertTrue(channel.config().isAutoRead());
        write(MINIMAL.repeat(READ_BYTES / MINIMAL.length()));
        assertFalse(channel.config().isAutoRead());
        assertTrue(channel.isOpen());
        assertTrue(written().isEmpty(), "everything waits for the receipt");
        answerAll();
        final List<Reply> replies = written();
        assertEquals(limit - 1 + READ_BYTES / MINIMAL.length(), replies.size());
        replies.get(0).assertOk(201);
        for (int i = 1; i < replies.size(); i++)
        {
            // The shortest request is an HTTP/1.1 one without Host: refused, and the connection stays usable.
            replies.get(i).assertProblem(400, "INVALID_REQUEST", "Host");
        }
        assertTrue(channel.isOpen());
        assertTrue(channel.config().isAutoRead());
    }

    @Test
    void shouldNotReadForAHalfReceivedBodyWhileReadingIsStopped()
    {
        final GatewayConfig config = config();
        config.maxHttpInFlightPerConnection = 1;
        open(config);
        final int[] readsWhileStopped = new int[1];
        channel.pipeline().addFirst(new ChannelOutboundHandlerAdapter()
        {
            @Override
            public void read(final ChannelHandlerContext ctx)
            {
                if (!ctx.channel().config().isAutoRead())
                {
                    readsWhileStopped[0]++;
                }
                ctx.read();
            }
        });
        final String second = receipt("HC-8", "hc-14");
        final int split = second.length() - 10;
        write(receipt("HC-8", "hc-13") + second.substring(0, split));
        assertFalse(channel.config().isAutoRead());
        assertEquals(0, readsWhileStopped[0], "a request half-way through its body does not read past the limit");
        answerAll();
        assertTrue(channel.config().isAutoRead());
        write(second.substring(split));
        answerAll();
        final List<Reply> replies = written();
        assertEquals(2, replies.size());
        replies.get(0).assertOk(201);
        replies.get(1).assertOk(201);
    }

    @Test
    void shouldNotCloseAnIdleConnectionWhileItWaitsForTheEngine()
    {
        open(config());
        write(receipt("HC-9", "hc-15") + RawHttp.request("GET", "/health", null));
        channel.pipeline().fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
        assertTrue(channel.isOpen(), "the silence is the engine's, not the client's");
        answerAll();
        final List<Reply> replies = written();
        assertEquals(2, replies.size());
        replies.get(0).assertOk(201);
        channel.pipeline().fireUserEventTriggered(IdleStateEvent.ALL_IDLE_STATE_EVENT);
        assertFalse(channel.isOpen(), "nothing outstanding: an idle connection closes");
    }

    private static Command change(final long seq, final String sku)
    {
        final Command c = new Command();
        c.changeSeq = seq;
        c.change("hc-web", sku, seq * 10);
        return c;
    }

    @Test
    void shouldSendAStreamThatIsNotWritableNoEventsAndThenOneResync()
    {
        open(config());
        write(RawHttp.request("GET", "/v1/availability/stream?channel=hc-web", null));
        assertTrue(new String(writtenBytes(), StandardCharsets.UTF_8).contains("text/event-stream"));
        hub.onChanges(change(7, "A"));
        assertTrue(new String(writtenBytes(), StandardCharsets.UTF_8).contains(
            "event: availability\nid: 7\ndata: {\"channel\":\"hc-web\",\"sku\":\"A\",\"available\":70,\"seq\":7}\n\n"));

        writable(false);
        hub.onChanges(change(8, "B"));
        hub.onChanges(change(9, "C"));
        hub.heartbeat();
        assertEquals(0, writtenBytes().length, "nothing more is queued for a client that takes nothing");

        writable(true);
        final String caughtUp = new String(writtenBytes(), StandardCharsets.UTF_8);
        assertTrue(caughtUp.contains("event: resync\nid: 9\ndata: {\"channel\":\"hc-web\",\"seq\":9}\n\n"), caughtUp);
        assertEquals(1, caughtUp.split("event: ", -1).length - 1, "one resync, no missed event: " + caughtUp);

        hub.onChanges(change(10, "D"));
        final String next = new String(writtenBytes(), StandardCharsets.UTF_8);
        assertTrue(next.contains("event: availability\nid: 10\ndata: {\"channel\":\"hc-web\",\"sku\":\"D\",\"available\":100," +
            "\"seq\":10}\n\n"), next);
        assertFalse(next.contains("resync"), "one resync was enough");
        assertTrue(channel.isOpen());
    }
}
