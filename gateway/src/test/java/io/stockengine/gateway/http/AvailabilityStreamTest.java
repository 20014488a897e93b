package io.stockengine.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /v1/availability/stream}: server-sent events of a channel's availability, over a raw connection that
 * reads the chunked stream as it comes.
 */
@Timeout(60)
class AvailabilityStreamTest
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

    /**
     * The next event (comments skipped) as its name and data. Bounded in time: the keep-alive comments would keep a
     * read that waits for an event that never comes going past any socket timeout, and a blocked read does not
     * answer JUnit's interrupt.
     */
    private static Map.Entry<String, Map<String, Object>> nextEvent(final RawHttp stream)
    {
        final long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        final java.util.Deque<String> read = UNREAD.computeIfAbsent(stream, s -> new java.util.ArrayDeque<>());
        while (true)
        {
            assertTrue(System.nanoTime() < deadline, "no event within 20 s, only keep-alive comments");
            if (read.isEmpty())
            {
                // A chunk holds whole events, one or more: the server hands a stream the events of a drain together.
                final String chunk = stream.readChunk();
                assertNotNull(chunk, "the stream ended");
                assertTrue(chunk.endsWith("\n\n"), "a chunk ends where an event does: " + chunk);
                for (final String one : chunk.split("(?<=\n\n)"))
                {
                    read.add(one);
                }
            }
            final String event = read.poll();
            if (event.startsWith(":"))
            {
                continue;
            }
            assertTrue(event.startsWith("event: ") && event.endsWith("\n\n"), event);
            final String[] lines = event.split("\n");
            assertTrue(lines[1].startsWith("id: ") && lines[2].startsWith("data: "), event);
            final Map<String, Object> data = Json.object(lines[2].substring(6));
            assertEquals(data.get("seq"), Long.parseLong(lines[1].substring(4)), "an event's id is its seq: " + event);
            return Map.entry(lines[0].substring(7), data);
        }
    }

    /** Events read from each stream and not yet taken by {@link #nextEvent}. */
    private static final Map<RawHttp, java.util.Deque<String>> UNREAD = new java.util.concurrent.ConcurrentHashMap<>();

    /** A stream of the channel's availability, its head and opening comment read. */
    private static RawHttp openStream(final String channel)
    {
        final RawHttp stream = server.raw();
        stream.write(RawHttp.request("GET", "/v1/availability/stream?channel=" + channel, null));
        assertEquals(200, stream.readHead().status());
        assertTrue(stream.readChunk().startsWith(":"), "a comment opens the stream");
        return stream;
    }

    /** Opens streams of the channel (closing each) until one opens or 5 s pass; the last status. */
    private static int awaitStreamOpens(final TestServer on, final String channel)
    {
        final long deadline = System.currentTimeMillis() + 5_000;
        int status = 0;
        while (status != 200 && System.currentTimeMillis() < deadline)
        {
            try (RawHttp stream = on.raw())
            {
                stream.write(RawHttp.request("GET", "/v1/availability/stream?channel=" + channel, null));
                status = stream.readHead().status();
            }
        }
        return status;
    }

    /** Waits up to 5 s for the server's open streams to come down to {@code expected}. */
    private static void awaitSubscribers(final long expected, final String why) throws InterruptedException
    {
        final long deadline = System.currentTimeMillis() + 5_000;
        while (server.server.availability().subscriberCount() > expected && System.currentTimeMillis() < deadline)
        {
            Thread.sleep(10);
        }
        assertEquals(expected, server.server.availability().subscriberCount(), why);
    }

    /** Streams past --max-streams are refused 503 with Retry-After; a place comes back when a stream closes. */
    @Test
    void shouldRefuseAStreamPastTheLimitAndTakeOneWhenAPlaceIsFree() throws Exception
    {
        awaitSubscribers(0, "no stream of another test left open");
        final java.nio.file.Path dir = dataDir.resolve("limited");
        final io.stockengine.gateway.GatewayConfig config = TestServer.config(dir);
        config.maxStreams = 2;
        try (TestServer limited = TestServer.start(config))
        {
            final RawHttp first = limited.raw();
            final RawHttp second = limited.raw();
            for (final RawHttp stream : new RawHttp[] { first, second })
            {
                stream.write(RawHttp.request("GET", "/v1/availability/stream?channel=ss-limit", null));
                assertEquals(200, stream.readHead().status());
            }
            try (RawHttp third = limited.raw())
            {
                third.write(RawHttp.request("GET", "/v1/availability/stream?channel=ss-limit", null));
                final Reply refused = third.read();
                refused.assertProblem(503, "UNAVAILABLE", null);
                assertEquals("1", refused.header("retry-after"));
                assertTrue(refused.body().contains("--max-streams"), refused.body());
            }
            first.close();
            assertEquals(200, awaitStreamOpens(limited, "ss-limit"), "a closed stream gives its place back");
            second.close();
        }
        // Streams of at most 32 channels at once: each channel watched costs the engine on every command.
        final io.stockengine.gateway.GatewayConfig wide = TestServer.config(dataDir.resolve("wide"));
        wide.maxStreams = 100;
        try (TestServer channels = TestServer.start(wide))
        {
            final java.util.List<RawHttp> open = new java.util.ArrayList<>();
            for (int i = 0; i < io.stockengine.engine.AvailabilityWatch.MAX_CHANNELS; i++)
            {
                final RawHttp stream = channels.raw();
                stream.write(RawHttp.request("GET", "/v1/availability/stream?channel=ss-ch-" + i, null));
                assertEquals(200, stream.readHead().status());
                open.add(stream);
            }
            final Reply refused = channels.get("/v1/availability/stream?channel=ss-ch-new");
            refused.assertProblem(503, "UNAVAILABLE", "channel");
            assertTrue(refused.body().contains("32 channels are open"), refused.body());
            try (RawHttp again = channels.raw())
            {
                again.write(RawHttp.request("GET", "/v1/availability/stream?channel=ss-ch-3", null));
                assertEquals(200, again.readHead().status(), "another stream of a channel followed already");
            }
            open.remove(0).close();
            assertEquals(200, awaitStreamOpens(channels, "ss-ch-new"), "a channel no longer followed leaves room");
            for (final RawHttp stream : open)
            {
                stream.close();
            }
        }
        final io.stockengine.gateway.GatewayConfig off = TestServer.config(dataDir.resolve("off"));
        off.maxStreams = 0;
        try (TestServer noStreams = TestServer.start(off))
        {
            final Reply refused = noStreams.get("/v1/availability/stream?channel=ss-limit");
            refused.assertProblem(404, "NOT_FOUND", null);
            assertEquals(null, refused.header("retry-after"), "not a retry away: streams are off");
            assertTrue(refused.body().contains("--max-streams 0"), refused.body());
        }
    }

    @Test
    void shouldSendAnEventForEachChangeOfTheChannelsAvailability() throws InterruptedException
    {
        try (RawHttp stream = server.raw())
        {
            stream.write(RawHttp.request("GET", "/v1/availability/stream?channel=ss-web", null));
            final Reply head = stream.readHead();
            assertEquals(200, head.status());
            assertEquals("text/event-stream", head.header("content-type"));
            assertEquals("chunked", head.header("transfer-encoding"));
            assertTrue(stream.readChunk().startsWith(":"), "a comment opens the stream");

            final long received = server.receive("SS-1", "SS-A", 5).seq();
            Map.Entry<String, Map<String, Object>> event = nextEvent(stream);
            assertEquals("availability", event.getKey());
            assertEquals(Map.of("channel", "ss-web", "sku", "SS-1", "available", 5L, "seq", received),
                event.getValue());

            final long reserved = server.put("/v1/orders/ss-o1", "{'channel':'ss-web','lines':[{'sku':'SS-1'," +
                "'quantity':2}]}").seq();
            event = nextEvent(stream);
            assertEquals(Map.of("channel", "ss-web", "sku", "SS-1", "available", 3L, "seq", reserved),
                event.getValue());

            final long configured = server.put("/v1/channels/ss-web", "{'buffer':1}").seq();
            event = nextEvent(stream);
            assertEquals("resync", event.getKey());
            assertEquals(Map.of("channel", "ss-web", "seq", configured), event.getValue());
        }
        awaitSubscribers(0, "a closed stream unsubscribes");
    }

    /**
     * A stream reads on: what its client sends is dropped (a stream is the last thing a connection does; up to a
     * limit, {@link #shouldCloseAStreamWhoseClientFloodsIt}), and its client ending its side ends the stream at
     * once, on either transport. Before, a stream stopped reading, so on NIO the server learned of a client gone only
     * at the next keep-alive comment, up to 15 s later.
     */
    @Test
    void shouldDropWhatTheClientSendsAndCloseWhenItEndsItsSide() throws InterruptedException
    {
        try (RawHttp stream = openStream("ss-in"))
        {
            final String more = RawHttp.request("POST", "/v1/receipts", Json.q("{'sku':'SS-IN','location':'SS-A'," +
                "'quantity':1,'unit_cost':'1.00'}"), "Idempotency-Key", "ss-in-r1") + "not http at all\r\n\r\n";
            for (int i = 0; i < 20; i++)
            {
                stream.write(more);
            }
            final long received = server.receive("SS-IN", "SS-A", 3).seq();
            final Map.Entry<String, Map<String, Object>> event = nextEvent(stream);
            assertEquals(Map.of("channel", "ss-in", "sku", "SS-IN", "available", 3L, "seq", received),
                event.getValue(), "the stream goes on; the receipt it was sent was not applied");
            assertEquals(3L, server.stockAt("SS-IN", "SS-A").get("sellable"));
            final long subscribed = server.server.availability().subscriberCount();
            assertTrue(subscribed >= 1);
            stream.shutdownOutput();
            awaitSubscribers(subscribed - 1, "the stream ended");
            String line;
            while ((line = stream.readLine()) != null)
            {
                assertTrue(line.isEmpty() || line.startsWith(":") || line.matches("[0-9a-f]+"), line);
            }
        }
    }

    /** A stream's client that goes on sending past 16 KiB is closed: a flood would keep an IO thread reading. */
    @Test
    void shouldCloseAStreamWhoseClientFloodsIt() throws InterruptedException
    {
        try (RawHttp stream = openStream("ss-flood"))
        {
            final long subscribed = server.server.availability().subscriberCount();
            stream.write(new byte[20 * 1024]);
            awaitSubscribers(subscribed - 1, "the stream was closed");
        }
    }

    /**
     * An EventSource that reconnects sends the id of the last event it had; what changed while it was away is not
     * kept, so it is told to re-read before anything else, and then gets the changes as they come.
     */
    @Test
    void shouldTellAClientThatReconnectsToResyncFirst()
    {
        final long before = server.receive("SS-20", "SS-A", 3).seq();
        try (RawHttp stream = server.raw())
        {
            stream.write("GET /v1/availability/stream?channel=ss-back HTTP/1.1\r\nHost: x\r\nLast-Event-ID: " +
                (before - 1) + "\r\n\r\n");
            assertEquals(200, stream.readHead().status());
            assertTrue(stream.readChunk().startsWith(":"), "a comment opens the stream");
            final Map.Entry<String, Map<String, Object>> resync = nextEvent(stream);
            assertEquals("resync", resync.getKey());
            assertTrue((Long)resync.getValue().get("seq") >= before, resync.toString());
            final long received = server.receive("SS-20", "SS-A", 2).seq();
            assertEquals(Map.of("channel", "ss-back", "sku", "SS-20", "available", 5L, "seq", received),
                nextEvent(stream).getValue());
        }
        try (RawHttp fresh = server.raw())
        {
            fresh.write(RawHttp.request("GET", "/v1/availability/stream?channel=ss-back", null));
            assertEquals(200, fresh.readHead().status());
            assertTrue(fresh.readChunk().startsWith(":"), "a comment opens the stream");
            final long received = server.receive("SS-20", "SS-A", 1).seq();
            assertEquals("availability", nextEvent(fresh).getKey(), "no resync without a Last-Event-ID");
            assertTrue(received > 0);
        }
    }

    @Test
    void shouldRefuseAStreamWithoutOneChannelOrBehindAnotherRequest()
    {
        server.get("/v1/availability/stream").assertProblem(400, "INVALID_REQUEST", "channel");
        server.get("/v1/availability/stream?channel=ss-web&sku=SS-1").assertProblem(400, "INVALID_REQUEST", "sku");
        server.get("/v1/availability/stream?channel=ss-web&at=2026-12-01").assertProblem(400, "INVALID_REQUEST", "at");
        server.get("/v1/availability/stream?channel=..").assertProblem(400, "INVALID_REQUEST", "channel");
        try (RawHttp raw = server.raw())
        {
            raw.write(RawHttp.request("GET", "/v1/stock/SS-1", null) +
                RawHttp.request("GET", "/v1/availability/stream?channel=ss-web", null));
            assertEquals(200, raw.read().status());
            raw.read().assertProblem(400, "INVALID_REQUEST", "channel");
        }
        try (RawHttp raw = server.raw())
        {
            // A body was meant for another request, as on every other GET (a tester saw this one open the stream).
            raw.write(RawHttp.request("GET", "/v1/availability/stream?channel=ss-web", "{\"channel\":\"ss-web\"}"));
            raw.read().assertProblem(400, "INVALID_REQUEST", "body");
        }
    }

    /** HTTP/1.0 has no chunked coding: the stream is the plain rest of the connection, which the server closes. */
    @Test
    void shouldStreamToAnHttp10ClientWithoutChunks()
    {
        try (RawHttp stream = server.raw())
        {
            stream.write("GET /v1/availability/stream?channel=ss-old HTTP/1.0\r\n\r\n");
            final Reply head = stream.readHead();
            assertEquals(200, head.status());
            assertNull(head.header("transfer-encoding"));
            assertEquals("close", head.header("connection"));
            assertTrue(stream.readLine().startsWith(": streaming"), "a comment opens the stream");
            assertEquals("", stream.readLine());
            final long received = server.receive("SS-10", "SS-A", 4).seq();
            assertEquals("event: availability", stream.readLine());
            assertEquals("id: " + received, stream.readLine());
            assertEquals(Map.of("channel", "ss-old", "sku", "SS-10", "available", 4L, "seq", received),
                Json.object(stream.readLine().substring("data: ".length())));
            assertEquals("", stream.readLine());
        }
    }

    /**
     * A graceful stop ends every stream as a chunked response ends, with its last chunk, then closes it: a client
     * can tell a stop from a connection cut short. Before, the connection was closed in the middle of the stream.
     */
    @Test
    void shouldEndTheStreamWithItsLastChunkWhenTheServerStops(@TempDir final Path ownDir)
    {
        final TestServer own = TestServer.start(ownDir);
        try (RawHttp stream = own.raw())
        {
            stream.write(RawHttp.request("GET", "/v1/availability/stream?channel=ss-stop", null));
            assertEquals(200, stream.readHead().status());
            assertTrue(stream.readChunk().startsWith(":"), "a comment opens the stream");
            own.close();
            assertEquals("0", stream.readLine(), "the last chunk");
            assertEquals("", stream.readLine(), "its empty trailer");
            assertNull(stream.readLine(), "then the server closed the connection");
        }
    }
}
